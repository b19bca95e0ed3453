/**
 * The one write path into call_logs, used by the projector (and calls:reproject) for every inbox event: one row per
 * (organization, conversation), merged field by field in event order (mergeCall), and the hourly and quarter-hour
 * usage rollups and the quality rollups adjusted in the same transaction so analytics always equal the raw rows.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/tenant";
import { agents, callAudio, callLogs, callTombstones } from "../../db/schema";
import type { QualityFact } from "../../db/schema/calls";
import { CALL_FIELD_COLUMNS, STATUS_RANK, type CallFields } from "./normalize";
import { qualityFacts, sameFacts } from "../quality-facts/quality-facts";
import { addDayRows, daysZone } from "../quality-facts/quality-days";

type CallRow = typeof callLogs.$inferSelect;
type Contribution = Pick<CallRow, "elevenlabsAgentId" | "startedAt" | "durationSeconds" | "callSuccessful" | "costCredits">;

/** `deleted`: the conversation was deleted (retention or a person) and stays deleted; nothing was written. */
export type UpsertResult = { id: string; inserted: boolean; deleted?: false } | { id: null; inserted: false; deleted: true };

function hourOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}

/** The UTC quarter-hour of an instant (server/services/analytics/rollups.ts quarterOf, in JS). */
function quarterOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 900_000) * 900_000);
}

/** Rows a rollup bucket may be split over when writers overlap. */
const ROLLUP_SHARDS = 16;

/**
 * Adds (sign 1) or removes (sign -1) one call's share of its hourly bucket, in one statement. The bucket is split
 * over shard rows: each writer takes the lowest shard no other open transaction holds (a transaction-scoped advisory
 * lock per bucket and shard, tried in order), so a quiet bucket stays one row (shard 0) and a busy one spreads over
 * as many rows as it has concurrent writers, instead of queueing every delivery on one row lock held until commit
 * (npm run bench, ingestion). Only when all shards are held does a writer wait. Readers sum the shards.
 */
function bucketKey(organizationId: string, hour: Date, elevenlabsAgentId: string): string {
  return `${organizationId}:${hour.toISOString()}:${elevenlabsAgentId}`;
}

/** The lowest shard of a bucket no other open transaction holds (this one's own locks are re-entrant). */
function shardOf(key: string) {
  return sql`coalesce(
        (select s from generate_series(0, ${ROLLUP_SHARDS - 1}) as s where pg_try_advisory_xact_lock(hashtext(${key}), s) limit 1),
        floor(random() * ${ROLLUP_SHARDS})::int
      )`;
}

/** A bucket's usage sums (one call's, signed, or a batch of new calls'); credits in cents, so sums stay exact. */
export type UsageTotals = { calls: number; durationSeconds: number; durationCalls: number; successCalls: number; failureCalls: number; creditCents: number };

async function adjustRollup(tx: Tx, organizationId: string, call: Contribution, sign: 1 | -1): Promise<void> {
  if (!call.startedAt) return;
  await addUsage(tx, organizationId, call.elevenlabsAgentId, call.startedAt, {
    calls: sign,
    durationSeconds: sign * (call.durationSeconds ?? 0),
    durationCalls: call.durationSeconds === null ? 0 : sign,
    successCalls: call.callSuccessful === "success" ? sign : 0,
    failureCalls: call.callSuccessful === "failure" ? sign : 0,
    creditCents: sign * Math.round(Number(call.costCredits ?? 0) * 100),
  });
}

