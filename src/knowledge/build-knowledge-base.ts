/**
 * The one place that turns validated entries into a searchable KnowledgeBase: the server, live
 * reload and the eval CLI all call this, so a better matcher replaces the current one here only.
 */
import { createEngineKnowledgeBase } from './engine/create-engine.js';
import type { KnowledgeBase, LoadedKnowledge } from './types.js';

export function buildKnowledgeBase(knowledge: LoadedKnowledge): KnowledgeBase {
  return {
    ...createEngineKnowledgeBase(knowledge.entries, knowledge.synonyms),
    variables: new Map(Object.entries(knowledge.variables ?? {})),
  };
}
