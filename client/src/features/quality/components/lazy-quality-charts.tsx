import { lazy, Suspense, type ReactNode } from "react";
import { Skeleton } from "@/components/ui/skeleton";

const charts = () => import("@/features/quality/components/quality-charts");
const Latency = lazy(() => charts().then((m) => ({ default: m.LatencyTrendChart })));
const Criteria = lazy(() => charts().then((m) => ({ default: m.CriteriaTrendChart })));
const Durations = lazy(() => charts().then((m) => ({ default: m.DurationHistogramChart })));
const Terminations = lazy(() => charts().then((m) => ({ default: m.TerminationChart })));

type Props<T extends (...args: never[]) => unknown> = T extends (props: infer P) => unknown ? P : never;
type Charts = typeof import("@/features/quality/components/quality-charts");

function Lazy({ height, children }: { height: number; children: ReactNode }) {
  return <Suspense fallback={<Skeleton className="w-full" style={{ height }} />}>{children}</Suspense>;
}

/** Recharts in its own chunk; a skeleton of the same height while it loads. */
export function LazyLatencyTrendChart(props: Props<Charts["LatencyTrendChart"]>) {
  return (
    <Lazy height={props.height ?? 260}>
      <Latency {...props} />
    </Lazy>
  );
}
export function LazyCriteriaTrendChart(props: Props<Charts["CriteriaTrendChart"]>) {
  return (
    <Lazy height={props.height ?? 260}>
      <Criteria {...props} />
    </Lazy>
  );
}
export function LazyDurationHistogramChart(props: Props<Charts["DurationHistogramChart"]>) {
  return (
    <Lazy height={props.height ?? 220}>
      <Durations {...props} />
    </Lazy>
  );
}
export function LazyTerminationChart(props: Props<Charts["TerminationChart"]>) {
  return (
    <Lazy height={props.height ?? 220}>
      <Terminations {...props} />
    </Lazy>
  );
}
