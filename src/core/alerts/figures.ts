/**
 * What alerts and reports read from the metrics module (src/core/metrics/, GET /admin/api/metrics):
 * only the figures they use, so either side can grow without the other. Days are the metrics
 * module's (UTC) `YYYY-MM-DD`.
 */
export interface DayFigures {
  conversations: number;
  messagesIn: number;
  messagesOut: number;
  sendFailures: number;
  handoffs: number;
  handoffRate: number | null;
  containmentRate: number | null;
  abandonmentRate: number | null;
  fcrRate: number | null;
  firstResponseMs: { n: number; p50: number | null } | null;
  csat: { n: number; average: number | null };
}

/** The totals of the days `from` to `to` (inclusive); rejects when they cannot be computed. */
export type FiguresSource = (from: string, to: string) => Promise<DayFigures>;
