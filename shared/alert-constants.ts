/** Alert metrics and channel types without Zod, so the client shell can use them without loading it. */
export const ALERT_METRICS = [
  "failure_rate",
  "criterion_failure_rate",
  "initiation_failures",
  "call_volume",
  "llm_ttfb_p90_ms",
  "tool_error_rate",
  "credits",
  "integration_error",
  "sync_failing",
  "webhook_disabled",
] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** Metrics about the ingestion itself: a current state, not calls in a window (minCalls does not apply). */
export const STATUS_METRICS: readonly AlertMetric[] = ["integration_error", "sync_failing", "webhook_disabled"];
/** Metrics that are fractions 0-1. */
export const RATE_METRICS: readonly AlertMetric[] = ["failure_rate", "criterion_failure_rate", "tool_error_rate"];

export const METRIC_LABELS: Record<AlertMetric, string> = {
  failure_rate: "Failure rate",
  criterion_failure_rate: "Criterion failure rate",
  initiation_failures: "Initiation failures",
  call_volume: "Call volume",
  llm_ttfb_p90_ms: "LLM time to first byte, P90 (ms)",
  tool_error_rate: "Tool error rate",
  credits: "Credits",
  integration_error: "ElevenLabs key in error",
  sync_failing: "Agents whose sync fails",
  webhook_disabled: "ElevenLabs webhook disabled",
};

export const CHANNEL_TYPES = ["slack", "webhook", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
