import type { Locale } from '../core/model.js';

/** Text an admin gives once for every language, or per locale. */
export type LocalizedText = string | Partial<Record<Locale, string>>;

export interface KnowledgeEntry {
  id: string;
  title?: LocalizedText;
  questions: string[];
  answer: LocalizedText;
  /** Ids of other entries offered as follow-up buttons. */
  quickReplies: string[];
  /** Always hand the conversation to a person after answering (e.g. complaints). */
  handoff: boolean;
  /** Where the entry was defined, for errors and lint output. */
  source: { file: string; line: number };
}

/** A loaded knowledge folder: its entries and the synonym groups declared in any of its files. */
export interface LoadedKnowledge {
  entries: KnowledgeEntry[];
  synonyms: string[][];
}

export interface Match {
  entry: KnowledgeEntry;
  /** 0..1; the pipeline answers at or above the configured threshold. */
  confidence: number;
  /** The example question that matched best. */
  question: string;
}

export interface KnowledgeBase {
  readonly entries: ReadonlyMap<string, KnowledgeEntry>;
  /** Best matches first, at most `limit` (default 3), one per entry. */
  match(text: string, limit?: number): Match[];
}

/** Where the pipeline gets the knowledge base from: always the current one, swapped whole on reload. */
export interface KnowledgeSource {
  current(): KnowledgeBase;
}
