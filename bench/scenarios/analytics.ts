/** Dashboard analytics over 30 and 365 days: the API (hourly rollups + edge hours from call_logs) vs a plain aggregate. */
import { config } from "../config";
import { fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { timeSequential, type Timing } from "../http";

function day(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export async function analyticsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const org = ctx.bigOrg;
  const rows: ResultRow[] = [];
  const data: Array<{ case: string; api: Timing; rawAggregate: Timing | null; calls: number }> = [];
  const cases = [
    { name: "30 days, UTC", days: 30, tz: "UTC" },
    { name: "365 days, UTC", days: 365, tz: "UTC" },
    { name: "365 days, America/New_York", days: 365, tz: "America/New_York" },
    { name: "365 days, Asia/Kolkata (half-hour zone)", days: 365, tz: "Asia/Kolkata" },
    { name: "365 days, Asia/Kathmandu (quarter-hour zone)", days: 365, tz: "Asia/Kathmandu" },
  ];
  for (const c of cases) {
    const path = `/api/analytics/organization?${new URLSearchParams({ from: day(1 - c.days), to: day(0), tz: c.tz })}`;
    let calls = 0;
    const get = async () => {
      const res = await ctx.appClient.send({ method: "GET", path, headers: { cookie: org.cookie } });
      if (res.status !== 200) throw new Error(`analytics ${c.name}: ${res.status} ${res.body.slice(0, 300)}`);
      calls = (JSON.parse(res.body) as { totals: { calls: number } }).totals.calls;
    };
    const api = await timeSequential(config.readIterations, config.warmup, get);
    // The plain aggregate the rollups replace (daily series over call_logs), a few runs only: it is slow at scale.
    let raw: Timing | null = null;
    if (c.tz === "UTC") {
      const rawSql = `select (started_at at time zone $2)::date as d, count(*), sum(duration_seconds), count(*) filter (where call_successful = 'success')
        from call_logs where organization_id = $1 and started_at >= ($3::date::timestamp at time zone $2) and started_at < (($4::date + 1)::timestamp at time zone $2)
        group by 1`;
      raw = await timeSequential(5, 1, () => ctx.database.pool.query(rawSql, [org.id, c.tz, day(1 - c.days), day(0)]));
    }
    data.push({ case: c.name, api, rawAggregate: raw, calls });
    rows.push({
      scenario: "analytics",
      case: `${c.name} [${calls.toLocaleString("en")} calls]`,
      value: `p50 ${fmt(api.p50)} / p95 ${fmt(api.p95)}`,
      baseline: raw ? `plain aggregate over call_logs p50 ${fmt(raw.p50)}` : undefined,
      ratio: raw ? `${(api.p50 / raw.p50).toFixed(2)}x` : undefined,
      target: c.days === 365 ? "p50 < 50 ms" : undefined,
      met: c.days === 365 ? api.p50 < 50 : null,
    });
  }
  return { name: "analytics", rows, data };
}