/** Adds usage sums to the hourly and quarter-hour buckets of `startedAt`, in one statement. */
export async function addUsage(tx: Tx, organizationId: string, elevenlabsAgentId: string, startedAt: Date, totals: UsageTotals): Promise<void> {
  const hour = hourOf(startedAt);
  const key = bucketKey(organizationId, hour, elevenlabsAgentId);
  const credits = (totals.creditCents / 100).toFixed(2);
  const usage = sql`${totals.calls}::int, ${totals.durationSeconds}::bigint, ${totals.durationCalls}::int,
      ${totals.successCalls}::int, ${totals.failureCalls}::int, ${credits}::numeric`;
  const addExcluded = sql`calls = r.calls + excluded.calls, duration_seconds = r.duration_seconds + excluded.duration_seconds,
      duration_calls = r.duration_calls + excluded.duration_calls, success_calls = r.success_calls + excluded.success_calls,
      failure_calls = r.failure_calls + excluded.failure_calls, cost_credits = r.cost_credits + excluded.cost_credits`;
  // The hour's row and its quarter's row, on the same shard: the bucket's advisory lock covers both (and the hourly
  // table is written first, in the order rebuildRollups locks them).
  await tx.execute(sql`
    with s as (select ${shardOf(key)} as shard),
    hourly as (
      insert into call_hourly_rollups as r
        (organization_id, elevenlabs_agent_id, hour, shard, calls, duration_seconds, duration_calls, success_calls, failure_calls, cost_credits)
      select ${organizationId}::uuid, ${elevenlabsAgentId}::text, ${hour}::timestamptz, s.shard, ${usage} from s
      on conflict (organization_id, hour, elevenlabs_agent_id, shard) do update set ${addExcluded}
    )
    insert into call_quarter_rollups as r
      (organization_id, elevenlabs_agent_id, quarter, shard, calls, duration_seconds, duration_calls, success_calls, failure_calls, cost_credits)
    select ${organizationId}::uuid, ${elevenlabsAgentId}::text, ${quarterOf(startedAt)}::timestamptz, s.shard, ${usage} from s
    on conflict (organization_id, quarter, elevenlabs_agent_id, shard) do update set ${addExcluded}`);
}

/**
 * Adds (sign 1) or takes back (sign -1) a call's quality facts in its hour's bucket of call_quality_rollups, on the
 * shard its call_hourly_rollups row uses (same bucket key, so the same advisory lock), and in its local day and month
 * of call_quality_days (in the zone those rows are kept in, read FOR SHARE so a rebuild in a new zone is waited for;
 * on a shard of the organization's own). One statement.
 */
export async function addQualityFacts(
  tx: Tx,
  organizationId: string,
  call: { startedAt: Date | null; elevenlabsAgentId: string },
  facts: QualityFact[] | null,
  sign: 1 | -1,
): Promise<void> {
  if (!call.startedAt || !facts || facts.length === 0) return;
  const hour = hourOf(call.startedAt);
  const key = bucketKey(organizationId, hour, call.elevenlabsAgentId);
  await tx.execute(sql`
    with f as (
      select f.k, f.x, f.b, ${sign} * f.n as n, ${sign} * coalesce(f.t, 0) as t
      from jsonb_to_recordset(${JSON.stringify(facts)}::jsonb) as f(k text, x text, b smallint, n bigint, t numeric)
    ),
    hourly as (
      insert into call_quality_rollups as r (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, shard, n, total)
      select ${organizationId}::uuid, ${hour}::timestamptz, ${call.elevenlabsAgentId}::text, f.k, f.x, f.b, s.shard, f.n, f.t
      from f, (select ${shardOf(key)} as shard) s
      on conflict (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, shard) do update set
        n = r.n + excluded.n, total = r.total + excluded.total
    ),
    z as ${daysZone(organizationId)},
    ds as (select ${shardOf(`${organizationId}:quality-days`)} as shard),
    day_facts as (
      select (${call.startedAt}::timestamptz at time zone z.zone)::date as day, ${call.elevenlabsAgentId}::text as agent, f.k, f.x, f.b, f.n, f.t
      from f, z where z.zone is not null
    )
    ${addDayRows(organizationId, sql`day_facts`, sql`(select shard from ds)`)}`);
}

function sameContribution(a: Contribution, b: Contribution): boolean {
  return (
    a.elevenlabsAgentId === b.elevenlabsAgentId &&
    a.startedAt?.getTime() === b.startedAt?.getTime() &&
    a.durationSeconds === b.durationSeconds &&
    a.callSuccessful === b.callSuccessful &&
    Number(a.costCredits ?? 0) === Number(b.costCredits ?? 0)
  );
}

