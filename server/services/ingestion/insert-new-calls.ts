/**
 * The projector's fast path (docs/decisions/007, "Throughput"): the conversations of a batch that call_logs does not
 * know yet are inserted by one multi-row statement, and their usage and quality rollups are added once per bucket
 * instead of once per call. Everything else (a known conversation, audio, a deleted call, a second event of the same
 * conversation) takes the per-event path, upsertCall, which merges. Same rows either way: mergeCall of an event into
 * nothing is what upsertCall inserts too.
 */
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/tenant";
import { callLogs } from "../../db/schema";
import type { QualityFact } from "../../db/schema/calls";
import type { CallFields } from "./normalize";
import { addQualityFacts, addUsage, mergeCall, registeredAgent, type UsageTotals } from "./upsert-call";

export type NewCallCandidate = { eventId: string; organizationId: string; source: "webhook" | "sync"; fields: CallFields; order: number };

const key = (organizationId: string, conversationId: string) => `${organizationId}|${conversationId}`;

/** The candidates whose conversation was deleted (their tombstones), in one query. */
async function tombstoned(tx: Tx, candidates: NewCallCandidate[]): Promise<Set<string>> {
  const pairs = candidates.map((c) => ({ o: c.organizationId, v: c.fields.conversationId }));
  const { rows } = await tx.execute<{ organization_id: string; conversation_id: string }>(
    sql`select t.organization_id, t.conversation_id from call_tombstones t
        join jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as c(o uuid, v text) on t.organization_id = c.o and t.conversation_id = c.v`,
  );
  return new Set(rows.map((r) => key(r.organization_id, r.conversation_id)));
}

type Bucket = UsageTotals & { organizationId: string; elevenlabsAgentId: string; startedAt: Date };

/**
 * Inserts the candidates new to call_logs (one statement) and adds their rollups per bucket. Returns the event ids
 * it built; the caller projects the others one by one. Runs in a savepoint: on any error nothing of it stays and the
 * caller projects every event one by one (where a failure is kept to its own event).
 */
export async function insertNewCalls(tx: Tx, candidates: NewCallCandidate[]): Promise<Set<string>> {
  const built = new Set<string>();
  if (candidates.length < 2) return built;
  await tx.execute(sql`savepoint new_calls`);
  try {
    const deleted = await tombstoned(tx, candidates);
    const rows = candidates
      .filter((c) => !deleted.has(key(c.organizationId, c.fields.conversationId)))
      .map((c) => ({ candidate: c, merged: mergeCall(c.fields, c.order, null) }));
    if (rows.length === 0) {
      await tx.execute(sql`release savepoint new_calls`);
      return built;
    }
    const inserted = await tx
      .insert(callLogs)
      .values(
        rows.map(({ candidate: c, merged }) => ({
          organizationId: c.organizationId,
          conversationId: c.fields.conversationId,
          source: c.source,
          agentId: registeredAgent(c.organizationId, merged.row.elevenlabsAgentId),
          ...merged.row,
          fieldTimes: merged.fieldTimes,
        })),
      )
      .onConflictDoNothing({ target: [callLogs.organizationId, callLogs.conversationId] })
      .returning({ organizationId: callLogs.organizationId, conversationId: callLogs.conversationId });
    const fresh = new Set(inserted.map((r) => key(r.organizationId, r.conversationId)));

    // Usage by (organization, agent, quarter hour): a quarter lies in one hour, so its hourly row gets the same sums.
    const usage = new Map<string, Bucket>();
    const quality = new Map<string, { organizationId: string; elevenlabsAgentId: string; startedAt: Date; facts: Map<string, QualityFact> }>();
    for (const { candidate: c, merged } of rows) {
      if (!fresh.has(key(c.organizationId, c.fields.conversationId))) continue;
      built.add(c.eventId);
      const call = merged.row;
      if (!call.startedAt) continue;
      const quarter = new Date(Math.floor(call.startedAt.getTime() / 900_000) * 900_000);
      const u = `${c.organizationId}|${call.elevenlabsAgentId}|${quarter.getTime()}`;
      let bucket = usage.get(u);
      if (!bucket) usage.set(u, (bucket = { organizationId: c.organizationId, elevenlabsAgentId: call.elevenlabsAgentId, startedAt: quarter, calls: 0, durationSeconds: 0, durationCalls: 0, successCalls: 0, failureCalls: 0, creditCents: 0 }));
      bucket.calls += 1;
      bucket.durationSeconds += call.durationSeconds ?? 0;
      bucket.durationCalls += call.durationSeconds === null ? 0 : 1;
      bucket.successCalls += call.callSuccessful === "success" ? 1 : 0;
      bucket.failureCalls += call.callSuccessful === "failure" ? 1 : 0;
      bucket.creditCents += Math.round(Number(call.costCredits ?? 0) * 100);
      if (!call.qualityFacts?.length) continue;
      const hour = new Date(Math.floor(call.startedAt.getTime() / 3_600_000) * 3_600_000);
      const q = `${c.organizationId}|${call.elevenlabsAgentId}|${hour.getTime()}`;
      let group = quality.get(q);
      if (!group) quality.set(q, (group = { organizationId: c.organizationId, elevenlabsAgentId: call.elevenlabsAgentId, startedAt: hour, facts: new Map() }));
      for (const f of call.qualityFacts) {
        const fk = `${f.k}\u0000${f.x}\u0000${f.b}`;
        const sum = group.facts.get(fk);
        if (sum) {
          sum.n += f.n;
          if (f.t !== undefined) sum.t = (sum.t ?? 0) + f.t;
        } else group.facts.set(fk, { ...f });
      }
    }
    for (const b of usage.values()) await addUsage(tx, b.organizationId, b.elevenlabsAgentId, b.startedAt, b);
    for (const g of quality.values()) await addQualityFacts(tx, g.organizationId, { startedAt: g.startedAt, elevenlabsAgentId: g.elevenlabsAgentId }, [...g.facts.values()], 1);
    await tx.execute(sql`release savepoint new_calls`);
    return built;
  } catch {
    await tx.execute(sql`rollback to savepoint new_calls`);
    return new Set();
  }
}
