/**
 * The one place that turns validated entries into a searchable KnowledgeBase: the server, live
 * reload and the eval CLI all call this, so a better matcher replaces the current one here only.
 */
import { createEngineKnowledgeBase } from './engine/create-engine.js';
import type { KnowledgeBase, KnowledgeEntry } from './types.js';

export function buildKnowledgeBase(entries: KnowledgeEntry[]): KnowledgeBase {
  return createEngineKnowledgeBase(entries);
}
