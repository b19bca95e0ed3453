/**
 * Call usage per agent and per local day over a resolved range, from the hourly rollups when they answer exactly,
 * else from call_logs. Both paths count the same calls: started_at in [fromAt, toAt).
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { agents, organizations } from "../../db/schema";
import type { Ctx } from "../../lib/context";
import type { UsageRange } from "./usage-range";

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
export type DayUsage = { date: string; calls: number; seconds: number; credits: number };

function agentCondition(scope: AgentScope): SQL {
  return scope === undefined ? sql`true` : sql`elevenlabs_agent_id = ${scope}`;
}

export async function usageByAgent(ctx: Ctx, fromAt: string, toAt: string, hourly: boolean, scope: AgentScope): Promise<AgentUsage[]> {
  if (scope === null) return [];
  const query = hourly
    ? sql`
      select elevenlabs_agent_id as "elevenlabsAgentId", sum(calls)::bigint as calls, sum(duration_seconds)::bigint as seconds,
             sum(success_calls)::bigint as "successCalls", sum(failure_calls)::bigint as "failureCalls",
             sum(duration_calls)::bigint as "durationCalls", sum(cost_credits)::text as credits
      from call_hourly_rollups
      where organization_id = ${ctx.organizationId} and hour >= ${fromAt}::timestamptz and hour < ${toAt}::timestamptz and ${agentCondition(scope)}
      group by elevenlabs_agent_id
      having sum(calls) <> 0`
    : sql`
      select elevenlabs_agent_id as "elevenlabsAgentId", count(*)::bigint as calls, coalesce(sum(duration_seconds), 0)::bigint as seconds,
             count(*) filter (where call_successful = 'success')::bigint as "successCalls",
             count(*) filter (where call_successful = 'failure')::bigint as "failureCalls",
             count(duration_seconds)::bigint as "durationCalls", coalesce(sum(cost_credits), 0)::text as credits
      from call_logs
      where organization_id = ${ctx.organizationId} and started_at >= ${fromAt}::timestamptz and started_at < ${toAt}::timestamptz and ${agentCondition(scope)}
      group by elevenlabs_agent_id`;
  const { rows } = await ctx.db.execute<Record<string, string | number>>(query);
  return rows.map((r) => ({
    elevenlabsAgentId: String(r.elevenlabsAgentId),
    calls: Number(r.calls),
    seconds: Number(r.seconds),
    successCalls: Number(r.successCalls),
    failureCalls: Number(r.failureCalls),
    durationCalls: Number(r.durationCalls),
    credits: Number(r.credits),
  }));
}

/** Every local day of the range, zero-filled. */
export async function usageByDay(ctx: Ctx, range: UsageRange, scope: AgentScope): Promise<DayUsage[]> {
  const { tz } = range;
  const buckets =
    scope === null
      ? sql`select null::date as day, 0::bigint as calls, 0::bigint as seconds, 0::numeric as credits where false`
      : range.hourlyDaily
        ? sql`
          select (hour at time zone ${tz})::date as day, sum(calls) as calls, sum(duration_seconds) as seconds, sum(cost_credits) as credits
          from call_hourly_rollups
          where organization_id = ${ctx.organizationId} and hour >= ${range.fromAt}::timestamptz and hour < ${range.toAt}::timestamptz and ${agentCondition(scope)}
          group by 1`
        : sql`
          select (started_at at time zone ${tz})::date as day, count(*) as calls, coalesce(sum(duration_seconds), 0) as seconds, coalesce(sum(cost_credits), 0) as credits
          from call_logs
          where organization_id = ${ctx.organizationId} and started_at >= ${range.fromAt}::timestamptz and started_at < ${range.toAt}::timestamptz and ${agentCondition(scope)}
          group by 1`;
  const { rows } = await ctx.db.execute<Record<string, string | number>>(sql`
    with buckets as (${buckets})
    select to_char(g.day, 'YYYY-MM-DD') as date, coalesce(b.calls, 0)::bigint as calls, coalesce(b.seconds, 0)::bigint as seconds,
           coalesce(b.credits, 0)::text as credits
    from generate_series(${range.firstDay}::date::timestamp, ${range.lastDay}::date::timestamp, interval '1 day') as g(day)
    left join buckets b on b.day = g.day::date
    order by g.day`);
  return rows.map((r) => ({ date: String(r.date), calls: Number(r.calls), seconds: Number(r.seconds), credits: Number(r.credits) }));
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
      ...(u ?? { elevenlabsAgentId: agent.elevenlabsAgentId, calls: 0, seconds: 0, successCalls: 0, failureCalls: 0, durationCalls: 0, credits: 0 }),
      agentId: agent.id,
      name: agent.name,
    });
  }
  for (const u of byElevenLabsId.values()) result.push({ ...u, agentId: null, name: null });
  return result.sort((a, b) => b.calls - a.calls || b.seconds - a.seconds || (a.name ?? a.elevenlabsAgentId).localeCompare(b.name ?? b.elevenlabsAgentId));
}
