/**
 * Reads quality facts of calls started in [fromAt, toAt): whole UTC hours from call_quality_rollups, the partial hours
 * at the range's edges (and, with a zone off whole hours, the hours a local midnight cuts) from each call's stored
 * facts in call_logs. Exact for any zone and any instants, like the usage rollups (docs/decisions/005, 010).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../context";
import type { AgentScope } from "../analytics/usage";

const HOUR_MS = 3_600_000;

export type PartsRange = { fromAt: string; toAt: string; tz?: string; firstDay?: string; lastDay?: string };

/**
 * A CTE list ending in `parts(day, agent, kind, key, bucket, n, t)`: one row per rollup row or call fact, not yet
 * summed. `day` is the local date in `tz` (null without a zone). `kinds` limits the facts read.
 */
export function qualityParts(ctx: Ctx, range: PartsRange, scope: Exclude<AgentScope, null>, kinds: readonly string[]): SQL {
  const org = ctx.organizationId;
  const ha = new Date(Math.ceil(Date.parse(range.fromAt) / HOUR_MS) * HOUR_MS).toISOString();
  const hb = new Date(Math.max(Date.parse(ha), Math.floor(Date.parse(range.toAt) / HOUR_MS) * HOUR_MS)).toISOString();
  const agentFilter = scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
  const kindList = sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  const tz = range.tz;
  const dayOf = (col: SQL) => (tz ? sql`(${col} at time zone ${tz})::date` : sql`null::date`);
  const cut =
    tz && range.firstDay && range.lastDay
      ? sql`select distinct date_trunc('hour', m, 'UTC') as hour
          from generate_series(${range.firstDay}::date::timestamp, ${range.lastDay}::date::timestamp + interval '1 day', interval '1 day') as g(d)
          cross join lateral (select g.d at time zone ${tz} as m) x
          where date_trunc('hour', m, 'UTC') <> m
            and date_trunc('hour', m, 'UTC') >= ${ha}::timestamptz and date_trunc('hour', m, 'UTC') < ${hb}::timestamptz`
      : sql`select null::timestamptz as hour where false`;
  return sql`
    h as (select ${range.fromAt}::timestamptz as a, ${range.toAt}::timestamptz as b, ${ha}::timestamptz as ha, ${hb}::timestamptz as hb),
    cut as materialized (${cut}),
    pieces as (
      select a as lo, least(ha, b) as hi from h where a < least(ha, b)
      union all
      select greatest(hb, ha), b from h where ha < b and greatest(hb, ha) < b
      union all
      select hour, hour + interval '1 hour' from cut
    ),
    parts as (
      select ${dayOf(sql`r.hour`)} as day, r.elevenlabs_agent_id as agent, r.kind, r.key, r.bucket, r.n, r.total as t
      from call_quality_rollups r
      where r.organization_id = ${org} and r.hour >= ${ha}::timestamptz and r.hour < ${hb}::timestamptz and ${agentFilter}
        and r.kind in (${kindList})
        and not exists (select 1 from cut where cut.hour = r.hour)
      union all
      select ${dayOf(sql`c.started_at`)}, c.elevenlabs_agent_id, f.k, f.x, f.b, f.n, coalesce(f.t, 0)
      from pieces p
      -- One index range per piece. As a plain join the planner cannot see how narrow the pieces are and scanned every
      -- call of the organization (13 s at a million calls, npm run bench: alerts); OFFSET 0 keeps the subquery
      -- from being flattened back into that join.
      cross join lateral (
        select c.started_at, c.elevenlabs_agent_id, c.quality_facts from call_logs c
        where c.organization_id = ${org} and c.started_at >= p.lo and c.started_at < p.hi and ${agentFilter}
        offset 0
      ) c
      cross join lateral jsonb_to_recordset(c.quality_facts) as f(k text, x text, b smallint, n bigint, t numeric)
      where f.k in (${kindList})
    )`;
}
