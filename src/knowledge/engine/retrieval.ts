/**
 * Nearest example question within one entry: cosine of the query's TF-IDF vector with each of the
 * entry's example questions. The classifier picks the candidate entries; this finds which of their
 * questions matched (Match.question) and how close it is, which the calibration uses.
 */
import type { SparseVector } from './vectorizer.js';

export interface QuestionIndex {
  /** Best cosine of `query` with a question of `entry`, and that question's position in the entry. */
  nearest(entry: number, query: SparseVector): { similarity: number; question: number };
}

export function buildQuestionIndex(
  questionsByEntry: readonly (readonly SparseVector[])[],
  featureCount: number,
): QuestionIndex {
  // Dense scratch copy of the query, filled and cleared around each lookup (matching is synchronous).
  const dense = new Float32Array(featureCount);
  let loaded: SparseVector | null = null;
  const load = (query: SparseVector): void => {
    if (loaded === query) return;
    if (loaded) for (const index of loaded.indexes) dense[index] = 0;
    for (let k = 0; k < query.indexes.length; k++)
      dense[query.indexes[k] as number] = query.values[k] as number;
    loaded = query;
  };
  return {
    nearest(entry, query) {
      load(query);
      let best = 0;
      let bestQuestion = 0;
      const questions = questionsByEntry[entry] ?? [];
      for (let q = 0; q < questions.length; q++) {
        const { indexes, values } = questions[q] as SparseVector;
        let dot = 0;
        for (let k = 0; k < indexes.length; k++)
          dot += (values[k] as number) * (dense[indexes[k] as number] as number);
        if (dot > best) {
          best = dot;
          bestQuestion = q;
        }
      }
      return { similarity: Math.min(1, best), question: bestQuestion };
    },
  };
}
