/**
 * The Quality page (issue 17): GET /api/analytics/quality over 30 and 365 days for the big organization, whose
 * calls carry quality facts of 20 turns each (bench/load-data.ts): in the organization's zone from the daily and
 * monthly pre-aggregates (UTC, then Asia/Kolkata after a time zone change, whose rebuild is timed), and in a zone
 * other than the organization's from the hourly ones. The baseline is the same facts summed straight from call_logs
 * (what the page would cost without pre-aggregates).
 */
import { sql } from "drizzle-orm";
import { rebuildQualityDays } from "../../server/services/quality-facts/quality-days";
import { config } from "../config";
import { dayFromToday as day, fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { timeSequential, type Timing } from "../http";

export async function qualityScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const org = ctx.bigOrg;
  const rows: ResultRow[] = [];
  const data: Array<{ case: string; api: Timing; raw: Timing | null; turns: number }> = [];
  const cases = [
    { name: "30 days, UTC (the organization's zone)", days: 30, tz: "UTC", orgZone: "UTC", target: 100, runs: 10 },
    { name: "365 days, UTC (the organization's zone)", days: 365, tz: "UTC", orgZone: "UTC", target: 250, runs: 10 },
    {
      name: "30 days, Asia/Kolkata (the organization's zone)",
      days: 30,
      tz: "Asia/Kolkata",
      orgZone: "Asia/Kolkata",
      target: 100,
      runs: 10,
    },
    {
      name: "365 days, Asia/Kolkata (the organization's zone)",
      days: 365,
      tz: "Asia/Kolkata",
      orgZone: "Asia/Kolkata",
      target: 250,
      runs: 10,
    },
    // Another zone than the organization's: the hourly pre-aggregates (no target; a few runs, it is slow at scale).
    {
      name: "30 days, America/New_York (another zone)",
      days: 30,
      tz: "America/New_York",
      orgZone: "Asia/Kolkata",
      target: null,
      runs: 3,
    },
  ];
  let zone = "UTC";
  const setZone = async (tz: string) => {
    if (tz === zone) return;
    await ctx.deps.db.execute(sql`update organizations set time_zone = ${tz} where id = ${org.id}`);
    const t0 = performance.now();
    await rebuildQualityDays(ctx.deps.db, org.id);
    const seconds = (performance.now() - t0) / 1000;
    await ctx.database.pool.query("vacuum analyze call_quality_days");
    zone = tz;
    rows.push({
      scenario: "quality",
      case: `rebuild of the daily rows after a time zone change to ${tz}`,
      value: `${seconds.toFixed(1)} s`,
    });
  };
  for (const c of cases) {
    await setZone(c.orgZone);
    const path = `/api/analytics/quality?${new URLSearchParams({ from: day(1 - c.days), to: day(0), tz: c.tz })}`;
    let turns = 0;
    const get = async () => {
      const res = await ctx.appClient.send({ method: "GET", path, headers: { cookie: org.cookie } });
      if (res.status !== 200) throw new Error(`quality ${c.name}: ${res.status} ${res.body.slice(0, 300)}`);
      turns = (JSON.parse(res.body) as { latency: { llmTtfbMs: { turns: number } } }).latency.llmTtfbMs.turns;
    };
    // At most 10 timed requests: reading the facts of a year is slow at scale.
    const api = await timeSequential(Math.min(c.runs, config.readIterations), c.runs > 3 ? 2 : 1, get);
    // The facts summed from the calls themselves, a few runs (slow at scale): what the pre-aggregates replace.
    let raw: Timing | null = null;
    if (c.tz === "UTC") {
      const rawSql = `select f.k, f.x, f.b, sum(f.n) from call_logs cross join lateral jsonb_to_recordset(quality_facts) as f(k text, x text, b int, n int)
        where organization_id = $1 and started_at >= $2::date and started_at < $3::date + 1 group by 1, 2, 3`;
      raw = await timeSequential(3, 1, () => ctx.database.pool.query(rawSql, [org.id, day(1 - c.days), day(0)]));
    }
    data.push({ case: c.name, api, raw, turns });
    rows.push({
      scenario: "quality",
      case: `${c.name} [${turns.toLocaleString("en")} agent turns]`,
      value: `p50 ${fmt(api.p50)} / p95 ${fmt(api.p95)}`,
      baseline: raw ? `facts summed from call_logs p50 ${fmt(raw.p50)}` : undefined,
      ratio: raw ? `${(api.p50 / raw.p50).toFixed(2)}x` : undefined,
      target: c.target === null ? undefined : `p50 < ${c.target} ms`,
      met: c.target === null ? undefined : api.p50 < c.target,
    });
  }
  await setZone("UTC");
  return {
    name: "quality",
    rows,
    data,
    notes: [
      "quality: every call of the big organization carries the facts of 20 turns (10 agent turns with LLM and TTS time to first byte, tools on half the calls, 2 criteria, 3 versions). Percentile error against exact percentile_cont is proved in tests/integration/quality-analytics.test.ts, not here.",
    ],
  };
}
