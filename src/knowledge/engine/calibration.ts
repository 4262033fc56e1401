/**
 * From scores to confidences. The score blends the classifier's probability with the nearest
 * question's similarity: the probability alone says "this entry rather than the others", which is
 * near 1 for any text when a KB has few entries; the similarity says "something like this was asked
 * before". A geometric blend keeps both: score = p^(1-w) · sim^w. It ranks candidates well, but what
 * a score of 0.4 means differs between knowledge bases (many entries or few, long questions or
 * short), so the confidence is a map from score to the estimated chance that the entry is right,
 * fitted to each knowledge base when it loads (fit-calibration.ts). When the knowledge base is too
 * small to fit one, the confidence is the score itself.
 */
import { type PlattModel, plattProbability } from './platt.js';

export interface ScoreOptions {
  /** Softmax temperature applied to the classifier's logits (>1 softens overconfident probabilities). */
  temperature: number;
  /** Weight of the similarity in the blend, 0..1. */
  similarityWeight: number;
}

// Similarity at 0.5 rather than 0.3: off-topic text scores lower (its nearest question is far even
// when the classifier is sure), and it orders the top candidates a little better (dev top1 on
// CLINC150 +0.001, BANKING77 +0.001; on the sample shop KB top1, accuracy and out-of-scope recall
// all rose).
export const defaultScoreOptions: ScoreOptions = { temperature: 0.5, similarityWeight: 0.5 };

export function blendScore(probability: number, similarity: number, options: ScoreOptions): number {
  const w = options.similarityWeight;
  if (w <= 0) return probability;
  if (w >= 1) return similarity;
  const value = probability ** (1 - w) * similarity ** w;
  return Math.min(1, Math.max(0, value));
}

/** How a knowledge base turns scores into confidences; `kb ask` and `kb eval` show it. */
export type CalibrationSummary =
  | {
      method: 'fitted';
      /** Held-out example questions the map was fitted on, and how many of them were answered wrongly or belonged to an entry left out. */
      cases: number;
      negatives: number;
      /** Calibration models trained (each leaves out other questions and entries). */
      folds: number;
    }
  | {
      method: 'fixed';
      /** Why nothing was fitted, for people: "only 12 held-out questions (30 needed)". */
      reason: string;
    };

export interface Calibration {
  readonly summary: CalibrationSummary;
  /** The confidence for a score: non-decreasing, so the order of candidates never changes. */
  confidence(score: number): number;
}

/** The score is the confidence (today's behaviour for a knowledge base too small to fit). */
export function fixedCalibration(reason: string): Calibration {
  return { summary: { method: 'fixed', reason }, confidence: (score) => score };
}

// Scores are mapped through their log-odds; an exact 0 or 1 would be infinite.
const SCORE_FLOOR = 1e-4;

export function scoreLogit(score: number): number {
  const clamped = Math.min(1 - SCORE_FLOOR, Math.max(SCORE_FLOOR, score));
  return Math.log(clamped / (1 - clamped));
}

export function fittedCalibration(
  model: PlattModel,
  summary: Omit<Extract<CalibrationSummary, { method: 'fitted' }>, 'method'>,
): Calibration {
  return {
    summary: { method: 'fitted', ...summary },
    confidence: (score) => plattProbability(model, scoreLogit(score)),
  };
}

/** A phrase for people about how confidences were made. */
export function describeCalibration(summary: CalibrationSummary): string {
  return summary.method === 'fitted'
    ? `confidence fitted to this knowledge base (${summary.cases} held-out questions, ${summary.folds} fold${summary.folds === 1 ? '' : 's'})`
    : `confidence not fitted (${summary.reason}): the raw score`;
}
