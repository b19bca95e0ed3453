/**
 * Alert evaluation: 1,000 rules spread over the loaded organizations (every metric, windows from 15 minutes to a
 * day, per agent or for all agents), evaluated as the job does (rollups and pre-aggregates), against the same
 * rules' values computed as plain aggregates over call_logs in the same run.
 */
import { sql } from "drizzle-orm";
import { evaluateAlerts } from "../../server/jobs/alert-jobs";
import { fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { timeSequential } from "../http";

const RULES = 1_000;
const METRICS = ["failure_rate", "call_volume", "credits", "initiation_failures", "criterion_failure_rate", "llm_ttfb_p90_ms", "tool_error_rate", "integration_error", "sync_failing"];
const WINDOWS = [15, 60, 240, 1440];

export async function alertsScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const pool = ctx.database.pool;
  const { rows: agents } = await pool.query<{ id: string; organization_id: string; elevenlabs_agent_id: string }>(
    "select id, organization_id, elevenlabs_agent_id from agents order by organization_id, id",
  );
  const orgs = [...new Set(agents.map((a) => a.organization_id))];
  await pool.query("delete from alert_rules");
  const values: string[] = [];
  const rules: Array<{ org: string; agent: string | null; window: number; metric: string }> = [];
  for (let i = 0; i < RULES; i++) {
    const org = orgs[i % orgs.length];
    const own = agents.filter((a) => a.organization_id === org);
    const agent = i % 3 === 0 ? null : own[i % own.length];
    const metric = METRICS[i % METRICS.length];
    const window = WINDOWS[Math.floor(i / METRICS.length) % WINDOWS.length];
    rules.push({ org, agent: agent?.elevenlabs_agent_id ?? null, window, metric });
    values.push(
      `('${org}', 'bench rule ${i}', '${metric}', ${metric === "criterion_failure_rate" ? "'resolved'" : "null"}, ${agent ? `'${agent.id}'` : "null"}, ${window}, 'above', ${metric.endsWith("rate") ? 0.5 : 1e9}, 5)`,
    );
  }
  await pool.query(
    `insert into alert_rules (organization_id, name, metric, criterion_id, agent_id, window_minutes, comparator, threshold, min_calls) values ${values.join(",")}`,
  );

  let evaluated = 0;
  const run = async () => {
    const r = await evaluateAlerts(ctx.deps, { minGapSeconds: 0, deliver: false, concurrency: 8 });
    evaluated = r.evaluated;
  };
  const app = await timeSequential(5, 1, run);
  if (evaluated !== RULES) throw new Error(`evaluated ${evaluated} of ${RULES} rules`);

  // Baseline: each rule's window read from call_logs directly (what the evaluator would do without pre-aggregates).
  const raw = async () => {
    for (const r of rules)
      await ctx.deps.db.execute(sql`
        select count(*), count(*) filter (where call_successful = 'failure'), sum(cost_credits)
        from call_logs
        where organization_id = ${r.org} and started_at > now() - make_interval(mins => ${r.window}) and started_at <= now()
          ${r.agent ? sql`and elevenlabs_agent_id = ${r.agent}` : sql``}`);
  };
  const baseline = await timeSequential(3, 1, raw);
  await pool.query("delete from alert_rules");

  const interval = ctx.deps.env.alertIntervalSeconds * 1000;
  const rows: ResultRow[] = [
    {
      scenario: "alerts",
      case: `evaluate ${RULES.toLocaleString("en")} rules over ${orgs.length} organizations (all metrics, 15 min to 1 day)`,
      value: `p50 ${fmt(app.p50)} / p95 ${fmt(app.p95)}`,
      baseline: `plain aggregates over call_logs p50 ${fmt(baseline.p50)}`,
      ratio: `${(app.p50 / baseline.p50).toFixed(2)}x`,
      target: `< 10 % of ALERT_INTERVAL_SECONDS (${fmt(interval / 10)})`,
      met: app.p95 < interval / 10,
    },
  ];
  return {
    name: "alerts",
    rows,
    data: { app, baseline, rules: RULES, organizations: orgs.length },
    notes: [
      "In process, on the bench database, 8 rules measured at a time, no deliveries (no rule crosses its threshold). The baseline reads only the window's calls for 3 of the metrics' columns, sequentially: it is a floor for a scan, not the same work.",
    ],
  };
}
