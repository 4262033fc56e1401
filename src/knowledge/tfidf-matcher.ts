/**
 * The first matcher: TF-IDF vectors of every example question in an inverted index, cosine
 * similarity to the customer's text, best question per entry. Simple and fast; it sits behind the
 * KnowledgeBase interface so a stronger model can replace it without touching the pipeline.
 */
import { features } from './features.js';
import type { KnowledgeBase, KnowledgeEntry, Match } from './types.js';

interface Posting {
  question: number;
  weight: number;
}

export function buildTfidfKnowledgeBase(entries: KnowledgeEntry[]): KnowledgeBase {
  const questions: Array<{ entry: KnowledgeEntry; text: string }> = [];
  for (const entry of entries) for (const text of entry.questions) questions.push({ entry, text });

  const termCounts = questions.map((q) => countTerms(features(q.text)));
  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) {
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  for (const [term, df] of documentFrequency) idf.set(term, Math.log((1 + questions.length) / (1 + df)) + 1);

  // A word no question uses is as rare as a term can be; it still makes the query longer, so an
  // off-topic sentence sharing one common word with a question does not look like a match.
  const unseenIdf = Math.log(1 + questions.length) + 1;
  const index = new Map<string, Posting[]>();
  termCounts.forEach((counts, question) => {
    const vector = weigh(counts, idf, unseenIdf);
    for (const [term, weight] of vector) {
      const postings = index.get(term);
      if (postings) postings.push({ question, weight });
      else index.set(term, [{ question, weight }]);
    }
  });

  const byId = new Map(entries.map((entry) => [entry.id, entry]));

  return {
    entries: byId,
    match(text: string, limit = 3): Match[] {
      const query = weigh(countTerms(features(text)), idf, unseenIdf);
      const scores = new Map<number, number>();
      for (const [term, weight] of query) {
        for (const posting of index.get(term) ?? []) {
          scores.set(posting.question, (scores.get(posting.question) ?? 0) + weight * posting.weight);
        }
      }
      const best = new Map<string, Match>();
      for (const [question, score] of scores) {
        const candidate = questions[question];
        if (!candidate) continue;
        const current = best.get(candidate.entry.id);
        if (!current || score > current.confidence) {
          best.set(candidate.entry.id, {
            entry: candidate.entry,
            confidence: Math.min(1, score),
            question: candidate.text,
          });
        }
      }
      return [...best.values()].sort((a, b) => b.confidence - a.confidence).slice(0, limit);
    },
  };
}

function countTerms(terms: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/**
 * Sublinear term frequency times idf, scaled to unit length (so the dot product is the cosine).
 * Unseen terms count towards the length but are left out of the vector: they match nothing.
 */
function weigh(
  counts: Map<string, number>,
  idf: Map<string, number>,
  unseenIdf: number,
): Map<string, number> {
  const vector = new Map<string, number>();
  let norm = 0;
  for (const [term, count] of counts) {
    const termIdf = idf.get(term);
    const weight = (1 + Math.log(count)) * (termIdf ?? unseenIdf);
    norm += weight * weight;
    if (termIdf !== undefined) vector.set(term, weight);
  }
  const length = Math.sqrt(norm);
  if (length > 0) for (const [term, weight] of vector) vector.set(term, weight / length);
  return vector;
}
