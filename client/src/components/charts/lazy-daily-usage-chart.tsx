import { lazy, Suspense } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import type { DailyUsagePoint } from "@/components/charts/daily-usage-chart";

const DailyUsageChart = lazy(() => import("@/components/charts/daily-usage-chart"));

/** The chart with Recharts split into its own chunk; a skeleton of the same height while it loads. */
export function LazyDailyUsageChart({ data, height = 288 }: { data: DailyUsagePoint[]; height?: number }) {
  return (
    <Suspense fallback={<Skeleton className="w-full" style={{ height }} />}>
      <DailyUsageChart data={data} height={height} />
    </Suspense>
  );
}
