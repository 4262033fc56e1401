/**
 * Fits a knowledge base's confidence map when it loads: how often is the best entry right at a
 * given score, on text the classifier has not seen? Calibration models are trained like the real
 * one on part of the knowledge base and score the rest:
 *
 * - every 5th example question of an entry with at least 3 is held out: the customer asks
 *   something new about an entry the KB has; right when the best entry is its own;
 * - a third of the entries are left out whole, and their held-out questions stand for customer
 *   text the KB cannot answer: always wrong, whatever entry comes first.
 *
 * Platt scaling (platt.ts) on the best score's log-odds then gives P(right | score). Each fold
 * leaves out other questions and entries; small knowledge bases get several folds (their folds
 * are cheap and each gives few cases), large ones one (CLINC150's, 15k questions, adds about 0.25 s
 * to its 1.5 s load). Left-out entries' questions are weighted to `outOfScopeShare` of the
 * fit: the share of customer messages assumed to be about something the KB lacks, which sets
 * where the confidences of a given score land (see docs/knowledge.md for the trade-off).
 */
import { type Calibration, fittedCalibration, fixedCalibration, scoreLogit } from './calibration.js';
import { fitPlatt } from './platt.js';
import { seededRandom, shuffle } from './random.js';
import { type RankerOptions, trainRanker } from './ranker.js';
import { epochsFor } from './softmax.js';
import type { SparseVector } from './vectorizer.js';

export interface CalibrationFitOptions {
  /** Share of the entries left out whole in each fold. */
  leftOutEntryShare: number;
  /** Every n-th example question of an entry (with at least 3) is held out. */
  heldOutEvery: number;
  /** Example questions per entry a calibration model trains on, at most (bounds the cost on big KBs). */
  questionsPerEntry: number;
  /** Weight of left-out entries' questions in the fit: the assumed share of out-of-scope messages. */
  outOfScopeShare: number;
  /**
   * Held-out questions to score, over all folds: folds are added until they give this many, up to
   * `maxFolds`. Beyond it the fit hardly changes, and each case costs a match.
   */
  maxCases: number;
  maxFolds: number;
  /** Fewer held-out questions than this: keep the fixed blend. */
  minCases: number;
  seed: number;
}

export const defaultCalibrationFitOptions: CalibrationFitOptions = {
  leftOutEntryShare: 1 / 3,
  heldOutEvery: 5,
  questionsPerEntry: 30,
  outOfScopeShare: 0.1,
  maxCases: 1000,
  maxFolds: 5,
  minCases: 30,
  seed: 1,
};

/** The knowledge base as the engine trained on it. */
export interface TrainingSet {
  vectors: readonly SparseVector[];
  /** Entry of each vector. */
  labels: Int32Array;
  /** Position of each vector's question within its entry. */
  positions: Int32Array;
  /** Example questions of each entry. */
  questionCounts: readonly number[];
  featureCount: number;
}

/** Held-out questions of one fold: vector index and the calibration model's label, -1 when left out. */
interface Fold {
  training: number[];
  trainingLabels: number[];
  heldOut: number[];
  heldOutLabels: number[];
  entryCount: number;
}

/**
 * The confidence map for a knowledge base trained with `ranker`, whose matches re-score the
 * classifier's best `candidates` entries.
 */
