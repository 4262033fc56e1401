/** Count, mean and percentiles of durations in milliseconds, as the metrics report them. */

export interface DurationSummary {
  n: number;
  /** null when there is nothing to summarise. */
  avg: number | null;
  p50: number | null;
  p90: number | null;
}

export function summariseDurations(durations: readonly number[]): DurationSummary {
  if (durations.length === 0) return { n: 0, avg: null, p50: null, p90: null };
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, ms) => sum + ms, 0);
  return {
    n: sorted.length,
    avg: Math.round(total / sorted.length),
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
  };
}

/**
 * Nearest rank: always a duration that was measured, never an interpolation, so a p90 of five
 * handoffs is the slowest but one rather than a time nobody waited.
 */
export function percentile(sorted: readonly number[], share: number): number {
  const rank = Math.max(1, Math.ceil(share * sorted.length));
  return sorted[rank - 1] as number;
}
