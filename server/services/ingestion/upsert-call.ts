/**
 * The one write path into call_logs. Webhooks and sync both land here, in any order and any number of times:
 * one row per (organization, conversation), fields merged so nothing known is lost, and the hourly rollup
 * adjusted in the same transaction so analytics always equal the raw rows.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { agents, callAudio, callLogs, callTombstones } from "../../db/schema";
import { STATUS_RANK, type CallFields } from "./normalize";

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
async function adjustRollup(tx: Tx, organizationId: string, call: Contribution, sign: 1 | -1): Promise<void> {
  if (!call.startedAt) return;
  const hour = hourOf(call.startedAt);
  const key = `${organizationId}:${hour.toISOString()}:${call.elevenlabsAgentId}`;
  const credits = (sign * Number(call.costCredits ?? 0)).toFixed(2);
  await tx.execute(sql`
    insert into call_hourly_rollups as r
      (organization_id, elevenlabs_agent_id, hour, shard, calls, duration_seconds, duration_calls, success_calls, failure_calls, cost_credits)
    values (
      ${organizationId}::uuid, ${call.elevenlabsAgentId}::text, ${hour}::timestamptz,
      coalesce(
        (select s from generate_series(0, ${ROLLUP_SHARDS - 1}) as s where pg_try_advisory_xact_lock(hashtext(${key}), s) limit 1),
        floor(random() * ${ROLLUP_SHARDS})::int
      ),
      ${sign}::int, ${sign * (call.durationSeconds ?? 0)}::bigint, ${call.durationSeconds === null ? 0 : sign}::int,
      ${call.callSuccessful === "success" ? sign : 0}::int, ${call.callSuccessful === "failure" ? sign : 0}::int, ${credits}::numeric)
    on conflict (organization_id, hour, elevenlabs_agent_id, shard) do update set
      calls = r.calls + excluded.calls, duration_seconds = r.duration_seconds + excluded.duration_seconds,
      duration_calls = r.duration_calls + excluded.duration_calls, success_calls = r.success_calls + excluded.success_calls,
      failure_calls = r.failure_calls + excluded.failure_calls, cost_credits = r.cost_credits + excluded.cost_credits`);
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

/** The columns a merge reads back (not the tsvector). */
const mergeColumns = {
  id: callLogs.id,
  agentId: callLogs.agentId,
  elevenlabsAgentId: callLogs.elevenlabsAgentId,
  status: callLogs.status,
  startedAt: callLogs.startedAt,
  durationSeconds: callLogs.durationSeconds,
  callSuccessful: callLogs.callSuccessful,
  terminationReason: callLogs.terminationReason,
  summaryTitle: callLogs.summaryTitle,
  summary: callLogs.summary,
  transcript: callLogs.transcript,
  analysis: callLogs.analysis,
  metadata: callLogs.metadata,
  costCredits: callLogs.costCredits,
  hasAudio: callLogs.hasAudio,
};
type Existing = { [K in keyof typeof mergeColumns]: CallRow[K] };

function merge(fields: CallFields, existing: Existing | null) {
  return {
    elevenlabsAgentId: fields.elevenlabsAgentId || existing?.elevenlabsAgentId || "",
    status: mergeStatus(fields.status, existing?.status ?? null),
    startedAt: pick(fields.startedAt, existing?.startedAt ?? null),
    durationSeconds: pick(fields.durationSeconds, existing?.durationSeconds ?? null),
    callSuccessful: pick(fields.callSuccessful, existing?.callSuccessful ?? null),
    terminationReason: pick(fields.terminationReason, existing?.terminationReason ?? null),
    summaryTitle: pick(fields.summaryTitle, existing?.summaryTitle ?? null),
    summary: pick(fields.summary, existing?.summary ?? null),
    transcript: fields.transcript && fields.transcript.length > 0 ? fields.transcript : (existing?.transcript ?? fields.transcript ?? null),
    analysis: pick(fields.analysis, (existing?.analysis as Record<string, unknown> | null) ?? null),
    metadata: pick(fields.metadata, (existing?.metadata as Record<string, unknown> | null) ?? null),
    costCredits: pick(fields.costCredits, existing?.costCredits ?? null),
    hasAudio: Boolean(fields.hasAudio) || Boolean(existing?.hasAudio),
  };
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
  // A deleted call never comes back, whichever path brings it (DESIGN.md §11).
  const [tombstone] = await tx
    .select({ conversationId: callTombstones.conversationId })
    .from(callTombstones)
    .where(and(eq(callTombstones.organizationId, organizationId), eq(callTombstones.conversationId, fields.conversationId)));
  if (tombstone) return { id: null, inserted: false, deleted: true };
  const fresh = merge(fields, null);
  for (let attempt = 0; attempt < 3; attempt++) {
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
