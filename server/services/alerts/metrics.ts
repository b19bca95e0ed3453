/**
 * The value of a rule's metric now, over the trailing window (now − window, now]. Usage metrics come from the
 * hourly rollups plus an index range over the partial hours at the window's edges (usageByAgent), never a scan of
 * every call; status metrics read the integration and agent rows.
 */
import { and, eq, sql } from "drizzle-orm";
import type { AlertMetric } from "@shared/alert-schemas";
import { agents, integrations } from "../../db/schema";
import type { Ctx } from "../context";
import { notFound } from "../../lib/errors";
import { usageByAgent, type AgentUsage } from "../analytics/usage";
import { aggregateRead } from "../analytics/aggregate-read";
import { FACT } from "../quality-facts/quality-facts";
import { qualityParts } from "../quality/quality-parts";
import { qualityMetrics } from "../quality/quality-metrics";
import { workspaceWebhookStatus } from "../integrations/webhook-health";

export type MetricInput = { metric: AlertMetric; agentId?: string | null; criterionId?: string | null; windowMinutes: number };
export type Measurement = { value: number | null; calls: number | null; window: { from: string; to: string } };

/** Shares reads between the rules of one evaluation run (same organization, agent and window). */
export type MeasureCache = Map<string, Promise<unknown>>;

function cached<T>(cache: MeasureCache | undefined, key: string, load: () => Promise<T>): Promise<T> {
  if (!cache) return load();
  let hit = cache.get(key) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    cache.set(key, hit);
  }
  return hit;
}

async function elevenLabsAgentIdOf(ctx: Ctx, agentId: string, cache?: MeasureCache): Promise<string> {
  return cached(cache, `agent|${ctx.organizationId}|${agentId}`, async () => {
    const [row] = await ctx.db
      .select({ elevenlabsAgentId: agents.elevenlabsAgentId })
      .from(agents)
      .where(and(eq(agents.id, agentId), eq(agents.organizationId, ctx.organizationId)));
    if (!row) throw notFound("Agent");
    return row.elevenlabsAgentId;
  });
}

function sumUsage(rows: AgentUsage[]) {
  return rows.reduce(
    (t, r) => ({ calls: t.calls + r.calls, success: t.success + r.successCalls, failure: t.failure + r.failureCalls, credits: t.credits + r.credits }),
    { calls: 0, success: 0, failure: 0, credits: 0 },
  );
}

/** Calls with started_at in (from, to] as [from + 1 µs, to + 1 µs): millisecond instants, microsecond timestamps. */
export function windowOf(now: Date, windowMinutes: number) {
  const to = now.toISOString();
  const from = new Date(now.getTime() - windowMinutes * 60_000).toISOString();
  return { from, to };
}

/** (from, to] as the [fromAt, toAt) the pre-aggregate readers take: both ends one microsecond later. */
function shifted(window: { from: string; to: string }): { fromAt: string; toAt: string } {
  const plusMicro = (iso: string) => iso.replace(/\.(\d{3})Z$/, ".$1001Z");
  return { fromAt: plusMicro(window.from), toAt: plusMicro(window.to) };
}

export async function measure(ctx: Ctx, input: MetricInput, now: Date, cache?: MeasureCache): Promise<Measurement> {
  const window = windowOf(now, input.windowMinutes);
  const scope = input.agentId ? await elevenLabsAgentIdOf(ctx, input.agentId, cache) : undefined;
  // (from, to]: PostgreSQL keeps microseconds, so shift both ends by one.
  const lo = sql`${window.from}::timestamptz + interval '1 microsecond'`;
  const hi = sql`${window.to}::timestamptz + interval '1 microsecond'`;
  const exclusiveRange = () => shifted(window);
  const usage = () =>
    cached(cache, `usage|${ctx.organizationId}|${scope ?? "*"}|${window.from}`, async () => {
      const range = shifted(window);
      return sumUsage(await usageByAgent(ctx, range.fromAt, range.toAt, scope));
    });
  const agentFilter = scope ? sql`and elevenlabs_agent_id = ${scope}` : sql``;

  switch (input.metric) {
    case "failure_rate": {
      const u = await usage();
      const judged = u.success + u.failure;
      return { value: judged ? u.failure / judged : null, calls: u.calls, window };
    }
    case "call_volume": {
      const u = await usage();
      return { value: u.calls, calls: u.calls, window };
    }
    case "credits": {
      const u = await usage();
      return { value: Math.round(u.credits * 100) / 100, calls: u.calls, window };
    }
    case "initiation_failures": {
      // Failed initiations are stored with status 'failed' (index on organization, status, started_at: only those rows).
      const [u, { rows }] = await Promise.all([
        usage(),
        ctx.db.execute<{ n: number }>(sql`
          select count(*)::int as n from call_logs
          where organization_id = ${ctx.organizationId} and status = 'failed' and started_at >= ${lo} and started_at < ${hi} ${agentFilter}`),
      ]);
      return { value: rows[0].n, calls: u.calls, window };
    }
    case "criterion_failure_rate": {
      // Evaluation results from the quality pre-aggregates (whole hours) and the edge calls' stored facts.
      const range = exclusiveRange();
      const [u, rows] = await Promise.all([
        usage(),
        aggregateRead<{ bucket: number; n: string }>(
          ctx.db,
          sql`with ${qualityParts(ctx, range, scope, [FACT.criterion])}
              select bucket, sum(n)::bigint as n from parts where key = ${input.criterionId ?? ""} group by bucket`,
        ),
      ]);
      const count = (b: number) => Number(rows.find((r) => Number(r.bucket) === b)?.n ?? 0);
      const judged = count(0) + count(1);
      return { value: judged ? count(1) / judged : null, calls: u.calls, window };
    }
    case "llm_ttfb_p90_ms":
    case "tool_error_rate": {
      const range = exclusiveRange();
      const q = await cached(cache, `quality|${ctx.organizationId}|${scope ?? "*"}|${window.from}`, () =>
        qualityMetrics(ctx, { from: range.fromAt, to: range.toAt, elevenlabsAgentId: scope }),
      );
      return { value: input.metric === "llm_ttfb_p90_ms" ? q.llmTtfbP90Ms : q.toolErrorRate, calls: q.calls, window };
    }
    case "integration_error": {
      const [row] = await ctx.db
        .select({ status: integrations.status, hasKey: sql<boolean>`${integrations.encryptedApiKey} is not null` })
        .from(integrations)
        .where(and(eq(integrations.organizationId, ctx.organizationId), eq(integrations.provider, "elevenlabs")));
      return { value: row?.hasKey && row.status === "ERROR" ? 1 : 0, calls: null, window };
    }
    case "sync_failing": {
      const { rows } = await ctx.db.execute<{ n: number }>(sql`
        select count(*)::int as n from agents
        where organization_id = ${ctx.organizationId} and sync_status = 'error' ${input.agentId ? sql`and id = ${input.agentId}` : sql``}`);
      return { value: rows[0].n, calls: null, window };
    }
    case "webhook_disabled": {
      // ElevenLabs' own view of the workspace webhook (GET /v1/workspace/webhooks), read once per organization and run.
      const status = await cached(cache, `webhooks|${ctx.organizationId}`, () => workspaceWebhookStatus(ctx));
      if (!status.available) return { value: null, calls: null, window };
      const ours = status.webhooks.filter((w) => w.pointsHere);
      const watched = ours.length ? ours : status.webhooks;
      return { value: watched.some((w) => w.isDisabled || w.isAutoDisabled) ? 1 : 0, calls: null, window };
    }
  }
}
