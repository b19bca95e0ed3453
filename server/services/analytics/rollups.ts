/**
 * call_hourly_rollups and call_quarter_rollups recomputed from call_logs and the tombstones of deleted calls. Ingestion
 * keeps the rollups current call by call; this rebuild is the repair path (CLI, tests) and the definition they must
 * agree with: one row per organization, ElevenLabs agent and UTC hour (quarter-hour) of started_at; calls without a
 * start time are not counted. call_quality_rollups likewise, from each call's stored quality facts, and call_quality_days
 * in each organization's current time zone.
 */
import { sql, type SQL } from "drizzle-orm";
import type { OwnerDb } from "../../db/owner";
import { rebuildDayRows } from "../quality-facts/quality-days";

/** The UTC quarter-hour an instant falls in (quarters are aligned with UTC hours). */
export function quarterOf(instant: SQL): SQL {
  return sql`date_bin('15 minutes', ${instant}, timestamptz '2000-01-01 00:00:00+00')`;
}

/** Every call that happened: the calls we hold and the tombstones of deleted ones (DESIGN.md §11: they keep usage totals). */
const happenedCalls = sql`(
  select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_logs
  union all
  select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_tombstones
)`;

/** The usage columns of a rollup row, summed from the calls of its bucket. */
const usageSums = sql`count(*),
             coalesce(sum(duration_seconds), 0),
             count(*) filter (where call_successful = 'success'),
             count(*) filter (where call_successful = 'failure'),
             count(duration_seconds),
             coalesce(sum(cost_credits), 0)`;

const usageColumns = sql`calls, duration_seconds, success_calls, failure_calls, duration_calls, cost_credits`;

export async function rebuildRollups(db: OwnerDb, organizationId?: string): Promise<void> {
  const scope = organizationId ? sql`organization_id = ${organizationId}::uuid` : sql`true`;
  await db.transaction(async (tx) => {
    // Blocks ingestion's rollup upserts (ROW EXCLUSIVE) until the rebuild commits, so no delta is lost or doubled.
    await tx.execute(sql`lock table call_hourly_rollups, call_quarter_rollups in share row exclusive mode`);
    await tx.execute(sql`delete from call_quarter_rollups where ${scope}`);
    await tx.execute(sql`delete from call_hourly_rollups where ${scope}`);
    await tx.execute(sql`
      insert into call_quarter_rollups (organization_id, elevenlabs_agent_id, quarter, ${usageColumns})
      select organization_id, elevenlabs_agent_id, ${quarterOf(sql`started_at`)}, ${usageSums}
      from ${happenedCalls} c
      where started_at is not null and ${scope}
      group by 1, 2, 3`);
    // An hour is the sum of its four quarters: one pass over the calls for both.
    await tx.execute(sql`
      insert into call_hourly_rollups (organization_id, elevenlabs_agent_id, hour, ${usageColumns})
      select organization_id, elevenlabs_agent_id, date_trunc('hour', quarter, 'UTC'),
             sum(calls), sum(duration_seconds), sum(success_calls), sum(failure_calls), sum(duration_calls), sum(cost_credits)
      from call_quarter_rollups
      where ${scope}
      group by 1, 2, 3`);
    // The quality rollups: each call's stored facts (server/services/quality-facts/quality-facts.ts), summed per bucket.
    await tx.execute(sql`lock table call_quality_rollups in share row exclusive mode`);
    await tx.execute(sql`delete from call_quality_rollups where ${scope}`);
    await tx.execute(sql`
      insert into call_quality_rollups (organization_id, hour, elevenlabs_agent_id, kind, key, bucket, n, total)
      select organization_id, date_trunc('hour', started_at, 'UTC'), elevenlabs_agent_id, f.k, f.x, f.b,
             sum(f.n), coalesce(sum(f.t), 0)
      from call_logs
      cross join lateral jsonb_to_recordset(quality_facts) as f(k text, x text, b smallint, n bigint, t numeric)
      where started_at is not null and quality_facts is not null and ${scope}
      group by 1, 2, 3, 4, 5, 6`);
    // call_quality_days in each organization's current zone. The organization rows first, FOR UPDATE: ingestion and
    // deletion read the zone FOR SHARE in the statement that writes these rows, so none is half way through.
    await tx.execute(
      sql`select id from organizations where ${organizationId ? sql`id = ${organizationId}::uuid` : sql`true`} order by id for update`,
    );
    await tx.execute(sql`lock table call_quality_days in share row exclusive mode`);
    await rebuildDayRows(tx, organizationId ? sql`o.id = ${organizationId}::uuid` : sql`true`);
  });
}
