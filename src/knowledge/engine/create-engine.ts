/**
 * The engine knowledge base: a softmax classifier over word and character n-gram TF-IDF features,
 * trained when the KB loads, picks candidate entries; the nearest example question of each
 * candidate gives Match.question and a similarity; both blend into a score that ranks the
 * candidates, and a map fitted to this knowledge base at load time turns the score into the
 * confidence (calibration.ts, fit-calibration.ts).
 */
import { type SynonymGroups, synonymRewriter } from '../synonyms.js';
import type { KnowledgeEntry, Match, Matcher } from '../types.js';
import {
  type Calibration,
  type CalibrationSummary,
  defaultScoreOptions,
  fixedCalibration,
  type ScoreOptions,
} from './calibration.js';
import {
  type CalibrationFitOptions,
  defaultCalibrationFitOptions,
  fitCalibration,
} from './fit-calibration.js';
import { type Candidate, trainRanker } from './ranker.js';
import { defaultSoftmaxOptions, type SoftmaxOptions } from './softmax.js';
import { defaultVectorizerOptions, fitVectorizer, type VectorizerOptions } from './vectorizer.js';

export type { Candidate } from './ranker.js';

export interface EngineOptions {
  vectorizer: VectorizerOptions;
  softmax: SoftmaxOptions;
  score: ScoreOptions;
  /** How the confidence map is fitted; null keeps the score as the confidence. */
  calibration: CalibrationFitOptions | null;
  /** How many of the classifier's best entries are re-scored with the nearest-question similarity. */
  candidates: number;
}

export const defaultEngineOptions: EngineOptions = {
  vectorizer: defaultVectorizerOptions,
  softmax: defaultSoftmaxOptions,
  score: defaultScoreOptions,
  calibration: defaultCalibrationFitOptions,
  candidates: 5,
};

/** A Matcher that also says how its confidences were made. */
export interface EngineMatcher extends Matcher {
  readonly calibration: CalibrationSummary;
}

export interface Engine {
  knowledgeBase: EngineMatcher;
  /** The best `count` candidates by score, with probability, similarity and score. */
  candidates(text: string, count: number): Candidate[];
  calibration: Calibration;
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
  const positionList: number[] = [];
  entries.forEach((entry, entryIndex) => {
    entry.questions.forEach((question, position) => {
      texts.push(rewrite(question));
      labelList.push(entryIndex);
      positionList.push(position);
    });
  });
  const { vectorizer, vectors } = fitVectorizer(texts, options.vectorizer);
  const labels = Int32Array.from(labelList);
  const rankerOptions = { softmax: options.softmax, score: options.score };
  const ranker = trainRanker(vectors, labels, entries.length, vectorizer.size, rankerOptions);
  const calibration = options.calibration
    ? fitCalibration(
        {
          vectors,
          labels,
          positions: Int32Array.from(positionList),
          questionCounts: entries.map((entry) => entry.questions.length),
          featureCount: vectorizer.size,
        },
        rankerOptions,
        options.candidates,
        options.calibration,
      )
    : fixedCalibration('turned off');

  const vectorize = (text: string) => vectorizer.vectorize(rewrite(text));
  const knowledgeBase: EngineMatcher = {
    entries: new Map(entries.map((entry) => [entry.id, entry])),
    calibration: calibration.summary,
    match(text: string, limit = 3): Match[] {
      if (entries.length === 0 || limit <= 0) return [];
      const query = vectorize(text);
      // Nothing the knowledge base knows (emoji only, an empty message): no guess at all.
      if (query.indexes.length === 0) return [];
      // Candidates come best first by score; the confidence map never reorders them.
      return ranker
        .rank(query, Math.max(limit, options.candidates))
        .slice(0, limit)
        .map((candidate) => {
          const entry = entries[candidate.entry] as KnowledgeEntry;
          return {
            entry,
            confidence: calibration.confidence(candidate.score),
            question: entry.questions[candidate.question] ?? entry.questions[0] ?? '',
            similarity: candidate.similarity,
          };
        });
    },
  };
  return { knowledgeBase, candidates: (text, count) => ranker.rank(vectorize(text), count), calibration };
}

export function createEngineKnowledgeBase(
  entries: KnowledgeEntry[],
  synonyms: SynonymGroups = [],
): EngineMatcher {
  return createEngine(entries, defaultEngineOptions, synonyms).knowledgeBase;
}
