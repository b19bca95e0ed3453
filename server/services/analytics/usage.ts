/**
 * Call usage per agent and per local day over a range of instants. Whole UTC hours come from the hourly rollups,
 * whole quarter-hours around them (a range boundary, or a local midnight of a zone whose offset is not whole hours,
 * like Asia/Kolkata or Asia/Kathmandu) from the quarter-hour rollups; only what is left at the edges of an instant
 * range (less than a quarter-hour) is read from call_logs. Exact for any zone and any instants, and a year of calls
 * costs a few thousand rollup rows instead of every call.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../context";
import { addDays } from "../calls/time-range";
import type { UsageRange } from "./usage-range";
import { quarterOf } from "./rollups";
import { aggregateRead } from "./aggregate-read";

/** undefined = every agent; null = an agent id that is not this organization's (matches nothing). */
export type AgentScope = string | null | undefined;

export type AgentUsage = {
  elevenlabsAgentId: string;
  calls: number;
  seconds: number;
  successCalls: number;
  failureCalls: number;
  durationCalls: number;
  credits: number;
};
type UsageTotals = Omit<AgentUsage, "elevenlabsAgentId">;
export type DayUsage = { date: string; calls: number; seconds: number; credits: number };

type SpanUsage = AgentUsage & { span: string };

/**
 * Every call that happened: the calls we hold and the tombstones of deleted ones (which keep their usage columns,
 * DESIGN.md §11), so deleting a call's content never changes a usage total. The planner pushes each reader's
 * conditions into both branches (an index range on each).
 */
const happenedCalls = sql`(
  select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_logs
  union all
  select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_tombstones
)`;

/** The usage columns summed over rollup rows, and the same computed from call rows. */
const rollupSums = sql`sum(calls)::bigint as calls, sum(duration_seconds)::bigint as seconds, sum(success_calls)::bigint as success,
  sum(failure_calls)::bigint as failure, sum(duration_calls)::bigint as timed, sum(cost_credits)::numeric as credits`;
const callSums = sql`count(*)::bigint as calls, coalesce(sum(duration_seconds), 0)::bigint as seconds,
  count(*) filter (where call_successful = 'success')::bigint as success,
  count(*) filter (where call_successful = 'failure')::bigint as failure,
  count(duration_seconds)::bigint as timed, coalesce(sum(cost_credits), 0)::numeric as credits`;

/**
 * Sums calls with started_at in each span [a, b). `spans` is a query with columns (span text, a timestamptz, b timestamptz).
 * Per span, hours [ha, hb) are whole and read from the hourly rollups, quarters [qa, ha) and [hb, qb) from the
 * quarter-hour rollups, and [a, qa) and [qb, b) from call_logs (one index range each).
 */
async function usageBySpan(
  ctx: Ctx,
  spans: SQL,
  byAgent: boolean,
  scope: AgentScope,
): Promise<SpanUsage[]> {
  if (scope === null) return [];
  const agentFilter = scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
  // The first whole quarter and hour at or after a, the last ones at or before b (before the greatest() below).
  const bounds = sql`case when ${quarterOf(sql`a`)} = a then a else ${quarterOf(sql`a`)} + interval '15 minutes' end as qa,
            ${quarterOf(sql`b`)} as qb,
            case when date_trunc('hour', a, 'UTC') = a then a else date_trunc('hour', a, 'UTC') + interval '1 hour' end as ha,
            date_trunc('hour', b, 'UTC') as hb`;
  const query = sql`
    with spans as (${spans}),
    t as (select span, a, b, ${bounds} from spans where a < b),
    -- A span without a whole quarter (hour) has qb = qa (hb = ha): no quarter (hour) is read.
    s as (select span, a, b, qa, greatest(qa, qb) as qb, ha, greatest(ha, hb) as hb from t),
    pieces as (
      select span, a as lo, least(qa, b) as hi from s where a < least(qa, b)
      union all
      select span, qb, b from s where qb < b
    ),
    quarter_pieces as (
      select span, qa as lo, least(ha, qb) as hi from s where qa < least(ha, qb)
      union all
      select span, greatest(hb, qa), qb from s where greatest(hb, qa) < qb
    ),
    -- LATERAL with GROUP BY: one index range scan per span or piece (measured faster than one scan and a hash join),
    -- never a join over the whole table.
    parts as (
      select s.span, r.*
      from s
      cross join lateral (
        select elevenlabs_agent_id, ${rollupSums}
        from call_hourly_rollups
        where organization_id = ${ctx.organizationId} and hour >= s.ha and hour < s.hb and ${agentFilter}
        group by elevenlabs_agent_id
      ) r
      where s.ha < s.hb
      union all
      select p.span, q.*
      from quarter_pieces p
      cross join lateral (
        select elevenlabs_agent_id, ${rollupSums}
        from call_quarter_rollups
        where organization_id = ${ctx.organizationId} and quarter >= p.lo and quarter < p.hi and ${agentFilter}
        group by elevenlabs_agent_id
      ) q
      union all
      select p.span, c.*
      from pieces p
      cross join lateral (
        select elevenlabs_agent_id, ${callSums}
        from ${happenedCalls} c
        where organization_id = ${ctx.organizationId} and started_at >= p.lo and started_at < p.hi and ${agentFilter}
        group by elevenlabs_agent_id
      ) c
    )
    select span, ${byAgent ? sql`elevenlabs_agent_id` : sql`''`} as "elevenlabsAgentId",
           sum(calls)::bigint as calls, sum(seconds)::bigint as seconds, sum(success)::bigint as "successCalls",
           sum(failure)::bigint as "failureCalls", sum(timed)::bigint as "durationCalls", sum(credits)::text as credits
    from parts
    group by 1, 2
    having sum(calls) <> 0`;
  const rows = await aggregateRead<SpanRow>(ctx.db, query);
  return rows.map(toSpanUsage);
}

