/**
 * call_hourly_rollups recomputed from call_logs and the tombstones of deleted calls. Ingestion keeps the rollups current call by call; this rebuild
 * is the repair path (CLI, tests) and the definition they must agree with: one row per organization,
 * ElevenLabs agent and UTC hour of started_at; calls without a start time are not counted. call_quality_rollups
 * likewise, from each call's stored quality facts.
 */
import { sql } from "drizzle-orm";
import type { OwnerDb } from "../../db/owner";

export async function rebuildRollups(db: OwnerDb, organizationId?: string): Promise<void> {
  const scope = organizationId ? sql`organization_id = ${organizationId}::uuid` : sql`true`;
  await db.transaction(async (tx) => {
    // Blocks ingestion's rollup upserts (ROW EXCLUSIVE) until the rebuild commits, so no delta is lost or doubled.
    await tx.execute(sql`lock table call_hourly_rollups in share row exclusive mode`);
    await tx.execute(sql`delete from call_hourly_rollups where ${scope}`);
    await tx.execute(sql`
      insert into call_hourly_rollups
        (organization_id, elevenlabs_agent_id, hour, calls, duration_seconds, success_calls, failure_calls, duration_calls, cost_credits)
      select organization_id, elevenlabs_agent_id, date_trunc('hour', started_at, 'UTC'),
             count(*),
             coalesce(sum(duration_seconds), 0),
             count(*) filter (where call_successful = 'success'),
             count(*) filter (where call_successful = 'failure'),
             count(duration_seconds),
             coalesce(sum(cost_credits), 0)
      from (
        select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_logs
        -- Deleted calls still happened: their tombstones keep usage totals (DESIGN.md §11).
        union all
        select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_tombstones
      ) c
      where started_at is not null and ${scope}
      group by 1, 2, 3
      on conflict (organization_id, hour, elevenlabs_agent_id, shard) do update set
        calls = excluded.calls,
        duration_seconds = excluded.duration_seconds,
        success_calls = excluded.success_calls,
        failure_calls = excluded.failure_calls,
        duration_calls = excluded.duration_calls,
        cost_credits = excluded.cost_credits`);
    // The quality rollups: each call's stored facts (server/services/quality/quality-facts.ts), summed per bucket.
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
  });
}
