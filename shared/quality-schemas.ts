/** GET /api/analytics/quality (DESIGN.md §9): voice-quality analytics, served from pre-aggregated histograms. */
import { z } from "zod";
import { isoDateTime } from "./dates";

const percentiles = z.object({
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  p95: z.number().nullable(),
  /** Turns (or tool results) measured: exact. */
  turns: z.number(),
});

export const qualityAnalytics = z.object({
  range: z.object({ from: z.string(), to: z.string(), tz: z.string(), fromAt: isoDateTime, toAt: isoDateTime }),
  latency: z.object({ llmTtfbMs: percentiles, ttsTtfbMs: percentiles, toolLatencyMs: percentiles }),
  latencyDaily: z.array(z.object({ date: z.string(), llmTtfbP90Ms: z.number().nullable(), ttsTtfbP90Ms: z.number().nullable() })),
  criteria: z.array(
    z.object({
      criterionId: z.string(),
      passed: z.number(),
      failed: z.number(),
      /** Results that were neither success nor failure. */
      unknown: z.number(),
      passRate: z.number().nullable(),
      daily: z.array(z.object({ date: z.string(), passed: z.number(), failed: z.number() })),
    }),
  ),
  terminationReasons: z.array(z.object({ reason: z.string().nullable(), calls: z.number() })),
  durationHistogram: z.array(z.object({ fromSeconds: z.number(), toSeconds: z.number().nullable(), calls: z.number() })),
  tools: z.array(z.object({ name: z.string(), calls: z.number(), errors: z.number(), errorRate: z.number().nullable(), p90LatencyMs: z.number().nullable() })),
  byVersion: z.array(
    z.object({
      versionId: z.string().nullable(),
      calls: z.number(),
      successRate: z.number().nullable(),
      llmTtfbP90Ms: z.number().nullable(),
      credits: z.number(),
      creditsPerSuccessfulCall: z.number().nullable(),
      /** Fewer than 30 calls: too few to compare. */
      insufficientSample: z.boolean(),
    }),
  ),
  byAgent: z.array(
    z.object({
      agentId: z.string().nullable(),
      elevenLabsAgentId: z.string(),
      name: z.string().nullable(),
      calls: z.number(),
      llmTtfbP90Ms: z.number().nullable(),
      ttsTtfbP90Ms: z.number().nullable(),
    }),
  ),
});
export type QualityAnalytics = z.infer<typeof qualityAnalytics>;

/** Below this many calls a version comparison is marked "insufficient sample". */
export const MIN_VERSION_SAMPLE = 30;
