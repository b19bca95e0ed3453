/** History at scale: API (HTTP, session, tenant transaction, Drizzle) vs the same SQL through pg behind a bare Express route. */
import { config } from "../config";
import { fmt, type BenchContext, type ResultRow, type ScenarioResult } from "../context";
import { historySql, type HistoryParams } from "../history-sql";
import { timeInterleaved, type Timing } from "../http";

type Case = {
  name: string;
  api: Record<string, string>;
  sql: Omit<HistoryParams, "organizationId" | "limit">;
  search?: boolean;
};

const LIMIT = 25;

export async function historyScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const org = ctx.bigOrg;
  const pool = ctx.database.pool;
  // The row halfway down the list: a deep page is the one after it.
  const { rows: mid } = await pool.query<{ s: string; id: string }>(
    `select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as s, id from call_logs
     where organization_id = $1 and started_at is not null order by started_at desc nulls last, id desc nulls last offset $2 limit 1`,
    [org.id, Math.floor(org.calls / 2)],
  );
  const deep = mid[0];
  const apiCursor = Buffer.from(JSON.stringify([deep.s, deep.id])).toString("base64url");
  const day = 86_400_000;
  const now = Date.now();
  const from = new Date(now - 100 * day).toISOString();
  const to = new Date(now - 93 * day).toISOString();

  const cases: Case[] = [
    { name: "first page", api: {}, sql: {} },
    {
      name: `deep page (cursor at row ${Math.floor(org.calls / 2).toLocaleString("en")})`,
      api: { cursor: apiCursor },
      sql: { after: { startedAt: deep.s, id: deep.id } },
    },
    { name: "filter: agent", api: { agentId: org.agentIds[1] }, sql: { agentId: org.agentIds[1] } },
    { name: "filter: date range (7 days, 100 days ago)", api: { from, to }, sql: { from, to } },
    { name: "filter: status=failed", api: { status: "failed" }, sql: { status: "failed" } },
    { name: "filter: success=false", api: { success: "false" }, sql: { success: "failure" } },
    { name: "filter: minDuration=590 (rare)", api: { minDuration: "590" }, sql: { minDuration: 590 } },
    { name: "filter: maxDuration=60", api: { maxDuration: "60" }, sql: { maxDuration: 60 } },
    { name: 'search: "refund" (common)', api: { q: "refund" }, sql: { q: "refund" }, search: true },
    {
      name: 'search: "warranty blender" (0.2%)',
      api: { q: "warranty blender" },
      sql: { q: "warranty blender" },
      search: true,
    },
    {
      name: 'search + agent: "warranty blender"',
      api: { q: "warranty blender", agentId: org.agentIds[2] },
      sql: { q: "warranty blender", agentId: org.agentIds[2] },
      search: true,
    },
  ];

  const rows: ResultRow[] = [];
  const data: Array<{ case: string; api: Timing; baseline: Timing; pg: Timing; rows: number; sameRows: boolean }> = [];
  for (const c of cases) {
    const params: HistoryParams = { organizationId: org.id, limit: LIMIT, ...c.sql };
    const apiPath = `/api/call-logs?${new URLSearchParams({ limit: String(LIMIT), ...c.api })}`;
    const basePath = `/history?${new URLSearchParams({ p: JSON.stringify(params) })}`;
    const apiGet = async () => {
      const res = await ctx.appClient.send({ method: "GET", path: apiPath, headers: { cookie: org.cookie } });
      if (res.status !== 200) throw new Error(`API ${c.name}: ${res.status} ${res.body.slice(0, 300)}`);
      return JSON.parse(res.body) as { data: Array<{ id: string }> };
    };
    const baseGet = async () => {
      const res = await ctx.baselineClient.send({ method: "GET", path: basePath });
      if (res.status !== 200) throw new Error(`baseline ${c.name}: ${res.status} ${res.body.slice(0, 300)}`);
      return JSON.parse(res.body) as { data: Array<{ id: string }> };
    };
    const a = await apiGet();
    const b = await baseGet();
    const sameRows = a.data.map((r) => r.id).join() === b.data.map((r) => r.id).join();
    const query = historySql(params);
    // Taking turns, so that the shared machine's noise falls on the API and its baselines alike.
    const [api, baseline, pgTime] = await timeInterleaved(config.readIterations, config.warmup, [
      apiGet,
      baseGet,
      () => pool.query(query),
    ]);
    data.push({ case: c.name, api, baseline, pg: pgTime, rows: a.data.length, sameRows });
    const ratio = api.p50 / baseline.p50;
    rows.push({
      scenario: "history",
      case: `${c.name} [${a.data.length} rows${sameRows ? "" : ", ROWS DIFFER"}]`,
      value: `p50 ${fmt(api.p50)} / p95 ${fmt(api.p95)}`,
      baseline: `p50 ${fmt(baseline.p50)} (pg alone ${fmt(pgTime.p50)})`,
      ratio: `${ratio.toFixed(2)}x`,
      target: c.search ? "p50 ≤ 1.3x; p95 < 100 ms" : "p50 ≤ 1.3x",
      met: ratio <= 1.3 && (!c.search || api.p95 < 100),
    });
  }
  // The fixed cost of an API request: no session (/healthz), then session + user lookup (/api/auth/user).
  const [health, me] = await timeInterleaved(config.readIterations, config.warmup, [
    () => ctx.appClient.send({ method: "GET", path: "/healthz" }),
    () => ctx.appClient.send({ method: "GET", path: "/api/auth/user", headers: { cookie: org.cookie } }),
  ]);
  rows.push({
    scenario: "history",
    case: "fixed cost: GET /healthz | GET /api/auth/user (session + user)",
    value: `p50 ${fmt(health.p50)} | p50 ${fmt(me.p50)}`,
    met: null,
  });
  const notes = [
    'Baseline: the same SQL (same filters, keyset, order, limit and agent join) through `pg` behind a bare Express route, over the same keep-alive HTTP client; "pg alone" is that SQL from the bench process without HTTP. API, baseline and pg alone take turns every iteration.',
  ];
  return { name: "history", rows, data: { cases: data, fixedCost: { healthz: health, authUser: me } }, notes };
}
