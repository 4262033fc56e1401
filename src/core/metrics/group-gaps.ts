/**
 * The gaps report: unanswered questions grouped by meaning, the most asked first. Deterministic
 * and simple on purpose: two questions are one group when the knowledge base leaned the same way
 * (same best entry, or none) and they share at least half their words (Jaccard over English words
 * and Chinese character pairs, after the matcher's own normalisation).
 */
import { normalize, stem } from '../../knowledge/features.js';
import type { Platform } from '../model.js';
import { newEntrySnippet } from './gap-snippet.js';
import type { KnowledgeGap } from './knowledge-gaps.js';

export interface GapGroup {
  /** The group's most asked wording. */
  text: string;
  count: number;
  /** Distinct wordings, most asked first. */
  examples: string[];
  bestEntry?: string;
  /** The highest confidence the best entry reached in the group. */
  bestScore?: number;
  channels: Partial<Record<Platform, number>>;
  /** A knowledge entry to start from (docs/knowledge.md), as YAML to paste into a knowledge file. */
  yaml: string;
}

const SIMILAR = 0.5;
const EXAMPLES = 5;
export const DEFAULT_GROUPS = 20;

interface Draft {
  bestEntry: string | undefined;
  words: Set<string>;
  gaps: KnowledgeGap[];
}

export function groupGaps(gaps: readonly KnowledgeGap[], limit = DEFAULT_GROUPS): GapGroup[] {
  const drafts: Draft[] = [];
  // Oldest first, then by text, so the same gaps always give the same groups.
  const ordered = [...gaps].sort((a, b) => a.at.localeCompare(b.at) || a.text.localeCompare(b.text));
  for (const gap of ordered) {
    const words = wordsOf(gap.text);
    if (words.size === 0) continue;
    const draft = drafts.find((d) => d.bestEntry === gap.bestEntry && jaccard(d.words, words) >= SIMILAR);
    if (draft) draft.gaps.push(gap);
    else drafts.push({ bestEntry: gap.bestEntry, words, gaps: [gap] });
  }
  return drafts
    .map(toGroup)
    .sort((a, b) => b.count - a.count || a.text.localeCompare(b.text))
    .slice(0, limit);
}

function toGroup({ bestEntry, gaps }: Draft): GapGroup {
  const wordings = new Map<string, number>();
  const channels: GapGroup['channels'] = {};
  let bestScore: number | undefined;
  for (const gap of gaps) {
    const text = gap.text.trim();
    wordings.set(text, (wordings.get(text) ?? 0) + 1);
    channels[gap.channel] = (channels[gap.channel] ?? 0) + 1;
    if (gap.bestScore !== undefined) bestScore = Math.max(bestScore ?? 0, gap.bestScore);
  }
  // Map order is first-seen order, so equal counts keep the earliest wording first.
  const examples = [...wordings].sort(([, a], [, b]) => b - a).map(([text]) => text);
  const text = examples[0] ?? '';
  return {
    text,
    count: gaps.length,
    examples: examples.slice(0, EXAMPLES),
    ...(bestEntry ? { bestEntry } : {}),
    ...(bestScore !== undefined ? { bestScore: Math.round(bestScore * 100) / 100 } : {}),
    channels,
    yaml: newEntrySnippet(text, examples),
  };
}

const LATIN_WORD = /(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
const HAN_RUN = /\p{Script=Han}+/gu;

/** Stemmed English words and Chinese character pairs (a lone character counts as itself). */
export function wordsOf(text: string): Set<string> {
  const normal = normalize(text);
  const words = new Set((normal.match(LATIN_WORD) ?? []).map(stem));
  for (const run of normal.match(HAN_RUN) ?? []) {
    if (run.length === 1) words.add(run);
    for (let i = 0; i + 1 < run.length; i++) words.add(run.slice(i, i + 2));
  }
  return words;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of a) if (b.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}
