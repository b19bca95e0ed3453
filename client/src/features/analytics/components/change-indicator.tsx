import { ArrowDownRightIcon, ArrowUpRightIcon, MinusIcon, SparklesIcon } from "lucide-react";
import { relativeChange } from "@/lib/date-range";
import { formatPercent } from "@/lib/format";
import { cn } from "@/lib/utils";

/** Past this relative change a percentage says little ("+12,525 %"): the difference itself is shown instead. */
const LARGEST_SHOWN_AS_PERCENT = 10;

/**
 * "+12% vs previous period", or the difference itself ("+2,504 calls") when the previous period was so
 * small that a percentage would mislead, or "New" when it had none. Colour says good or bad only where
 * that is clear (`goodWhenUp`).
 */
export function ChangeIndicator({
  current,
  previous,
  formatDifference,
  goodWhenUp = true,
  label = "vs previous period",
}: {
  current: number | null;
  previous: number | null | undefined;
  /** Formats a signed difference with its unit, e.g. (12) => "+12 calls". */
  formatDifference: (difference: number) => string;
  goodWhenUp?: boolean | null;
  label?: string;
}) {
  if (current == null || previous == null) return <span>No comparison</span>;
  if (previous === 0 && current > 0) {
    return (
      <span className="inline-flex items-center gap-1">
        <span className="inline-flex items-center gap-0.5 font-medium">
          <SparklesIcon aria-hidden="true" className="size-3.5" />
          New
        </span>
        <span>none in the previous period</span>
      </span>
    );
  }
  const change = relativeChange(current, previous) ?? 0;
  const flat = Math.abs(change) < 0.0005;
  const up = current > previous;
  const Icon = flat ? MinusIcon : up ? ArrowUpRightIcon : ArrowDownRightIcon;
  const tone = flat || goodWhenUp == null ? "" : up === goodWhenUp ? "text-success" : "text-destructive";
  const text =
    Math.abs(change) > LARGEST_SHOWN_AS_PERCENT ? formatDifference(current - previous) : `${up && !flat ? "+" : ""}${formatPercent(change)}`;
  return (
    <span className="inline-flex flex-wrap items-center gap-x-1">
      <span className={cn("inline-flex items-center gap-0.5 font-medium whitespace-nowrap", tone)}>
        <Icon aria-hidden="true" className="size-3.5" />
        {text}
      </span>
      <span>{label}</span>
    </span>
  );
}
