/**
 * The words a customer's text shares with the example question it matched, for `kb ask`: admins
 * see why an entry won (or which words to add as questions). English words are compared after
 * stemming; Chinese has no spaces, so shared character pairs are merged into the longest runs.
 */
import { normalize, stem } from './features.js';

// Han characters are letters too: a word stops at them, so "我的order" gives "order".
const LATIN_WORD = /(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;
const HAN_RUN = /\p{Script=Han}+/gu;

export function sharedWords(text: string, question: string): string[] {
  const a = normalize(text);
  const b = normalize(question);
  const shared: string[] = [];

  const questionWords = new Set(latinWords(b).map(stem));
  for (const word of latinWords(a)) {
    if (questionWords.has(stem(word)) && !shared.includes(word)) shared.push(word);
  }

  const questionPairs = new Set<string>();
  for (const run of b.match(HAN_RUN) ?? [])
    for (let i = 0; i + 1 < run.length; i++) questionPairs.add(run.slice(i, i + 2));
  for (const run of a.match(HAN_RUN) ?? []) {
    let start = -1;
    for (let i = 0; i < run.length; i++) {
      const pairShared = i + 1 < run.length && questionPairs.has(run.slice(i, i + 2));
      if (pairShared && start < 0) start = i;
      if (!pairShared && start >= 0) {
        const word = run.slice(start, i + 1);
        if (!shared.includes(word)) shared.push(word);
        start = -1;
      }
    }
  }
  return shared;
}

function latinWords(text: string): string[] {
  return text.match(LATIN_WORD) ?? [];
}