type FieldColumn = (typeof CALL_FIELD_COLUMNS)[number];

/** The columns a merge reads back (not the tsvector): every normalized field, plus what the merge derives. */
const mergeColumns = {
  id: callLogs.id,
  agentId: callLogs.agentId,
  elevenlabsAgentId: callLogs.elevenlabsAgentId,
  qualityFacts: callLogs.qualityFacts,
  fieldTimes: callLogs.fieldTimes,
  ...(Object.fromEntries(CALL_FIELD_COLUMNS.map((c) => [c, callLogs[c]])) as { [K in FieldColumn]: (typeof callLogs)[K] }),
};
type Existing = { [K in keyof typeof mergeColumns]: CallRow[K] };
type Merged = { [K in FieldColumn]: CallRow[K] } & { elevenlabsAgentId: string; qualityFacts: QualityFact[] };
export type MergedCall = { row: Merged; fieldTimes: Record<string, number> };

/** Ties at the same event time go to the kind of event that knows most about a call. */
const KIND_RANK: Record<string, number> = { post_call_audio: 1, call_initiation_failure: 2, sync_conversation: 3, post_call_transcription: 4 };

/** An event's place in merge order: its time (ms), then its kind's rank. */
export function eventOrder(eventTimeMs: number, type: string | null): number {
  return eventTimeMs * 10 + (type ? (KIND_RANK[type] ?? 0) : 0);
}

/** A value that says nothing: it never erases what another event set. */
function lacks(column: FieldColumn, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (column === "transcript") return !Array.isArray(value) || value.length === 0;
  if (column === "hasAudio") return value !== true;
  return false;
}

/**
 * The one merge rule (DESIGN.md §8): for each field an event carries, the value of the later event wins, whatever the
 * arrival order; a field the event lacks keeps what another set. "Later" is `order`: the event time, and for events of
 * the same time a fixed rank of their kinds (eventOrder), so the result never depends on arrival; an event merged
 * again (a duplicate, a reprojection) wins its own ties. `fieldTimes` remembers, per field, the order of the event
 * whose value the row holds. Status only moves forward (a call never goes back to "processing"; between final states
 * the later event decides) and audio, once there, stays.
 */
export function mergeCall(fields: CallFields, order: number, existing: Existing | null): MergedCall {
  const times: Record<string, number> = { ...(existing?.fieldTimes ?? {}) };
  const newer = (column: string) => times[column] === undefined || order >= times[column];
  const merged = {} as Record<FieldColumn, unknown>;
  for (const column of CALL_FIELD_COLUMNS) {
    const current = existing?.[column] ?? null;
    merged[column] = current;
    if (column === "status" || column === "hasAudio") continue;
    const value = fields[column] as unknown;
    if (lacks(column, value)) continue;
    if (current === null || newer(column)) {
      merged[column] = value;
      times[column] = order;
    }
  }
  // Status: the highest (rank, order) of every event wins, so it is the same in any arrival order.
  let status = existing?.status ?? null;
  if (fields.status) {
    const incomingRank = STATUS_RANK[fields.status] ?? 0;
    const currentRank = status ? (STATUS_RANK[status] ?? 0) : -1;
    if (incomingRank > currentRank || (incomingRank === currentRank && newer("status"))) {
      status = fields.status;
      times.status = order;
    }
  }
  merged.status = status ?? "processing";
  merged.hasAudio = fields.hasAudio === true || Boolean(existing?.hasAudio);
  const row = merged as Merged;
  row.elevenlabsAgentId = existing?.elevenlabsAgentId || fields.elevenlabsAgentId || "";
  row.qualityFacts = qualityFacts(row);
  return { row, fieldTimes: times };
}

/** The registered agent's id, looked up inside the write (calls of agents registered later keep a null). */
export function registeredAgent(organizationId: string, elevenlabsAgentId: string) {
  return sql`(select ${agents.id} from ${agents} where ${agents.organizationId} = ${organizationId} and ${agents.elevenlabsAgentId} = ${elevenlabsAgentId})`;
}

