/**
 * The inbox and its projector (DESIGN.md §8): events in any order and any number of times end as one row; a later
 * event wins field by field whatever the arrival order; two instances drain one inbox without taking an event twice;
 * a failing event is retried with backoff, ends `failed` with its error and holds nothing up; sync skips what it
 * cannot read; `calls:reproject` rebuilds calls from the stored events.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { and, eq, sql } from "drizzle-orm";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import { project } from "../helpers/inbox";
import { audioEvent, deliver, failureEvent, transcriptionEvent } from "../helpers/webhooks";
import { FakeElevenLabs, fakeMp3, makeConversation, type FakeConversation } from "../fake-elevenlabs/server";
import { callLogs, webhookEvents } from "../../server/db/schema";
import { createDb, createPool } from "../../server/db/client";
import { InboxSignal, insertInboxEvent } from "../../server/services/ingestion/inbox";
import { MAX_ATTEMPTS, startProjector } from "../../server/services/ingestion/projector";
import { reprojectCalls } from "../../server/services/ingestion/reproject";
import { syncAgent } from "../../server/services/sync/sync-agent";
import { rebuildRollups } from "../../server/services/analytics/rollups";

const KEY = "sk_test_pipeline_7a7a";
const SECRET = "whsec_pipeline";
const AGENT = "agent_pipeline";

let t: TestApp;
const fake = new FakeElevenLabs();
let org: Awaited<ReturnType<typeof signUp>> & { path: string; organizationId: string; agentId: string };

beforeAll(async () => {
  await fake.start();
  fake.addWorkspace(KEY);
  fake.addAgent(KEY, AGENT, "Pipeline agent");
  t = await createTestApp({ env: { ELEVENLABS_API_URL: fake.url } });
  const s = await signUp(t.app);
  const res = await s.agent.post("/api/integrations").send({ provider: "elevenlabs", apiKey: KEY, webhookSecret: SECRET }).expect(200);
  const agent = await s.agent.post("/api/agents").send({ elevenLabsAgentId: AGENT }).expect(201);
  org = { ...s, path: new URL(res.body.webhook.url).pathname, organizationId: s.user.organization.id, agentId: agent.body.id };
});
afterAll(async () => {
  await t.close();
  await fake.stop();
});

async function row(conversationId: string) {
  const [r] = await t.deps.db.select().from(callLogs).where(and(eq(callLogs.organizationId, org.organizationId), eq(callLogs.conversationId, conversationId)));
  return r;
}

/** The row as a person sees it (no ids, timestamps of the write, or bookkeeping). */
function visible(r: typeof callLogs.$inferSelect) {
  const { id: _id, createdAt: _c, updatedAt: _u, fieldTimes: _f, search: _s, source: _source, ...rest } = r;
  return rest;
}

async function rollupsMatchCalls(): Promise<void> {
  const read = () =>
    t.deps.db.execute(sql`
      select 'hour' as kind, hour as at, elevenlabs_agent_id, sum(calls)::int c, sum(duration_seconds)::int d, sum(cost_credits)::text k
      from call_hourly_rollups where organization_id = ${org.organizationId} group by 1, 2, 3 having sum(calls) <> 0
      union all
      select 'quarter', quarter, elevenlabs_agent_id, sum(calls)::int c, sum(duration_seconds)::int d, sum(cost_credits)::text k
      from call_quarter_rollups where organization_id = ${org.organizationId} group by 1, 2, 3 having sum(calls) <> 0
      order by 1, 2, 3`);
  const live = await read();
  await rebuildRollups(t.deps.db, org.organizationId);
  const rebuilt = await read();
  expect(live.rows).toEqual(rebuilt.rows);
  expect(live.rows.some((r) => r.kind === "quarter")).toBe(live.rows.some((r) => r.kind === "hour"));
}

