import { ArrowDownRightIcon, ArrowUpRightIcon, MinusIcon } from "lucide-react";
import { formatPercent } from "@/lib/format";
import { cn } from "@/lib/utils";

/** "+12% vs previous period". Colour says good or bad only where that is clear (`goodWhenUp`). */
export function ChangeIndicator({
  change,
  goodWhenUp = true,
  label = "vs previous period",
  noPreviousCalls = false,
}: {
  change: number | null;
  goodWhenUp?: boolean | null;
  label?: string;
  noPreviousCalls?: boolean;
}) {
  if (change == null) return <span>{noPreviousCalls ? "No calls in the previous period" : "No data for the previous period"}</span>;
  const flat = Math.abs(change) < 0.0005;
  const up = change > 0;
  const Icon = flat ? MinusIcon : up ? ArrowUpRightIcon : ArrowDownRightIcon;
  const tone = flat || goodWhenUp == null ? "" : up === goodWhenUp ? "text-success" : "text-destructive";
  const sign = up && !flat ? "+" : "";
  return (
    <span className="inline-flex items-center gap-1">
      <span className={cn("inline-flex items-center gap-0.5 font-medium", tone)}>
        <Icon aria-hidden="true" className="size-3.5" />
        {sign}
        {formatPercent(change)}
      </span>
      <span>{label}</span>
    </span>
  );
}
