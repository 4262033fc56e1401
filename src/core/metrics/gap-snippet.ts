/**
 * A new knowledge entry for a group of unanswered questions, as YAML an admin pastes into a file
 * in config/knowledge/ (docs/knowledge.md) and completes with the answer. Built with the `yaml`
 * package, so any question text is quoted correctly.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { normalize } from '../../knowledge/features.js';

/** What the admin replaces: the entry is valid as it stands, so `kb lint` passes before they edit. */
export const ANSWER_PLACEHOLDER = { 'zh-CN': '（请填写答案）', en: '(write the answer here)' };
const QUESTIONS = 8;

export function newEntrySnippet(text: string, questions: readonly string[]): string {
  return stringify([
    { id: suggestedId(text), questions: questions.slice(0, QUESTIONS), answer: ANSWER_PLACEHOLDER },
  ]);
}

/**
 * `gap.<first English words>`, or `gap.<hash>` for text without any: ids must be lowercase
 * ASCII (src/knowledge/schema.ts), and the same question always suggests the same id.
 */
export function suggestedId(text: string): string {
  const normal = normalize(text);
  const words = normal.match(/[a-z0-9]+/g)?.slice(0, 4) ?? [];
  if (words.length > 0) return `gap.${words.join('-')}`.slice(0, 60);
  return `gap.${createHash('sha256').update(normal).digest('hex').slice(0, 8)}`;
}