describe("projection", () => {
  it("builds the same row from transcription, audio and failure events in any order, any number of times", async () => {
    const mp3 = fakeMp3(8);
    let run = 0;
    const references: Record<string, ReturnType<typeof visible>> = {};
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([0, 1, 2, 0, 1, 2], { minLength: 3, maxLength: 6 }).filter((xs) => new Set(xs).size === 3),
        fc.boolean(),
        fc.constantFrom([1_763_900_100, 1_763_900_100, 1_763_900_100], [1_763_900_300, 1_763_900_200, 1_763_900_100]),
        async (order, concurrent, times) => {
          const conv = makeConversation(AGENT, { conversation_id: `conv_order_${run++}`, startUnix: 1_763_900_000 });
          const events = [transcriptionEvent(conv), audioEvent(AGENT, conv.conversation_id, mp3), failureEvent(AGENT, conv.conversation_id, "busy")].map((e, i) => ({ ...e, event_timestamp: times[i] }));
          const bodies = order.map((i) => events[i]);
          if (concurrent) await Promise.all(bodies.map((b) => deliver(t.app, org.path, b, SECRET).expect(200)));
          else for (const b of bodies) await deliver(t.app, org.path, b, SECRET).expect(200);
          await project(t);
          const r = await row(conv.conversation_id);
          const seen = { ...visible(r), conversationId: "x" };
          const key = String(times[0] - times[2]);
          references[key] ??= seen;
          expect(seen).toEqual(references[key]);
          // The transcription is the latest event (or ties with the others and outranks them): its status wins.
          expect(r).toMatchObject({ status: "done", hasAudio: true, summaryTitle: "Order status" });
        },
      ),
      { numRuns: 12 },
    );
    await rollupsMatchCalls();
  });

  it("lets the later event win field by field, whatever the arrival order; a field the later one lacks stays", async () => {
    for (const arrival of ["older-first", "newer-first"]) {
      const id = `conv_replay_${arrival}`;
      const base = makeConversation(AGENT, { conversation_id: id, startUnix: 1_763_900_000 });
      const older = { ...transcriptionEvent({ ...base, analysis: { ...base.analysis, call_summary_title: "Old title", transcript_summary: "Old summary" } }), event_timestamp: 1_763_900_500 };
      const newerConv = { ...base, analysis: { ...base.analysis, call_summary_title: "New title" }, metadata: { ...base.metadata, termination_reason: undefined } } as FakeConversation;
      delete (newerConv.analysis as Record<string, unknown>).transcript_summary;
      const newer = { ...transcriptionEvent(newerConv), event_timestamp: 1_763_900_900 };
      const sequence = arrival === "older-first" ? [older, newer] : [newer, older];
      for (const body of sequence) {
        await deliver(t.app, org.path, body, SECRET).expect(200);
        await project(t); // each projected on arrival: the replay of the older event comes last in one order
      }
      const r = await row(id);
      expect(r.summaryTitle).toBe("New title");
      expect(r.summary).toBe("Old summary");
      expect(r.terminationReason).toBe("end_call tool was called");
    }
  });
});

describe("two instances", () => {
  it("drain one inbox together: every event taken exactly once, one row per conversation", async () => {
    const conversations = Array.from({ length: 300 }, (_, i) => makeConversation(AGENT, { conversation_id: `conv_pair_${i}`, startUnix: 1_763_000_000 + i * 60 }));
    for (const c of conversations) {
      for (const event of [transcriptionEvent(c), failureEvent(AGENT, c.conversation_id, "late")]) {
        await insertInboxEvent(t.deps.db, { organizationId: org.organizationId, type: event.type, source: "webhook", conversationId: c.conversation_id, eventAt: new Date(event.event_timestamp * 1000), payload: event });
      }
    }
    const pools = [createPool(t.databaseUrl, 4), createPool(t.databaseUrl, 4)];
    const instances = pools.map((pool) => startProjector({ db: createDb(pool), log: t.deps.log, inbox: new InboxSignal() }));
    try {
      const pending = async () => (await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(webhookEvents).where(eq(webhookEvents.state, "pending")))[0].n;
      for (let i = 0; i < 600 && (await pending()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await pending()).toBe(0);
    } finally {
      await Promise.all(instances.map((p) => p.stop()));
      await Promise.all(pools.map((p) => p.end()));
    }
    expect(instances[0].taken() + instances[1].taken()).toBe(600);
    expect(instances[0].taken()).toBeGreaterThan(0);
    expect(instances[1].taken()).toBeGreaterThan(0);
    const [{ n }] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(callLogs).where(sql`${callLogs.conversationId} like 'conv_pair_%'`);
    expect(n).toBe(300);
    expect((await row("conv_pair_7")).status).toBe("done");
    await rollupsMatchCalls();
  }, 120_000);
});

describe("failures", () => {
  it("retries a failing event with backoff, marks it failed with its error, and never holds up the others", async () => {
    await t.deps.db.execute(sql`create function poison() returns trigger language plpgsql as $$ begin if new.conversation_id = 'conv_poison' then raise exception 'poisoned call'; end if; return new; end $$`);
    await t.deps.db.execute(sql`create trigger poison before insert or update on call_logs for each row execute function poison()`);
    try {
      const poison = makeConversation(AGENT, { conversation_id: "conv_poison" });
      const healthy = ["conv_healthy_1", "conv_healthy_2"].map((id) => makeConversation(AGENT, { conversation_id: id }));
      await deliver(t.app, org.path, transcriptionEvent(healthy[0]), SECRET).expect(200);
      await deliver(t.app, org.path, transcriptionEvent(poison), SECRET).expect(200);
      await deliver(t.app, org.path, transcriptionEvent(healthy[1]), SECRET).expect(200);
      await project(t);
      expect(await row("conv_healthy_1")).toBeDefined();
      expect(await row("conv_healthy_2")).toBeDefined();
      const state = async () =>
        (await t.deps.db
          .select({ state: webhookEvents.state, attempts: webhookEvents.attempts, error: webhookEvents.error, wait: sql<number>`extract(epoch from next_attempt_at - now())::float` })
          .from(webhookEvents)
          .where(eq(webhookEvents.conversationId, "conv_poison")))[0];
      const first = await state();
      expect(first).toMatchObject({ state: "pending", attempts: 1, error: expect.stringContaining("poisoned call") });
      expect(first.wait).toBeGreaterThan(3);
      let previousWait = first.wait;
      for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
        await t.deps.db.update(webhookEvents).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(webhookEvents.conversationId, "conv_poison"));
        await project(t);
        const now = await state();
        expect(now.attempts).toBe(attempt);
        if (attempt < MAX_ATTEMPTS) {
          expect(now.wait).toBeGreaterThan(previousWait); // backoff grows
          previousWait = now.wait;
        } else expect(now).toMatchObject({ state: "failed", error: expect.stringContaining("poisoned call") });
      }
    } finally {
      await t.deps.db.execute(sql`drop trigger poison on call_logs`);
      await t.deps.db.execute(sql`drop function poison()`);
    }
    // Once the cause is gone, reprojection builds the call and the event is done.
    await reprojectCalls(t.deps, { organizationId: org.organizationId });
    expect((await row("conv_poison")).summaryTitle).toBe("Order status");
    const [event] = await t.deps.db.select({ state: webhookEvents.state }).from(webhookEvents).where(eq(webhookEvents.conversationId, "conv_poison"));
    expect(event.state).toBe("processed");
  });
});

