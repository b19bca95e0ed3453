/**
 * kill -9 of the instance running a sync, with a second instance on the same database: other agents' syncs run at
 * once (nothing waits behind the dead process's job), and the killed sync is picked up again within two minutes and
 * continues from its checkpoint (the first page is never listed again, no conversation fetched twice beyond the
 * few in flight at the kill).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { agentSync, ApiClient, freshDatabase, removeTempDirs, setUpOrganization, startServer, tempDir, until, type ServerProcess } from "./server-process";

const KEY = "sk_test_crash_sync_5e2a";
const SLOW = "agent_crash_slow";
const QUICK = "agent_crash_quick";
const SLOW_CALLS = 300;

const fake = new FakeElevenLabs();
const running: ServerProcess[] = [];

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, SLOW, "Slow agent");
  fake.addAgent(KEY, QUICK, "Quick agent");
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < SLOW_CALLS; i++) fake.addConversation(KEY, makeConversation(SLOW, { conversation_id: `conv_slow_${i}`, startUnix: now - 600 - i * 60 }));
  for (let i = 0; i < 5; i++) fake.addConversation(KEY, makeConversation(QUICK, { conversation_id: `conv_quick_${i}`, startUnix: now - 600 - i * 60 }));
  // The slow agent's every request takes 150 ms: its backfill takes several seconds per page.
  fake.latencyFor = (path, query) => (path.includes("conv_slow_") || query.get("agent_id") === SLOW ? 150 : 0);
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill("SIGKILL");
  await Promise.all(running.map((s) => s.exited));
  await fake.stop();
  removeTempDirs();
}, 60_000);

const slowLists = () => fake.requests.filter((r) => r.path === "/v1/convai/conversations" && r.query.agent_id === SLOW);
const slowDetails = () => fake.requests.filter((r) => /^\/v1\/convai\/conversations\/conv_slow_\d+$/.test(r.path));

describe("kill -9 during a sync", () => {
  it("blocks no other agent and resumes from its checkpoint within two minutes", async () => {
    const db = await freshDatabase();
    try {
      const env = { ELEVENLABS_API_URL: fake.url };
      const first = await startServer({ databaseUrl: db.url, dataDir: tempDir("vad-crash-a-"), env });
      running.push(first);
      const api = new ApiClient(first.url);
      const { email, password } = await setUpOrganization(api, KEY, "whsec_crash");
      const slow = await api.call("POST", "/api/agents", { elevenLabsAgentId: SLOW });
      expect(slow.status).toBe(201);
      const slowId = String(slow.body.id);

      // Killed once the first page is checkpointed and the second is being fetched.
      await until(() => slowLists().some((r) => r.query.cursor) && slowDetails().length > 110, 30_000, "the second page to be under way");
      first.child.kill("SIGKILL");
      const killedAt = Date.now();
      expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
      const detailsAtKill = slowDetails().length;

      const second = await startServer({ databaseUrl: db.url, dataDir: tempDir("vad-crash-b-"), env });
      running.push(second);
      const api2 = new ApiClient(second.url);
      expect((await api2.call("POST", "/api/auth/login/password", { email, password })).status).toBe(200);
      // Someone presses "Sync now" on the slow agent, then adds another agent: that one is synced at once.
      expect((await api2.call("POST", `/api/agents/${slowId}/sync`)).status).toBe(202);
      const quick = await api2.call("POST", "/api/agents", { elevenLabsAgentId: QUICK });
      expect(quick.status).toBe(201);
      const quickAddedAt = Date.now();
      await until(async () => (await agentSync(api2, String(quick.body.id))).lastSyncedAt !== null, 20_000, "the other agent's sync", 250);
      expect(Date.now() - quickAddedAt).toBeLessThan(20_000);

      await until(async () => (await agentSync(api2, slowId)).lastSyncedAt !== null, Math.max(1, 120_000 - (Date.now() - killedAt)), "the killed sync to be picked up and finish", 500);
      expect(Date.now() - killedAt).toBeLessThan(120_000);

      // Synced conversations reach the calls through the inbox's projector: give it a moment.
      await until(async () => (await api2.call("GET", `/api/agents/${slowId}`)).body.totalCalls === SLOW_CALLS, 30_000, "every synced call to be projected", 250);
      // Continued from the checkpoint: the first page (no cursor, no time filter) was listed once, and no
      // conversation was fetched twice except those in flight when the process died.
      const fromScratch = slowLists().filter((r) => !r.query.cursor && !r.query.call_start_after_unix);
      expect(fromScratch.length).toBe(1);
      const perConversation = new Map<string, number>();
      for (const r of slowDetails()) perConversation.set(r.path, (perConversation.get(r.path) ?? 0) + 1);
      expect(perConversation.size).toBe(SLOW_CALLS);
      const twice = [...perConversation.values()].filter((n) => n > 1).length;
      expect(twice).toBeLessThanOrEqual(4);
      expect(slowDetails().length - detailsAtKill).toBeLessThanOrEqual(SLOW_CALLS - 100 + 4);

      second.child.kill("SIGTERM");
      expect(await second.exited, second.output().slice(-2000)).toEqual({ code: 0, signal: null });
    } finally {
      await db.drop();
    }
  }, 240_000);
});
