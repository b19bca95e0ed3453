/** The histogram percentile's error bound (within 5 % of percentile_cont; 3.9 % by construction) on random samples. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { histogramPercentile, latencyBucket, bucketValue } from "../../server/services/quality-facts/latency-buckets";

function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.ceil(h)] - sorted[lo]);
}

describe("latency histogram", () => {
  it("a bucket's value is within 3.9 % of every value in it", () => {
    for (let v = 0; v < 2_000_000; v += v < 5000 ? 1 : 97) {
      const rep = bucketValue(latencyBucket(v));
      if (v === 0) expect(rep).toBe(0);
      else expect(Math.abs(rep - v) / v).toBeLessThanOrEqual(0.0393);
    }
  });

  it("percentiles are within 5 % of percentile_cont", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 600_000 }), { minLength: 1, maxLength: 400 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, p) => {
        const counts = new Map<number, number>();
        for (const v of values) counts.set(latencyBucket(v), (counts.get(latencyBucket(v)) ?? 0) + 1);
        const exact = percentileCont(values, p);
        const estimate = histogramPercentile(counts, p)!;
        expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.05);
      }),
      { numRuns: 500 },
    );
  });
});
