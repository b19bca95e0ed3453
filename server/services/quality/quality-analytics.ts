/** The Quality page's numbers (DESIGN.md §9 GET /api/analytics/quality), from the quality pre-aggregates. */
import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { analyticsQuery } from "@shared/schemas";
import { MIN_VERSION_SAMPLE, type QualityAnalytics } from "@shared/quality-schemas";
import type { Ctx } from "../context";
import { parseBound, parseTimeZone } from "../calls/time-range";
import { defaultBounds, resolveUsageRange } from "../analytics/usage-range";
import { agentScopeOf, registeredAgents } from "../analytics/usage-agents";
import type { AgentScope } from "../analytics/usage";
import { aggregateRead } from "../analytics/aggregate-read";
import { organizationTimeZone } from "../organizations/organization-settings";
import { addDays } from "../calls/time-range";
import { FACT } from "../quality-facts/quality-facts";
import { bucketValue, DURATION_EDGES, histogramPercentile } from "../quality-facts/latency-buckets";
import { intervalParts, type Interval } from "./quality-parts";
import { SERIES } from "../quality-facts/quality-days";

// Milliseconds, like Date.toISOString() (the bounds resolveUsageRange gives).
const ISO_UTC = sql`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

type Row = { part: string; day: string | null; agent: string | null; kind: string; key: string; bucket: number; n: number; t: number };
type DailyP90 = { day: string; kind: string; blo: number; bhi: number; frac: number };

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

function histogram(rows: Row[]): Map<number, number> {
  const h = new Map<number, number>();
  for (const r of rows) h.set(r.bucket, (h.get(r.bucket) ?? 0) + r.n);
  return h;
}

function percentiles(rows: Row[]) {
  const h = histogram(rows);
  let turns = 0;
  for (const n of h.values()) turns += n;
  const p = (q: number) => round1(histogramPercentile(h, q));
  return { p50: p(0.5), p90: p(0.9), p95: p(0.95), turns };
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = m.get(k);
    if (list) list.push(item);
    else m.set(k, [item]);
  }
  return m;
}

const ALL_KINDS = Object.values(FACT);

/**
 * How call_quality_days covers a range: its whole local days [fromDay, toDay), of which the months [monthFrom,
 * monthTo) come from the month rows, and the instants at its edges (an instant range) left for the hourly rows. Null:
 * the rows are kept in another zone than `tz`.
 */
type DaysPlan = { fromDay: string; toDay: string; monthFrom: string; monthTo: string; edges: Interval[] } | null;

/** The first day of the month after `day`'s. */
function nextMonth(day: string): string {
  const [y, m] = day.split("-").map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

/**
 * What the plan for [fromAt, toAt) in `tz` depends on: the zone the daily rows are kept in
 * (organizations.quality_days_zone), the range's whole local days, and whether the months at its ends have day rows
 * outside it. A month the range covers only in part still comes from its month row when it has none (the current
 * month up to today, or the first month of the organization's data), so a year is about 13 month rows per agent and
 * kind instead of 30 days of them.
 */
function planSql(ctx: Ctx, range: { fromAt: string; toAt: string }, tz: string): SQL {
  const org = ctx.organizationId;
  return sql`with b as (select ${range.fromAt}::timestamptz as fa, ${range.toAt}::timestamptz as ta),
      d as (
        select fa, ta,
          case when ((fa at time zone ${tz})::date::timestamp at time zone ${tz}) = fa then (fa at time zone ${tz})::date
               else (fa at time zone ${tz})::date + 1 end as da,
          (ta at time zone ${tz})::date as db
        from b
      )
      select o.quality_days_zone as zone, to_char(da, 'YYYY-MM-DD') as da, to_char(db, 'YYYY-MM-DD') as db,
        to_char((da::timestamp at time zone ${tz}) at time zone 'UTC', ${ISO_UTC}) as ma,
        to_char((db::timestamp at time zone ${tz}) at time zone 'UTC', ${ISO_UTC}) as mb,
        exists (select 1 from call_quality_days where organization_id = ${org} and period = 'day'
                and day >= date_trunc('month', da)::date and day < da) as "before",
        exists (select 1 from call_quality_days where organization_id = ${org} and period = 'day'
                and day >= db and day < (date_trunc('month', db) + interval '1 month')::date) as "after"
      from d cross join organizations o where o.id = ${org}`;
}

type PlanRow = { zone: string | null; da: string; db: string; ma: string; mb: string; before: boolean; after: boolean };

function toPlan(row: PlanRow | undefined, range: { fromAt: string; toAt: string }, tz: string): DaysPlan {
  if (!row || row.zone !== tz || row.da >= row.db) return null;
  const fromDay = row.da;
  const toDay = row.db;
  const edges: Interval[] = [];
  if (Date.parse(range.fromAt) < Date.parse(row.ma)) edges.push({ fromAt: range.fromAt, toAt: row.ma });
  if (Date.parse(row.mb) < Date.parse(range.toAt)) edges.push({ fromAt: row.mb, toAt: range.toAt });
  const fromMonth = fromDay.slice(0, 8) + "01";
  const toMonth = toDay.slice(0, 8) + "01";
  const monthFrom = fromDay === fromMonth || !row.before ? fromMonth : nextMonth(fromDay);
  const monthTo = toDay === toMonth ? toDay : row.after ? toMonth : nextMonth(toDay);
  return { fromDay, toDay, monthFrom, monthTo, edges };
}

export async function getQualityAnalytics(ctx: Ctx, query: z.infer<typeof analyticsQuery>): Promise<QualityAnalytics> {
  const tz = query.tz ? parseTimeZone(query.tz) : await organizationTimeZone(ctx);
  const bounds = defaultBounds(parseBound(query.from, "from"), parseBound(query.to, "to"), ctx.now(), tz);
  const range = await resolveUsageRange(ctx, bounds.from, bounds.to, tz);
  const scope = await agentScopeOf(ctx, query.agentId);
  const days: string[] = [];
  for (let d = range.firstDay; d <= range.lastDay; d = addDays(d, 1)) days.push(d);
  const base = {
    range: { from: range.firstDay, to: range.lastDay, tz, fromAt: range.fromAt, toAt: range.toAt },
  };
  const known = await registeredAgents(ctx);
  if (scope === null) return assemble(base, days, [], [], known);

  // The plan is read first, then again by the read itself: a read whose snapshot saw another plan (a rebuild in
  // another zone, a call arriving just outside the range in a month read from its month row) is done again.
  const planned = await aggregateRead(ctx.db, planSql(ctx, range, tz));
  let seen = JSON.stringify(planned[0] ?? null);
  let result = await readQuality(ctx, range, tz, scope, toPlan(planned[0] as PlanRow | undefined, range, tz));
  for (let attempt = 0; attempt < 3 && result.plan !== seen; attempt++) {
    seen = result.plan;
    result = await readQuality(ctx, range, tz, scope, toPlan(JSON.parse(seen) as PlanRow | undefined, range, tz));
  }
  return assemble(base, days, result.rows, result.dailyP90, known);
}

/**
 * One statement: the facts of the range's whole local days from call_quality_days (whole months from the month rows,
 * the other days from the day rows, each day's series from the organization-wide series rows), and those of the rest
 * from the hourly rows and the calls (intervalParts); then summed four ways: overall per (kind, key, bucket); per
 * agent for latency and calls; per day for evaluation results; and each day's LLM/TTS p90 located in SQL (a year of
 * daily histograms stays there). It also returns the plan (planSql) as its own snapshot sees it.
 */
async function readQuality(
  ctx: Ctx,
  range: { fromAt: string; toAt: string; firstDay: string; lastDay: string },
  tz: string,
  scope: Exclude<AgentScope, null>,
  plan: DaysPlan,
): Promise<{ rows: Row[]; dailyP90: DailyP90[]; plan: string }> {
  const org = ctx.organizationId;
  const intervals = plan ? plan.edges : [{ fromAt: range.fromAt, toAt: range.toAt }];
  const agentFilter = scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
  const kinds = sql.join(
    ALL_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  let fromDays = sql``;
  let seriesDays = sql``;
  if (plan) {
    const months = plan.monthFrom < plan.monthTo;
    const dayIn = sql`day >= ${plan.fromDay}::date and day < ${plan.toDay}::date
      ${months ? sql`and not (day >= ${plan.monthFrom}::date and day < ${plan.monthTo}::date)` : sql``}`;
    fromDays = sql`
      union all
      select elevenlabs_agent_id, kind, key, bucket, n, total from call_quality_days
      where organization_id = ${org} and period = 'day' and ${dayIn} and ${agentFilter} and kind in (${kinds})
      ${
        months
          ? sql`union all
      select elevenlabs_agent_id, kind, key, bucket, n, total from call_quality_days
      where organization_id = ${org} and period = 'month' and day >= ${plan.monthFrom}::date and day < ${plan.monthTo}::date and ${agentFilter}
        and kind in (${kinds})`
          : sql``
      }`;
    const series = Object.entries(SERIES).map(([name, kind]) => sql`when ${kind} then ${FACT[name as keyof typeof SERIES]}`);
    seriesDays =
      scope === undefined
        ? sql`
      union all
      select day, case kind ${sql.join(series, sql` `)} end, key, bucket, n from call_quality_days
      where organization_id = ${org} and period = 'series' and elevenlabs_agent_id = '' and day >= ${plan.fromDay}::date
        and day < ${plan.toDay}::date and kind in (${SERIES.llmTtfb}, ${SERIES.ttsTtfb}, ${SERIES.criterion})`
        : sql`
      union all
      select day, kind, case when kind = ${FACT.llmTtfb} then '' else key end, bucket, n from call_quality_days
      where organization_id = ${org} and period = 'day' and ${agentFilter} and day >= ${plan.fromDay}::date
        and day < ${plan.toDay}::date and kind in (${FACT.llmTtfb}, ${FACT.ttsTtfb}, ${FACT.criterion})`;
  }
  const query_ = sql`
    with ${intervalParts(ctx, intervals, { tz, firstDay: range.firstDay, lastDay: range.lastDay }, scope, ALL_KINDS)},
    facts as (
      select agent, kind, key, bucket, n, t from parts
      ${fromDays}
    ),
    series as (
      select day, kind, case when kind = ${FACT.llmTtfb} then '' else key end as key, bucket, n from parts
      where kind in (${FACT.llmTtfb}, ${FACT.ttsTtfb}, ${FACT.criterion})
      ${seriesDays}
    ),
    -- The running count up to and including each bucket (the default frame takes in a bucket's other rows: shards,
    -- versions, pieces), so the series rows need no grouping first.
    cum as (
      select day, kind, bucket, sum(n) over (partition by day, kind order by bucket) as c, sum(n) over (partition by day, kind) as total
      from series where kind in (${FACT.llmTtfb}, ${FACT.ttsTtfb})
    ),
    daily_p90 as (
      select to_char(day, 'YYYY-MM-DD') as day, kind,
             min(bucket) filter (where c > floor(0.9 * (total - 1))) as blo,
             min(bucket) filter (where c > ceil(0.9 * (total - 1))) as bhi,
             0.9 * (max(total) - 1) - floor(0.9 * (max(total) - 1)) as frac
      from cum group by day, kind
    )
    select 'all' as part, null as day, null as agent, kind, key, bucket, sum(n)::bigint as n, sum(t)::float8 as t
      from facts group by kind, key, bucket
    union all
    select 'agent', null, agent, kind, '', bucket, sum(n)::bigint, 0
      from facts where kind in (${FACT.llmTtfb}, ${FACT.ttsTtfb}) or (kind = ${FACT.version} and bucket = 0)
      group by agent, kind, bucket
    union all
    select 'day', to_char(day, 'YYYY-MM-DD'), null, kind, key, bucket, sum(n)::bigint, 0
      from series where kind = ${FACT.criterion} group by day, kind, key, bucket
    union all
    select 'p90', day, null, kind, '', blo, bhi, frac::float8 from daily_p90
    union all
    select 'plan', (select row_to_json(p)::text from (${planSql(ctx, range, tz)}) p), null, '', '', 0, 0, 0`;
  const raw = await aggregateRead<QualityRow>(ctx.db, query_, { serial: true });
  const rows: Row[] = [];
  const dailyP90: DailyP90[] = [];
  let seenPlan = "null";
  for (const r of raw) {
    if (r.part === "plan") seenPlan = r.day === null ? "null" : JSON.stringify(JSON.parse(String(r.day)));
    else if (r.part === "p90")
      dailyP90.push({ day: String(r.day), kind: r.kind, blo: Number(r.bucket), bhi: Number(r.n), frac: Number(r.t) });
    else
      rows.push({
        part: r.part,
        day: r.day,
        agent: r.agent,
        kind: r.kind,
        key: r.key,
        bucket: Number(r.bucket),
        n: Number(r.n),
        t: Number(r.t),
      });
  }
  return { rows, dailyP90, plan: seenPlan };
}

function assemble(
  base: Pick<QualityAnalytics, "range">,
  days: string[],
  rows: Row[],
  dailyP90: DailyP90[],
  known: Array<{ id: string; elevenlabsAgentId: string; name: string }>,
): QualityAnalytics {
  const all = rows.filter((r) => r.part === "all");
  const ofKind = (kind: string) => all.filter((r) => r.kind === kind);
  const latency = {
    llmTtfbMs: percentiles(ofKind(FACT.llmTtfb)),
    ttsTtfbMs: percentiles(ofKind(FACT.ttsTtfb)),
    toolLatencyMs: percentiles(ofKind(FACT.toolLatency)),
  };

  const p90At = new Map(
    dailyP90.map((d) => [`${d.day}|${d.kind}`, round1(bucketValue(d.blo) + d.frac * (bucketValue(d.bhi) - bucketValue(d.blo)))]),
  );
  const latencyDaily = days.map((date) => ({
    date,
    llmTtfbP90Ms: p90At.get(`${date}|${FACT.llmTtfb}`) ?? null,
    ttsTtfbP90Ms: p90At.get(`${date}|${FACT.ttsTtfb}`) ?? null,
  }));

  const critDaily = groupBy(
    rows.filter((r) => r.part === "day"),
    (r) => r.key,
  );
  const criteria = [...groupBy(ofKind(FACT.criterion), (r) => r.key)].map(([criterionId, list]) => {
    const count = (b: number) => list.filter((r) => r.bucket === b).reduce((s, r) => s + r.n, 0);
    const passed = count(0);
    const failed = count(1);
    const byDay = groupBy(critDaily.get(criterionId) ?? [], (r) => r.day ?? "");
    return {
      criterionId,
      passed,
      failed,
      unknown: count(2),
      passRate: passed + failed === 0 ? null : passed / (passed + failed),
      daily: days.map((date) => {
        const d = byDay.get(date) ?? [];
        return {
          date,
          passed: d.filter((r) => r.bucket === 0).reduce((s, r) => s + r.n, 0),
          failed: d.filter((r) => r.bucket === 1).reduce((s, r) => s + r.n, 0),
        };
      }),
    };
  });
  criteria.sort((a, b) => a.criterionId.localeCompare(b.criterionId));

  const terminationReasons = ofKind(FACT.termination)
    .map((r) => ({ reason: r.key === "" ? null : r.key, calls: r.n }))
    .filter((r) => r.calls > 0)
    .sort((a, b) => b.calls - a.calls || (a.reason ?? "").localeCompare(b.reason ?? ""));

  const durations = ofKind(FACT.duration);
  const durationHistogram = DURATION_EDGES.map((from, i) => ({
    fromSeconds: from,
    toSeconds: i + 1 < DURATION_EDGES.length ? DURATION_EDGES[i + 1] : null,
    calls: durations.filter((r) => r.bucket === i).reduce((s, r) => s + r.n, 0),
  }));

  const latencyByTool = groupBy(ofKind(FACT.toolLatency), (r) => r.key);
  const tools = [...groupBy(ofKind(FACT.toolCalls), (r) => r.key)]
    .map(([name, list]) => {
      const calls = list.filter((r) => r.bucket === 0).reduce((s, r) => s + r.n, 0);
      const errors = list.filter((r) => r.bucket === 1).reduce((s, r) => s + r.n, 0);
      return {
        name,
        calls,
        errors,
        errorRate: calls === 0 ? null : errors / calls,
        p90LatencyMs: percentiles(latencyByTool.get(name) ?? []).p90,
      };
    })
    .filter((t) => t.calls > 0 || t.errors > 0)
    .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));

  const llmByVersion = groupBy(ofKind(FACT.llmTtfb), (r) => r.key);
  const byVersion = [...groupBy(ofKind(FACT.version), (r) => r.key)]
    .map(([key, list]) => {
      const at = (b: number) => list.filter((r) => r.bucket === b);
      const calls = at(0).reduce((s, r) => s + r.n, 0);
      const credits = Math.round(at(0).reduce((s, r) => s + r.t * 100, 0)) / 100;
      const successes = at(1).reduce((s, r) => s + r.n, 0);
      const failures = at(2).reduce((s, r) => s + r.n, 0);
      return {
        versionId: key === "" ? null : key,
        calls,
        successRate: successes + failures === 0 ? null : successes / (successes + failures),
        llmTtfbP90Ms: percentiles(llmByVersion.get(key) ?? []).p90,
        credits,
        creditsPerSuccessfulCall: successes === 0 ? null : Math.round((credits / successes) * 100) / 100,
        insufficientSample: calls < MIN_VERSION_SAMPLE,
      };
    })
    .filter((v) => v.calls > 0)
    .sort((a, b) => b.calls - a.calls || (a.versionId ?? "").localeCompare(b.versionId ?? ""));

  const agentRows = groupBy(
    rows.filter((r) => r.part === "agent"),
    (r) => r.agent ?? "",
  );
  const names = new Map(known.map((a) => [a.elevenlabsAgentId, a]));
  const byAgent = [...agentRows]
    .map(([elevenLabsAgentId, list]) => ({
      agentId: names.get(elevenLabsAgentId)?.id ?? null,
      elevenLabsAgentId,
      name: names.get(elevenLabsAgentId)?.name ?? null,
      calls: list.filter((r) => r.kind === FACT.version).reduce((s, r) => s + r.n, 0),
      llmTtfbP90Ms: percentiles(list.filter((r) => r.kind === FACT.llmTtfb)).p90,
      ttsTtfbP90Ms: percentiles(list.filter((r) => r.kind === FACT.ttsTtfb)).p90,
    }))
    .filter((a) => a.calls > 0)
    .sort((a, b) => b.calls - a.calls || a.elevenLabsAgentId.localeCompare(b.elevenLabsAgentId));

  return { ...base, latency, latencyDaily, criteria, terminationReasons, durationHistogram, tools, byVersion, byAgent };
}
/** A row of the quality query as node-postgres returns it (a 'p90' row carries blo, bhi and frac in bucket, n and t). */
type QualityRow = {
  part: string;
  day: string | null;
  agent: string | null;
  kind: string;
  key: string;
  bucket: number | string;
  n: number | string;
  t: number | string;
};

