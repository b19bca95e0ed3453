/** The Dashboard's numbers (DESIGN.md §5 GET /api/analytics/organization). */
import type { Analytics, AnalyticsTotals } from "@shared/schemas";
import type { z } from "zod";
import type { analyticsQuery } from "@shared/schemas";
import type { Ctx } from "../context";
import { parseBound, parseTimeZone } from "../calls/time-range";
import { organizationTimeZone } from "../organizations/organization-settings";
import { defaultBounds, resolveUsageRange } from "./usage-range";
import {
  agentScopeOf,
  type AgentUsage,
  pricePerMinute,
  registeredAgents,
  round2,
  sumUsage,
  usageReport,
  withAgentNames,
} from "./usage";

function toTotals(total: Omit<AgentUsage, "elevenlabsAgentId">, price: number): AnalyticsTotals {
  const minutes = total.seconds / 60;
  const judged = total.successCalls + total.failureCalls;
  return {
    calls: total.calls,
    minutes: round2(minutes),
    estimatedCost: round2(minutes * price),
    credits: round2(total.credits),
    successRate: judged === 0 ? null : total.successCalls / judged,
    avgDurationSeconds: total.durationCalls === 0 ? null : round2(total.seconds / total.durationCalls),
  };
}

export async function getOrganizationAnalytics(ctx: Ctx, query: z.infer<typeof analyticsQuery>): Promise<Analytics> {
  // The organization's zone unless the request names one (DESIGN.md §11).
  const tz = query.tz ? parseTimeZone(query.tz) : await organizationTimeZone(ctx);
  const bounds = defaultBounds(parseBound(query.from, "from"), parseBound(query.to, "to"), ctx.now(), tz);
  const range = await resolveUsageRange(ctx, bounds.from, bounds.to, tz);
  const scope = await agentScopeOf(ctx, query.agentId);
  const [{ byAgent: current, previous, daily }, known, price] = await Promise.all([
    usageReport(ctx, range, scope, { previous: true }),
    registeredAgents(ctx),
    pricePerMinute(ctx),
  ]);
  return {
    range: { from: range.firstDay, to: range.lastDay, tz, fromAt: range.fromAt, toAt: range.toAt },
    totals: toTotals(sumUsage(current), price),
    previous: toTotals(sumUsage(previous), price),
    daily: daily.map((d) => ({ date: d.date, calls: d.calls, minutes: round2(d.seconds / 60) })),
    byAgent: withAgentNames(current, known, scope).map((a) => ({
      agentId: a.agentId,
      elevenLabsAgentId: a.elevenlabsAgentId,
      name: a.name,
      calls: a.calls,
      minutes: round2(a.seconds / 60),
    })),
  };
}
