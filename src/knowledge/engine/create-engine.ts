/**
 * The engine knowledge base: a softmax classifier over word and character n-gram TF-IDF features,
 * trained when the KB loads, picks candidate entries; the nearest example question of each
 * candidate gives Match.question and a similarity; the calibration blends both into one confidence.
 */
import { type SynonymGroups, synonymRewriter } from '../synonyms.js';
import type { KnowledgeEntry, Match, Matcher } from '../types.js';
import { blendConfidence, type CalibrationOptions, defaultCalibrationOptions } from './calibration.js';
import { buildQuestionIndex } from './retrieval.js';
import { defaultSoftmaxOptions, type SoftmaxOptions, softmaxInPlace, trainSoftmax } from './softmax.js';
import {
  defaultVectorizerOptions,
  fitVectorizer,
  type SparseVector,
  type VectorizerOptions,
} from './vectorizer.js';

export interface EngineOptions {
  vectorizer: VectorizerOptions;
  softmax: SoftmaxOptions;
  calibration: CalibrationOptions;
  /** How many of the classifier's best entries are re-scored with the nearest-question similarity. */
  candidates: number;
}

export const defaultEngineOptions: EngineOptions = {
  vectorizer: defaultVectorizerOptions,
  softmax: defaultSoftmaxOptions,
  calibration: defaultCalibrationOptions,
  candidates: 5,
};

/** One scored candidate, before blending: what the eval and tuning look at. */
export interface Candidate {
  entry: number;
  probability: number;
  similarity: number;
  question: number;
}

export interface Engine {
  knowledgeBase: Matcher;
  /** The classifier's best `count` entries with probability and nearest-question similarity. */
  candidates(text: string, count: number): Candidate[];
}

export function createEngine(
  entries: KnowledgeEntry[],
  options: EngineOptions = defaultEngineOptions,
  synonyms: SynonymGroups = [],
): Engine {
  // Questions and customer texts go through the same rewrite, so declared synonyms meet. Without
  // synonyms there is nothing to rewrite (the features normalise text themselves).
  const rewrite = synonyms.length > 0 ? synonymRewriter(synonyms) : (text: string) => text;
  const texts: string[] = [];
  const labelList: number[] = [];
  entries.forEach((entry, entryIndex) => {
    for (const question of entry.questions) {
      texts.push(rewrite(question));
      labelList.push(entryIndex);
    }
  });
  const { vectorizer, vectors } = fitVectorizer(texts, options.vectorizer);
  const labels = Int32Array.from(labelList);
  const model = trainSoftmax(vectors, labels, entries.length, vectorizer.size, options.softmax);
  const byEntry: SparseVector[][] = entries.map(() => []);
  vectors.forEach((vector, i) => {
    byEntry[labels[i] as number]?.push(vector);
  });
  const questionIndex = buildQuestionIndex(byEntry, vectorizer.size);
  const scores = new Float64Array(entries.length);

  const vectorize = (text: string) => vectorizer.vectorize(rewrite(text));
  const rank = (query: SparseVector, count: number): Candidate[] => {
    softmaxInPlace(model.logits(query, scores), options.calibration.temperature);
    const best = topIndexes(scores, Math.min(count, entries.length));
    return best.map((entry) => {
      const { similarity, question } = questionIndex.nearest(entry, query);
      return { entry, probability: scores[entry] as number, similarity, question };
    });
  };

  const knowledgeBase: Matcher = {
    entries: new Map(entries.map((entry) => [entry.id, entry])),
    match(text: string, limit = 3): Match[] {
      if (entries.length === 0 || limit <= 0) return [];
      const query = vectorize(text);
      // Nothing the knowledge base knows (emoji only, an empty message): no guess at all.
      if (query.indexes.length === 0) return [];
      return rank(query, Math.max(limit, options.candidates))
        .map((candidate) => {
          const entry = entries[candidate.entry] as KnowledgeEntry;
          return {
            entry,
            confidence: blendConfidence(candidate.probability, candidate.similarity, options.calibration),
            question: entry.questions[candidate.question] ?? entry.questions[0] ?? '',
            similarity: candidate.similarity,
          };
        })
        .sort((a, b) => b.confidence - a.confidence)
        .slice(0, limit);
    },
  };
  return { knowledgeBase, candidates: (text, count) => rank(vectorize(text), count) };
}

export function createEngineKnowledgeBase(entries: KnowledgeEntry[], synonyms: SynonymGroups = []): Matcher {
  return createEngine(entries, defaultEngineOptions, synonyms).knowledgeBase;
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
