/**
 * The first matcher: TF-IDF vectors of every example question in an inverted index, cosine
 * similarity to the customer's text, best question per entry. Simple and fast; it sits behind the
 * KnowledgeBase interface so a stronger model can replace it without touching the pipeline.
 */
import { features } from './features.js';
import type { KnowledgeBase, KnowledgeEntry, Match } from './types.js';

/** For one term: the questions that contain it and its weight in each, as parallel arrays. */
interface Postings {
  questions: Int32Array;
  weights: Float64Array;
}

export function buildTfidfKnowledgeBase(entries: KnowledgeEntry[]): KnowledgeBase {
  const questionText: string[] = [];
  const questionEntry: number[] = [];
  entries.forEach((entry, entryIndex) => {
    for (const text of entry.questions) {
      questionText.push(text);
      questionEntry.push(entryIndex);
    }
  });
  const questionCount = questionText.length;

  const termCounts = questionText.map((text) => countTerms(features(text)));
  const documentFrequency = new Map<string, number>();
  for (const counts of termCounts) {
    for (const term of counts.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const idf = new Map<string, number>();
  for (const [term, df] of documentFrequency) idf.set(term, Math.log((1 + questionCount) / (1 + df)) + 1);

  // A word no question uses is as rare as a term can be; it still makes the query longer, so an
  // off-topic sentence sharing one common word with a question does not look like a match.
  const unseenIdf = Math.log(1 + questionCount) + 1;
  const lists = new Map<string, Array<[question: number, weight: number]>>();
  termCounts.forEach((counts, question) => {
    for (const [term, weight] of weigh(counts, idf, unseenIdf)) {
      const list = lists.get(term);
      if (list) list.push([question, weight]);
      else lists.set(term, [[question, weight]]);
    }
  });
  const index = new Map<string, Postings>();
  for (const [term, list] of lists) {
    index.set(term, {
      questions: Int32Array.from(list, ([question]) => question),
      weights: Float64Array.from(list, ([, weight]) => weight),
    });
  }

  // Scratch space reused by every match (matching is synchronous, so calls never overlap).
  const scores = new Float64Array(questionCount);
  const touched = new Int32Array(questionCount);
  const entryBest = new Float64Array(entries.length);
  const entryQuestion = new Int32Array(entries.length);

  return {
    entries: new Map(entries.map((entry) => [entry.id, entry])),
    match(text: string, limit = 3): Match[] {
      let touchedCount = 0;
      for (const [term, weight] of weigh(countTerms(features(text)), idf, unseenIdf)) {
        const postings = index.get(term);
        if (!postings) continue;
        for (let i = 0; i < postings.questions.length; i++) {
          const question = postings.questions[i] as number;
          if (scores[question] === 0) touched[touchedCount++] = question;
          scores[question] = (scores[question] as number) + weight * (postings.weights[i] as number);
        }
      }
      const candidates: number[] = [];
      for (let i = 0; i < touchedCount; i++) {
        const question = touched[i] as number;
        const entry = questionEntry[question] as number;
        const score = scores[question] as number;
        scores[question] = 0;
        if (entryBest[entry] === 0) candidates.push(entry);
        if (score > (entryBest[entry] as number)) {
          entryBest[entry] = score;
          entryQuestion[entry] = question;
        }
      }
      const matches = candidates.map((entry) => ({
        entry: entries[entry] as KnowledgeEntry,
        confidence: Math.min(1, entryBest[entry] as number),
        question: questionText[entryQuestion[entry] as number] as string,
      }));
      for (const entry of candidates) entryBest[entry] = 0;
      return matches.sort((a, b) => b.confidence - a.confidence).slice(0, limit);
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
