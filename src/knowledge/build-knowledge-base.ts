/**
 * The one place that turns validated entries into a searchable KnowledgeBase. Everything that
 * builds an index (the eval CLI, and the service) should call this, so a stronger matcher replaces
 * the TF-IDF one here and nowhere else.
 */
import { buildTfidfKnowledgeBase } from './tfidf-matcher.js';
import type { KnowledgeBase, KnowledgeEntry } from './types.js';

export function buildKnowledgeBase(entries: KnowledgeEntry[]): KnowledgeBase {
  return buildTfidfKnowledgeBase(entries);
}
