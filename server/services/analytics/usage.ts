/**
 * Call usage per agent and per local day over a range of instants. Whole UTC hours come from the hourly rollups;
 * only the partial hours at the edges of each span (a range boundary, or a local midnight of a zone whose offset
 * is not whole hours, like Asia/Kolkata) are read from call_logs. Exact for any zone and any instants, and a year
 * of calls costs a few thousand rollup rows instead of every call.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { agents, organizations } from "../../db/schema";
import type { Ctx } from "../../lib/context";
import { addDays } from "../calls/time-range";
import type { UsageRange } from "./usage-range";
import { withoutJit } from "./without-jit";

/** undefined = every agent; null = an agent id that is not this organization's (matches nothing). */
export type AgentScope = string | null | undefined;

/** "raw" reads every call from call_logs: the reference the rollup path is tested against. */
export type UsageSource = "rollups" | "raw";

export type AgentUsage = {
  elevenlabsAgentId: string;
  calls: number;
  seconds: number;
  successCalls: number;
  failureCalls: number;
  durationCalls: number;
  credits: number;
};
export type DayUsage = { date: string; calls: number; seconds: number; credits: number };

type SpanUsage = AgentUsage & { span: string };

/**
 * Sums calls with started_at in each span [a, b). `spans` is a query with columns (span text, a timestamptz, b timestamptz).
 * Per span, hours [ha, hb) are whole and read from rollups; [a, ha) and [hb, b) from call_logs (one index range each).
 */
