/**
 * The terms the engine learns from, as 30-bit hashes (building strings for every n-gram made
 * loading a 15k-question KB take seconds). Words (light-stemmed) and word bigrams carry meaning;
 * character n-grams inside each word make a typo cost a few n-grams instead of the whole word.
 * Chinese has no spaces, so Han runs become character unigrams, bigrams and trigrams, plus the words
 * jieba segments them into (src/knowledge/segment.ts): the words weight the bigrams and trigrams
 * that are real words and hold words of four or more characters; the n-grams still catch what the
 * segmentation splits wrongly. Each kind of term hashes with its own seed, so kinds never collide
 * and can be weighted apart.
 */
import { normalize, stem } from '../features.js';
import { segmentHan } from '../segment.js';

export interface TextFeatureOptions {
  /** Shortest and longest character n-gram taken inside a (padded) non-Han word; 0 turns them off. */
  charMin: number;
  charMax: number;
  /** Longest Han character n-gram (1 = unigrams only). */
  hanMax: number;
  /** Add bigrams of consecutive non-Han words. */
  wordBigrams: boolean;
  /** Add the words jieba segments each Han run into, as well as the Han n-grams. */
  hanWords: boolean;
}

export const defaultTextFeatureOptions: TextFeatureOptions = {
  charMin: 3,
  charMax: 4,
  hanMax: 3,
  wordBigrams: true,
  hanWords: true,
};

/** Kinds of term, the index into per-kind weights. */
export const TermKind = {
  word: 0,
  wordBigram: 1,
  char: 2,
  han1: 3,
  han2: 4,
  han3: 5,
  hanWord: 6,
} as const;
export const TERM_KINDS = 7;

/** Terms of one text, with repeats, in two parallel lists. */
export interface Terms {
  hashes: number[];
  kinds: number[];
}

const RUNS = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;
const PAD_START = 0x5e; // '^'
const PAD_END = 0x24; // '$'

export function textTerms(text: string, options: TextFeatureOptions = defaultTextFeatureOptions): Terms {
  const terms: Terms = { hashes: [], kinds: [] };
  let previousWord = -1;
  for (const [, han, word] of normalize(text).matchAll(RUNS)) {
    if (han) {
      addHan(han, options.hanMax, terms);
      if (options.hanWords) addHanWords(han, terms);
      previousWord = -1; // a Han run breaks the word sequence: its n-grams already cover it
    } else if (word) {
      const wordHash = hashString(stem(word), TermKind.word);
      push(terms, wordHash, TermKind.word);
      if (options.wordBigrams && previousWord >= 0)
        push(terms, mix(mix(seed(TermKind.wordBigram), previousWord), wordHash), TermKind.wordBigram);
      previousWord = wordHash;
      if (options.charMin > 0) addCharGrams(word, options, terms);
    }
  }
  return terms;
}

function addHan(run: string, hanMax: number, terms: Terms): void {
  const codes = Array.from(run, (char) => char.codePointAt(0) as number);
  for (let n = 1; n <= Math.min(hanMax, 3); n++) {
    const kind = TermKind.han1 + n - 1;
    for (let i = 0; i + n <= codes.length; i++) push(terms, hashCodes(codes, i, n, kind), kind);
  }
}

function addHanWords(run: string, terms: Terms): void {
  for (const word of segmentHan(run)) push(terms, hashString(word, TermKind.hanWord), TermKind.hanWord);
}

function addCharGrams(word: string, options: TextFeatureOptions, terms: Terms): void {
  const codes = [PAD_START, ...Array.from(word, (char) => char.codePointAt(0) as number), PAD_END];
  for (let n = options.charMin; n <= options.charMax; n++) {
    for (let i = 0; i + n <= codes.length; i++)
      push(terms, hashCodes(codes, i, n, TermKind.char), TermKind.char);
  }
}

function push(terms: Terms, hash: number, kind: number): void {
  terms.hashes.push(hash & 0x3fffffff);
  terms.kinds.push(kind);
}

function seed(kind: number): number {
  return Math.imul(0x811c9dc5 ^ kind, 0x01000193);
}

function mix(hash: number, value: number): number {
  return Math.imul(hash ^ value, 0x01000193) ^ (value >>> 16);
}

function hashCodes(codes: number[], start: number, length: number, kind: number): number {
  let hash = seed(kind);
  for (let i = start; i < start + length; i++) hash = mix(hash, codes[i] as number);
  return hash & 0x3fffffff;
}

export function hashString(text: string, kind: number): number {
  let hash = seed(kind);
  for (let i = 0; i < text.length; i++) hash = mix(hash, text.charCodeAt(i));
  return hash & 0x3fffffff;
}
