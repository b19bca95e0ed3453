/**
 * Instances started at the same moment on an empty database all come up: migrations and the job queues' set-up
 * take turns under one PostgreSQL advisory lock instead of racing on CREATE TABLE (or deadlocking in pg-boss).
 * Running together, they sync each agent every SYNC_INTERVAL_SECONDS, to within 2 s, and never twice at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { ApiClient, freshDatabase, rawRequest, removeTempDirs, setUpOrganization, startServer, tempDir, until, type ServerProcess } from "./server-process";

const KEY = "sk_test_startup_91d0";
const AGENTS = ["agent_tick_a", "agent_tick_b"];
const INTERVAL = 5;

const fake = new FakeElevenLabs();
const running: ServerProcess[] = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  const now = Math.floor(Date.now() / 1000);
  for (const id of AGENTS) {
    fake.addAgent(KEY, id, id);
    for (let i = 0; i < 3; i++) fake.addConversation(KEY, makeConversation(id, { conversation_id: `conv_${id}_${i}`, startUnix: now - 900 - i * 60 }));
  }
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await fake.stop();
  removeTempDirs();
}, 60_000);

describe("three instances started at once on an empty database", () => {
  it("all come up, and sync every agent on the interval, to the second", async () => {
    const db = await freshDatabase();
    try {
      const env = { ELEVENLABS_API_URL: fake.url, SYNC_INTERVAL_SECONDS: String(INTERVAL) };
      const starts = await Promise.allSettled(
        [0, 1, 2].map(async () => {
          const s = await startServer({ databaseUrl: db.url, dataDir: tempDir("vad-start-"), env });
          running.push(s);
          return s;
        }),
      );
      const failures = starts.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason).slice(0, 1500));
      expect(failures).toEqual([]);
      const servers = starts.map((r) => (r as PromiseFulfilledResult<ServerProcess>).value);
      for (const s of servers) expect((await rawRequest(`${s.url}/readyz`)).status).toBe(200);

      const api = new ApiClient(servers[0].url);
      await setUpOrganization(api, KEY, "whsec_startup");
      for (const id of AGENTS) expect((await api.call("POST", "/api/agents", { elevenLabsAgentId: id })).status).toBe(201);

      // Periodic syncs are incremental (they list with a time filter); watch four intervals.
      const starts_ = (id: string) => fake.requests.filter((r) => r.path === "/v1/convai/conversations" && r.query.agent_id === id && r.query.call_start_after_unix && !r.query.cursor).map((r) => r.at);
      await until(() => AGENTS.every((id) => starts_(id).length >= 4), 40_000, "four periodic syncs of each agent", 250);
      for (const id of AGENTS) {
        const at = starts_(id);
        const gaps = at.slice(1).map((t, i) => (t - at[i]) / 1000);
        expect(gaps.every((g) => g >= INTERVAL - 2 && g <= INTERVAL + 2), `${id}: gaps ${gaps.join(", ")} s`).toBe(true);
      }

      for (const s of servers) s.child.kill("SIGTERM");
      for (const s of servers) expect(await s.exited, s.output().slice(-2000)).toEqual({ code: 0, signal: null });
    } finally {
      await db.drop();
    }
  }, 180_000);
});
