/**
 * Ranks entries for a query: the softmax classifier picks candidate entries, the nearest example
 * question of each gives a similarity, and the two blend into one score (calibration.ts) that
 * orders the candidates. The engine builds one ranker on the whole knowledge base; the confidence
 * fit (fit-calibration.ts) builds more on parts of it to see how scores behave on unseen text.
 */
import { blendScore, type ScoreOptions } from './calibration.js';
import { buildQuestionIndex } from './retrieval.js';
import { type SoftmaxOptions, softmaxInPlace, trainSoftmax } from './softmax.js';
import type { SparseVector } from './vectorizer.js';

/** One scored candidate entry. */
export interface Candidate {
  entry: number;
  probability: number;
  similarity: number;
  /** Position of the nearest example question within the entry. */
  question: number;
  /** The blend of probability and similarity that ranks candidates (not yet a confidence). */
  score: number;
}

export interface Ranker {
  /** The classifier's best `count` entries, highest score first. */
  rank(query: SparseVector, count: number): Candidate[];
}

export interface RankerOptions {
  softmax: SoftmaxOptions;
  score: ScoreOptions;
}

export function trainRanker(
  vectors: readonly SparseVector[],
  labels: Int32Array,
  classCount: number,
  featureCount: number,
  options: RankerOptions,
): Ranker {
  const model = trainSoftmax(vectors, labels, classCount, featureCount, options.softmax);
  const byEntry: SparseVector[][] = Array.from({ length: classCount }, () => []);
  vectors.forEach((vector, i) => {
    byEntry[labels[i] as number]?.push(vector);
  });
  const questionIndex = buildQuestionIndex(byEntry, featureCount);
  const scores = new Float64Array(classCount);
  return {
    rank(query, count) {
      softmaxInPlace(model.logits(query, scores), options.score.temperature);
      return topIndexes(scores, Math.min(count, classCount))
        .map((entry): Candidate => {
          const probability = scores[entry] as number;
          const { similarity, question } = questionIndex.nearest(entry, query);
          return {
            entry,
            probability,
            similarity,
            question,
            score: blendScore(probability, similarity, options.score),
          };
        })
        .sort((a, b) => b.score - a.score);
    },
  };
}

/** Indexes of the `count` largest values, largest first (ties: lower index first). */
export function topIndexes(values: Float64Array, count: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (best.length === count && value <= (values[best[count - 1] as number] as number)) continue;
    let at = best.length < count ? best.length : count - 1;
    while (at > 0 && (values[best[at - 1] as number] as number) < value) at--;
    best.splice(at, 0, i);
    if (best.length > count) best.pop();
  }
  return best;
}
