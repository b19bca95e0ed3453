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

/** An interval of instants [fromAt, toAt) (ISO strings). */
export type Interval = { fromAt: string; toAt: string };

/**
 * A CTE list ending in `parts(day, agent, kind, key, bucket, n, t)`: one row per rollup row or call fact, not yet
 * summed. `day` is the local date in `tz` (null without a zone). `kinds` limits the facts read.
 */
export function qualityParts(ctx: Ctx, range: PartsRange, scope: Exclude<AgentScope, null>, kinds: readonly string[]): SQL {
  return intervalParts(ctx, [{ fromAt: range.fromAt, toAt: range.toAt }], range, scope, kinds);
}

/**
 * qualityParts over several disjoint intervals (the edges of a range whose whole local days come from
 * call_quality_days). `zone` gives `tz` and the local days whose midnights may cut an hour.
 */
export function intervalParts(
  ctx: Ctx,
  intervals: Interval[],
  zone: { tz?: string; firstDay?: string; lastDay?: string },
  scope: Exclude<AgentScope, null>,
  kinds: readonly string[],
): SQL {
  const org = ctx.organizationId;
  const tz = zone.tz;
  if (intervals.length === 0)
    return sql`parts as (select null::date as day, null::text as agent, null::text as kind, null::text as key, null::smallint as bucket,
      null::bigint as n, null::numeric as t where false)`;
  // Per interval: the whole hours [ha, hb) and the pieces at its edges.
  const hours: Array<{ ha: string; hb: string }> = [];
  const pieces: Array<{ lo: string; hi: string }> = [];
  for (const { fromAt, toAt } of intervals) {
    const a = Date.parse(fromAt);
    const b = Date.parse(toAt);
    const ha = Math.ceil(a / HOUR_MS) * HOUR_MS;
    const hb = Math.max(ha, Math.floor(b / HOUR_MS) * HOUR_MS);
    if (ha < hb) hours.push({ ha: new Date(ha).toISOString(), hb: new Date(hb).toISOString() });
    if (a < Math.min(ha, b)) pieces.push({ lo: fromAt, hi: new Date(Math.min(ha, b)).toISOString() });
    if (ha < b && Math.max(hb, ha) < b) pieces.push({ lo: new Date(Math.max(hb, ha)).toISOString(), hi: toAt });
  }
  const agentFilter = scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
  const kindList = sql.join(
    kinds.map((k) => sql`${k}`),
    sql`, `,
  );
  const inHours = (col: SQL) =>
    hours.length === 0
      ? sql`false`
      : sql`(${sql.join(
          hours.map((h) => sql`(${col} >= ${h.ha}::timestamptz and ${col} < ${h.hb}::timestamptz)`),
          sql` or `,
        )})`;
  const dayOf = (col: SQL) => (tz ? sql`(${col} at time zone ${tz})::date` : sql`null::date`);
  const cut =
    tz && zone.firstDay && zone.lastDay && hours.length > 0
      ? sql`select distinct date_trunc('hour', m, 'UTC') as hour
          from generate_series(${zone.firstDay}::date::timestamp, ${zone.lastDay}::date::timestamp + interval '1 day', interval '1 day') as g(d)
          cross join lateral (select g.d at time zone ${tz} as m) x
          where date_trunc('hour', m, 'UTC') <> m and ${inHours(sql`date_trunc('hour', m, 'UTC')`)}`
      : sql`select null::timestamptz as hour where false`;
  const edgePieces = pieces.map((p) => sql`select ${p.lo}::timestamptz as lo, ${p.hi}::timestamptz as hi`);
  return sql`
    cut as materialized (${cut}),
    pieces as (
      ${sql.join([...edgePieces, sql`select hour as lo, hour + interval '1 hour' as hi from cut`], sql` union all `)}
    ),
    parts as (
      select ${dayOf(sql`r.hour`)} as day, r.elevenlabs_agent_id as agent, r.kind, r.key, r.bucket, r.n, r.total as t
      from call_quality_rollups r
      where r.organization_id = ${org} and ${inHours(sql`r.hour`)} and ${agentFilter}
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
