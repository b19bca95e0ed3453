/**
 * SIGTERM to one of two instances while keep-alive clients send webhooks to it and it runs a sync: it stops being
 * ready at once, each kept-alive connection gets at most the answer it was waiting for (with `Connection: close`)
 * and is closed, the senders move to the other instance (as a load balancer would) and lose no acknowledged
 * delivery, the sync checkpoints and is handed back to the other instance (which finishes it from there), and the
 * process exits 0 well within 30 s.
 */
import http from "node:http";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signatureHeader } from "../../server/elevenlabs/webhook-signature";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { transcriptionEvent } from "../helpers/webhooks";
import { agentSync, ApiClient, freshDatabase, rawRequest, removeTempDirs, setUpOrganization, startServer, tempDir, until, untilOutput, type ServerProcess } from "./server-process";

const KEY = "sk_test_sigterm_0c4b";
const SECRET = "whsec_sigterm";
const SLOW = "agent_sigterm_slow";
const SLOW_CALLS = 300;

const fake = new FakeElevenLabs();
const running: ServerProcess[] = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, SLOW, "Slow agent");
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < SLOW_CALLS; i++) fake.addConversation(KEY, makeConversation(SLOW, { conversation_id: `conv_term_${i}`, startUnix: now - 600 - i * 60 }));
  fake.latencyFor = (path, query) => (path.includes("conv_term_") || query.get("agent_id") === SLOW ? 150 : 0);
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await fake.stop();
  removeTempDirs();
}, 60_000);

type Answer = { status: number; connection: string | undefined; socket: Socket; at: number };

/** One request on a kept-alive connection of `agent`. */
function post(agent: http.Agent, url: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "elevenlabs-signature": signatureHeader(SECRET, body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: req.socket!, at: Date.now() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("SIGTERM under keep-alive traffic with a running job", () => {
  it("drains kept-alive connections, hands the sync back, and exits 0 within 30 s", async () => {
    const db = await freshDatabase();
    try {
      const env = { ELEVENLABS_API_URL: fake.url };
      const a = await startServer({ databaseUrl: db.url, dataDir: tempDir("vad-term-a-"), env });
      running.push(a);
      const api = new ApiClient(a.url);
      const { email, password, webhookPath } = await setUpOrganization(api, KEY, SECRET);
      const slow = await api.call("POST", "/api/agents", { elevenLabsAgentId: SLOW });
      expect(slow.status).toBe(201);
      const slowId = String(slow.body.id);
      await untilOutput(a, /"msg":"sync started"/, 20_000, "the backfill to start on the first instance");

      const b = await startServer({ databaseUrl: db.url, dataDir: tempDir("vad-term-b-"), env });
      running.push(b);

      // Four senders, each on one kept-alive connection to the first instance; on a refused or reset connection they
      // move to the second instance and re-send (a delivery counts only once acknowledged).
      let sigtermAt = Infinity;
      let stop = false;
      let n = 0;
      const acknowledged = new Set<string>();
      const answersOfA: Answer[] = [];
      const sender = async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        let target = a.url;
        while (!stop) {
          const id = `conv_hook_${n++}`;
          const body = JSON.stringify(transcriptionEvent(makeConversation("agent_hooks", { conversation_id: id })));
          for (;;) {
            try {
              const answer = await post(agent, `${target}${webhookPath}`, body);
              if (target === a.url) answersOfA.push(answer);
              if (answer.status === 200) acknowledged.add(id);
              await new Promise((r) => setTimeout(r, 10));
              break;
            } catch {
              target = b.url;
            }
          }
        }
        agent.destroy();
      };
      const senders = [sender(), sender(), sender(), sender()];
      await until(() => acknowledged.size >= 40, 20_000, "webhooks to flow");
      await until(() => fake.requests.some((r) => r.path === "/v1/convai/conversations" && r.query.agent_id === SLOW && r.query.cursor), 30_000, "the sync's second page");

      sigtermAt = Date.now();
      a.child.kill("SIGTERM");
      // Not ready from now on: a probe is refused or answered 503, never 200.
      await new Promise((r) => setTimeout(r, 200));
      const probe = await rawRequest(`${a.url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      expect([0, 503]).toContain(probe);

      const exit = await a.exited;
      const exitedAfter = Date.now() - sigtermAt;
      expect(exit, a.output().slice(-3000)).toEqual({ code: 0, signal: null });
      expect(exitedAfter).toBeLessThan(30_000);
      expect(a.output()).toMatch(/"msg":"stopped"/);
      expect(a.output()).not.toMatch(/shutdown cut short/);

      // Each kept-alive connection got at most the one answer in flight when the process took the signal (its log
      // line's time; plus 50 ms for answers already on their way), and that answer closed it.
      const handled = a
        .output()
        .split("\n")
        .map((line) => {
          try {
            return JSON.parse(line) as { msg?: string; time?: number };
          } catch {
            return {};
          }
        })
        .find((line) => line.msg?.startsWith("shutting down"));
      expect(handled?.time).toBeGreaterThanOrEqual(sigtermAt);
      const afterSigterm = answersOfA.filter((x) => x.at > handled!.time! + 50);
      const perSocket = new Map<Socket, number>();
      for (const answer of afterSigterm) perSocket.set(answer.socket, (perSocket.get(answer.socket) ?? 0) + 1);
      expect([...perSocket.values()].every((count) => count <= 1), `${afterSigterm.length} answers after SIGTERM`).toBe(true);
      expect(afterSigterm.filter((x) => x.connection !== "close")).toEqual([]);

      // The sync was handed back at a checkpoint and the second instance finished it from there.
      expect(a.output()).toMatch(/sync handed back at a checkpoint/);
      const api2 = new ApiClient(b.url);
      expect((await api2.call("POST", "/api/auth/login/password", { email, password })).status).toBe(200);
      await until(async () => (await agentSync(api2, slowId)).lastSyncedAt !== null, 60_000, "the handed-back sync to finish", 250);
      expect(fake.requests.filter((r) => r.path === "/v1/convai/conversations" && r.query.agent_id === SLOW && !r.query.cursor && !r.query.call_start_after_unix)).toHaveLength(1);
      // Synced conversations reach the calls through the inbox's projector: give it a moment.
      await until(async () => (await api2.call("GET", `/api/agents/${slowId}`)).body.totalCalls === SLOW_CALLS, 30_000, "every synced call to be projected", 250);

      stop = true;
      await Promise.all(senders);
      // No acknowledged delivery was lost (the projector builds the calls from the inbox, so give it time).
      const missing = async () => {
        const stored = new Set<string>();
        let cursor: string | null = null;
        do {
          const res = await api2.call("GET", `/api/call-logs?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
          expect(res.status).toBe(200);
          for (const row of res.body.data as Array<{ conversationId: string }>) stored.add(row.conversationId);
          cursor = res.body.nextCursor as string | null;
        } while (cursor);
        return [...acknowledged].filter((id) => !stored.has(id));
      };
      await until(async () => (await missing()).length === 0, 60_000, "every acknowledged delivery to be stored", 1_000).catch(() => {});
      expect(await missing()).toEqual([]);

      b.child.kill("SIGTERM");
      expect(await b.exited, b.output().slice(-2000)).toEqual({ code: 0, signal: null });
    } finally {
      await db.drop();
    }
  }, 240_000);
});
