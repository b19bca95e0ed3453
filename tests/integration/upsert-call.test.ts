/**
 * The one write path under concurrency, with real overlapping transactions: deliveries of different calls in the same
 * hour must not queue on one rollup row, and deliveries of the same call must merge, never duplicate or lose a field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestApp, signUp, type TestApp } from "../helpers/app";
import type { Tx } from "../../server/db/client";
import { upsertCall } from "../../server/services/ingestion/upsert-call";
import type { CallFields } from "../../server/services/ingestion/normalize";
import { rebuildRollups } from "../../server/services/analytics/rollups";

let t: TestApp;
let org: string;

beforeAll(async () => {
  t = await createTestApp();
  org = (await signUp(t.app)).user.organization.id;
});
afterAll(async () => {
  await t.close();
});

const HOUR = new Date("2026-11-20T14:00:00Z");

function call(conversationId: string, extra: Partial<CallFields> = {}): CallFields {
  return {
    elevenlabsAgentId: "agent_busy",
    conversationId,
    status: "done",
    startedAt: new Date(HOUR.getTime() + 5 * 60_000),
    durationSeconds: 60,
    callSuccessful: "success",
    costCredits: "10.00",
    ...extra,
  };
}

/** Runs `work` in a transaction that stays open (its locks held) until the returned `commit` is called. */
async function openTransaction(work: (tx: Tx) => Promise<void>) {
  let commit!: () => void;
  const held = new Promise<void>((resolve) => (commit = resolve));
  let ready!: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  const done = t.deps.tenantDb(org).transaction(async (tx) => {
    await work(tx);
    ready();
    await held;
  });
  await Promise.race([started, done]);
  return { commit: async () => (commit(), done) };
}

/** Rollup rows of a bucket, and the bucket's sums next to the raw aggregate over call_logs. */
async function bucket(hour: Date) {
  const { rows } = await t.deps.db.execute<{ shards: number; calls: number; seconds: number; ok: number; credits: string }>(sql`
    select count(*)::int as shards, coalesce(sum(calls), 0)::int as calls, coalesce(sum(duration_seconds), 0)::int as seconds,
           coalesce(sum(success_calls), 0)::int as ok, coalesce(sum(cost_credits), 0)::text as credits
    from call_hourly_rollups where organization_id = ${org} and hour = ${hour.toISOString()}::timestamptz`);
  const { rows: raw } = await t.deps.db.execute<{ calls: number; seconds: number; ok: number; credits: string }>(sql`
    select count(*)::int as calls, coalesce(sum(duration_seconds), 0)::int as seconds,
           (count(*) filter (where call_successful = 'success'))::int as ok, coalesce(sum(cost_credits), 0)::text as credits
    from call_logs where organization_id = ${org} and date_trunc('hour', started_at, 'UTC') = ${hour.toISOString()}::timestamptz`);
  const { shards, ...sums } = rows[0];
  return {
    shards,
    sums: { ...sums, credits: Number(sums.credits) },
    raw: { ...raw[0], credits: Number(raw[0].credits) },
    quarters: await quarters(hour),
  };
}

/** The hour's four quarter-hour rollups (shards summed) next to the raw aggregate of each quarter over call_logs. */
async function quarters(hour: Date) {
  const { rows } = await t.deps.db.execute<{ quarter: string; calls: number; seconds: number; ok: number; credits: string; raw: string }>(sql`
    select to_char(g.q at time zone 'UTC', 'HH24:MI') as quarter,
           coalesce(sum(r.calls), 0)::int as calls, coalesce(sum(r.duration_seconds), 0)::int as seconds,
           coalesce(sum(r.success_calls), 0)::int as ok, coalesce(sum(r.cost_credits), 0)::numeric(18,2)::text as credits,
           (select concat_ws(' ', count(*), coalesce(sum(duration_seconds), 0), count(*) filter (where call_successful = 'success'),
                             coalesce(sum(cost_credits), 0)::numeric(18,2))
            from call_logs where organization_id = ${org} and started_at >= g.q and started_at < g.q + interval '15 minutes') as raw
    from generate_series(${hour.toISOString()}::timestamptz, ${hour.toISOString()}::timestamptz + interval '45 minutes', interval '15 minutes') as g(q)
    left join call_quarter_rollups r on r.organization_id = ${org} and r.quarter = g.q
    group by g.q order by g.q`);
  return {
    rolled: rows.map((r) => `${r.quarter} ${r.calls} ${r.seconds} ${r.ok} ${r.credits}`),
    raw: rows.map((r) => `${r.quarter} ${r.raw}`),
  };
}

