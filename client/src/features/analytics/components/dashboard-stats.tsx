import { ClockIcon, CoinsIcon, DollarSignIcon, PhoneIcon, TimerIcon, TrendingUpIcon } from "lucide-react";
import type { Analytics } from "@shared/schemas";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import {
  formatCurrency,
  formatDecimal,
  formatDuration,
  formatMinutes,
  formatNumber,
  formatPercent,
  formatPointsChange,
  formatSignedNumber,
} from "@/lib/format";
import { cn } from "@/lib/utils";
import { ChangeIndicator } from "@/features/analytics/components/change-indicator";

type Totals = Analytics["totals"];

const GRID = "grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-3 2xl:grid-cols-6";

const signedCurrency = (difference: number) => `${difference < 0 ? "\u2212" : "+"}${formatCurrency(Math.abs(difference))}`;
const signedDuration = (difference: number) => `${difference < 0 ? "\u2212" : "+"}${formatDuration(Math.abs(difference))}`;

/**
 * Six headline numbers, each compared with the period of the same length just before. When that period
 * had no calls at all, one line under the cards says so instead of every card repeating it.
 */
export function DashboardStats({ current, previous }: { current: Totals | undefined; previous: Totals | undefined }) {
  if (!current) {
    return (
      <div className={GRID}>
        {Array.from({ length: 6 }, (_, i) => (
          <StatCardSkeleton key={i} />
        ))}
      </div>
    );
  }
  // Nothing to compare with: no footers, one note below.
  const compare = previous && previous.calls > 0 ? previous : undefined;
  // Success rate is already a fraction: compare in percentage points, not relative change.
  const successDelta = compare && current.successRate != null && compare.successRate != null ? current.successRate - compare.successRate : null;

  return (
    <div className="grid gap-2">
      <div className={GRID}>
        <StatCard
          label="Total calls"
          icon={<PhoneIcon aria-hidden="true" />}
          value={formatNumber(current.calls)}
          footer={compare && <ChangeIndicator current={current.calls} previous={compare.calls} goodWhenUp={null} formatDifference={(d) => formatSignedNumber(d, "calls")} />}
        />
        <StatCard
          label="Total minutes"
          icon={<ClockIcon aria-hidden="true" />}
          value={formatMinutes(current.minutes)}
          footer={
            compare && (
              <ChangeIndicator
                current={current.minutes}
                previous={compare.minutes}
                goodWhenUp={null}
                formatDifference={(d) => formatSignedNumber(d, "min", formatDecimal)}
              />
            )
          }
        />
        <StatCard
          label="ElevenLabs credits"
          icon={<CoinsIcon aria-hidden="true" />}
          value={formatNumber(current.credits)}
          footer={
            compare ? (
              <ChangeIndicator current={current.credits} previous={compare.credits} goodWhenUp={false} formatDifference={(d) => formatSignedNumber(d, "credits")} />
            ) : (
              <span>as billed by ElevenLabs</span>
            )
          }
        />
        <StatCard
          label="Estimated cost"
          icon={<DollarSignIcon aria-hidden="true" />}
          value={formatCurrency(current.estimatedCost)}
          footer={
            compare ? (
              <ChangeIndicator current={current.estimatedCost} previous={compare.estimatedCost} goodWhenUp={false} formatDifference={signedCurrency} />
            ) : (
              <span>from your price per minute</span>
            )
          }
        />
        <StatCard
          label="Success rate"
          icon={<TrendingUpIcon aria-hidden="true" />}
          value={formatPercent(current.successRate)}
          footer={
            current.successRate == null ? (
              <span>No evaluated calls</span>
            ) : (
              successDelta != null && <SuccessDelta delta={successDelta} />
            )
          }
        />
        <StatCard
          label="Average duration"
          icon={<TimerIcon aria-hidden="true" />}
          value={formatDuration(current.avgDurationSeconds)}
          footer={
            compare && (
              <ChangeIndicator
                current={current.avgDurationSeconds}
                previous={compare.avgDurationSeconds}
                goodWhenUp={null}
                formatDifference={signedDuration}
              />
            )
          }
        />
      </div>
      {previous && !compare && <p className="text-xs text-muted-foreground">No calls in the previous period of the same length, so there is nothing to compare with.</p>}
    </div>
  );
}

function SuccessDelta({ delta }: { delta: number }) {
  const points = Math.round(delta * 1000) / 10;
  const tone = points > 0 ? "text-success" : points < 0 ? "text-destructive" : "";
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1">
      <span className={cn("font-medium whitespace-nowrap", tone)}>{formatPointsChange(delta)}</span>
      <span>vs previous period</span>
    </span>
  );
}
