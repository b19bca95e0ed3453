import { lazy, Suspense } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import type { DailyUsagePoint } from "@/components/charts/daily-usage-chart";

const DailyUsageChart = lazy(() => import("@/components/charts/daily-usage-chart"));

/** The chart with Recharts split into its own chunk; a skeleton of the same height while it loads. */
export function LazyDailyUsageChart({ data, height = 288, lastDay }: { data: DailyUsagePoint[]; height?: number; lastDay?: string }) {
  return (
    <Suspense fallback={<Skeleton className="w-full" style={{ height }} />}>
      <DailyUsageChart data={data} height={height} lastDay={lastDay} />
    </Suspense>
  );
}