/** Usage per ElevenLabs agent of calls started in [fromAt, toAt). */
export async function usageByAgent(
  ctx: Ctx,
  fromAt: string,
  toAt: string,
  scope: AgentScope,
): Promise<AgentUsage[]> {
  const spans = sql`select 'all'::text as span, ${fromAt}::timestamptz as a, ${toAt}::timestamptz as b`;
  const rows = await usageBySpan(ctx, spans, true, scope);
  return rows.map(({ span: _span, ...usage }) => usage);
}

const QUARTER_MS = 900_000;
const HOUR_MS = 3_600_000;

type Piece = [lo: string, hi: string];

/**
 * A range [a, b) cut by source, computed here so the planner sees constants: whole UTC hours [ha, hb) for the hourly
 * rollups, the whole quarters beside them (at most three at each end) for the quarter-hour rollups, and the rest (less
 * than a quarter at each end of an instant range) for call_logs.
 */
function tiling(from: string, to: string) {
  const a = Date.parse(from);
  const b = Date.parse(to);
  const qa = Math.ceil(a / QUARTER_MS) * QUARTER_MS;
  const qb = Math.max(qa, Math.floor(b / QUARTER_MS) * QUARTER_MS);
  const ha = Math.ceil(a / HOUR_MS) * HOUR_MS;
  const hb = Math.max(ha, Math.floor(b / HOUR_MS) * HOUR_MS);
  const iso = (ms: number) => new Date(ms).toISOString();
  const quarters: string[] = [];
  for (let q = qa; q < Math.min(ha, qb); q += QUARTER_MS) quarters.push(iso(q));
  for (let q = Math.max(hb, qa); q < qb; q += QUARTER_MS) quarters.push(iso(q));
  const calls: Piece[] = [];
  if (a < Math.min(qa, b)) calls.push([iso(a), iso(Math.min(qa, b))]);
  if (qb < b) calls.push([iso(qb), iso(b)]);
  return { qa: iso(qa), qb: iso(qb), ha: iso(ha), hb: iso(hb), quarters, calls };
}

/** Pieces as rows (lo, hi), for a join. */
function pieceRows(pieces: Piece[]): SQL {
  if (pieces.length === 0) return sql`select null::timestamptz as lo, null::timestamptz as hi where false`;
  return sql`select lo::timestamptz as lo, hi::timestamptz as hi from (values ${sql.join(
    pieces.map(([lo, hi]) => sql`(${lo}, ${hi})`),
    sql`, `,
  )}) as v(lo, hi)`;
}

/** Quarter starts as rows (quarter). */
function quarterRows(quarters: string[]): SQL {
  if (quarters.length === 0) return sql`select null::timestamptz as quarter where false`;
  return sql`select q::timestamptz as quarter from (values ${sql.join(
    quarters.map((q) => sql`(${q})`),
    sql`, `,
  )}) as v(q)`;
}

