/** One calendar month of usage for the Billing page (DESIGN.md §5 GET /api/billing/usage). */
import type { BillingUsage } from "@shared/schemas";
import type { Ctx } from "../context";
import { addDays, localDate, parseTimeZone } from "../calls/time-range";
import { organizationTimeZone } from "../organizations/organization-settings";
import { resolveUsageRange } from "../analytics/usage-range";
import { pricePerMinute, registeredAgents, round2, sumUsage, usageReport, withAgentNames } from "../analytics/usage";

function lastDayOf(month: string): string {
  const [year, m] = month.split("-").map(Number);
  return addDays(`${m === 12 ? year + 1 : year}-${String(m === 12 ? 1 : m + 1).padStart(2, "0")}-01`, -1);
}

export async function getBillingUsage(ctx: Ctx, query: { month?: string; tz?: string }): Promise<BillingUsage> {
  // Billing months are months in the organization's zone (DESIGN.md §11) unless the request names one.
  const tz = query.tz ? parseTimeZone(query.tz) : await organizationTimeZone(ctx);
  const month = query.month ?? localDate(ctx.now(), tz).slice(0, 7);
  const range = await resolveUsageRange(
    ctx,
    { kind: "date", date: `${month}-01` },
    { kind: "date", date: lastDayOf(month) },
    tz,
  );
  const [{ byAgent: usage, daily }, known, price] = await Promise.all([
    usageReport(ctx, range, undefined, { previous: false }),
    registeredAgents(ctx),
    pricePerMinute(ctx),
  ]);
  const total = sumUsage(usage);
  return {
    month,
    pricePerMinuteUsd: price,
    totals: {
      calls: total.calls,
      minutes: round2(total.seconds / 60),
      credits: round2(total.credits),
      estimatedCost: round2((total.seconds / 60) * price),
    },
    byAgent: withAgentNames(usage, known, undefined).map((a) => ({
      agentId: a.agentId,
      elevenLabsAgentId: a.elevenlabsAgentId,
      name: a.name,
      calls: a.calls,
      minutes: round2(a.seconds / 60),
      credits: round2(a.credits),
      estimatedCost: round2((a.seconds / 60) * price),
    })),
    daily: daily.map((d) => ({
      date: d.date,
      calls: d.calls,
      minutes: round2(d.seconds / 60),
      credits: round2(d.credits),
    })),
  };
}
