import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { project } from "../helpers/inbox";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { FakeElevenLabs, makeConversation } from "../fake-elevenlabs/server";
import { agents, callLogs, integrations } from "../../server/db/schema";
import { syncAgent, SyncRetryLater } from "../../server/services/sync/sync-agent";
import { startJobs, cronFor } from "../../server/jobs/queue";
import { createApp } from "../../server/app";

const KEY = "sk_test_sync_1234";
const fake = new FakeElevenLabs();
let t: TestApp;
const now = Math.floor(Date.now() / 1000);

async function organizationWithAgent(agentId: string) {
  const s = await signUp(t.app);
  await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY }).expect(200);
  const res = await s.agent.post("/api/agents").send({ elevenLabsAgentId: agentId }).expect(201);
  return { ...s, organizationId: s.user.organization.id, agentId: res.body.id as string };
}

async function callCount(organizationId: string) {
  await project(t);
  const [r] = await t.deps.db.select({ n: sql<number>`count(*)` }).from(callLogs).where(eq(callLogs.organizationId, organizationId));
  return r.n;
}

async function agentRow(id: string) {
  const [row] = await t.deps.db.select().from(agents).where(eq(agents.id, id));
  return row;
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  for (const id of ["agent_backfill", "agent_resume", "agent_bad_key", "agent_limited", "agent_boss"]) fake.addAgent(KEY, id, id);
  for (let i = 0; i < 250; i++) fake.addConversation(KEY, makeConversation("agent_backfill", { conversation_id: `conv_bf_${i}`, startUnix: now - i * 600 }));
  for (let i = 0; i < 5; i++) fake.addConversation(KEY, makeConversation("agent_other_in_workspace", { startUnix: now - i }));
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("sync", () => {
  it("backfills every conversation with its detail, then does nothing twice", async () => {
    const org = await organizationWithAgent("agent_backfill");
    const result = await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "backfill" });
    expect(result).toMatchObject({ status: "done", conversations: 250, fetched: 250 });
    expect(await callCount(org.organizationId)).toBe(250);
    const [row] = await t.deps.db.select().from(callLogs).where(and(eq(callLogs.organizationId, org.organizationId), eq(callLogs.conversationId, "conv_bf_7")));
    expect(row).toMatchObject({ source: "sync", status: "done", costCredits: "480.00", summaryTitle: "Order status", agentId: org.agentId });
    expect(row.transcript).toHaveLength(6);
    const agent = await agentRow(org.agentId);
    expect(agent).toMatchObject({ syncStatus: "idle", syncError: null, syncCursor: null, name: "agent_backfill" });
    expect(agent.lastSyncedAt).not.toBeNull();
    expect(agent.syncWatermark!.getTime()).toBe(now * 1000);

    // The cached name is refreshed from ElevenLabs once it is stale, never over a name a person chose.
    fake.renameAgent(KEY, "agent_backfill", "Backfill desk");
    await t.deps.db.update(agents).set({ nameRefreshedAt: new Date(0) }).where(eq(agents.id, org.agentId));
    await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "incremental" });
    expect((await agentRow(org.agentId)).name).toBe("Backfill desk");
    await org.agent.patch(`/api/agents/${org.agentId}`).send({ name: "Mine" }).expect(200);
    await t.deps.db.update(agents).set({ nameRefreshedAt: new Date(0) }).where(eq(agents.id, org.agentId));
    await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "incremental" });
    expect((await agentRow(org.agentId)).name).toBe("Mine");

    // A second run (incremental) asks only for recent calls and fetches no detail it already holds.
    const before = fake.requests.length;
    fake.addConversation(KEY, makeConversation("agent_backfill", { conversation_id: "conv_bf_new", startUnix: now + 60 }));
    const again = await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "incremental" });
    expect(again.fetched).toBe(1);
    expect(await callCount(org.organizationId)).toBe(251);
    const list = fake.requests.slice(before).filter((r) => r.path === "/v1/convai/conversations");
    expect(list[0].query.call_start_after_unix).toBe(String(now - 3600));
    expect(fake.requests.slice(before).filter((r) => r.path.startsWith("/v1/convai/conversations/conv_bf_")).map((r) => r.path)).toEqual(["/v1/convai/conversations/conv_bf_new"]);
  });

  it("checkpoints the cursor and resumes after a failure without starting over", async () => {
    for (let i = 0; i < 230; i++) fake.addConversation(KEY, makeConversation("agent_resume", { conversation_id: `conv_rs_${i}`, startUnix: now - i * 60 }));
    const org = await organizationWithAgent("agent_resume");
    // The third page keeps failing with 500 (more than the client's retries).
    const thirdPage = Buffer.from("200").toString("base64url");
    fake.failNext(500, { times: 10, match: (path, query) => path === "/v1/convai/conversations" && query.get("cursor") === thirdPage });
    const runUntilFailure = syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "backfill" });
    await expect(runUntilFailure).rejects.toBeInstanceOf(SyncRetryLater);
    fake.clearFailures();
    const stopped = await agentRow(org.agentId);
    expect(stopped.syncStatus).toBe("error");
    expect(stopped.syncCursor).not.toBeNull();
    const storedBefore = await callCount(org.organizationId);
    expect(storedBefore).toBeGreaterThanOrEqual(100);

    const resumeFrom = fake.requests.length;
    const result = await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "incremental" });
    expect(result.status).toBe("done");
    expect(await callCount(org.organizationId)).toBe(230);
    const firstList = fake.requests.slice(resumeFrom).find((r) => r.path === "/v1/convai/conversations");
    expect(firstList?.query.cursor).toBe(stopped.syncCursor);
  });

  it("stops on a rejected key and marks the integration ERROR until the key changes", async () => {
    const org = await organizationWithAgent("agent_bad_key");
    fake.failNext(401, { body: JSON.stringify({ detail: { status: "invalid_api_key", message: "Invalid API key" } }), pathIncludes: "/v1/convai/conversations" });
    const result = await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "backfill" });
    expect(result).toMatchObject({ status: "error", reason: "invalid_api_key" });
    const [integration] = await t.deps.db.select().from(integrations).where(eq(integrations.organizationId, org.organizationId));
    expect(integration.status).toBe("ERROR");
    expect((await agentRow(org.agentId)).syncError).toMatch(/^invalid_api_key/);
    const before = fake.requests.length;
    expect((await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "incremental" })).status).toBe("skipped");
    expect(fake.requests.length).toBe(before);
    const list = await org.agent.get("/api/agents").expect(200);
    expect(list.body.data[0].sync).toMatchObject({ status: "error" });
  });

  it("backs off on 429 honouring Retry-After and retries later", async () => {
    const org = await organizationWithAgent("agent_limited");
    fake.failNext(429, { times: 5, retryAfter: 120, pathIncludes: "/v1/convai/conversations" });
    const err = await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "backfill" }).catch((e: unknown) => e);
    fake.clearFailures();
    expect(err).toBeInstanceOf(SyncRetryLater);
    expect((err as SyncRetryLater).retryAfterSeconds).toBe(120);
    const [integration] = await t.deps.db.select().from(integrations).where(eq(integrations.organizationId, org.organizationId));
    expect(integration.status).toBe("ACTIVE");
    expect(integration.syncBlockedUntil!.getTime()).toBeGreaterThan(Date.now() + 100_000);
    // While blocked, a run does not call ElevenLabs.
    const before = fake.requests.length;
    await expect(syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "incremental" })).rejects.toBeInstanceOf(SyncRetryLater);
    expect(fake.requests.length).toBe(before);
  });
});

describe("pg-boss jobs", () => {
  it("turns intervals into cron", () => {
    expect(cronFor(300)).toBe("*/5 * * * *");
    expect(cronFor(20)).toBe("*/1 * * * *");
    expect(cronFor(7200)).toBe("0 */2 * * *");
  });

  it("runs the backfill queued when an agent is registered", async () => {
    for (let i = 0; i < 12; i++) fake.addConversation(KEY, makeConversation("agent_boss", { startUnix: now - i * 30 }));
    const jobs = await startJobs({ ...t.deps, databaseUrl: t.databaseUrl });
    try {
      const app = await createApp({ ...t.deps, jobs });
      const s = await signUp(app);
      await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY }).expect(200);
      const created = await s.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_boss" }).expect(201);
      await expect.poll(() => callCount(s.user.organization.id), { timeout: 20_000, interval: 200 }).toBe(12);
      await expect.poll(async () => (await agentRow(created.body.id)).syncStatus, { timeout: 5_000 }).toBe("idle");
      const listed = await s.agent.get("/api/agents").expect(200);
      expect(listed.body.data[0]).toMatchObject({ totalCalls: 12 });
    } finally {
      await jobs.stop();
    }
  }, 30_000);
});
