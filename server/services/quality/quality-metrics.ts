/**
 * Quality metrics of an organization (or one of its agents) over calls started in [fromAt, toAt), from the quality
 * pre-aggregates: for alert rules (DESIGN.md §10: llm_ttfb_p90_ms, tool_error_rate) and anything else that needs a
 * window's numbers without the Quality page's breakdowns. Exact counts; the p90 within 5 % of percentile_cont.
 */
import { sql } from "drizzle-orm";
import type { Ctx } from "../context";
import { aggregateRead } from "../analytics/aggregate-read";
import { FACT } from "../quality-facts/quality-facts";
import { histogramPercentile } from "../quality-facts/latency-buckets";
import { qualityParts } from "./quality-parts";

export type QualityWindow = {
  /** Calls started in the window (every call, with or without quality data). */
  calls: number;
  /** Agent turns with an LLM time to first byte. */
  llmTurns: number;
  llmTtfbP90Ms: number | null;
  toolCalls: number;
  toolErrors: number;
  /** toolErrors ÷ toolCalls; null without tool calls. */
  toolErrorRate: number | null;
};

/**
 * `elevenlabsAgentId` undefined = every agent of the organization. Instants as ISO strings or Dates.
 * Runs on ctx.db (the tenant handle): only the organization's own rows are read.
 */
export async function qualityMetrics(
  ctx: Ctx,
  window: { from: Date | string; to: Date | string; elevenlabsAgentId?: string },
): Promise<QualityWindow> {
  const iso = (d: Date | string) => (typeof d === "string" ? new Date(d) : d).toISOString();
  const range = { fromAt: iso(window.from), toAt: iso(window.to) };
  const kinds = [FACT.llmTtfb, FACT.toolCalls, FACT.version];
  const rows = await aggregateRead<{ kind: string; bucket: number; n: string }>(
    ctx.db,
    sql`with ${qualityParts(ctx, range, window.elevenlabsAgentId, kinds)}
        select kind, bucket, sum(n)::bigint as n from parts
        where kind <> ${FACT.version} or bucket = 0
        group by kind, bucket`,
  );
  const llm = new Map<number, number>();
  let calls = 0;
  let toolCalls = 0;
  let toolErrors = 0;
  let llmTurns = 0;
  for (const r of rows) {
    const n = Number(r.n);
    const bucket = Number(r.bucket);
    if (r.kind === FACT.llmTtfb) {
      llm.set(bucket, n);
      llmTurns += n;
    } else if (r.kind === FACT.version) calls += n;
    else if (bucket === 0) toolCalls += n;
    else toolErrors += n;
  }
  const p90 = histogramPercentile(llm, 0.9);
  return {
    calls,
    llmTurns,
    llmTtfbP90Ms: p90 === null ? null : Math.round(p90 * 10) / 10,
    toolCalls,
    toolErrors,
    toolErrorRate: toolCalls === 0 ? null : toolErrors / toolCalls,
  };
}
