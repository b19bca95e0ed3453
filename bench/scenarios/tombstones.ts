/**
 * Deleted calls in the usage totals (issue 19): analytics read the tombstones of deleted calls beside call_logs
 * (DESIGN.md §11: deleting a call's content never changes a total). Measures GET /api/analytics/organization for
 * the big organization, then moves every fifth call of the past 400 days to call_tombstones (as retention or a
 * person's deletion leaves them) and measures again: the ratio is the cost of the tombstone read. Runs last: it
 * changes the data.
 */
import { config } from "../config";
import { dayFromToday as day, fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { timeSequential, type Timing } from "../http";

const CASES = [
  { name: "30 days, UTC", days: 30, tz: "UTC" },
  { name: "365 days, UTC", days: 365, tz: "UTC" },
  { name: "365 days, Asia/Kolkata", days: 365, tz: "Asia/Kolkata" },
];

export async function tombstonesScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const org = ctx.bigOrg;
  const pool = ctx.database.pool;
  const measure = async () => {
    const out: Array<{ api: Timing; body: string }> = [];
    for (const c of CASES) {
      const path = `/api/analytics/organization?${new URLSearchParams({ from: day(1 - c.days), to: day(0), tz: c.tz })}`;
      let body = "";
      const api = await timeSequential(config.readIterations, config.warmup, async () => {
        const res = await ctx.appClient.send({ method: "GET", path, headers: { cookie: org.cookie } });
        if (res.status !== 200) throw new Error(`analytics ${c.name}: ${res.status} ${res.body.slice(0, 300)}`);
        body = res.body;
      });
      out.push({ api, body });
    }
    return out;
  };
  const before = await measure();

  const t0 = performance.now();
  const { rowCount } = await pool.query(
    `with gone as (
       delete from call_logs where organization_id = $1 and right(conversation_id, 1) in ('0', '5')
       returning organization_id, conversation_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits)
     insert into call_tombstones (organization_id, conversation_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits, reason)
     select organization_id, conversation_id, elevenlabs_agent_id, started_at, duration_seconds, call_successful, cost_credits, 'retention' from gone`,
    [org.id],
  );
  await pool.query("vacuum analyze call_logs");
  await pool.query("vacuum analyze call_tombstones");
  ctx.log(`  moved ${rowCount?.toLocaleString("en")} calls to tombstones in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const after = await measure();

  const rows: ResultRow[] = CASES.map((c, i) => {
    // The totals must not move: the tombstones count the deleted calls.
    const same = JSON.stringify(JSON.parse(before[i].body).totals) === JSON.stringify(JSON.parse(after[i].body).totals);
    if (!same) throw new Error(`tombstones: totals changed for ${c.name}`);
    return {
      scenario: "tombstones",
      case: `analytics ${c.name} with ${rowCount?.toLocaleString("en")} calls deleted (20 %)`,
      value: `p50 ${fmt(after[i].api.p50)} / p95 ${fmt(after[i].api.p95)}`,
      baseline: `before the deletions p50 ${fmt(before[i].api.p50)}`,
      ratio: `${(after[i].api.p50 / before[i].api.p50).toFixed(2)}x`,
      target: "totals unchanged; p50 ≤ 1.2x",
      met: after[i].api.p50 <= before[i].api.p50 * 1.2,
    };
  });
  return {
    name: "tombstones",
    rows,
    data: { deleted: rowCount, before: before.map((b) => b.api), after: after.map((a) => a.api) },
    notes: [
      "tombstones: every fifth call of the big organization moved to call_tombstones in one statement (what retention does in batches); the same requests before and after, totals compared for equality.",
    ],
  };
}