export function fitCalibration(
  set: TrainingSet,
  ranker: RankerOptions,
  candidates: number,
  options: CalibrationFitOptions = defaultCalibrationFitOptions,
): Calibration {
  const entryCount = set.questionCounts.length;
  const leftOutPerFold = Math.max(1, Math.round(entryCount * options.leftOutEntryShare));
  // A calibration model needs two entries to choose between once some are left out.
  if (entryCount - leftOutPerFold < 2)
    return fixedCalibration(`${entryCount} entries; at least ${leftOutPerFold + 2} are needed to fit`);

  const order = Int32Array.from({ length: entryCount }, (_, i) => i);
  shuffle(order, seededRandom(options.seed));
  // Calibration models train as often over their data as the real model does over its own.
  const epochs = epochsFor(set.vectors.length, ranker.softmax);
  const softmax = { ...ranker.softmax, epochs, minSteps: 0, maxEpochs: epochs };

  const scores: number[] = [];
  const right: number[] = [];
  const leftOut: boolean[] = [];
  let folds = 0;
  let plannedFolds = 1;
  while (folds < plannedFolds) {
    const fold = makeFold(set, order, folds, leftOutPerFold, options);
    if (folds === 0)
      plannedFolds = Math.max(
        1,
        Math.min(options.maxFolds, Math.ceil(options.maxCases / Math.max(1, fold.heldOut.length))),
      );
    const model = trainRanker(
      fold.training.map((i) => set.vectors[i] as SparseVector),
      Int32Array.from(fold.trainingLabels),
      fold.entryCount,
      set.featureCount,
      { ...ranker, softmax },
    );
    const take = Math.ceil(options.maxCases / plannedFolds);
    for (const k of evenlySpaced(fold.heldOut.length, take)) {
      const vector = set.vectors[fold.heldOut[k] as number] as SparseVector;
      if (vector.indexes.length === 0) continue; // matches nothing, so never answered
      const [best] = model.rank(vector, candidates);
      if (!best) continue;
      const label = fold.heldOutLabels[k] as number;
      scores.push(scoreLogit(best.score));
      right.push(best.entry === label ? 1 : 0);
      leftOut.push(label < 0);
    }
    folds++;
  }

  const cases = scores.length;
  const wrong = right.filter((r) => r === 0).length;
  const outOfScope = leftOut.filter(Boolean).length;
  if (cases < options.minCases)
    return fixedCalibration(`only ${cases} held-out questions (${options.minCases} needed to fit)`);
  if (outOfScope === cases) return fixedCalibration('no entry has the 3 questions needed to hold one out');
  if (wrong === 0 || wrong === cases)
    return fixedCalibration('the held-out questions were all answered right, or all wrong');
  const inScope = cases - outOfScope;
  const outOfScopeWeight = (options.outOfScopeShare * inScope) / ((1 - options.outOfScopeShare) * outOfScope);
  const model = fitPlatt(
    Float64Array.from(scores),
    Uint8Array.from(right),
    Float64Array.from(leftOut, (out) => (out ? outOfScopeWeight : 1)),
  );
  // A higher score must never mean a lower confidence, or the order of candidates would flip.
  if (!(model.slope > 0)) return fixedCalibration('higher scores were not more often right');
  return fittedCalibration(model, { cases, negatives: wrong, folds });
}

function makeFold(
  set: TrainingSet,
  order: Int32Array,
  fold: number,
  leftOutPerFold: number,
  options: CalibrationFitOptions,
): Fold {
  const entryCount = set.questionCounts.length;
  const isLeftOut = new Uint8Array(entryCount);
  for (let k = fold * leftOutPerFold; k < (fold + 1) * leftOutPerFold; k++)
    isLeftOut[order[k % entryCount] as number] = 1;
  // Kept entries are renumbered 0..n-1 for the calibration model.
  const renumbered = new Int32Array(entryCount).fill(-1);
  let kept = 0;
  for (let entry = 0; entry < entryCount; entry++) if (!isLeftOut[entry]) renumbered[entry] = kept++;

  const heldOutPosition = (options.heldOutEvery - 1 + fold) % options.heldOutEvery;
  const taken = new Int32Array(entryCount);
  const result: Fold = { training: [], trainingLabels: [], heldOut: [], heldOutLabels: [], entryCount: kept };
  for (let i = 0; i < set.vectors.length; i++) {
    const entry = set.labels[i] as number;
    const atHeldOutPosition = (set.positions[i] as number) % options.heldOutEvery === heldOutPosition;
    if (isLeftOut[entry]) {
      if (atHeldOutPosition) {
        result.heldOut.push(i);
        result.heldOutLabels.push(-1);
      }
    } else if (atHeldOutPosition && (set.questionCounts[entry] as number) >= 3) {
      result.heldOut.push(i);
      result.heldOutLabels.push(renumbered[entry] as number);
    } else if ((taken[entry] as number) < options.questionsPerEntry) {
      taken[entry] = (taken[entry] as number) + 1;
      result.training.push(i);
      result.trainingLabels.push(renumbered[entry] as number);
    }
  }
  return result;
}

/** `take` indexes spread evenly over 0..length-1 (all of them when there are no more). */
function evenlySpaced(length: number, take: number): number[] {
  if (length <= take) return Array.from({ length }, (_, i) => i);
  const step = length / take;
  return Array.from({ length: take }, (_, k) => Math.floor(k * step));
}
