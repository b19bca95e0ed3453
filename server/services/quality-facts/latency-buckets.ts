/**
 * Latency histogram buckets with a bounded relative error. Values below 64 ms get a bucket each (exact); above,
 * buckets grow geometrically by RATIO, and a bucket is represented by its geometric middle, which lies within a
 * factor sqrt(RATIO) (1.039) of every value in it. A percentile read from the histogram interpolates between the
 * representatives of the two ranks percentile_cont interpolates between, so it is within 3.9 % of percentile_cont
 * (a convex combination of values each within 3.9 %): DESIGN.md §9 asks for 5 %. tests/unit/latency-buckets.test.ts
 * checks the bound; tests/integration/quality-analytics.test.ts compares with PostgreSQL's percentile_cont.
 */
const EXACT_BELOW = 64;
const RATIO = 1.08;
const LOG_RATIO = Math.log(RATIO);
/** Far above any latency (about 30 minutes); keeps the bucket in a smallint. */
const MAX_BUCKET = 200;

export function latencyBucket(ms: number): number {
  const v = Math.max(0, Math.round(ms));
  if (v < EXACT_BELOW) return v;
  return Math.min(MAX_BUCKET, EXACT_BELOW + Math.floor(Math.log(v / EXACT_BELOW) / LOG_RATIO + 1e-9));
}

/** The value a bucket stands for. */
export function bucketValue(bucket: number): number {
  if (bucket < EXACT_BELOW) return bucket;
  return EXACT_BELOW * Math.pow(RATIO, bucket - EXACT_BELOW + 0.5);
}

/**
 * The p-quantile (0..1) of a histogram, estimated like percentile_cont: the values at ranks floor(h) and ceil(h),
 * h = p (n - 1), linearly interpolated. `counts` maps bucket -> count. Null when empty.
 */
export function histogramPercentile(counts: Map<number, number>, p: number): number | null {
  let n = 0;
  for (const c of counts.values()) n += c;
  if (n === 0) return null;
  const h = p * (n - 1);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const buckets = [...counts.keys()].sort((a, b) => a - b);
  let seen = 0;
  let vLo: number | null = null;
  let vHi: number | null = null;
  for (const b of buckets) {
    seen += counts.get(b)!;
    if (vLo === null && seen > lo) vLo = bucketValue(b);
    if (seen > hi) {
      vHi = bucketValue(b);
      break;
    }
  }
  return vLo! + (h - lo) * (vHi! - vLo!);
}

/** Call durations in the Quality page's histogram: [from, to) seconds; the last has no end. */
export const DURATION_EDGES = [0, 30, 60, 120, 300, 600, 1200] as const;

export function durationBucket(seconds: number): number {
  let b = 0;
  for (let i = 0; i < DURATION_EDGES.length; i++) if (seconds >= DURATION_EDGES[i]) b = i;
  return b;
}
