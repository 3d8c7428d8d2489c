// Order statistics for the bench's figures: percentiles of samples, and a slope that a few slow
// samples (a GC pause, another process on the shared cores) cannot drag.

/** The p-th percentile (nearest rank) of `values`; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

export const median = (values: number[]) => percentile(values, 50);

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

/**
 * How much y grows per unit of x: the Theil–Sen estimator, the median of the slopes between every
 * two points with different x. Unlike a least-squares fit, one slow sample barely moves it.
 */
export function slope(points: { x: number; y: number }[]): number {
  const slopes: number[] = [];
  for (const [i, a] of points.entries()) {
    for (const b of points.slice(i + 1)) if (a.x !== b.x) slopes.push((b.y - a.y) / (b.x - a.x));
  }
  return median(slopes);
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}
