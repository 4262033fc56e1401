import type { Locale, Platform, Priority } from '../core/model.js';
import type { KnowledgeAction } from './action-schema.js';
import type { CalibrationSummary } from './engine/calibration.js';

/** Text an admin gives once for every language, or per locale. */
export type LocalizedText = string | Partial<Record<Locale, string>>;

/** What an entry says on one platform instead of its own answer or buttons. */
export interface ChannelVariant {
  answer?: LocalizedText;
  quickReplies?: string[];
}

export interface KnowledgeEntry {
  id: string;
  title?: LocalizedText;
  questions: string[];
  /** May contain {{variables}} (src/knowledge/templates.ts). */
  answer: LocalizedText;
  /** Ids of other entries offered as follow-up buttons. */
  quickReplies: string[];
  /** Always hand the conversation to a person after answering (e.g. complaints). */
  handoff: boolean;
  /** For admins and reports; the bot does not use them. */
  category?: string;
  tags: string[];
  /** Raise the conversation to this priority when the bot answers or hands off with this entry. */
  priority?: Priority;
  /** Ids of entries preferred when matching the customer's next message (src/knowledge/follow-ups.ts). */
  followUps: string[];
  /** Answer from live data (src/core/actions/): without its backend configured, `answer` is given instead. */
  action?: KnowledgeAction;
  /** Per-platform overrides of the answer and buttons. */
  channels?: Partial<Record<Platform, ChannelVariant>>;
  /** Where the entry was defined, for errors and lint output. */
  source: { file: string; line: number };
}

/** A place in a knowledge file. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** A loaded knowledge folder: its entries and the KB-wide settings declared in any of its files. */
export interface LoadedKnowledge {
  entries: KnowledgeEntry[];
  synonyms: string[][];
  /** Where each group of `synonyms` is written (same order), for lint warnings; absent for intent sets. */
  synonymSources?: SourcePosition[];
  /** Values of {{variables}} in answers, by name; absent for knowledge without any (intent sets). */
  variables?: Record<string, LocalizedText>;
}

export interface Match {
  entry: KnowledgeEntry;
  /** 0..1; the pipeline answers at or above the configured threshold. */
  confidence: number;
  /** The example question that matched best. */
  question: string;
  /** 0..1: how close that question is to the text, whatever the other entries (follow-ups use it). */
  similarity: number;
}

export interface KnowledgeBase {
  readonly entries: ReadonlyMap<string, KnowledgeEntry>;
  /** Values of {{variables}} in answers, by name (`variables:` in the knowledge files). */
  readonly variables: ReadonlyMap<string, LocalizedText>;
  /** Best matches first, at most `limit` (default 3), one per entry. */
  match(text: string, limit?: number): Match[];
  /** How the confidences were made (fitted to this knowledge base, or not and why); `kb ask` and `kb eval` show it. */
  readonly calibration?: CalibrationSummary;
}

/** What the matching engine provides; buildKnowledgeBase adds the rest. */
export type Matcher = Omit<KnowledgeBase, 'variables'>;

/** Where the pipeline gets the knowledge base from: always the current one, swapped whole on reload. */
export interface KnowledgeSource {
  current(): KnowledgeBase;
}