async function usageBySpan(
  ctx: Ctx,
  spans: SQL,
  byAgent: boolean,
  scope: AgentScope,
  source: UsageSource,
): Promise<SpanUsage[]> {
  if (scope === null) return [];
  const agentFilter = scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
  const hours =
    source === "raw"
      ? sql`b as ha, b as hb`
      : sql`case when date_trunc('hour', a, 'UTC') = a then a else date_trunc('hour', a, 'UTC') + interval '1 hour' end as ha,
            date_trunc('hour', b, 'UTC') as hb`;
  const query = sql`
    with spans as (${spans}),
    s as (select span, a, b, ${hours} from spans where a < b),
    pieces as (
      select span, a as lo, least(ha, b) as hi from s where a < least(ha, b)
      union all
      select span, greatest(hb, ha) as lo, b as hi from s where ha < b and greatest(hb, ha) < b
    ),
    -- LATERAL with GROUP BY: one index range scan per span or piece (measured faster than one scan and a hash join),
    -- never a join over the whole table.
    parts as (
      select s.span, r.*
      from s
      cross join lateral (
        select elevenlabs_agent_id, sum(calls)::bigint as calls, sum(duration_seconds)::bigint as seconds,
               sum(success_calls)::bigint as success, sum(failure_calls)::bigint as failure,
               sum(duration_calls)::bigint as timed, sum(cost_credits)::numeric as credits
        from call_hourly_rollups
        where organization_id = ${ctx.organizationId} and hour >= s.ha and hour < s.hb and ${agentFilter}
        group by elevenlabs_agent_id
      ) r
      where s.ha < s.hb
      union all
      select p.span, c.*
      from pieces p
      cross join lateral (
        select elevenlabs_agent_id, count(*)::bigint as calls, coalesce(sum(duration_seconds), 0)::bigint as seconds,
               count(*) filter (where call_successful = 'success')::bigint as success,
               count(*) filter (where call_successful = 'failure')::bigint as failure,
               count(duration_seconds)::bigint as timed, coalesce(sum(cost_credits), 0)::numeric as credits
        from call_logs
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
  const rows = await withoutJit(ctx.db, query);
  return rows.map((r) => ({
    span: String(r.span),
    elevenlabsAgentId: String(r.elevenlabsAgentId),
    calls: Number(r.calls),
    seconds: Number(r.seconds),
    successCalls: Number(r.successCalls),
    failureCalls: Number(r.failureCalls),
    durationCalls: Number(r.durationCalls),
    credits: Number(r.credits),
  }));
}

/** Usage per ElevenLabs agent of calls started in [fromAt, toAt). */
export async function usageByAgent(
  ctx: Ctx,
  fromAt: string,
  toAt: string,
  scope: AgentScope,
  source: UsageSource = "rollups",
): Promise<AgentUsage[]> {
  const spans = sql`select 'all'::text as span, ${fromAt}::timestamptz as a, ${toAt}::timestamptz as b`;
  const rows = await usageBySpan(ctx, spans, true, scope, source);
  return rows.map(({ span: _span, ...usage }) => usage);
}

function daySpans(range: UsageRange): SQL {
  const { tz } = range;
  return sql`
    select to_char(g.day, 'YYYY-MM-DD') as span,
           greatest(${range.fromAt}::timestamptz, g.day at time zone ${tz}) as a,
           least(${range.toAt}::timestamptz, (g.day + interval '1 day') at time zone ${tz}) as b
    from generate_series(${range.firstDay}::date::timestamp, ${range.lastDay}::date::timestamp, interval '1 day') as g(day)`;
}

function zeroFilled(range: UsageRange, byDate: Map<string, Omit<AgentUsage, "elevenlabsAgentId">>): DayUsage[] {
  const days: DayUsage[] = [];
  for (let date = range.firstDay; date <= range.lastDay; date = addDays(date, 1)) {
    const r = byDate.get(date);
    days.push({ date, calls: r?.calls ?? 0, seconds: r?.seconds ?? 0, credits: r?.credits ?? 0 });
  }
  return days;
}

/** Every local day of the range, zero-filled; a day is cut to the range when the range is given as instants. */
export async function usageByDay(
  ctx: Ctx,
  range: UsageRange,
  scope: AgentScope,
  source: UsageSource = "rollups",
): Promise<DayUsage[]> {
  const rows = await usageBySpan(ctx, daySpans(range), false, scope, source);
  return zeroFilled(range, new Map(rows.map((r) => [r.span, r])));
}

function addInto(map: Map<string, AgentUsage>, key: string, usage: AgentUsage): void {
  const total = map.get(key);
  if (!total) map.set(key, { ...usage });
  else {
    total.calls += usage.calls;
    total.seconds += usage.seconds;
    total.successCalls += usage.successCalls;
    total.failureCalls += usage.failureCalls;
    total.durationCalls += usage.durationCalls;
    total.credits += usage.credits;
  }
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
  options: { previous: boolean; source?: UsageSource },
): Promise<UsageReport> {
  const spans = options.previous
    ? sql`${daySpans(range)} union all select 'previous', ${range.previousFromAt}::timestamptz, ${range.fromAt}::timestamptz`
    : daySpans(range);
  const rows = await usageBySpan(ctx, spans, true, scope, options.source ?? "rollups");
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

/** The agent's ElevenLabs id when it belongs to the organization, else null (its calls are nobody's business). */
export async function agentScopeOf(ctx: Ctx, agentId: string | undefined): Promise<AgentScope> {
  if (!agentId) return undefined;
  const [row] = await ctx.db
    .select({ elevenlabsAgentId: agents.elevenlabsAgentId })
    .from(agents)
    .where(and(eq(agents.organizationId, ctx.organizationId), eq(agents.id, agentId)));
  return row ? row.elevenlabsAgentId : null;
}

export async function registeredAgents(ctx: Ctx) {
  return ctx.db
    .select({ id: agents.id, elevenlabsAgentId: agents.elevenlabsAgentId, name: agents.name })
    .from(agents)
    .where(eq(agents.organizationId, ctx.organizationId));
}

export async function pricePerMinute(ctx: Ctx): Promise<number> {
  const [row] = await ctx.db
    .select({ price: organizations.pricePerMinuteUsd })
    .from(organizations)
    .where(eq(organizations.id, ctx.organizationId));
  return Number(row?.price ?? 0);
}

export function sumUsage(rows: AgentUsage[]): Omit<AgentUsage, "elevenlabsAgentId"> {
  const total = { calls: 0, seconds: 0, successCalls: 0, failureCalls: 0, durationCalls: 0, credits: 0 };
  for (const r of rows) {
    total.calls += r.calls;
    total.seconds += r.seconds;
    total.successCalls += r.successCalls;
    total.failureCalls += r.failureCalls;
    total.durationCalls += r.durationCalls;
    total.credits += r.credits;
  }
  return total;
}

/** Rounded only at the edge of the API (DESIGN.md: sums are exact, minutes and money rounded to 2 decimals). */
export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}

/** Registered agents (zero rows included, unless one agent is asked for) joined with the usage rows by ElevenLabs id. */
export function withAgentNames(
  usage: AgentUsage[],
  known: Array<{ id: string; elevenlabsAgentId: string; name: string }>,
  scope: AgentScope,
): Array<AgentUsage & { agentId: string | null; name: string | null }> {
  const byElevenLabsId = new Map(usage.map((u) => [u.elevenlabsAgentId, u]));
  const result: Array<AgentUsage & { agentId: string | null; name: string | null }> = [];
  for (const agent of known) {
    if (scope !== undefined && agent.elevenlabsAgentId !== scope) continue;
    const u = byElevenLabsId.get(agent.elevenlabsAgentId);
    byElevenLabsId.delete(agent.elevenlabsAgentId);
    result.push({
      ...(u ?? {
        elevenlabsAgentId: agent.elevenlabsAgentId,
        calls: 0,
        seconds: 0,
        successCalls: 0,
        failureCalls: 0,
        durationCalls: 0,
        credits: 0,
      }),
      agentId: agent.id,
      name: agent.name,
    });
  }
  for (const u of byElevenLabsId.values()) result.push({ ...u, agentId: null, name: null });
  return result.sort(
    (a, b) =>
      b.calls - a.calls ||
      b.seconds - a.seconds ||
      (a.name ?? a.elevenlabsAgentId).localeCompare(b.name ?? b.elevenlabsAgentId),
  );
}
