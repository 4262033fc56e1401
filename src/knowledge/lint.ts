/**
 * Warnings about a valid knowledge base that will still answer badly: the same question under two
 * entries (the matcher cannot tell them apart), entries with too few example questions (paraphrases
 * will miss), answers missing a locale (those customers get another language), and answers using
 * a {{variable}} nobody defines (it would be sent empty).
 */
import { LOCALES } from '../core/model.js';
import { normalize } from './features.js';
import type { KnowledgeProblem } from './load.js';
import { BUILT_IN_VARIABLES, templateVariables } from './templates.js';
import type { KnowledgeEntry, LoadedKnowledge, LocalizedText } from './types.js';

export const MIN_QUESTIONS = 3;

export function lintKnowledge({ entries, synonyms, variables = {} }: LoadedKnowledge): KnowledgeProblem[] {
  const warnings: KnowledgeProblem[] = [];
  const warn = (entry: KnowledgeEntry, message: string) =>
    warnings.push({
      file: entry.source.file,
      line: entry.source.line,
      column: 1,
      entryId: entry.id,
      message,
    });

  const known = new Set<string>([...BUILT_IN_VARIABLES, ...Object.keys(variables)]);
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
    for (const [field, text] of answerTexts(entry)) {
      for (const name of templateVariables(text).filter((variable) => !known.has(variable))) {
        warn(
          entry,
          `${field}: {{${name}}} is not a variable, it would be sent empty (known: ${[...known].join(', ')})`,
        );
      }
    }
  }
  warnings.push(...lintSynonyms(entries, synonyms));
  return warnings;
}

/** Every answer template of an entry, each with the field it is in. */
function answerTexts(entry: KnowledgeEntry): Array<[string, string]> {
  const texts = (field: string, text: LocalizedText): Array<[string, string]> =>
    typeof text === 'string'
      ? [[field, text]]
      : Object.entries(text).map(([locale, value]): [string, string] => [`${field}.${locale}`, value ?? '']);
  return [
    ...texts('answer', entry.answer),
    ...Object.entries(entry.channels ?? {}).flatMap(([platform, variant]) =>
      variant?.answer ? texts(`channels.${platform}.answer`, variant.answer) : [],
    ),
  ];
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
