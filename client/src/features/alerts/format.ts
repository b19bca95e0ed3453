/** Alert values in words: rates as percentages, latency in ms, status metrics as yes/no. */
import { METRIC_LABELS, RATE_METRICS, STATUS_METRICS, type AlertMetric } from "@shared/alert-constants";
import { EMPTY, formatDecimal, formatNumber, formatPercent } from "@/lib/format";

export function formatMetric(metric: AlertMetric, value: number | null | undefined): string {
  if (value == null) return EMPTY;
  if (RATE_METRICS.includes(metric)) return formatPercent(value);
  if (metric === "llm_ttfb_p90_ms") return `${formatNumber(value)} ms`;
  if (metric === "integration_error" || metric === "webhook_disabled") return value >= 1 ? "yes" : "no";
  if (metric === "credits") return formatDecimal(value);
  return formatNumber(value);
}

export function describeCondition(rule: { metric: AlertMetric; comparator: "above" | "below"; threshold: number; windowMinutes: number; minCalls: number }): string {
  const label = METRIC_LABELS[rule.metric];
  const status = STATUS_METRICS.includes(rule.metric);
  const base = `${label} ${rule.comparator} ${formatMetric(rule.metric, rule.threshold)}`;
  if (status) return base;
  const calls = rule.metric === "call_volume" || rule.minCalls === 0 ? "" : `, at least ${formatNumber(rule.minCalls)} calls`;
  return `${base} over ${rule.windowMinutes} min${calls}`;
}

/** Thresholds are typed as people think of them: rates in percent. */
export const isRate = (metric: AlertMetric) => RATE_METRICS.includes(metric);
