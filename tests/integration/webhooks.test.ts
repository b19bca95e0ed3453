import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import request from "supertest";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { audioEvent, deliver, failureEvent, transcriptionEvent } from "../helpers/webhooks";
import { project } from "../helpers/inbox";
import { FakeElevenLabs, fakeMp3, makeConversation } from "../fake-elevenlabs/server";
import { callAudio, callHourlyRollups, callLogs, webhookEvents } from "../../server/db/schema";

const KEY = "sk_test_webhooks_1111";
const OTHER_KEY = "sk_test_webhooks_2222";
const SECRET = "whsec_org_a_secret";
const OTHER_SECRET = "whsec_org_b_secret";

let t: TestApp;

function binary(req: request.Test) {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => cb(null, Buffer.concat(chunks)));
  });
}
const fake = new FakeElevenLabs();

type Org = Awaited<ReturnType<typeof signUp>> & { path: string; organizationId: string };

async function connectedOrg(key: string, secret: string, agentId: string): Promise<Org> {
  const s = await signUp(t.app);
  const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: key, webhookSecret: secret }).expect(200);
  await s.agent.post("/api/agents").send({ elevenLabsAgentId: agentId }).expect(201);
  return { ...s, path: new URL(res.body.webhook.url).pathname, organizationId: s.user.organization.id };
}

async function counts(organizationId: string) {
  await project(t);
  const [calls] = await t.deps.db.select({ n: sql<number>`count(*)` }).from(callLogs).where(eq(callLogs.organizationId, organizationId));
  const [events] = await t.deps.db.select({ n: sql<number>`count(*)` }).from(webhookEvents).where(eq(webhookEvents.organizationId, organizationId));
  return { calls: calls.n, events: events.n };
}

async function callRow(organizationId: string, conversationId: string) {
  await project(t);
  const rows = await t.deps.db.select().from(callLogs).where(and(eq(callLogs.organizationId, organizationId), eq(callLogs.conversationId, conversationId)));
  return rows;
}

let a: Org;
let b: Org;

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY).addWorkspace(OTHER_KEY);
  fake.addAgent(KEY, "agent_hooks", "Front desk");
  fake.addAgent(KEY, "agent_later", "Registered later");
  fake.addAgent(KEY, "agent_policy", "Policy");
  fake.addAgent(OTHER_KEY, "agent_other", "Other org");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  a = await connectedOrg(KEY, SECRET, "agent_hooks");
  b = await connectedOrg(OTHER_KEY, OTHER_SECRET, "agent_other");
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

