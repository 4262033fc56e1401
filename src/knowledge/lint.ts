/**
 * Warnings about a valid knowledge base that will still answer badly: the same question under two
 * entries (the matcher cannot tell them apart), entries with too few example questions (paraphrases
 * will miss), and answers missing a locale (those customers get another language).
 */
import { LOCALES } from '../core/model.js';
import { normalize } from './features.js';
import type { KnowledgeProblem } from './load.js';
import type { KnowledgeEntry, LoadedKnowledge } from './types.js';

export const MIN_QUESTIONS = 3;

export function lintKnowledge({ entries, synonyms }: LoadedKnowledge): KnowledgeProblem[] {
  const warnings: KnowledgeProblem[] = [];
  const warn = (entry: KnowledgeEntry, message: string) =>
    warnings.push({
      file: entry.source.file,
      line: entry.source.line,
      column: 1,
      entryId: entry.id,
      message,
    });

  const owner = new Map<string, KnowledgeEntry>();
  for (const entry of entries) {
    for (const question of entry.questions) {
      const key = normalize(question);
      const first = owner.get(key);
      if (first && first.id !== entry.id)
        warn(entry, `question "${question}" is also under entry "${first.id}"`);
      else owner.set(key, entry);
    }
    if (entry.questions.length < MIN_QUESTIONS) {
      warn(
        entry,
        `only ${entry.questions.length} example question(s); give at least ${MIN_QUESTIONS} ways of asking`,
      );
    }
    if (typeof entry.answer === 'object') {
      const missing = LOCALES.filter((locale) => !(entry.answer as Record<string, string>)[locale]);
      if (missing.length > 0)
        warn(entry, `answer has no ${missing.join(', ')} text; those customers get another language`);
    }
  }
  warnings.push(...lintSynonyms(entries, synonyms));
  return warnings;
}

/** A synonym group whose words no question uses does nothing; a word in two groups is ambiguous. */
function lintSynonyms(entries: KnowledgeEntry[], synonyms: string[][]): KnowledgeProblem[] {
  const where = { file: '(synonyms)', line: 0, column: 0 };
  const questions = entries.flatMap((entry) => entry.questions.map(normalize)).join('\n');
  const warnings: KnowledgeProblem[] = [];
  const groupOf = new Map<string, string[]>();
  for (const group of synonyms) {
    const words = group.map(normalize);
    if (!words.some((word) => questions.includes(word))) {
      warnings.push({
        ...where,
        message: `synonyms [${group.join(', ')}]: no question uses any of these words`,
      });
    }
    for (const word of words) {
      const other = groupOf.get(word);
      if (other && other !== words) {
        warnings.push({
          ...where,
          message: `synonym "${word}" is in two groups: [${other.join(', ')}] and [${words.join(', ')}]`,
        });
      }
      groupOf.set(word, words);
    }
  }
  return warnings;
}