describe("sync through the inbox", () => {
  it("skips (and logs) a malformed conversation id or body in a page, and syncs the rest", async () => {
    const good = fake.addConversation(KEY, makeConversation(AGENT, { conversation_id: "conv_sync_good", startUnix: 1_763_950_000 }));
    fake.addConversation(KEY, makeConversation(AGENT, { conversation_id: "conv bad/../id", startUnix: 1_763_950_001 }));
    fake.addConversation(KEY, { ...makeConversation(AGENT, { startUnix: 1_763_950_002 }), conversation_id: 42 as unknown as string });
    const result = await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "backfill" });
    expect(result.status).toBe("done");
    await project(t);
    expect(await row(good.conversation_id)).toMatchObject({ summaryTitle: "Order status", status: "done" });
    expect(await row("conv bad/../id")).toBeUndefined();
    expect(t.logs.join("")).toContain("malformed conversation id in page; skipped");
    expect(t.logs.join("")).toContain("unreadable conversation rows in page; skipped");
    const [event] = await t.deps.db.select().from(webhookEvents).where(and(eq(webhookEvents.conversationId, good.conversation_id), eq(webhookEvents.type, "sync_conversation")));
    expect(event).toMatchObject({ source: "sync", state: "processed" });
  });

  it("ends a webhook-only call and a sync-only call of the same conversation as the same fields", async () => {
    const hooked = makeConversation(AGENT, { conversation_id: "conv_same_webhook", startUnix: 1_763_960_000 });
    await deliver(t.app, org.path, transcriptionEvent(hooked), SECRET).expect(200);
    const synced = fake.addConversation(KEY, { ...hooked, conversation_id: "conv_same_sync" });
    await syncAgent(t.deps, { organizationId: org.organizationId, agentId: org.agentId, mode: "backfill" });
    await project(t);
    const a = visible(await row(hooked.conversation_id));
    const b = visible(await row(synced.conversation_id));
    expect({ ...b, conversationId: a.conversationId }).toEqual(a);
  });
});

describe("calls:reproject", () => {
  it("rebuilds old calls from stored events after the normalizer changed, idempotently, with progress", async () => {
    const ids = ["conv_reproject_1", "conv_reproject_2"];
    for (const id of ids) await deliver(t.app, org.path, transcriptionEvent(makeConversation(AGENT, { conversation_id: id, startUnix: 1_763_970_000 })), SECRET).expect(200);
    await project(t);
    const expected = visible(await row(ids[0]));
    // The rows as an older normalizer left them: it knew nothing of summaries, titles or analysis.
    await t.deps.db
      .update(callLogs)
      .set({ summaryTitle: null, summary: null, analysis: null, fieldTimes: sql`field_times - 'summaryTitle' - 'summary' - 'analysis'` })
      .where(and(eq(callLogs.organizationId, org.organizationId), sql`${callLogs.conversationId} like 'conv_reproject_%'`));
    expect((await row(ids[0])).summaryTitle).toBeNull();

    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", "server/scripts/reproject-calls.ts", org.organizationId], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: { PATH: process.env.PATH ?? "", DATABASE_URL: t.databaseUrl, DATA_DIR: path.join(process.env.TMPDIR ?? "/tmp", "vad-reproject"), LOG_LEVEL: "silent" },
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
    });
    expect(output).toMatch(/reprojected 0\/\d+ events \(0%\)/);
    expect(output).toMatch(/reprojected (\d+)\/\1 events \(100%\)/);
    expect(visible(await row(ids[0]))).toEqual(expected);
    expect((await row(ids[1])).summaryTitle).toBe("Order status");

    const before = await t.deps.db.select().from(callLogs).where(eq(callLogs.organizationId, org.organizationId)).orderBy(callLogs.conversationId);
    await reprojectCalls(t.deps, { organizationId: org.organizationId });
    const after = await t.deps.db.select().from(callLogs).where(eq(callLogs.organizationId, org.organizationId)).orderBy(callLogs.conversationId);
    expect(after.map(visible)).toEqual(before.map(visible));
    await rollupsMatchCalls();
  }, 120_000);
});
