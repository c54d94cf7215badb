// Order statistics, one definition for every figure the project reports: the
// evaluation's latencies, the usage check's baselines, the benchmarks and the load
// test. NaN for no values, so an empty sample never reads as a measured 0.

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** The median: the middle value, or the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The nearest-rank p-th percentile (0 < p ≤ 100): the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