/**
 * The daily series as one grouped scan: whole UTC hours of the range come from the hourly rollups, each counted on the
 * local day its start falls on; the hours a local midnight cuts (zones off whole hours) and the whole quarters at the
 * range's ends come from the quarter-hour rollups, each quarter on its day; only what is left at the ends of an
 * instant range (and a quarter a local midnight cuts, which no zone's offset does today) comes from call_logs, each
 * call on its day. A row's day is its width_bucket among the local midnights: the instants the day spans are made of,
 * found by a binary search per row, cheaper than converting each row to the zone (docs/benchmarks.md). With
 * `previous`, one more span, 'previous', sums [previousFromAt, fromAt) the same way. The tests hold it to a reference
 * read from the calls alone (tests/helpers/usage-reference.ts).
 */
async function usageByLocalDay(ctx: Ctx, range: UsageRange, scope: AgentScope, previous: boolean): Promise<SpanUsage[]> {
  if (scope === null) return [];
  const { tz } = range;
  const org = ctx.organizationId;
  const agentFilter = scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
  const cur = tiling(range.fromAt, range.toAt);
  const prev = tiling(range.previousFromAt, range.fromAt);
  const day = (instant: SQL) => sql`width_bucket(${instant}, (select ms from midnights))`;
  // Quarters are read by one index scan for a list of keys (= any): a join with the list let the planner scan every
  // quarter of the organization instead.
  const previousParts = previous
    ? sql`
      union all
      select null, elevenlabs_agent_id, ${rollupSums} from call_hourly_rollups
      where organization_id = ${org} and hour >= ${prev.ha}::timestamptz and hour < ${prev.hb}::timestamptz and ${agentFilter}
      group by elevenlabs_agent_id
      union all
      select null, elevenlabs_agent_id, ${rollupSums} from call_quarter_rollups
      where organization_id = ${org} and quarter = any(array(${quarterRows(prev.quarters)})) and ${agentFilter}
      group by elevenlabs_agent_id
      union all
      select null, elevenlabs_agent_id, ${callSums}
      from (${pieceRows(prev.calls)}) p
      join ${happenedCalls} c on organization_id = ${org} and started_at >= p.lo and started_at < p.hi and ${agentFilter}
      group by elevenlabs_agent_id`
    : sql``;
  const query = sql`
    with local_midnights as materialized (
      select g.d, g.d at time zone ${tz} as m
      from generate_series(${range.firstDay}::date::timestamp, ${range.lastDay}::date::timestamp + interval '1 day', interval '1 day') as g(d)
    ),
    -- Day n of the range (1-based) is [ms[n], ms[n + 1]): exactly daySpans.
    midnights as (select array_agg(m order by d) as ms from local_midnights),
    -- Whole hours with a local midnight strictly inside (none in zones on whole hours): read by quarters.
    cut as materialized (
      select distinct date_trunc('hour', m, 'UTC') as hour from local_midnights
      where date_trunc('hour', m, 'UTC') <> m
        and date_trunc('hour', m, 'UTC') >= ${cur.ha}::timestamptz and date_trunc('hour', m, 'UTC') < ${cur.hb}::timestamptz
    ),
    -- Whole quarters with a local midnight strictly inside (no zone's offset today, some historical ones): read from calls.
    cut_quarters as materialized (
      select distinct ${quarterOf(sql`m`)} as quarter from local_midnights
      where ${quarterOf(sql`m`)} <> m
        and ${quarterOf(sql`m`)} >= ${cur.qa}::timestamptz and ${quarterOf(sql`m`)} < ${cur.qb}::timestamptz
    ),
    quarters as (
      ${quarterRows(cur.quarters)}
      union all
      select hour + n * interval '15 minutes' from cut, generate_series(0, 3) as n
      except
      select quarter from cut_quarters
    ),
    call_pieces as (
      ${pieceRows(cur.calls)}
      union all
      select quarter, quarter + interval '15 minutes' from cut_quarters
    ),
    parts as (
      select ${day(sql`r.hour`)} as day, r.elevenlabs_agent_id, ${rollupSums}
      from call_hourly_rollups r
      where r.organization_id = ${org} and r.hour >= ${cur.ha}::timestamptz and r.hour < ${cur.hb}::timestamptz and ${agentFilter}
        and not exists (select 1 from cut where cut.hour = r.hour)
      group by 1, 2
      union all
      select ${day(sql`quarter`)}, elevenlabs_agent_id, ${rollupSums}
      from call_quarter_rollups
      where organization_id = ${org} and quarter = any(array(select quarter from quarters)) and ${agentFilter}
      group by 1, 2
      union all
      -- One aggregate over every piece (an index range each): an aggregate per piece costs more than its rows.
      select ${day(sql`c.started_at`)}, elevenlabs_agent_id, ${callSums}
      from call_pieces p
      join ${happenedCalls} c on organization_id = ${org} and started_at >= p.lo and started_at < p.hi and ${agentFilter}
      group by 1, 2
      ${previousParts}
    )
    select coalesce(to_char(${range.firstDay}::date + (day - 1), 'YYYY-MM-DD'), 'previous') as span,
           elevenlabs_agent_id as "elevenlabsAgentId",
           sum(calls)::bigint as calls, sum(seconds)::bigint as seconds, sum(success)::bigint as "successCalls",
           sum(failure)::bigint as "failureCalls", sum(timed)::bigint as "durationCalls", sum(credits)::text as credits
    from parts
    group by day, elevenlabs_agent_id
    having sum(calls) <> 0`;
  const rows = await aggregateRead<SpanRow>(ctx.db, query);
  return rows.map(toSpanUsage);
}

