/** What an alert says, per channel: Slack `{ text, blocks }`, a signed JSON webhook body, an email. */
import { METRIC_LABELS, RATE_METRICS, type AlertMetric } from "@shared/alert-schemas";

export type AlertMessageType = "alert.firing" | "alert.resolved" | "alert.test";

/** The generic webhook's JSON body (DESIGN §10); stored with each delivery, so every attempt sends the same bytes. */
export type AlertMessage = {
  type: AlertMessageType;
  rule: {
    id: string;
    name: string;
    metric: AlertMetric;
    agentId: string | null;
    criterionId: string | null;
    windowMinutes: number;
    comparator: "above" | "below";
    minCalls: number;
  };
  value: number | null;
  threshold: number;
  calls: number | null;
  window: { from: string; to: string };
  organization: { id: string; name: string };
  url: string;
};

export function formatMetricValue(metric: AlertMetric, value: number | null): string {
  if (value === null) return "no data";
  if (RATE_METRICS.includes(metric)) return `${(value * 100).toFixed(1).replace(/\.0$/, "")} %`;
  if (metric === "llm_ttfb_p90_ms") return `${Math.round(value)} ms`;
  if (metric === "integration_error" || metric === "webhook_disabled") return value >= 1 ? "yes" : "no";
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

const headline: Record<AlertMessageType, string> = {
  "alert.firing": "Firing",
  "alert.resolved": "Resolved",
  "alert.test": "Test",
};

export function summaryLine(m: AlertMessage): string {
  const label = METRIC_LABELS[m.rule.metric];
  const value = formatMetricValue(m.rule.metric, m.value);
  const threshold = formatMetricValue(m.rule.metric, m.threshold);
  if (m.type === "alert.test") return `Test notification for "${m.rule.name}" from VoiceAI Dashboard: this channel works.`;
  const verb = m.type === "alert.firing" ? `is ${m.rule.comparator}` : `is back, no longer ${m.rule.comparator}`;
  return `${headline[m.type]}: ${m.rule.name}. ${label} ${verb} ${threshold}: ${value} over the last ${m.rule.windowMinutes} min${
    m.calls !== null ? ` (${m.calls} calls)` : ""
  }.`;
}

export function slackBody(m: AlertMessage): { text: string; blocks: unknown[] } {
  const emoji = m.type === "alert.firing" ? ":red_circle:" : m.type === "alert.resolved" ? ":large_green_circle:" : ":white_circle:";
  const text = `${emoji} ${summaryLine(m)}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text } },
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `${m.organization.name} · window ${m.window.from} to ${m.window.to} · <${m.url}|Open alerts>` }],
      },
    ],
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function emailBody(m: AlertMessage): { subject: string; text: string; html: string } {
  const line = summaryLine(m);
  return {
    subject: `[${headline[m.type]}] ${m.rule.name} - VoiceAI Dashboard`,
    text: `${line}\n\nOrganization: ${m.organization.name}\nWindow: ${m.window.from} to ${m.window.to}\n\nOpen the alerts: ${m.url}\n`,
    html: `<p>${escapeHtml(line)}</p><p>Organization: ${escapeHtml(m.organization.name)}<br>Window: ${escapeHtml(m.window.from)} to ${escapeHtml(
      m.window.to,
    )}</p><p><a href="${escapeHtml(m.url)}">Open the alerts</a></p>`,
  };
}