describe("webhook signature", () => {
  it("verifies with a new secret at once, and stops at once when the integration is deleted", async () => {
    const c = await connectedOrg(KEY, "whsec_before_rotation", "agent_hooks");
    const event = () => transcriptionEvent(makeConversation("agent_hooks"));
    await deliver(t.app, c.path, event(), "whsec_before_rotation").expect(200);
    await c.agent.post("/api/integrations").send({ provider: "elevenlabs", webhookSecret: "whsec_after_rotation" }).expect(200);
    await deliver(t.app, c.path, event(), "whsec_after_rotation").expect(200);
    await deliver(t.app, c.path, event(), "whsec_before_rotation").expect(401);
    await c.agent.delete("/api/integrations/elevenlabs").expect(204);
    await deliver(t.app, c.path, event(), "whsec_after_rotation").expect(401);
    expect((await counts(c.organizationId)).calls).toBe(2);
  });

  it("stores a signed post_call_transcription, normalized, and answers only after commit", async () => {
    const conv = makeConversation("agent_hooks", { startUnix: 1_763_900_000, durationSecs: 125, success: "failure" });
    const res = await deliver(t.app, a.path, transcriptionEvent(conv), SECRET).expect(200);
    expect(res.body).toEqual({ received: true });
    const [row] = await callRow(a.organizationId, conv.conversation_id);
    expect(row).toMatchObject({
      status: "done",
      durationSeconds: 125,
      callSuccessful: "failure",
      terminationReason: "end_call tool was called",
      summaryTitle: "Order status",
      costCredits: "480.00",
      source: "webhook",
      hasAudio: true,
    });
    expect(row.startedAt?.toISOString()).toBe(new Date(1_763_900_000_000).toISOString());
    expect(row.agentId).not.toBeNull();
    expect(row.transcript).toHaveLength(6);
    expect(row.transcript![0]).toMatchObject({ role: "agent", message: "Hello, thanks for calling. How can I help?", time_in_call_secs: 0 });
    expect(row.analysis).toMatchObject({ data_collection_results: { order_id: { value: "A-1042" } } });
    expect((row.metadata as { phone_call: unknown }).phone_call).toMatchObject({ direction: "inbound" });
    const [event] = await t.deps.db.select().from(webhookEvents).where(eq(webhookEvents.conversationId, conv.conversation_id));
    expect(event).toMatchObject({ type: "post_call_transcription", signatureOk: true, error: null });
    expect(event.processedAt).not.toBeNull();
  });

  it("accepts any of several v0 signatures", async () => {
    const conv = makeConversation("agent_hooks");
    const raw = JSON.stringify(transcriptionEvent(conv));
    const { signatureHeader } = await import("../../server/elevenlabs/webhook-signature");
    const good = signatureHeader(SECRET, raw);
    const header = `${good.split(",")[0]},v0=${"0".repeat(64)},${good.split(",")[1]}`;
    await deliver(t.app, a.path, raw, SECRET, { header }).expect(200);
  });

  it("rejects bad, missing, stale or foreign signatures and unknown tokens with 401, storing nothing", async () => {
    const before = await counts(a.organizationId);
    const body = transcriptionEvent(makeConversation("agent_hooks"));
    const raw = JSON.stringify(body);
    const attempts = [
      deliver(t.app, a.path, body, "wrong-secret"),
      deliver(t.app, a.path, body, OTHER_SECRET),
      deliver(t.app, a.path, body, SECRET, { timestamp: Math.floor(Date.now() / 1000) - 31 * 60 }),
      deliver(t.app, a.path, body, SECRET, { header: "t=abc,v0=zz" }),
      deliver(t.app, a.path, body, SECRET, { header: "" }),
      request(t.app).post(a.path).set("content-type", "application/json").send(raw),
      deliver(t.app, "/api/webhooks/elevenlabs/not-a-real-token-000000", body, SECRET),
      deliver(t.app, b.path, body, SECRET),
      // Signed over other bytes than those sent.
      deliver(t.app, a.path, raw + " ", SECRET, { header: (await import("../../server/elevenlabs/webhook-signature")).signatureHeader(SECRET, raw) }),
    ];
    const codes = ["invalid_signature", "invalid_signature", "stale_timestamp", "invalid_signature", "missing_signature", "missing_signature", "unknown_token", "invalid_signature", "invalid_signature"];
    const answers = await Promise.all(attempts);
    expect(answers.map((res) => [res.status, res.body.error.code])).toEqual(codes.map((code) => [401, code]));
    expect(await counts(a.organizationId)).toEqual(before);
  });

  it("answers 401 when the organization has no webhook secret", async () => {
    const s = await signUp(t.app);
    const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY }).expect(200);
    await deliver(t.app, new URL(res.body.webhook.url).pathname, transcriptionEvent(makeConversation("agent_hooks")), SECRET).expect(401);
  });

  it("stores and acknowledges signed but unusable bodies (200: ElevenLabs disables failing webhooks), as failed, with no call", async () => {
    const before = await counts(a.organizationId);
    await deliver(t.app, a.path, "{not json", SECRET).expect(200);
    await deliver(t.app, a.path, { type: "post_call_transcription", data: { agent_id: "x" } }, SECRET).expect(200);
    await deliver(t.app, a.path, { type: "post_call_audio", data: { agent_id: "agent_hooks", conversation_id: "c1", full_audio: "%%%" } }, SECRET).expect(200);
    await deliver(t.app, a.path, [1, 2], SECRET).expect(200);
    const after = await counts(a.organizationId);
    expect(after.calls).toBe(before.calls);
    expect(after.events).toBe(before.events + 4);
    const failed = await t.deps.db
      .select({ state: webhookEvents.state, error: webhookEvents.error })
      .from(webhookEvents)
      .where(eq(webhookEvents.organizationId, a.organizationId))
      .orderBy(sql`received_at desc`)
      .limit(4);
    expect(failed.map((e) => e.state)).toEqual(["failed", "failed", "failed", "failed"]);
    expect(failed.map((e) => e.error?.split(":")[0]).sort()).toEqual(["invalid_json", "invalid_payload", "invalid_payload", "invalid_payload"]);
  });

  it("finds the organization by agent on the shared URL, then requires its secret", async () => {
    const conv = makeConversation("agent_other");
    await deliver(t.app, "/api/webhooks/elevenlabs", transcriptionEvent(conv), SECRET).expect(401);
    await deliver(t.app, "/api/webhooks/elevenlabs", transcriptionEvent(conv), OTHER_SECRET).expect(200);
    expect(await callRow(b.organizationId, conv.conversation_id)).toHaveLength(1);
    expect(await callRow(a.organizationId, conv.conversation_id)).toHaveLength(0);
    await deliver(t.app, "/api/webhooks/elevenlabs", transcriptionEvent(makeConversation("agent_unknown_anywhere")), SECRET).expect(401);
  });
});

