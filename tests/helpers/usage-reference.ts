/**
 * Usage read straight from the calls (call_logs and the tombstones of deleted ones), every call on the local date
 * its start falls on: the reference the rollup path of services/analytics/usage.ts is held to. Slow and obvious on
 * purpose; the service never takes this path.
 */
import { sql } from "drizzle-orm";
import type { AgentUsage, DayUsage, UsageReport } from "../../server/services/analytics/usage";
import type { UsageRange } from "../../server/services/analytics/usage-range";
import { addDays } from "../../server/services/calls/time-range";
import type { Ctx } from "../../server/services/context";

type UsageRow = {
  key: string;
  calls: string;
  seconds: string;
  successCalls: string;
  failureCalls: string;
  durationCalls: string;
  credits: string;
};

const happened = sql`(
  select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_logs
  union all
  select organization_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits from call_tombstones
)`;

async function sums(ctx: Ctx, key: ReturnType<typeof sql>, fromAt: string, toAt: string): Promise<UsageRow[]> {
  const { rows } = await ctx.db.execute<UsageRow>(sql`
    select ${key} as key, count(*)::text as calls, coalesce(sum(duration_seconds), 0)::text as seconds,
           (count(*) filter (where call_successful = 'success'))::text as "successCalls",
           (count(*) filter (where call_successful = 'failure'))::text as "failureCalls",
           count(duration_seconds)::text as "durationCalls", coalesce(sum(cost_credits), 0)::text as credits
    from ${happened} c
    where organization_id = ${ctx.organizationId} and started_at >= ${fromAt}::timestamptz and started_at < ${toAt}::timestamptz
    group by 1`);
  return rows;
}

export async function usageByAgentFromCalls(ctx: Ctx, fromAt: string, toAt: string): Promise<AgentUsage[]> {
  return (await sums(ctx, sql`elevenlabs_agent_id`, fromAt, toAt)).map((r) => ({
    elevenlabsAgentId: r.key,
    calls: Number(r.calls),
    seconds: Number(r.seconds),
    successCalls: Number(r.successCalls),
    failureCalls: Number(r.failureCalls),
    durationCalls: Number(r.durationCalls),
    credits: Number(r.credits),
  }));
}

export async function usageByDayFromCalls(ctx: Ctx, range: UsageRange): Promise<DayUsage[]> {
  const day = sql`to_char(started_at at time zone ${range.tz}, 'YYYY-MM-DD')`;
  const byDate = new Map((await sums(ctx, day, range.fromAt, range.toAt)).map((r) => [r.key, r]));
  const days: DayUsage[] = [];
  for (let date = range.firstDay; date <= range.lastDay; date = addDays(date, 1)) {
    const r = byDate.get(date);
    days.push({ date, calls: Number(r?.calls ?? 0), seconds: Number(r?.seconds ?? 0), credits: Number(r?.credits ?? 0) });
  }
  return days;
}

export async function usageReportFromCalls(ctx: Ctx, range: UsageRange): Promise<UsageReport> {
  return {
    daily: await usageByDayFromCalls(ctx, range),
    byAgent: await usageByAgentFromCalls(ctx, range.fromAt, range.toAt),
    previous: await usageByAgentFromCalls(ctx, range.previousFromAt, range.fromAt),
  };
}