describe("upsertCall under concurrency", () => {
  it("adds calls of the same agent and hour from overlapping transactions without waiting for each other", async () => {
    const first = await openTransaction(async (tx) => {
      await upsertCall(tx, org, call("conv_overlap_1"), "webhook");
    });
    // The first transaction holds its rollup row until it commits. A second delivery in the same hour must not wait
    // for that: with one row per bucket it would, and the lock timeout would fail it.
    await t.deps.tenantDb(org).transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '2s'`);
      await upsertCall(tx, org, call("conv_overlap_2", { durationSeconds: 30, callSuccessful: "failure" }), "webhook");
    });
    await first.commit();

    const after = await bucket(HOUR);
    expect(after.shards).toBe(2);
    expect(after.sums).toEqual({ calls: 2, seconds: 90, ok: 1, credits: 20 });
    expect(after.sums).toEqual(after.raw);
    expect(after.quarters.rolled).toEqual(after.quarters.raw);

    // One writer at a time adds to shard 0; the rebuild folds a split bucket back into one row.
    await t.deps.tenantDb(org).transaction((tx) => upsertCall(tx, org, call("conv_overlap_3"), "sync").then(() => undefined));
    expect((await bucket(HOUR)).shards).toBe(2);
    await rebuildRollups(t.deps.db, org);
    const rebuilt = await bucket(HOUR);
    expect(rebuilt.shards).toBe(1);
    expect(rebuilt.sums).toEqual(rebuilt.raw);
    expect(rebuilt.quarters.rolled).toEqual(rebuilt.quarters.raw);
    expect(rebuilt.sums.calls).toBe(3);
  });

  it("merges two overlapping deliveries of the same conversation into one row", async () => {
    const hour = new Date("2026-11-21T09:00:00Z");
    const first = await openTransaction(async (tx) => {
      const r = await upsertCall(tx, org, call("conv_race", { startedAt: new Date(hour.getTime() + 60_000), summary: "From the transcript" }), "webhook");
      expect(r.inserted).toBe(true);
    });
    // The audio event of the same conversation waits on the unique key, then merges into what the first committed.
    const second = t.deps.tenantDb(org).transaction((tx) =>
      upsertCall(tx, org, { elevenlabsAgentId: "agent_busy", conversationId: "conv_race", hasAudio: true, status: "processing" }, "webhook"),
    );
    await first.commit();
    expect((await second).inserted).toBe(false);

    const { rows } = await t.deps.db.execute<{ n: number; summary: string; has_audio: boolean; status: string; duration_seconds: number }>(sql`
      select count(*) over () ::int as n, summary, has_audio, status, duration_seconds
      from call_logs where organization_id = ${org} and conversation_id = 'conv_race'`);
    expect(rows).toEqual([{ n: 1, summary: "From the transcript", has_audio: true, status: "done", duration_seconds: 60 }]);
    const b = await bucket(hour);
    expect(b.sums).toEqual(b.raw);
    expect(b.quarters.rolled).toEqual(b.quarters.raw);
    expect(b.sums.calls).toBe(1);
  });

  it("moves a call's share between buckets when a later delivery corrects its start time", async () => {
    const before = new Date("2026-11-22T10:00:00Z");
    const after = new Date("2026-11-22T12:00:00Z");
    const db = t.deps.tenantDb(org);
    await db.transaction((tx) => upsertCall(tx, org, call("conv_moved", { startedAt: new Date(before.getTime() + 60_000) }), "sync"));
    await db.transaction((tx) => upsertCall(tx, org, call("conv_moved", { startedAt: new Date(after.getTime() + 60_000), durationSeconds: 95 }), "webhook"));
    const [b1, b2] = [await bucket(before), await bucket(after)];
    expect(b1.sums).toEqual(b1.raw);
    expect(b1.quarters.rolled).toEqual(b1.quarters.raw);
    expect(b1.sums.calls).toBe(0);
    expect(b2.sums).toEqual(b2.raw);
    expect(b2.quarters.rolled).toEqual(b2.quarters.raw);
    expect(b2.sums).toMatchObject({ calls: 1, seconds: 95 });
  });

  it("moves a call's share between quarters of the same hour", async () => {
    const hour = new Date("2026-11-22T14:00:00Z");
    const db = t.deps.tenantDb(org);
    await db.transaction((tx) => upsertCall(tx, org, call("conv_quarter", { startedAt: new Date(hour.getTime() + 60_000) }), "sync"));
    await db.transaction((tx) => upsertCall(tx, org, call("conv_quarter", { startedAt: new Date(hour.getTime() + 31 * 60_000) }), "webhook"));
    const b = await bucket(hour);
    expect(b.sums).toEqual(b.raw);
    expect(b.sums.calls).toBe(1);
    expect(b.quarters.rolled).toEqual(b.quarters.raw);
    expect(b.quarters.rolled.map((q) => q.split(" ")[1])).toEqual(["0", "0", "1", "0"]);
  });
});