describe("merging events", () => {
  it("merges audio and transcription in either order, repeated and concurrent, into one row", async () => {
    const mp3 = fakeMp3(30);
    for (const order of ["audio-first", "transcript-first"]) {
      const conv = makeConversation("agent_hooks", { conversation_id: `conv_merge_${order}` });
      const transcription = transcriptionEvent(conv);
      const audio = audioEvent("agent_hooks", conv.conversation_id, mp3);
      const sequence = order === "audio-first" ? [audio, transcription, audio, transcription] : [transcription, audio, transcription, audio];
      const results = await Promise.all(sequence.map((body) => deliver(t.app, a.path, body, SECRET)));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const rows = await callRow(a.organizationId, conv.conversation_id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ status: "done", hasAudio: true, durationSeconds: 95, summaryTitle: "Order status" });
      expect(rows[0].transcript).toHaveLength(6);
      const [stored] = await t.deps.db.select().from(callAudio).where(eq(callAudio.callLogId, rows[0].id));
      expect(stored.size).toBe(mp3.length);
      const served = await binary(a.agent.get(`/api/call-logs/${rows[0].id}/audio`)).expect(200);
      expect(Buffer.compare(served.body as Buffer, mp3)).toBe(0);
    }
    const [event] = await t.deps.db.select().from(webhookEvents).where(and(eq(webhookEvents.conversationId, "conv_merge_audio-first"), eq(webhookEvents.type, "post_call_audio"))).limit(1);
    expect(JSON.stringify(event.payload)).not.toContain(mp3.toString("base64").slice(0, 40));
  });

  it("stores 10 concurrent identical deliveries (and a replay) as one call", async () => {
    const body = transcriptionEvent(makeConversation("agent_hooks", { conversation_id: "conv_tenfold" }));
    const raw = JSON.stringify(body);
    const { signatureHeader } = await import("../../server/elevenlabs/webhook-signature");
    const header = signatureHeader(SECRET, raw);
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(t.app, a.path, raw, SECRET, { header })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    await deliver(t.app, a.path, raw, SECRET, { header }).expect(200);
    expect(await callRow(a.organizationId, "conv_tenfold")).toHaveLength(1);
  });

  it("merges a webhook and a sync of the same conversation into one row", async () => {
    const { syncAgent } = await import("../../server/services/sync/sync-agent");
    const conv = fake.addConversation(KEY, makeConversation("agent_hooks", { conversation_id: "conv_both_paths" }));
    await deliver(t.app, a.path, transcriptionEvent(conv), SECRET).expect(200);
    const [agentRow] = (await a.agent.get("/api/agents").expect(200)).body.data.filter((x: { elevenLabsAgentId: string }) => x.elevenLabsAgentId === "agent_hooks");
    await project(t);
    await syncAgent(t.deps, { organizationId: a.organizationId, agentId: agentRow.id, mode: "backfill" });
    const rows = await callRow(a.organizationId, "conv_both_paths");
    expect(rows).toHaveLength(1);
    expect(rows[0].source).toBe("webhook");
  });

  it("never lets an earlier status or a missing field overwrite what is known", async () => {
    const conv = makeConversation("agent_hooks", { conversation_id: "conv_order_check" });
    await deliver(t.app, a.path, transcriptionEvent(conv), SECRET).expect(200);
    const partial = { ...conv, status: "processing", analysis: null, transcript: [] };
    await deliver(t.app, a.path, transcriptionEvent(partial), SECRET).expect(200);
    const [row] = await callRow(a.organizationId, conv.conversation_id);
    expect(row).toMatchObject({ status: "done", summaryTitle: "Order status", callSuccessful: "success" });
    expect(row.transcript).toHaveLength(6);
  });

  it("stores a call_initiation_failure as failed with its reason", async () => {
    await deliver(t.app, a.path, failureEvent("agent_hooks", "conv_failed_1", "busy"), SECRET).expect(200);
    const [row] = await callRow(a.organizationId, "conv_failed_1");
    expect(row).toMatchObject({ status: "failed", terminationReason: "busy" });
    expect(row.startedAt).not.toBeNull();
  });

  it("acknowledges unknown event types without storing a call", async () => {
    const before = await counts(a.organizationId);
    await deliver(t.app, a.path, { type: "something_new", event_timestamp: 1, data: { agent_id: "agent_hooks" } }, SECRET).expect(200);
    const after = await counts(a.organizationId);
    expect(after.calls).toBe(before.calls);
    expect(after.events).toBe(before.events + 1);
  });

  it("keeps calls of agents not registered yet and links them at registration", async () => {
    const conv = makeConversation("agent_later");
    await deliver(t.app, a.path, transcriptionEvent(conv), SECRET).expect(200);
    expect((await callRow(a.organizationId, conv.conversation_id))[0].agentId).toBeNull();
    const created = await a.agent.post("/api/agents").send({ elevenLabsAgentId: "agent_later" }).expect(201);
    expect((await callRow(a.organizationId, conv.conversation_id))[0].agentId).toBe(created.body.id);
  });

  it("keeps the hourly and quarter-hour rollups equal to the raw calls", async () => {
    const raw = await t.deps.db.execute<{ agent: string; hour: Date; calls: number; secs: number; ok: number; ko: number; credits: string }>(sql`
      select elevenlabs_agent_id as agent, date_trunc('hour', started_at) as hour, count(*)::int as calls,
             coalesce(sum(duration_seconds), 0)::int as secs,
             count(*) filter (where call_successful = 'success')::int as ok,
             count(*) filter (where call_successful = 'failure')::int as ko,
             coalesce(sum(cost_credits), 0)::numeric(18,2)::text as credits
      from call_logs where organization_id = ${a.organizationId} and started_at is not null
      group by 1, 2 order by 1, 2`);
    // A bucket may be split over shard rows: readers sum them.
    const r = callHourlyRollups;
    const rolled = await t.deps.db
      .select({
        elevenlabsAgentId: r.elevenlabsAgentId,
        hour: r.hour,
        calls: sql<number>`sum(${r.calls})::int`,
        durationSeconds: sql<number>`sum(${r.durationSeconds})::int`,
        successCalls: sql<number>`sum(${r.successCalls})::int`,
        failureCalls: sql<number>`sum(${r.failureCalls})::int`,
        costCredits: sql<string>`sum(${r.costCredits})::text`,
      })
      .from(r)
      .where(eq(r.organizationId, a.organizationId))
      .groupBy(r.elevenlabsAgentId, r.hour)
      .having(sql`sum(${r.calls}) <> 0`)
      .orderBy(r.elevenlabsAgentId, r.hour);
    expect(rolled.map((x) => [x.elevenlabsAgentId, x.hour.toISOString(), x.calls, x.durationSeconds, x.successCalls, x.failureCalls, Number(x.costCredits)])).toEqual(
      raw.rows.map((r) => [r.agent, new Date(r.hour).toISOString(), r.calls, r.secs, r.ok, r.ko, Number(r.credits)]),
    );
    expect(raw.rows.length).toBeGreaterThan(0);
    // And each quarter-hour rollup equal to its quarter's calls.
    const rawQuarters = await t.deps.db.execute(sql`
      select elevenlabs_agent_id, date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00') as quarter, count(*)::int as calls,
             coalesce(sum(duration_seconds), 0)::int as secs, count(duration_seconds)::int as timed,
             count(*) filter (where call_successful = 'success')::int as ok,
             count(*) filter (where call_successful = 'failure')::int as ko,
             coalesce(sum(cost_credits), 0)::numeric(18,2)::text as credits
      from call_logs where organization_id = ${a.organizationId} and started_at is not null
      group by 1, 2 order by 1, 2`);
    const rolledQuarters = await t.deps.db.execute(sql`
      select elevenlabs_agent_id, quarter, sum(calls)::int as calls, sum(duration_seconds)::int as secs, sum(duration_calls)::int as timed,
             sum(success_calls)::int as ok, sum(failure_calls)::int as ko, sum(cost_credits)::numeric(18,2)::text as credits
      from call_quarter_rollups where organization_id = ${a.organizationId}
      group by 1, 2 having sum(calls) <> 0 order by 1, 2`);
    expect(rolledQuarters.rows).toEqual(rawQuarters.rows);
  });
});

