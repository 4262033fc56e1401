/**
 * Warnings about a valid knowledge base that will still answer badly: the same question under two
 * entries, also once synonyms are applied (the matcher cannot tell them apart), entries with too
 * few example questions (paraphrases will miss), answers missing a locale (those customers get
 * another language), answers using a {{variable}} nobody defines (it would be sent empty), and
 * synonym groups that do nothing or were merged with another group.
 */
import { LOCALES } from '../core/model.js';
import { normalize } from './features.js';
import type { KnowledgeProblem } from './load.js';
import { type SynonymTable, synonymKey, synonymTable } from './synonyms.js';
import { BUILT_IN_VARIABLES, templateVariables } from './templates.js';
import type { KnowledgeEntry, LoadedKnowledge, LocalizedText, SourcePosition } from './types.js';

export const MIN_QUESTIONS = 3;

export function lintKnowledge({
  entries,
  synonyms,
  synonymSources = [],
  variables = {},
}: LoadedKnowledge): KnowledgeProblem[] {
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
  const table = synonymTable(synonyms);
  // Compared as the matcher sees them: 我的物流到哪了 is 我的快递到哪了 when 物流 is a synonym of 快递.
  const owner = new Map<string, { entry: KnowledgeEntry; question: string }>();
  for (const entry of entries) {
    for (const question of entry.questions) {
      const key = table.rewrite(question);
      const first = owner.get(key);
      if (first && first.entry.id !== entry.id) {
        const same = normalize(first.question) === normalize(question);
        warn(
          entry,
          `question "${question}" is also under entry "${first.entry.id}"${same ? '' : ` (as "${first.question}", the same once synonyms are applied)`}`,
        );
      } else owner.set(key, { entry, question });
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
  warnings.push(...lintSynonyms(entries, synonyms, synonymSources, table));
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

/**
 * A synonym group whose words no question uses does nothing. Groups sharing a word are merged into
 * one (src/knowledge/synonyms.ts): said, since that may join words the admin meant to keep apart.
 */
function lintSynonyms(
  entries: KnowledgeEntry[],
  synonyms: string[][],
  sources: SourcePosition[],
  table: SynonymTable,
): KnowledgeProblem[] {
  const used = new Set(entries.flatMap((entry) => entry.questions.flatMap((q) => [...table.keysIn(q)])));
  const warnings: KnowledgeProblem[] = [];
  const firstGroup = new Map<string, number>();
  synonyms.forEach((group, index) => {
    const where = sources[index] ?? { file: '(synonyms)', line: 0, column: 0 };
    const keys = group.map(synonymKey).filter((key) => key !== '');
    if (!keys.some((key) => used.has(key))) {
      warnings.push({
        ...where,
        message: `synonyms [${group.join(', ')}]: no question uses any of these words`,
      });
    }
    const shared = group.find((word) => (firstGroup.get(synonymKey(word)) ?? index) !== index);
    if (shared !== undefined) {
      const other = firstGroup.get(synonymKey(shared)) as number;
      const otherWhere = sources[other];
      warnings.push({
        ...where,
        message:
          `synonyms [${group.join(', ')}]: "${shared}" is also in [${synonyms[other]?.join(', ')}]` +
          `${otherWhere ? ` (${otherWhere.file}:${otherWhere.line})` : ''}, so the groups are merged: ` +
          `each of their words is rewritten to "${table.canonicalOf(shared)}"`,
      });
    }
    for (const key of keys) if (!firstGroup.has(key)) firstGroup.set(key, index);
  });
  return warnings;
}