/** A row of usageBySpan and usageByLocalDay as node-postgres returns it: bigint and text sums arrive as strings. */
type SpanRow = {
  span: string;
  elevenlabsAgentId: string;
  calls: string;
  seconds: string;
  successCalls: string;
  failureCalls: string;
  durationCalls: string;
  credits: string;
};

function toSpanUsage(r: SpanRow): SpanUsage {
  return {
    span: r.span,
    elevenlabsAgentId: r.elevenlabsAgentId,
    calls: Number(r.calls),
    seconds: Number(r.seconds),
    successCalls: Number(r.successCalls),
    failureCalls: Number(r.failureCalls),
    durationCalls: Number(r.durationCalls),
    credits: Number(r.credits),
  };
}

function zeroFilled(range: UsageRange, byDate: Map<string, UsageTotals>): DayUsage[] {
  const days: DayUsage[] = [];
  for (let date = range.firstDay; date <= range.lastDay; date = addDays(date, 1)) {
    const r = byDate.get(date);
    days.push({ date, calls: r?.calls ?? 0, seconds: r?.seconds ?? 0, credits: r?.credits ?? 0 });
  }
  return days;
}

/** Adds `usage` into `total`. Credits have two decimals: added as whole cents, the sum is exact in any order. */
function addUsage(total: UsageTotals, usage: UsageTotals): void {
  total.calls += usage.calls;
  total.seconds += usage.seconds;
  total.successCalls += usage.successCalls;
  total.failureCalls += usage.failureCalls;
  total.durationCalls += usage.durationCalls;
  total.credits = (Math.round(total.credits * 100) + Math.round(usage.credits * 100)) / 100;
}

function addInto(map: Map<string, AgentUsage>, key: string, usage: AgentUsage): void {
  const total = map.get(key);
  if (total) addUsage(total, usage);
  else map.set(key, { ...usage });
}

export type UsageReport = { daily: DayUsage[]; byAgent: AgentUsage[]; previous: AgentUsage[] };

/**
 * Daily series, per-agent usage and (optionally) the previous period in one query: spans are the local days plus
 * one "previous" span, grouped by agent; the per-agent totals are the sums of the days (the days tile the range).
 */
export async function usageReport(
  ctx: Ctx,
  range: UsageRange,
  scope: AgentScope,
  options: { previous: boolean },
): Promise<UsageReport> {
  const rows = await usageByLocalDay(ctx, range, scope, options.previous);
  const byDate = new Map<string, AgentUsage>();
  const byAgent = new Map<string, AgentUsage>();
  const previous: AgentUsage[] = [];
  for (const { span, ...usage } of rows) {
    if (span === "previous") previous.push(usage);
    else {
      addInto(byDate, span, usage);
      addInto(byAgent, usage.elevenlabsAgentId, usage);
    }
  }
  return {
    daily: zeroFilled(range, byDate),
    byAgent: [...byAgent.values()],
    previous,
  };
}

export function sumUsage(rows: AgentUsage[]): UsageTotals {
  const total = { calls: 0, seconds: 0, successCalls: 0, failureCalls: 0, durationCalls: 0, credits: 0 };
  for (const r of rows) addUsage(total, r);
  return total;
}
