/**
 * The one write path into call_logs. Webhooks and sync both land here, in any order and any number of times:
 * one row per (organization, conversation), fields merged so nothing known is lost, and the hourly rollup
 * adjusted in the same transaction so analytics always equal the raw rows.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { agents, callAudio, callLogs, callTombstones } from "../../db/schema";
import type { QualityFact } from "../../db/schema/calls";
import { CALL_FIELD_COLUMNS, STATUS_RANK, type CallFields } from "./normalize";
import { qualityFacts, sameFacts } from "../quality/quality-facts";

type CallRow = typeof callLogs.$inferSelect;
type Contribution = Pick<CallRow, "elevenlabsAgentId" | "startedAt" | "durationSeconds" | "callSuccessful" | "costCredits">;

/** `deleted`: the conversation was deleted (retention or a person) and stays deleted; nothing was written. */
export type UpsertResult = { id: string; inserted: boolean; deleted?: false } | { id: null; inserted: false; deleted: true };

function hourOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
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

async function adjustRollup(tx: Tx, organizationId: string, call: Contribution, sign: 1 | -1): Promise<void> {
  if (!call.startedAt) return;
  const hour = hourOf(call.startedAt);
  const key = bucketKey(organizationId, hour, call.elevenlabsAgentId);
  const credits = (sign * Number(call.costCredits ?? 0)).toFixed(2);
  await tx.execute(sql`
    insert into call_hourly_rollups as r
      (organization_id, elevenlabs_agent_id, hour, shard, calls, duration_seconds, duration_calls, success_calls, failure_calls, cost_credits)
    values (
      ${organizationId}::uuid, ${call.elevenlabsAgentId}::text, ${hour}::timestamptz,
      ${shardOf(key)},
      ${sign}::int, ${sign * (call.durationSeconds ?? 0)}::bigint, ${call.durationSeconds === null ? 0 : sign}::int,
      ${call.callSuccessful === "success" ? sign : 0}::int, ${call.callSuccessful === "failure" ? sign : 0}::int, ${credits}::numeric)
    on conflict (organization_id, hour, elevenlabs_agent_id, shard) do update set
      calls = r.calls + excluded.calls, duration_seconds = r.duration_seconds + excluded.duration_seconds,
      duration_calls = r.duration_calls + excluded.duration_calls, success_calls = r.success_calls + excluded.success_calls,
      failure_calls = r.failure_calls + excluded.failure_calls, cost_credits = r.cost_credits + excluded.cost_credits`);
}

/**
 * Adds (sign 1) or takes back (sign -1) a call's quality facts in its hour's bucket of call_quality_rollups, on the
 * shard its call_hourly_rollups row uses (same bucket key, so the same advisory lock). One statement.
 */
async function adjustQuality(
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
    insert into call_quality_rollups as r (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, shard, n, total)
    select ${organizationId}::uuid, ${hour}::timestamptz, ${call.elevenlabsAgentId}::text, f.k, f.x, f.b, s.shard,
           ${sign} * f.n, ${sign} * coalesce(f.t, 0)
    from jsonb_to_recordset(${JSON.stringify(facts)}::jsonb) as f(k text, x text, b smallint, n bigint, t numeric),
         (select ${shardOf(key)} as shard) s
    on conflict (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, shard) do update set
      n = r.n + excluded.n, total = r.total + excluded.total`);
}

function pick<T>(incoming: T | null | undefined, existing: T | null): T | null {
  return incoming === undefined || incoming === null ? existing : incoming;
}

function mergeStatus(incoming: string | null | undefined, existing: string | null): string {
  if (!incoming) return existing ?? "processing";
  if (!existing) return incoming;
  return (STATUS_RANK[incoming] ?? 0) >= (STATUS_RANK[existing] ?? 0) ? incoming : existing;
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
  ...(Object.fromEntries(CALL_FIELD_COLUMNS.map((c) => [c, callLogs[c]])) as { [K in FieldColumn]: (typeof callLogs)[K] }),
};
type Existing = { [K in keyof typeof mergeColumns]: CallRow[K] };
type Merged = { [K in FieldColumn]: CallRow[K] } & { elevenlabsAgentId: string; qualityFacts: QualityFact[] };

/** Field by field: what the incoming event knows wins, what it lacks is kept (DESIGN.md §8: a missing field never erases). */
function merge(fields: CallFields, existing: Existing | null): Merged {
  const merged = {} as Record<FieldColumn, unknown>;
  for (const column of CALL_FIELD_COLUMNS) merged[column] = pick(fields[column] as unknown, existing?.[column] ?? null);
  merged.status = mergeStatus(fields.status, existing?.status ?? null);
  merged.transcript =
    fields.transcript && fields.transcript.length > 0 ? fields.transcript : (existing?.transcript ?? fields.transcript ?? null);
  merged.hasAudio = Boolean(fields.hasAudio) || Boolean(existing?.hasAudio);
  const result = merged as Merged;
  result.elevenlabsAgentId = fields.elevenlabsAgentId || existing?.elevenlabsAgentId || "";
  result.qualityFacts = qualityFacts(result);
  return result;
}

/** The registered agent's id, looked up inside the write (calls of agents registered later keep a null). */
function registeredAgent(organizationId: string, elevenlabsAgentId: string) {
  return sql`(select ${agents.id} from ${agents} where ${agents.organizationId} = ${organizationId} and ${agents.elevenlabsAgentId} = ${elevenlabsAgentId})`;
}

/**
 * A new conversation costs one insert (the common case for webhooks). A known one is read back FOR UPDATE and
 * merged: concurrent deliveries of the same conversation (transcription and audio racing each other) wait on the
 * unique key or the row lock, and each merges into what the other committed.
 */
export async function upsertCall(tx: Tx, organizationId: string, fields: CallFields, source: "webhook" | "sync"): Promise<UpsertResult> {
  const fresh = merge(fields, null);
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
        agentId: registeredAgent(organizationId, fresh.elevenlabsAgentId),
        ...fresh,
      })
      .onConflictDoNothing({ target: [callLogs.organizationId, callLogs.conversationId] })
      .returning({ id: callLogs.id });
    if (inserted) {
      await adjustRollup(tx, organizationId, fresh, 1);
      await adjustQuality(tx, organizationId, fresh, fresh.qualityFacts, 1);
      return { id: inserted.id, inserted: true };
    }

    const [existing] = await tx
      .select(mergeColumns)
      .from(callLogs)
      .where(and(eq(callLogs.organizationId, organizationId), eq(callLogs.conversationId, fields.conversationId)))
      .for("update");
    if (!existing) continue; // deleted between the two statements: insert again
    const merged = merge(fields, existing);
    await tx
      .update(callLogs)
      .set({
        ...merged,
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
      await adjustQuality(tx, organizationId, existing, existing.qualityFacts, -1);
      await adjustQuality(tx, organizationId, merged, merged.qualityFacts, 1);
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
    .onConflictDoUpdate({ target: callAudio.callLogId, set: { bytes, size: bytes.length, contentType, createdAt: sql`now()` } });
  await tx
    .update(callLogs)
    .set({ hasAudio: true, updatedAt: sql`now()` })
    .where(and(eq(callLogs.id, callLogId), eq(callLogs.organizationId, organizationId)));
}
