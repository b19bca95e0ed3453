/**
 * Deleting calls, their audio and their raw events (DESIGN.md §11), by retention or by a person. Each batch is one
 * statement, so one short transaction: a tombstone per call (its key and usage columns, no content), the call row
 * (its audio goes with it, ON DELETE CASCADE, and the audio's chunks explicitly) and the call's raw events in the inbox. Usage rollups are not
 * touched: they keep counting the call, as the tombstone does for `rollups:rebuild` and the partial hours analytics
 * read. The quality rows take the call's facts back (they describe the calls that remain).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../db/tenant";
import { addDayRows, daysZone, DELETION_SHARD } from "../quality-facts/quality-days";

export type DeletedCounts = { calls: number; rawEvents: number; conversationIds: string[] };

type Row = { calls: number; raw_events: number; conversation_ids: string[] | null };

/**
 * Deletes up to `limit` calls of the organization matching `where` (a condition on call_logs `c`), oldest first.
 * Retention skips rows another transaction holds (ingestion merging into them): the next batch takes them; a
 * person's deletion waits for them.
 */
export async function deleteCallsBatch(
  db: Queryable,
  organizationId: string,
  where: SQL,
  limit: number,
  reason: "retention" | "deleted",
): Promise<DeletedCounts> {
  const result = await db.execute<Row>(sql`
    with victims as (
      select c.id from call_logs c
      where c.organization_id = ${organizationId}::uuid and ${where}
      order by c.started_at nulls last, c.id
      limit ${limit}
      for update ${reason === "retention" ? sql`skip locked` : sql``}
    ),
    gone as (
      delete from call_logs c using victims v
      where c.id = v.id and c.organization_id = ${organizationId}::uuid
      returning c.organization_id, c.conversation_id, c.elevenlabs_agent_id, c.started_at, c.duration_seconds, c.call_successful, c.cost_credits,
        c.quality_facts
    ),
    -- Quality analytics describe the calls that remain (decision 012): the deleted calls' facts are taken back from
    -- the hourly and daily quality rows, on a shard of their own so no ingestion writer's row is waited for.
    qf as (
      select g.started_at, g.elevenlabs_agent_id as agent, f.k, f.x, f.b, -f.n as n, -coalesce(f.t, 0) as t
      from gone g cross join lateral jsonb_to_recordset(g.quality_facts) as f(k text, x text, b smallint, n bigint, t numeric)
      where g.started_at is not null
    ),
    q_hourly as (
      insert into call_quality_rollups as r (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, shard, n, total)
      select ${organizationId}::uuid, date_trunc('hour', started_at, 'UTC'), agent, k, x, b, ${DELETION_SHARD}::smallint, sum(n), sum(t)
      from qf group by 2, 3, 4, 5, 6 order by 2, 3, 4, 5, 6
      on conflict (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, shard) do update set
        n = r.n + excluded.n, total = r.total + excluded.total
    ),
    qz as ${daysZone(organizationId)},
    q_day_facts as (
      select (qf.started_at at time zone qz.zone)::date as day, qf.agent, qf.k, qf.x, qf.b, qf.n, qf.t from qf, qz where qz.zone is not null
    ),
    q_days as (${addDayRows(organizationId, sql`q_day_facts`, sql`${DELETION_SHARD}::smallint`)}),
    stones as (
      insert into call_tombstones
        (organization_id, conversation_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits, reason)
      select organization_id, conversation_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits, ${reason}
      from gone
      on conflict (organization_id, conversation_id) do nothing
      returning 1
    ),
    -- Recordings delivered by webhook keep their bytes in call_audio_chunks under their inbox event.
    audio_events as (
      select a.event_id from call_audio a join victims v on a.call_log_id = v.id
      where a.organization_id = ${organizationId}::uuid and a.event_id is not null
    ),
    events as (
      delete from webhook_events w using gone g
      where w.organization_id = ${organizationId}::uuid and w.conversation_id = g.conversation_id
      returning w.id
    ),
    chunks as (
      delete from call_audio_chunks k
      where k.organization_id = ${organizationId}::uuid
        and (k.event_id in (select event_id from audio_events) or k.event_id in (select id from events))
      returning 1
    )
    select (select count(*) from gone)::int as calls, (select count(*) from events)::int as raw_events,
           (select count(*) from stones)::int as stones, (select count(*) from chunks)::int as chunks, (select array_agg(conversation_id) from gone) as conversation_ids`);
  const row = result.rows[0];
  return { calls: Number(row?.calls ?? 0), rawEvents: Number(row?.raw_events ?? 0), conversationIds: row?.conversation_ids ?? [] };
}

/**
 * Calls (alias `c`) that started before `cutoff`. A call without a start time (a failed initiation, a payload
 * without one) counts from when it was stored, so retention reaches it too.
 */
export function startedBefore(cutoff: Date): SQL {
  const at = cutoff.toISOString();
  return sql`(c.started_at < ${at}::timestamptz or (c.started_at is null and c.created_at < ${at}::timestamptz))`;
}

/** Deletes up to `limit` stored recordings of calls that started before `cutoff` (null: every recording). */
export async function deleteAudioBatch(db: Queryable, organizationId: string, cutoff: Date | null, limit: number): Promise<number> {
  const result = await db.execute<{ n: number }>(sql`
    with victims as (
      select a.call_log_id from call_audio a
      join call_logs c on c.id = a.call_log_id and c.organization_id = ${organizationId}::uuid
      where a.organization_id = ${organizationId}::uuid ${cutoff ? sql`and ${startedBefore(cutoff)}` : sql``}
      limit ${limit}
      for update of a skip locked
    ),
    gone as (
      delete from call_audio a using victims v
      where a.call_log_id = v.call_log_id and a.organization_id = ${organizationId}::uuid
      returning a.call_log_id, a.event_id
    ),
    chunks as (
      delete from call_audio_chunks k using gone g
      where k.organization_id = ${organizationId}::uuid and k.event_id = g.event_id
      returning 1
    ),
    flagged as (
      update call_logs c set has_audio = false, updated_at = now()
      from gone g
      where c.id = g.call_log_id and c.organization_id = ${organizationId}::uuid
      returning 1
    )
    select (select count(*) from gone)::int as n, (select count(*) from flagged)::int as f, (select count(*) from chunks)::int as c`);
  return Number(result.rows[0]?.n ?? 0);
}

/** Deletes up to `limit` raw inbox events received before `cutoff`. */
export async function deleteRawEventsBatch(db: Queryable, organizationId: string, cutoff: Date, limit: number): Promise<number> {
  const result = await db.execute<{ n: number }>(sql`
    with victims as (
      select id from webhook_events
      where organization_id = ${organizationId}::uuid and received_at < ${cutoff.toISOString()}::timestamptz
      limit ${limit}
      for update skip locked
    ),
    gone as (
      delete from webhook_events w using victims v where w.id = v.id and w.organization_id = ${organizationId}::uuid returning w.id
    ),
    -- An audio delivery's bytes go with its event, unless they are a call's kept recording (audio retention decides).
    chunks as (
      delete from call_audio_chunks k using gone g
      where k.organization_id = ${organizationId}::uuid and k.event_id = g.id
        and not exists (select 1 from call_audio a where a.organization_id = ${organizationId}::uuid and a.event_id = g.id)
      returning 1
    )
    select (select count(*) from gone)::int as n, (select count(*) from chunks)::int as c`);
  return Number(result.rows[0]?.n ?? 0);
}