/**
 * A new conversation costs one insert. A known one is read back FOR UPDATE and merged: concurrent projections of the
 * same conversation wait on the unique key or the row lock, and each merges into what the other committed. `order`
 * is the event's eventOrder (the projector passes it; direct callers merge as "now").
 */
export async function upsertCall(
  tx: Tx,
  organizationId: string,
  fields: CallFields,
  source: "webhook" | "sync",
  order: number = eventOrder(Date.now(), null),
): Promise<UpsertResult> {
  const fresh = mergeCall(fields, order, null);
  for (let attempt = 0; attempt < 3; attempt++) {
    // A deleted call never comes back, whichever path brings it (DESIGN.md §11).
    const [tombstone] = await tx
      .select({ conversationId: callTombstones.conversationId })
      .from(callTombstones)
      .where(and(eq(callTombstones.organizationId, organizationId), eq(callTombstones.conversationId, fields.conversationId)));
    if (tombstone) return { id: null, inserted: false, deleted: true };
    const [inserted] = await tx
      .insert(callLogs)
      .values({
        organizationId,
        conversationId: fields.conversationId,
        source,
        agentId: registeredAgent(organizationId, fresh.row.elevenlabsAgentId),
        ...fresh.row,
        fieldTimes: fresh.fieldTimes,
      })
      .onConflictDoNothing({ target: [callLogs.organizationId, callLogs.conversationId] })
      .returning({ id: callLogs.id });
    if (inserted) {
      await adjustRollup(tx, organizationId, fresh.row, 1);
      await addQualityFacts(tx, organizationId, fresh.row, fresh.row.qualityFacts, 1);
      return { id: inserted.id, inserted: true };
    }

    const [existing] = await tx
      .select(mergeColumns)
      .from(callLogs)
      .where(and(eq(callLogs.organizationId, organizationId), eq(callLogs.conversationId, fields.conversationId)))
      .for("update");
    if (!existing) continue; // deleted between the two statements: insert again
    const { row: merged, fieldTimes } = mergeCall(fields, order, existing);
    await tx
      .update(callLogs)
      .set({
        ...merged,
        fieldTimes,
        agentId: existing.agentId ?? registeredAgent(organizationId, merged.elevenlabsAgentId),
        updatedAt: sql`now()`,
      })
      .where(and(eq(callLogs.id, existing.id), eq(callLogs.organizationId, organizationId)));
    if (!sameContribution(existing, merged)) {
      await adjustRollup(tx, organizationId, existing, -1);
      await adjustRollup(tx, organizationId, merged, 1);
    }
    const sameBucket =
      existing.elevenlabsAgentId === merged.elevenlabsAgentId && existing.startedAt?.getTime() === merged.startedAt?.getTime();
    if (!sameBucket || !sameFacts(existing.qualityFacts, merged.qualityFacts)) {
      await addQualityFacts(tx, organizationId, existing, existing.qualityFacts, -1);
      await addQualityFacts(tx, organizationId, merged, merged.qualityFacts, 1);
    }
    return { id: existing.id, inserted: false };
  }
  throw new Error("call row kept disappearing during upsert");
}

/** Stores (or replaces) a call's audio and marks the call as having it. */
export async function storeAudio(tx: Tx, organizationId: string, callLogId: string, bytes: Buffer, contentType = "audio/mpeg"): Promise<void> {
  await tx
    .insert(callAudio)
    .values({ organizationId, callLogId, bytes, size: bytes.length, contentType })
    .onConflictDoUpdate({ target: callAudio.callLogId, set: { bytes, size: bytes.length, contentType, eventId: null, createdAt: sql`now()` } });
  await tx
    .update(callLogs)
    .set({ hasAudio: true, updatedAt: sql`now()` })
    .where(and(eq(callLogs.id, callLogId), eq(callLogs.organizationId, organizationId)));
}
