import { ClockIcon, DollarSignIcon, PhoneIcon, TimerIcon, TrendingUpIcon } from "lucide-react";
import type { Analytics } from "@shared/schemas";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import { relativeChange } from "@/lib/date-range";
import { formatCurrency, formatDuration, formatMinutes, formatNumber, formatPercent } from "@/lib/format";
import { ChangeIndicator } from "@/features/analytics/components/change-indicator";

type Totals = Analytics["totals"];

/** Five headline numbers, each compared with the period of the same length just before. */
export function DashboardStats({ current, previous }: { current: Totals | undefined; previous: Totals | undefined }) {
  if (!current) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {Array.from({ length: 5 }, (_, i) => (
          <StatCardSkeleton key={i} />
        ))}
      </div>
    );
  }
  const change = (pick: (t: Totals) => number | null) => (previous ? relativeChange(pick(current), pick(previous)) : null);
  const noPreviousCalls = previous?.calls === 0;
  // Success rate is already a fraction: compare in percentage points, not relative change.
  const successDelta =
    previous && current.successRate != null && previous.successRate != null ? current.successRate - previous.successRate : null;

  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
      <StatCard
        label="Total calls"
        icon={<PhoneIcon aria-hidden="true" />}
        value={formatNumber(current.calls)}
        footer={<ChangeIndicator change={change((t) => t.calls)} goodWhenUp={null} noPreviousCalls={noPreviousCalls} />}
      />
      <StatCard
        label="Total minutes"
        icon={<ClockIcon aria-hidden="true" />}
        value={formatMinutes(current.minutes)}
        footer={<ChangeIndicator change={change((t) => t.minutes)} goodWhenUp={null} noPreviousCalls={noPreviousCalls} />}
      />
      <StatCard
        label="Estimated cost"
        icon={<DollarSignIcon aria-hidden="true" />}
        value={formatCurrency(current.estimatedCost)}
        footer={<ChangeIndicator change={change((t) => t.estimatedCost)} goodWhenUp={false} noPreviousCalls={noPreviousCalls} />}
      />
      <StatCard
        label="Success rate"
        icon={<TrendingUpIcon aria-hidden="true" />}
        value={formatPercent(current.successRate)}
        footer={
          successDelta == null ? (
            <span>
              {current.successRate == null ? "No evaluated calls" : noPreviousCalls ? "No calls in the previous period" : "No data for the previous period"}
            </span>
          ) : (
            <SuccessDelta delta={successDelta} />
          )
        }
      />
      <StatCard
        label="Average duration"
        icon={<TimerIcon aria-hidden="true" />}
        value={formatDuration(current.avgDurationSeconds)}
        footer={<ChangeIndicator change={change((t) => t.avgDurationSeconds)} goodWhenUp={null} noPreviousCalls={noPreviousCalls} />}
      />
    </div>
  );
}

function SuccessDelta({ delta }: { delta: number }) {
  const points = Math.round(delta * 1000) / 10;
  const tone = points > 0 ? "text-success" : points < 0 ? "text-destructive" : "";
  return (
    <span className="inline-flex items-center gap-1">
      <span className={`font-medium ${tone}`}>
        {points > 0 ? "+" : ""}
        {points.toLocaleString()} pts
      </span>
      <span>vs previous period</span>
    </span>
  );
}
