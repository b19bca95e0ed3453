/**
 * The real server as a process: SIGTERM drains (stops accepting, finishes the request in flight, exits 0), and a
 * kill -9 right after webhook acknowledgements loses none of the acknowledged calls (they were committed first).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { transcriptionEvent } from "../helpers/webhooks";
import { ApiClient, deliverTo, freshDatabase, rawRequest, removeTempDirs, setUpOrganization, startServer, tempDir, until, type ServerProcess } from "./server-process";

const KEY = "sk_test_process_4f1d";
const SECRET = "whsec_process";
const AGENT = "agent_process";

const fake = new FakeElevenLabs();
const running: ServerProcess[] = [];

async function boot(databaseUrl: string): Promise<ServerProcess> {
  const server = await startServer({ databaseUrl, dataDir: tempDir("vad-proc-"), env: { ELEVENLABS_API_URL: fake.url } });
  running.push(server);
  return server;
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, AGENT, "Process agent");
});
afterEach(() => {
  fake.latencyMs = 0;
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await fake.stop();
  removeTempDirs();
}, 60_000);

describe("SIGTERM", () => {
  it("stops accepting, finishes the request in flight, and exits 0", async () => {
    const db = await freshDatabase();
    try {
      const server = await boot(db.url);
      const api = new ApiClient(server.url);
      await setUpOrganization(api, KEY, SECRET);

      // A request that waits on ElevenLabs: in flight for as long as the fake takes to answer.
      fake.latencyMs = 3_000;
      const before = fake.requestsFor(`/v1/convai/agents/${AGENT}`).length;
      const slow = api.call("POST", "/api/agents/validate", { elevenLabsAgentId: AGENT });
      let settled: unknown = null;
      void slow.then((r) => (settled = r));
      await until(
        () => {
          if (settled) throw new Error(`the slow request answered before reaching ElevenLabs: ${JSON.stringify(settled)}`);
          return fake.requestsFor(`/v1/convai/agents/${AGENT}`).length > before;
        },
        10_000,
        "the slow request to reach ElevenLabs",
      );

      server.child.kill("SIGTERM");
      // New connections are refused while the request in flight is still being served.
      await until(
        () =>
          rawRequest(`${server.url}/readyz`).then(
            () => false,
            (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED",
          ),
        10_000,
        "the listener to close",
      );
      expect(server.child.exitCode).toBeNull();

      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ elevenLabsAgentId: AGENT, name: "Process agent" });

      const exit = await server.exited;
      expect(exit, server.output()).toEqual({ code: 0, signal: null });
      expect(server.output()).toMatch(/shutting down/);
      expect(server.output()).toMatch(/"msg":"stopped"/);
    } finally {
      await db.drop();
    }
  }, 120_000);
});

describe("kill -9 during webhook ingestion", () => {
  it("loses no acknowledged call, even when killed between the 200 and the projection", async () => {
    const db = await freshDatabase();
    try {
      const dataDir = tempDir("vad-proc-");
      // PROJECTOR=off: this process only acknowledges, so the kill lands after every 200 and before any projection.
      const first = await startServer({ databaseUrl: db.url, dataDir, env: { ELEVENLABS_API_URL: fake.url, PROJECTOR: "off" } });
      running.push(first);
      const api = new ApiClient(first.url);
      const { email, password, webhookPath } = await setUpOrganization(api, KEY, SECRET);

      // Deliveries keep coming (4 at a time); the process is killed right after the 12th acknowledgement.
      const acknowledged: string[] = [];
      const conversations = Array.from({ length: 60 }, (_, i) => makeConversation(AGENT, { conversation_id: `conv_kill_${i}` }));
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (next < conversations.length && !killed) {
          const c = conversations[next++];
          const res = await deliverTo(first.url, webhookPath, transcriptionEvent(c), SECRET).catch(() => null);
          if (res?.status === 200) {
            acknowledged.push(c.conversation_id);
            if (acknowledged.length === 12 && !killed) {
              killed = true;
              first.child.kill("SIGKILL");
            }
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
      expect(acknowledged.length).toBeGreaterThanOrEqual(12);
      const direct = new pg.Client({ connectionString: db.url });
      await direct.connect();
      try {
        const { rows } = await direct.query<{ calls: number; pending: number }>(
          "select (select count(*)::int from call_logs) as calls, (select count(*)::int from webhook_events where state = 'pending') as pending",
        );
        expect(rows[0].calls).toBe(0);
        expect(rows[0].pending).toBeGreaterThanOrEqual(acknowledged.length);
      } finally {
        await direct.end();
      }

      const second = await startServer({ databaseUrl: db.url, dataDir, env: { ELEVENLABS_API_URL: fake.url } });
      running.push(second);
      const again = new ApiClient(second.url);
      expect((await again.call("POST", "/api/auth/login/password", { email, password })).status).toBe(200);
      const stored = new Set<string>();
      const listAll = async () => {
        let cursor: string | null = null;
        do {
          const page = await again.call("GET", `/api/call-logs?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
          expect(page.status).toBe(200);
          for (const row of page.body.data as Array<{ conversationId: string }>) stored.add(row.conversationId);
          cursor = page.body.nextCursor as string | null;
        } while (cursor);
        return acknowledged.every((id) => stored.has(id));
      };
      // The restarted instance's projector resumes with what the dead one acknowledged.
      await until(listAll, 30_000, "every acknowledged call to be projected", 250).catch(() => {});
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);

      // The restarted server keeps ingesting.
      const after = makeConversation(AGENT, { conversation_id: "conv_after_restart" });
      expect((await deliverTo(second.url, webhookPath, transcriptionEvent(after), SECRET)).status).toBe(200);
      second.child.kill("SIGTERM");
      expect(await second.exited).toEqual({ code: 0, signal: null });
    } finally {
      await db.drop();
    }
  }, 180_000);
});
