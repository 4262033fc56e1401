/**
 * What the benchmark customers ask: the example questions of the sample knowledge base, which
 * the bot answers (an example question matches its own entry with full confidence). Questions of
 * entries that hand off to a person are left out: after a hand-off the bot stays silent, and a
 * closed-loop customer would wait for an answer that never comes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './child.js';

export const QUESTIONS_FILE = 'config/knowledge/shop.yaml';

export interface Questions {
  'zh-CN': string[];
  en: string[];
}

interface RawEntry {
  questions?: unknown;
  handoff?: unknown;
}

const HAN = /\p{Script=Han}/u;

export async function loadQuestions(file = QUESTIONS_FILE): Promise<Questions> {
  const document = parse(await readFile(join(ROOT, file), 'utf8')) as { entries?: RawEntry[] } | null;
  const entries = Array.isArray(document?.entries) ? document.entries : [];
  const asked = (entry: RawEntry) =>
    Array.isArray(entry.questions) ? entry.questions.filter((q): q is string => typeof q === 'string') : [];
  // The same wording under a hand-off entry could win the match, so it is left out too.
  const handedOff = new Set(
    entries
      .filter((e) => e.handoff === true)
      .flatMap(asked)
      .map(normalize),
  );
  const questions: Questions = { 'zh-CN': [], en: [] };
  for (const entry of entries) {
    if (entry.handoff === true) continue;
    for (const text of asked(entry)) {
      if (handedOff.has(normalize(text))) continue;
      questions[HAN.test(text) ? 'zh-CN' : 'en'].push(text);
    }
  }
  if (questions['zh-CN'].length === 0 || questions.en.length === 0) {
    throw new Error(`${file}: needs answered questions in both Chinese and English`);
  }
  return questions;
}

function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
}
