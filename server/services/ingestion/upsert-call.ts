/**
 * The one write path into call_logs. Webhooks and sync both land here, in any order and any number of times:
 * one row per (organization, conversation), fields merged so nothing known is lost, and the hourly rollup
 * adjusted in the same transaction so analytics always equal the raw rows.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { agents, callAudio, callHourlyRollups, callLogs } from "../../db/schema";
import { STATUS_RANK, type CallFields } from "./normalize";

type CallRow = typeof callLogs.$inferSelect;
type Contribution = Pick<CallRow, "elevenlabsAgentId" | "startedAt" | "durationSeconds" | "callSuccessful" | "costCredits">;

export type UpsertResult = { id: string; inserted: boolean };

function hourOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}

/** Adds (sign 1) or removes (sign -1) one call's share of its hourly bucket. */
async function adjustRollup(tx: Tx, organizationId: string, call: Contribution, sign: 1 | -1): Promise<void> {
  if (!call.startedAt) return;
  const values = {
    organizationId,
    elevenlabsAgentId: call.elevenlabsAgentId,
    hour: hourOf(call.startedAt),
    calls: sign,
    durationSeconds: sign * (call.durationSeconds ?? 0),
    durationCalls: call.durationSeconds === null ? 0 : sign,
    successCalls: call.callSuccessful === "success" ? sign : 0,
    failureCalls: call.callSuccessful === "failure" ? sign : 0,
    costCredits: (sign * Number(call.costCredits ?? 0)).toFixed(2),
  };
  const r = callHourlyRollups;
  await tx
    .insert(r)
    .values(values)
    .onConflictDoUpdate({
      target: [r.organizationId, r.hour, r.elevenlabsAgentId],
      set: {
        calls: sql`${r.calls} + excluded.calls`,
        durationSeconds: sql`${r.durationSeconds} + excluded.duration_seconds`,
        durationCalls: sql`${r.durationCalls} + excluded.duration_calls`,
        successCalls: sql`${r.successCalls} + excluded.success_calls`,
        failureCalls: sql`${r.failureCalls} + excluded.failure_calls`,
        costCredits: sql`${r.costCredits} + excluded.cost_credits`,
      },
    });
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

export async function upsertCall(tx: Tx, organizationId: string, fields: CallFields, source: "webhook" | "sync"): Promise<UpsertResult> {
  // Serializes concurrent deliveries of the same conversation (transcription and audio racing each other).
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${organizationId}:${fields.conversationId}`}, 0))`);
  const [existing] = await tx
    .select()
    .from(callLogs)
    .where(and(eq(callLogs.organizationId, organizationId), eq(callLogs.conversationId, fields.conversationId)));
  const [agent] = await tx
    .select({ id: agents.id })
    .from(agents)
    .where(and(eq(agents.organizationId, organizationId), eq(agents.elevenlabsAgentId, fields.elevenlabsAgentId)));

  const merged = {
    agentId: agent?.id ?? existing?.agentId ?? null,
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
    raw: pick(fields.raw, (existing?.raw as Record<string, unknown> | null) ?? null),
    costCredits: pick(fields.costCredits, existing?.costCredits ?? null),
    hasAudio: Boolean(fields.hasAudio) || Boolean(existing?.hasAudio),
  };

  if (!existing) {
    const [row] = await tx
      .insert(callLogs)
      .values({ organizationId, conversationId: fields.conversationId, source, ...merged })
      .returning({ id: callLogs.id });
    await adjustRollup(tx, organizationId, merged, 1);
    return { id: row.id, inserted: true };
  }
  await tx
    .update(callLogs)
    .set({ ...merged, updatedAt: sql`now()` })
    .where(and(eq(callLogs.id, existing.id), eq(callLogs.organizationId, organizationId)));
  if (!sameContribution(existing, merged)) {
    await adjustRollup(tx, organizationId, existing, -1);
    await adjustRollup(tx, organizationId, merged, 1);
  }
  return { id: existing.id, inserted: false };
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
