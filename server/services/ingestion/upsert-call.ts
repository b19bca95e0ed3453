/**
 * The one write path into call_logs. Webhooks and sync both land here, in any order and any number of times:
 * one row per (organization, conversation), fields merged so nothing known is lost, and the hourly rollup
 * adjusted in the same transaction so analytics always equal the raw rows.
 */
import { and, eq, getTableColumns, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { agents, callAudio, callLogs } from "../../db/schema";
import { STATUS_RANK, type CallFields } from "./normalize";

type CallRow = typeof callLogs.$inferSelect;
type Contribution = Pick<CallRow, "elevenlabsAgentId" | "startedAt" | "durationSeconds" | "callSuccessful" | "costCredits">;

export type UpsertResult = { id: string; inserted: boolean };

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

function sameContribution(a: Contribution, b: Contribution): boolean {
  return (
    a.elevenlabsAgentId === b.elevenlabsAgentId &&
    a.startedAt?.getTime() === b.startedAt?.getTime() &&
    a.durationSeconds === b.durationSeconds &&
    a.callSuccessful === b.callSuccessful &&
    Number(a.costCredits ?? 0) === Number(b.costCredits ?? 0)
  );
}

/** Every column a merge reads back: all of call_logs but the tsvector, so new normalizer fields flow through. */
const { search: _search, ...mergeColumns } = getTableColumns(callLogs);
type Existing = Omit<CallRow, "search">;

/** Ties at the same event time go to the kind of event that knows most about a call. */
const KIND_RANK: Record<string, number> = { post_call_audio: 1, call_initiation_failure: 2, sync_conversation: 3, post_call_transcription: 4 };

/** An event's place in merge order: its time (ms), then its kind's rank. */
export function eventOrder(eventTimeMs: number, type: string | null): number {
  return eventTimeMs * 10 + (type ? (KIND_RANK[type] ?? 0) : 0);
}

/** Fields an event may carry; the keys are call_logs' column names. */
type FieldKey = Exclude<keyof CallFields, "conversationId">;

/** A value that says nothing: it never erases what another event set. */
function lacks(key: FieldKey, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (key === "transcript") return !Array.isArray(value) || value.length === 0;
  if (key === "hasAudio") return value !== true;
  return false;
}

export type MergedCall = { values: Partial<Existing> & Pick<Existing, "elevenlabsAgentId" | "status" | "hasAudio">; fieldTimes: Record<string, number> };

/**
 * The one merge rule (DESIGN.md §8): for each field an event carries, the value of the later event wins, whatever the
 * arrival order; a field the event lacks keeps what another set. "Later" is `order`: the event time, and for events of
 * the same time a fixed rank of their kinds (eventOrder), so the result never depends on arrival; an event merged
 * again (a duplicate, a reprojection) wins its own ties. Status only moves forward (a call never goes back to
 * "processing"; between final states the later event decides) and audio, once there, stays.
 */
export function mergeCall(fields: CallFields, order: number, existing: Existing | null): MergedCall {
  const times: Record<string, number> = { ...(existing?.fieldTimes ?? {}) };
  const values: Record<string, unknown> = {};
  const newer = (key: string) => times[key] === undefined || order >= times[key];
  for (const key of Object.keys(fields) as FieldKey[]) {
    if ((key as string) === "conversationId" || key === "status" || key === "hasAudio" || key === "elevenlabsAgentId") continue;
    const value = fields[key];
    if (lacks(key, value)) continue;
    const current = existing ? (existing as Record<string, unknown>)[key] : null;
    if (current === null || current === undefined || newer(key)) {
      values[key] = value;
      times[key] = order;
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
  return {
    values: {
      ...values,
      elevenlabsAgentId: existing?.elevenlabsAgentId || fields.elevenlabsAgentId || "",
      status: status ?? "processing",
      hasAudio: fields.hasAudio === true || Boolean(existing?.hasAudio),
    } as MergedCall["values"],
    fieldTimes: times,
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
export async function upsertCall(
  tx: Tx,
  organizationId: string,
  fields: CallFields,
  source: "webhook" | "sync",
  order: number = eventOrder(Date.now(), null),
): Promise<UpsertResult> {
  const fresh = mergeCall(fields, order, null);
  for (let attempt = 0; attempt < 3; attempt++) {
    const [inserted] = await tx
      .insert(callLogs)
      .values({
        ...fresh.values,
        organizationId,
        conversationId: fields.conversationId,
        source,
        fieldTimes: fresh.fieldTimes,
        agentId: registeredAgent(organizationId, fresh.values.elevenlabsAgentId),
      })
      .onConflictDoNothing({ target: [callLogs.organizationId, callLogs.conversationId] })
      .returning({ id: callLogs.id });
    if (inserted) {
      await adjustRollup(tx, organizationId, contribution(fresh.values), 1);
      return { id: inserted.id, inserted: true };
    }

    const [existing] = await tx
      .select(mergeColumns)
      .from(callLogs)
      .where(and(eq(callLogs.organizationId, organizationId), eq(callLogs.conversationId, fields.conversationId)))
      .for("update");
    if (!existing) continue; // deleted between the two statements: insert again
    const merged = mergeCall(fields, order, existing);
    await tx
      .update(callLogs)
      .set({
        ...merged.values,
        fieldTimes: merged.fieldTimes,
        agentId: existing.agentId ?? registeredAgent(organizationId, merged.values.elevenlabsAgentId),
        updatedAt: sql`now()`,
      })
      .where(and(eq(callLogs.id, existing.id), eq(callLogs.organizationId, organizationId)));
    const after = { ...existing, ...merged.values };
    if (!sameContribution(existing, after)) {
      await adjustRollup(tx, organizationId, existing, -1);
      await adjustRollup(tx, organizationId, after, 1);
    }
    return { id: existing.id, inserted: false };
  }
  throw new Error("call row kept disappearing during upsert");
}

function contribution(values: Partial<Contribution> & { elevenlabsAgentId: string }): Contribution {
  return {
    elevenlabsAgentId: values.elevenlabsAgentId,
    startedAt: values.startedAt ?? null,
    durationSeconds: values.durationSeconds ?? null,
    callSuccessful: values.callSuccessful ?? null,
    costCredits: values.costCredits ?? null,
  };
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
