/**
 * call_quality_days: the quality facts per local day and month in the organization's zone (docs/decisions/010). The
 * one definition of what a set of facts adds to it (dayRows), used by ingestion, deletion, the rebuild and the
 * migration's backfill alike, and the rebuild of one organization when its time zone changes.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Queryable, Transactional } from "../../db/tenant";
import { FACT } from "./quality-facts";

/**
 * The per-day series (period 'series', agent ''), summed over the organization's agents, so a year's daily p90s read
 * 60 rows a day, next to each other in the key, instead of one per agent, version and bucket. LLM TTFB drops its
 * version key.
 */
export const SERIES = { llmTtfb: "s:llm", ttsTtfb: "s:tts", criterion: "s:crit" } as const;

/** The shard deletions write to: ingestion picks 0-15, so a deletion never waits on a writer's shard row. */
export const DELETION_SHARD = 16;

/** The series kind of a fact kind (LLM TTFB, TTS TTFB or evaluation result). */
function seriesKind(kind: SQL): SQL {
  return sql`(case ${kind} when ${FACT.llmTtfb} then ${SERIES.llmTtfb} when ${FACT.ttsTtfb} then ${SERIES.ttsTtfb} else ${SERIES.criterion} end)`;
}

/** The series key: LLM TTFB over every version. */
function seriesKey(kind: SQL, key: SQL): SQL {
  return sql`(case when ${kind} = ${FACT.llmTtfb} then '' else ${key} end)`;
}

/**
 * What facts add to call_quality_days: `facts` is a relation with columns day (local date), agent, k, x, b, n, t.
 * Summed per row key, so one INSERT ... ON CONFLICT never touches a row twice; ordered, so concurrent writers lock
 * rows in the same order.
 */
export function dayRows(facts: SQL): SQL {
  return sql`
    select period, day, agent, kind, key, bucket, sum(n)::bigint as n, sum(t)::numeric as t from (
      select 'day' as period, f.day, f.agent, f.k as kind, f.x as key, f.b as bucket, f.n, f.t from ${facts} f
      union all
      select 'month', date_trunc('month', f.day)::date, f.agent, f.k, f.x, f.b, f.n, f.t from ${facts} f
      union all
      select 'series', f.day, '', ${seriesKind(sql`f.k`)}, ${seriesKey(sql`f.k`, sql`f.x`)}, f.b, f.n, 0 from ${facts} f where f.k in (${FACT.llmTtfb}, ${FACT.ttsTtfb}, ${FACT.criterion})
    ) e
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6`;
}

/** Upserts dayRows(facts) for one organization on `shard` (an SQL expression). */
export function addDayRows(organizationId: string, facts: SQL, shard: SQL): SQL {
  return sql`
    insert into call_quality_days as r (organization_id, period, day, elevenlabs_agent_id, kind, key, bucket, shard, n, total)
    select ${organizationId}::uuid, e.period, e.day, e.agent, e.kind, e.key, e.bucket, ${shard}, e.n, e.t from (${dayRows(facts)}) e
    on conflict (organization_id, period, day, elevenlabs_agent_id, kind, key, bucket, shard) do update set
      n = r.n + excluded.n, total = r.total + excluded.total`;
}

/**
 * The organization's zone for call_quality_days, locked FOR SHARE: a rebuild holds the row FOR UPDATE, so a writer
 * waits for it and then reads the zone it built in (READ COMMITTED re-reads a row locked after an update).
 */
export function daysZone(organizationId: string): SQL {
  return sql`(select quality_days_zone as zone from organizations where id = ${organizationId}::uuid for share)`;
}

/**
 * Rebuilds call_quality_days of the organizations matching `where` (a condition on organizations `o`) in each one's
 * current time zone, from the facts stored on their calls: the day rows per agent, then the months and the series
 * summed from them (what dayRows adds, a call at a time). The caller holds the organizations FOR UPDATE.
 */
export async function rebuildDayRows(tx: Queryable, where: SQL): Promise<void> {
  const scope = sql`organization_id in (select o.id from organizations o where ${where})`;
  await tx.execute(sql`delete from call_quality_days where ${scope}`);
  await tx.execute(sql`
    insert into call_quality_days (organization_id, period, day, elevenlabs_agent_id, kind, key, bucket, n, total)
    select o.id, 'day', (c.started_at at time zone o.time_zone)::date, c.elevenlabs_agent_id, f.k, f.x, f.b, sum(f.n), coalesce(sum(f.t), 0)
    from organizations o
    join call_logs c on c.organization_id = o.id
    cross join lateral jsonb_to_recordset(c.quality_facts) as f(k text, x text, b smallint, n bigint, t numeric)
    where ${where} and c.started_at is not null and c.quality_facts is not null
    group by 1, 2, 3, 4, 5, 6, 7`);
  await tx.execute(sql`
    insert into call_quality_days (organization_id, period, day, elevenlabs_agent_id, kind, key, bucket, n, total)
    select organization_id, 'month', date_trunc('month', day)::date, elevenlabs_agent_id, kind, key, bucket, sum(n), sum(total)
    from call_quality_days where period = 'day' and ${scope}
    group by 1, 2, 3, 4, 5, 6, 7`);
  await tx.execute(sql`
    insert into call_quality_days (organization_id, period, day, elevenlabs_agent_id, kind, key, bucket, n, total)
    select organization_id, 'series', day, '', ${seriesKind(sql`kind`)}, ${seriesKey(sql`kind`, sql`key`)}, bucket, sum(n), 0
    from call_quality_days where period = 'day' and kind in (${FACT.llmTtfb}, ${FACT.ttsTtfb}, ${FACT.criterion}) and ${scope}
    group by 1, 2, 3, 4, 5, 6, 7`);
  await tx.execute(sql`update organizations o set quality_days_zone = o.time_zone where ${where}`);
}

/**
 * Rebuilds one organization's daily rows in its current time zone, if they are in another (after the zone changed). Holds the organization
 * row FOR UPDATE first, so ingestion and deletion (which read the zone FOR SHARE) wait for it; readers keep using the
 * hourly rows until it commits (quality_days_zone says which zone the rows are in).
 */
export async function rebuildQualityDays(db: Transactional, organizationId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ current: boolean }>(
      sql`select quality_days_zone is not distinct from time_zone as current from organizations where id = ${organizationId}::uuid for update`,
    );
    if (rows.length === 0 || rows[0].current) return;
    await rebuildDayRows(tx, sql`o.id = ${organizationId}::uuid`);
  });
}
