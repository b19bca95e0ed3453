/**
 * Retention and deletion (DESIGN.md §11): calls, audio and raw events past their cut-offs are deleted in batches,
 * usage totals (billing, analytics, rollups:rebuild) stay as they were, tombstones keep deleted calls from coming back
 * by webhook or sync, and DELETE /api/call-logs/:id does the same for one call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, count, eq, sql } from "drizzle-orm";
import type TestAgent from "supertest/lib/agent";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { insertAgent, insertCall, insertCalls, signInWithRole, type AgentRow } from "../helpers/calls";
import { audioEvent, deliver, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, fakeMp3, makeConversation } from "../fake-elevenlabs/server";
import { rebuildRollups } from "../../server/services/analytics/rollups";
import { runRetention } from "../../server/jobs/retention";
import { syncAgent } from "../../server/services/sync/sync-agent";
import { project } from "../helpers/inbox";
import { auditLog, callAudio, callAudioChunks, callLogs, callTombstones, webhookEvents } from "../../server/db/schema";

const DAY = 86_400_000;
const KEY = "sk_test_retention_1111";
const SECRET = "whsec_retention_a";

let t: TestApp;
const fake = new FakeElevenLabs();

async function rows(
  table: typeof callLogs | typeof callAudio | typeof callAudioChunks | typeof webhookEvents | typeof callTombstones,
  organizationId: string,
) {
  const [r] = await t.deps.db.select({ n: count() }).from(table).where(eq(table.organizationId, organizationId));
  return r.n;
}

async function addAudio(organizationId: string, callLogId: string) {
  await t.deps.db.insert(callAudio).values({ organizationId, callLogId, bytes: fakeMp3(4), size: fakeMp3(4).length });
  await t.deps.db.update(callLogs).set({ hasAudio: true }).where(eq(callLogs.id, callLogId));
}

async function addRawEvent(organizationId: string, conversationId: string, receivedAt: Date) {
  await t.deps.db.insert(webhookEvents).values({
    organizationId,
    type: "post_call_transcription",
    conversationId,
    receivedAt,
    signatureOk: true,
    processedAt: receivedAt,
    payload: { type: "post_call_transcription", data: { conversation_id: conversationId, secret: "content" } },
  });
}

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, "agent_ret", "Retention agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("the retention job", () => {
  let owner: TestAgent;
  let org: string;
  let agent: AgentRow;

  beforeAll(async () => {
    const s = await signUp(t.app, { organizationName: "Retention Org" });
    owner = s.agent;
    org = s.user.organization.id;
    agent = await insertAgent(t.deps.db, org, { elevenlabsAgentId: "agent_ret" });
  });

  it("deletes old calls with their audio and raw events; the month's billing and analytics stay the same", async () => {
    const now = Date.now();
    const old = new Date(now - 100 * DAY);
    // Inside an hour, around local midnights of Asia/Kathmandu (18:15 UTC) and Asia/Kolkata (18:30 UTC): the analytics
    // read quarter-hour rollups there, and call rows for the edges of an instant range.
    old.setUTCHours(18, 10, 0, 0);
    const month = old.toISOString().slice(0, 7);
    const oldCall = await insertCall(t.deps.db, org, { agent, startedAt: old, durationSeconds: 120, costCredits: 40.5, summary: "old call" });
    // 1,200 more old calls: the job works in batches of 500.
    await insertCalls(
      t.deps.db,
      org,
      Array.from({ length: 1200 }, (_, i) => ({ agent, startedAt: new Date(old.getTime() + i * 2000), durationSeconds: 30, costCredits: 1 })),
    );
    const recent = await insertCall(t.deps.db, org, { agent, startedAt: new Date(now - 2 * DAY), durationSeconds: 60, summary: "recent call" });
    await addAudio(org, oldCall.id);
    await addAudio(org, recent.id);
    await addRawEvent(org, oldCall.conversationId, new Date(now - 2 * DAY)); // young event of an old call: goes with it
    await addRawEvent(org, recent.conversationId, new Date(now - 45 * DAY)); // old event of a young call: past 30 days
    await addRawEvent(org, recent.conversationId, new Date(now - DAY));
    await rebuildRollups(t.deps.db, org);

    const billingBefore = (await owner.get("/api/billing/usage").query({ month }).expect(200)).body;
    const day = old.toISOString().slice(0, 10);
    const instants = { from: new Date(old.getTime() - 60_000).toISOString(), to: new Date(old.getTime() + 3_600_000).toISOString() };
    const analyticsBefore = (await owner.get("/api/analytics/organization").query(instants).expect(200)).body;
    const dayBefore = (await owner.get("/api/analytics/organization").query({ from: day, to: day }).expect(200)).body;
    expect(billingBefore.totals.calls).toBe(1201);
    expect(analyticsBefore.totals.calls).toBeGreaterThan(0);
    const nextDay = new Date(old.getTime() + DAY).toISOString().slice(0, 10);
    const zoned = async () => {
      const views = [];
      for (const tz of ["Asia/Kolkata", "Asia/Kathmandu"])
        for (const query of [{ ...instants, tz }, { from: day, to: nextDay, tz }]) {
          const { totals, daily } = (await owner.get("/api/analytics/organization").query(query).expect(200)).body;
          views.push({ tz, totals, daily });
        }
      return views;
    };
    const zonedBefore = await zoned();
    // Kathmandu's midnight at 18:15 UTC: the old call and 150 more (every 2 s from 18:10) on the day before it.
    expect(zonedBefore[2].daily.map((d: { calls: number }) => d.calls)).toEqual([151, 1050]);
    expect(zonedBefore[0].daily.map((d: { calls: number }) => d.calls)).toEqual([601, 600]); // Kolkata: 18:30

    await owner.patch("/api/organization").send({ retention: { callsDays: 30, rawEventsDays: 30 } }).expect(200);
    const due = (await owner.get("/api/organization/retention").expect(200)).body;
    expect(due).toMatchObject({ lastRunAt: null, lastDeleted: null, due: { calls: 1201, audio: 0, rawEvents: 1 } });
    expect(Date.parse(due.cutoffs.calls)).toBeGreaterThan(now - 31 * DAY);

    const deleted = await runRetention({ ...t.deps }, org);
    expect(deleted).toEqual({ calls: 1201, audio: 0, rawEvents: 2 });

    expect(await rows(callLogs, org)).toBe(1);
    expect(await rows(callAudio, org)).toBe(1); // the recent call's
    expect(await rows(webhookEvents, org)).toBe(1); // the recent call's young event
    expect(await rows(callTombstones, org)).toBe(1201);
    await owner.get(`/api/call-logs/${oldCall.id}`).expect(404);
    await owner.get(`/api/call-logs/${oldCall.id}/audio`).expect(404);
    expect((await owner.get("/api/call-logs").query({ q: "old" }).expect(200)).body.data).toEqual([]);

    // Usage totals are the calls that happened, whoever deleted their content.
    expect((await owner.get("/api/billing/usage").query({ month }).expect(200)).body).toEqual(billingBefore);
    expect((await owner.get("/api/analytics/organization").query(instants).expect(200)).body.totals).toEqual(analyticsBefore.totals);
    expect((await owner.get("/api/analytics/organization").query({ from: day, to: day }).expect(200)).body.totals).toEqual(dayBefore.totals);
    expect(await zoned()).toEqual(zonedBefore);
    // And stay so when the rollups are rebuilt.
    await rebuildRollups(t.deps.db, org);
    expect((await owner.get("/api/billing/usage").query({ month }).expect(200)).body).toEqual(billingBefore);
    expect(await zoned()).toEqual(zonedBefore);

    const after = (await owner.get("/api/organization/retention").expect(200)).body;
    expect(after.lastDeleted).toEqual({ calls: 1201, audio: 0, rawEvents: 2 });
    expect(after.lastRunAt).not.toBeNull();
    expect(after.due).toEqual({ calls: 0, audio: 0, rawEvents: 0 });
  });

  it("reaches calls without a start time by when they were stored", async () => {
    const s = await signUp(t.app, { organizationName: "No Start Org" });
    const orgId = s.user.organization.id;
    const stale = await insertCall(t.deps.db, orgId, { startedAt: null, status: "failed", summary: "never started" });
    const fresh = await insertCall(t.deps.db, orgId, { startedAt: null, status: "failed" });
    await t.deps.db.execute(sql`update call_logs set created_at = now() - interval '40 days' where id = ${stale.id}`);
    await addAudio(orgId, stale.id);
    await s.agent.patch("/api/organization").send({ retention: { callsDays: 30 } }).expect(200);
    expect((await s.agent.get("/api/organization/retention").expect(200)).body.due).toMatchObject({ calls: 1 });

    expect(await runRetention({ ...t.deps }, orgId)).toMatchObject({ calls: 1 });
    await s.agent.get(`/api/call-logs/${stale.id}`).expect(404);
    await s.agent.get(`/api/call-logs/${fresh.id}`).expect(200);
    expect(await rows(callAudio, orgId)).toBe(0);
  });

  it("deletes recordings past the audio retention and never fetches them back", async () => {
    const s = await signUp(t.app, { organizationName: "Audio Retention" });
    const a = await insertAgent(t.deps.db, s.user.organization.id, { elevenlabsAgentId: "agent_ret" });
    const conv = fake.addConversation(KEY, makeConversation("agent_ret"), fakeMp3(8));
    await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY }).expect(200);
    const old = await insertCall(t.deps.db, s.user.organization.id, { agent: a, conversationId: conv.conversation_id, startedAt: new Date(Date.now() - 10 * DAY) });
    const young = await insertCall(t.deps.db, s.user.organization.id, { agent: a, startedAt: new Date(Date.now() - DAY) });
    await addAudio(s.user.organization.id, old.id);
    await addAudio(s.user.organization.id, young.id);
    await s.agent.patch("/api/organization").send({ retention: { audioDays: 7 } }).expect(200);
    expect(await runRetention(t.deps, s.user.organization.id)).toMatchObject({ calls: 0, audio: 1 });
    // ElevenLabs still has it, but a call past the audio retention is not fetched again.
    await s.agent.get(`/api/call-logs/${old.id}/audio`).expect(404);
    expect((await s.agent.get(`/api/call-logs/${old.id}`).expect(200)).body.hasAudio).toBe(false);
    await s.agent.get(`/api/call-logs/${young.id}/audio`).expect(200);
  });

  it("keeps no recording when storeAudio is off: none stored from a delivery, none fetched, kept ones deleted", async () => {
    const s = await signUp(t.app);
    const orgId = s.user.organization.id;
    const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
    await s.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_ret" }).expect(201);
    const path = new URL(res.body.webhook.url).pathname;
    const kept = await insertCall(t.deps.db, orgId, { elevenlabsAgentId: "agent_ret" });
    await addAudio(orgId, kept.id);
    await s.agent.patch("/api/organization").send({ storeAudio: false }).expect(200);

    const conv = fake.addConversation(KEY, makeConversation("agent_ret"), fakeMp3(8));
    await deliver(t.app, path, transcriptionEvent(conv), SECRET).expect(200);
    await deliver(t.app, path, audioEvent("agent_ret", conv.conversation_id, fakeMp3(8)), SECRET).expect(200);
    await project(t);
    const [call] = await t.deps.db.select().from(callLogs).where(and(eq(callLogs.organizationId, orgId), eq(callLogs.conversationId, conv.conversation_id)));
    expect(call.hasAudio).toBe(false);
    const [{ n: chunks }] = await t.deps.db.select({ n: count() }).from(callAudioChunks).where(eq(callAudioChunks.organizationId, orgId));
    expect(chunks).toBe(0);
    const [{ n: stored }] = await t.deps.db.select({ n: count() }).from(callAudio).where(eq(callAudio.callLogId, call.id));
    expect(stored).toBe(0);
    const fetchesBefore = fake.requests.filter((r) => r.path.endsWith("/audio")).length;
    await s.agent.get(`/api/call-logs/${call.id}/audio`).expect(404);
    expect(fake.requests.filter((r) => r.path.endsWith("/audio")).length).toBe(fetchesBefore);

    await runRetention(t.deps, orgId);
    expect(await rows(callAudio, orgId)).toBe(0);
  });
});

describe("DELETE /api/call-logs/:id", () => {
  it("removes the call, its audio and raw events for good; audited; usage totals unchanged; admins only; foreign ids 404", async () => {
    const s = await signUp(t.app, { organizationName: "Deleting Org" });
    const orgId = s.user.organization.id;
    const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
    const registered = await s.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_ret" }).expect(201);
    const path = new URL(res.body.webhook.url).pathname;
    const conv = fake.addConversation(KEY, makeConversation("agent_ret", { durationSecs: 300 }), fakeMp3(8));
    const delivery = transcriptionEvent(conv);
    await deliver(t.app, path, delivery, SECRET).expect(200);
    await deliver(t.app, path, audioEvent("agent_ret", conv.conversation_id, fakeMp3(8)), SECRET).expect(200);
    await project(t);
    const [call] = await t.deps.db.select().from(callLogs).where(and(eq(callLogs.organizationId, orgId), eq(callLogs.conversationId, conv.conversation_id)));
    expect(await rows(callAudioChunks, orgId)).toBeGreaterThan(0);
    const month = call.startedAt!.toISOString().slice(0, 7);
    const billingBefore = (await s.agent.get("/api/billing/usage").query({ month }).expect(200)).body;
    expect(billingBefore.totals.calls).toBe(1);

    const member = await signInWithRole(t.app, t.deps.db, orgId, "member");
    await member.delete(`/api/call-logs/${call.id}`).expect(403);
    const other = await signUp(t.app);
    await other.agent.delete(`/api/call-logs/${call.id}`).expect(404);
    await s.agent.delete(`/api/call-logs/${call.id}`).expect(204);
    await s.agent.delete(`/api/call-logs/${call.id}`).expect(404);

    await s.agent.get(`/api/call-logs/${call.id}`).expect(404);
    expect((await s.agent.get("/api/call-logs").expect(200)).body.data).toEqual([]);
    expect(await rows(callAudio, orgId)).toBe(0);
    expect(await rows(callAudioChunks, orgId)).toBe(0);
    expect(await rows(webhookEvents, orgId)).toBe(0);
    expect((await s.agent.get("/api/billing/usage").query({ month }).expect(200)).body).toEqual(billingBefore);
    const [entry] = await t.deps.db.select().from(auditLog).where(and(eq(auditLog.organizationId, orgId), eq(auditLog.action, "call.deleted")));
    expect(entry.target).toContain(conv.conversation_id);

    // A retried delivery and a sync do not bring it back, and keep nothing of it.
    await deliver(t.app, path, delivery, SECRET).expect(200);
    const sync = await syncAgent(t.deps, { organizationId: orgId, agentId: registered.body.id, mode: "backfill" });
    expect(sync.status).toBe("done");
    await project(t);
    // (The fake workspace holds other tests' conversations too: sync imports those.)
    const back = await t.deps.db.select().from(callLogs).where(and(eq(callLogs.organizationId, orgId), eq(callLogs.conversationId, conv.conversation_id)));
    expect(back).toEqual([]);
    const events = await t.deps.db
      .select()
      .from(webhookEvents)
      .where(and(eq(webhookEvents.organizationId, orgId), eq(webhookEvents.conversationId, conv.conversation_id)));
    expect(events.map((e) => [e.error, e.payload])).toEqual([["ignored: call deleted", null]]);
    // The rebuild counts the deleted call as before (sync added the workspace's other calls meanwhile).
    const beforeRebuild = (await s.agent.get("/api/billing/usage").query({ month }).expect(200)).body;
    await rebuildRollups(t.deps.db, orgId);
    expect((await s.agent.get("/api/billing/usage").query({ month }).expect(200)).body).toEqual(beforeRebuild);
    const [{ n: stones }] = await t.deps.db
      .select({ n: sql<number>`count(*)` })
      .from(callTombstones)
      .where(and(eq(callTombstones.organizationId, orgId), eq(callTombstones.reason, "deleted")));
    expect(stones).toBe(1);
  });
});
