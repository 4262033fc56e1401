/**
 * The knowledge eval (DESIGN.md, "Knowledge eval"): run labelled cases through a knowledge base and
 * score them. `scoreEval` is the pure part — outcomes in, figures out — so it is unit-tested and the
 * accuracy regression test uses it directly.
 */
import type { Matcher } from './types.js';

/** One labelled case: `expected` is the entry that should answer, or null when none should. */
export interface EvalCase {
  text: string;
  expected: string | null;
}

/** What the matcher did with one case. */
export interface CaseOutcome {
  expected: string | null;
  /** The best match's entry id, or null when nothing matched at all. */
  predicted: string | null;
  /** The best match's confidence, 0 when nothing matched. */
  confidence: number;
  /** Time to match this case, in milliseconds. */
  ms: number;
}

export interface EvalMetrics {
  /** Number of cases. */
  n: number;
  /** Cases with an expected entry. */
  inScope: number;
  /** Cases with `expected: null`. */
  outOfScope: number;
  /** The answer threshold the figures were computed at. */
  threshold: number;
  /** Of the in-scope cases: best match is the expected entry, whatever its confidence. */
  top1: number | null;
  /** Of the in-scope cases: answered (best confidence >= threshold) with the expected entry. */
  accuracy: number | null;
  /** Of the out-of-scope cases: rejected (best confidence < threshold, or no match). */
  oosRecall: number | null;
  /**
   * Of ALL rejected cases (in-scope and out-of-scope): the share that were out of scope, i.e. how
   * often "the bot declined" was the right call rather than a missed answer.
   */
  oosPrecision: number | null;
  /**
   * Of the answered cases (best confidence >= threshold): the share answered with the expected entry;
   * an answered out-of-scope case is wrong. What "answer at this threshold" buys on this KB.
   */
  answeredPrecision: number | null;
  /**
   * Expected calibration error of the best match's confidence as "the chance the best entry is
   * right", over all cases (an out-of-scope case is never right): cases in 10 equal-width confidence
   * bins, each bin's |mean confidence − share right| weighted by its size. 0 is perfectly calibrated.
   */
  ece: number | null;
  /** Match latency per case, nearest-rank percentiles, milliseconds. */
  p50Ms: number | null;
  p99Ms: number | null;
}

/**
 * Scores outcomes at `threshold`. Every share is a fraction 0..1 rounded to 4 decimals. A share
 * whose denominator is 0 (no in-scope cases, no out-of-scope cases, nothing rejected) is `null`,
 * never 0 or 1: there is nothing to measure, and a made-up figure would flatter or punish the KB.
 * Latencies are `null` when there are no cases.
 */
export function scoreEval(outcomes: readonly CaseOutcome[], threshold: number): EvalMetrics {
  let inScope = 0;
  let top1Hits = 0;
  let answeredRight = 0;
  let outOfScope = 0;
  let oosRejected = 0;
  let rejected = 0;
  let answeredRightAll = 0;
  for (const outcome of outcomes) {
    const isRejected = outcome.predicted === null || outcome.confidence < threshold;
    if (isRejected) rejected++;
    else if (outcome.predicted === outcome.expected) answeredRightAll++;
    if (outcome.expected === null) {
      outOfScope++;
      if (isRejected) oosRejected++;
      continue;
    }
    inScope++;
    if (outcome.predicted === outcome.expected) {
      top1Hits++;
      if (!isRejected) answeredRight++;
    }
  }
  const latencies = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  return {
    n: outcomes.length,
    inScope,
    outOfScope,
    threshold,
    top1: share(top1Hits, inScope),
    accuracy: share(answeredRight, inScope),
    oosRecall: share(oosRejected, outOfScope),
    oosPrecision: share(oosRejected, rejected),
    answeredPrecision: share(answeredRightAll, outcomes.length - rejected),
    ece: calibrationError(outcomes),
    p50Ms: roundMs(percentile(latencies, 50)),
    p99Ms: roundMs(percentile(latencies, 99)),
  };
}

const CALIBRATION_BINS = 10;

/** EvalMetrics.ece: expected calibration error of the confidences, 10 equal-width bins. */
export function calibrationError(outcomes: readonly CaseOutcome[]): number | null {
  if (outcomes.length === 0) return null;
  const confidence = new Float64Array(CALIBRATION_BINS);
  const right = new Float64Array(CALIBRATION_BINS);
  const count = new Float64Array(CALIBRATION_BINS);
  for (const outcome of outcomes) {
    const bin = Math.min(CALIBRATION_BINS - 1, Math.floor(outcome.confidence * CALIBRATION_BINS));
    confidence[bin] = (confidence[bin] as number) + outcome.confidence;
    if (outcome.predicted !== null && outcome.predicted === outcome.expected)
      right[bin] = (right[bin] as number) + 1;
    count[bin] = (count[bin] as number) + 1;
  }
  let error = 0;
  for (let bin = 0; bin < CALIBRATION_BINS; bin++)
    error += Math.abs((confidence[bin] as number) - (right[bin] as number));
  return roundShare(error / outcomes.length);
}

/** Nearest-rank percentile of an ascending list; null for an empty list. */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1] ?? null;
}

export interface RunEvalOptions {
  /** Called about once a second on long runs with the number of cases done. */
  onProgress?: (done: number, total: number) => void;
  progressEveryMs?: number;
}

/** Matches every case against `knowledgeBase`, timing each match. */
export function runEval(
  knowledgeBase: Matcher,
  cases: readonly EvalCase[],
  options: RunEvalOptions = {},
): CaseOutcome[] {
  const every = options.progressEveryMs ?? 1000;
  let lastReport = performance.now();
  const outcomes: CaseOutcome[] = [];
  for (const [index, testCase] of cases.entries()) {
    const started = performance.now();
    const best = knowledgeBase.match(testCase.text, 1)[0];
    const finished = performance.now();
    outcomes.push({
      expected: testCase.expected,
      predicted: best?.entry.id ?? null,
      confidence: best?.confidence ?? 0,
      ms: finished - started,
    });
    if (options.onProgress && finished - lastReport >= every) {
      lastReport = finished;
      options.onProgress(index + 1, cases.length);
    }
  }
  return outcomes;
}

export function roundShare(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function roundMs(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : roundShare(part / whole);
}