describe("database outage", () => {
  it("answers 503, never 200, when the database cannot be reached", async () => {
    const { createApp } = await import("../../server/app");
    const { createDb, createPool } = await import("../../server/db/client");
    const { freePort } = await import("../../server/db/embedded");
    const { tenantDbs } = await import("../../server/db/tenant");
    const { WebhookTokenCache } = await import("../../server/services/ingestion/webhook-token-cache");
    const pool = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/none`, 1);
    try {
      // Both handles lead nowhere (the database is down for the owner and the tenant role alike); a new app has an empty cache.
      const down = await createApp({ ...t.deps, db: createDb(pool), tenantDb: tenantDbs(pool), webhookTokens: new WebhookTokenCache() });
      const res = await deliver(down, a.path, transcriptionEvent(makeConversation("agent_hooks")), SECRET);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("database_unavailable");
      await request(down).get("/readyz").expect(503);
    } finally {
      await pool.end();
    }
  });
});

describe("the ingestion policy, read with the webhook token", () => {
  it("applies redaction switched on a moment ago, although the token (and its policy) were just cached", async () => {
    const org = await connectedOrg(KEY, "whsec_policy_secret", "agent_policy");
    const first = makeConversation("agent_policy", { turns: 2 });
    first.transcript[1].message = "write to before.policy@example.com";
    await deliver(t.app, org.path, transcriptionEvent(first), "whsec_policy_secret").expect(200);
    await org.agent.patch("/api/organization").send({ redaction: { enabled: true } }).expect(200);
    const second = makeConversation("agent_policy", { turns: 2 });
    second.transcript[1].message = "write to after.policy@example.com";
    await deliver(t.app, org.path, transcriptionEvent(second), "whsec_policy_secret").expect(200);
    const stored = await t.deps.db
      .select({ conversationId: webhookEvents.conversationId, payload: sql<string>`${webhookEvents.payload}::text` })
      .from(webhookEvents)
      .where(eq(webhookEvents.organizationId, org.organizationId));
    const byConversation = new Map(stored.map((r) => [r.conversationId, r.payload]));
    expect(byConversation.get(first.conversation_id)).toContain("before.policy@example.com");
    expect(byConversation.get(second.conversation_id)).not.toContain("after.policy@example.com");
  });
});
