/**
 * Daily calls (bars) and minutes (line). The only module that imports Recharts: pages load it with
 * React.lazy so the chart library is fetched only where a chart is shown. No animation: numbers should
 * not move under the reader (and reduced-motion users get a still chart).
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDay, formatDecimal, formatMinutes, formatNumber } from "@/lib/format";

export interface DailyUsagePoint {
  date: string;
  calls: number;
  minutes: number;
}

/** A day of the chart; days still to come have no values (drawn as nothing, not as zero). */
type ChartPoint = { date: string; calls: number | null; minutes: number | null };

const axisStyle = { fontSize: 12, fill: "var(--muted-foreground)" };

/** `lastDay`: days after it (the rest of the current month) keep their place on the axis but show no value. */
export default function DailyUsageChart({ data, height = 288, lastDay }: { data: DailyUsagePoint[]; height?: number; lastDay?: string }) {
  const past = lastDay ? data.filter((point) => point.date <= lastDay) : data;
  const points: ChartPoint[] = lastDay ? data.map((point) => (point.date <= lastDay ? point : { date: point.date, calls: null, minutes: null })) : data;
  return (
    <div style={{ height }} className="w-full" role="figure" aria-label={describe(past)}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid stroke="var(--chart-grid)" vertical={false} />
          <XAxis dataKey="date" tickFormatter={formatDay} tick={axisStyle} tickLine={false} axisLine={false} minTickGap={24} />
          <YAxis yAxisId="calls" allowDecimals={false} tick={axisStyle} tickLine={false} axisLine={false} width={40} />
          <YAxis yAxisId="minutes" orientation="right" tick={axisStyle} tickLine={false} axisLine={false} width={40} />
          <Tooltip
            labelFormatter={(label) => formatDay(String(label))}
            formatter={(value, name) => [
              name === "Minutes" ? formatMinutes(Number(value)) : `${formatNumber(Number(value))} ${Number(value) === 1 ? "call" : "calls"}`,
              name,
            ]}
            contentStyle={{
              background: "var(--popover)",
              color: "var(--popover-foreground)",
              border: "1px solid var(--border)",
              borderRadius: 8,
              fontSize: 12,
            }}
            cursor={{ fill: "var(--muted)" }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar yAxisId="calls" dataKey="calls" name="Calls" fill="var(--chart-1)" radius={[3, 3, 0, 0]} maxBarSize={28} isAnimationActive={false} />
          <Line yAxisId="minutes" dataKey="minutes" name="Minutes" stroke="var(--chart-2)" strokeWidth={2} dot={false} type="linear" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function describe(data: DailyUsagePoint[]): string {
  const calls = data.reduce((sum, point) => sum + point.calls, 0);
  const minutes = data.reduce((sum, point) => sum + point.minutes, 0);
  const busiest = data.reduce<DailyUsagePoint | null>((best, point) => (!best || point.calls > best.calls ? point : best), null);
  const peak = busiest && busiest.calls > 0 ? `; busiest day ${formatDay(busiest.date)} with ${formatNumber(busiest.calls)} calls` : "";
  return `Daily calls and minutes over ${data.length} days: ${formatNumber(calls)} calls, ${formatDecimal(minutes)} minutes${peak}.`;
}
