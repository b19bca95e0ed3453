/**
 * The Quality page's charts: latency p90 per day, evaluation pass rate per day, call durations and termination
 * reasons. The only module of the page that imports Recharts (loaded lazily, like the Dashboard's chart).
 */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { QualityAnalytics } from "@shared/quality-schemas";
import { formatDay, formatDecimal, formatMilliseconds, formatNumber, formatPercent } from "@/lib/format";

const axisStyle = { fontSize: 12, fill: "var(--muted-foreground)" };
const tooltipStyle = {
  background: "var(--popover)",
  color: "var(--popover-foreground)",
  border: "1px solid var(--border)",
  borderRadius: 8,
  fontSize: 12,
};
const SERIES = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

function ms(value: unknown): string {
  return formatMilliseconds(value == null ? null : Number(value));
}

/** Axis ticks short enough for a phone: "800 ms", "1.6 s" (a no-break space, so a tick never wraps onto two lines). */
function axisMs(value: number): string {
  return value >= 1000 ? `${formatDecimal(value / 1000)}\u00a0s` : `${formatNumber(value)}\u00a0ms`;
}

export function LatencyTrendChart({ data, height = 260 }: { data: QualityAnalytics["latencyDaily"]; height?: number }) {
  const measured = data.filter((d) => d.llmTtfbP90Ms !== null);
  const worst = measured.reduce<(typeof data)[number] | null>((w, d) => (!w || (d.llmTtfbP90Ms ?? 0) > (w.llmTtfbP90Ms ?? 0) ? d : w), null);
  const label = worst
    ? `LLM and TTS time to first byte, 90th percentile per day over ${data.length} days; slowest LLM day ${formatDay(worst.date)} at ${ms(worst.llmTtfbP90Ms)}.`
    : "No latency measured in this period.";
  return (
    <div style={{ height }} className="w-full" role="figure" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis dataKey="date" tickFormatter={formatDay} tick={axisStyle} tickLine={false} axisLine={false} minTickGap={24} />
          <YAxis tick={axisStyle} tickLine={false} axisLine={false} width={52} tickFormatter={axisMs} />
          <Tooltip labelFormatter={(l) => formatDay(String(l))} formatter={(v, name) => [ms(v), name]} contentStyle={tooltipStyle} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line dataKey="llmTtfbP90Ms" name="LLM TTFB p90" stroke="var(--chart-1)" strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          <Line dataKey="ttsTtfbP90Ms" name="TTS TTFB p90" stroke="var(--chart-2)" strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function CriteriaTrendChart({ criteria, height = 260 }: { criteria: QualityAnalytics["criteria"]; height?: number }) {
  const shown = criteria.slice(0, SERIES.length);
  const days = shown[0]?.daily.map((d) => d.date) ?? [];
  const points = days.map((date, i) => {
    const point: Record<string, string | number | null> = { date };
    for (const c of shown) {
      const d = c.daily[i];
      point[c.criterionId] = d.passed + d.failed === 0 ? null : d.passed / (d.passed + d.failed);
    }
    return point;
  });
  const label = `Pass rate per day of ${shown.length} evaluation criteria: ${shown.map((c) => `${c.criterionId} ${formatPercent(c.passRate)}`).join(", ")}.`;
  return (
    <div style={{ height }} className="w-full" role="figure" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis dataKey="date" tickFormatter={formatDay} tick={axisStyle} tickLine={false} axisLine={false} minTickGap={24} />
          <YAxis domain={[0, 1]} tickFormatter={(v) => formatPercent(Number(v))} tick={axisStyle} tickLine={false} axisLine={false} width={48} />
          <Tooltip labelFormatter={(l) => formatDay(String(l))} formatter={(v, name) => [v == null ? "—" : formatPercent(Number(v)), name]} contentStyle={tooltipStyle} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {shown.map((c, i) => (
            <Line key={c.criterionId} dataKey={c.criterionId} name={c.criterionId} stroke={SERIES[i]} strokeWidth={2} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

function durationLabel(from: number, to: number | null): string {
  const f = (s: number) => (s < 60 ? `${s}s` : `${s / 60}m`);
  return to === null ? `${f(from)}+` : `${f(from)}–${f(to)}`;
}

export function DurationHistogramChart({ data, height = 220 }: { data: QualityAnalytics["durationHistogram"]; height?: number }) {
  const points = data.map((b) => ({ label: durationLabel(b.fromSeconds, b.toSeconds), calls: b.calls }));
  const label = `Calls by duration: ${points.map((p) => `${p.label} ${formatNumber(p.calls)}`).join(", ")}.`;
  return (
    <div style={{ height }} className="w-full" role="figure" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis dataKey="label" tick={axisStyle} tickLine={false} axisLine={false} />
          <YAxis allowDecimals={false} tick={axisStyle} tickLine={false} axisLine={false} width={40} />
          <Tooltip formatter={(v) => [`${formatNumber(Number(v))} calls`, "Calls"]} contentStyle={tooltipStyle} cursor={{ fill: "var(--muted)" }} />
          <Bar dataKey="calls" name="Calls" fill="var(--chart-1)" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function TerminationChart({ data, height = 220 }: { data: QualityAnalytics["terminationReasons"]; height?: number }) {
  const points = data.slice(0, 8).map((r) => ({ reason: r.reason ?? "(none)", calls: r.calls }));
  const label = `Calls by termination reason: ${points.map((p) => `${p.reason} ${formatNumber(p.calls)}`).join(", ")}.`;
  return (
    <div style={{ height }} className="w-full" role="figure" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} layout="vertical" margin={{ top: 0, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid stroke="var(--chart-grid)" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={axisStyle} tickLine={false} axisLine={false} />
          <YAxis type="category" dataKey="reason" tick={axisStyle} tickLine={false} axisLine={false} width={150} />
          <Tooltip formatter={(v) => [`${formatNumber(Number(v))} calls`, "Calls"]} contentStyle={tooltipStyle} cursor={{ fill: "var(--muted)" }} />
          <Bar dataKey="calls" name="Calls" fill="var(--chart-2)" radius={[0, 3, 3, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
