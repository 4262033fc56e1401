/**
 * Synonyms admins declare (`synonyms: [[快递, 物流, 包裹], [parcel, package]]`): before matching,
 * every word of a group is rewritten to the group's first word, in the example questions and in
 * what customers type alike, so 物流 in a message meets 快递 in a question.
 *
 * Synonyms match whole words as the matcher sees them (src/knowledge/engine/text-features.ts). An
 * English synonym matches every word the matcher's stemmer folds to the same stem (package,
 * packages). Chinese has no spaces, so a Chinese synonym matches where jieba's segmentation of the
 * text has it as one word, or as several whole words: 件 is rewritten in 我的件到了吗 but not inside
 * 文件, 单号 in 单号是多少 (单/号) but not across 订单/号码. Groups that share a word are one group,
 * whose word is the first word of the first of them; `lint` says when that happens.
 */
import { normalize, stem } from './features.js';
import { segmentHan } from './segment.js';

export type SynonymGroups = readonly (readonly string[])[];

/** What customers and questions say, found and rewritten by the same rule. */
export interface SynonymTable {
  /** The text normalised, every synonym replaced by its group's word. */
  rewrite(text: string): string;
  /** The synonyms found in a text, as synonymKey gives them. */
  keysIn(text: string): Set<string>;
  /** The word a synonym is rewritten to; undefined for a word no group lists. */
  canonicalOf(word: string): string | undefined;
}

/** One piece of a synonym: a run of Han characters, or one other word by its stem. */
interface Part {
  han: boolean;
  text: string;
}

interface Synonym {
  word: string;
  key: string;
  parts: Part[];
}

/** A piece of text: a jieba word of a Han run, or a run of other letters and digits. */
interface Unit {
  han: boolean;
  /** A word's stem, a Han word as it is. */
  text: string;
  start: number;
  end: number;
}

const RUNS = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;
const LATIN = /^(?:(?!\p{Script=Han})[\p{L}\p{N}])$/u;

/**
 * What decides that two synonyms are the same word: the same Han characters, the same stems.
 * Empty for a word with no letters (an emoji), which matches nothing.
 */
export function synonymKey(word: string): string {
  return synonymOf(normalize(word)).key;
}

/** A function from text to normalised text with synonyms replaced; plain `normalize` when there are none. */
export function synonymRewriter(groups: SynonymGroups): (text: string) => string {
  return synonymTable(groups).rewrite;
}

export function synonymTable(groups: SynonymGroups): SynonymTable {
  const merged = mergeGroups(
    groups.map((group) => group.map((word) => synonymOf(normalize(word))).filter((s) => s.key !== '')),
  );
  if (merged.size === 0) return { rewrite: normalize, keysIn: () => new Set(), canonicalOf: () => undefined };

  // Candidates by what their first unit must be (a Han character, or a stem), longest first, so
  // "credit card" wins over "card" and 快递单 over 快递 where both are whole words.
  const byStart = new Map<string, Synonym[]>();
  for (const { synonym } of merged.values()) {
    const start = startOf(synonym.parts[0] as Part);
    byStart.set(start, [...(byStart.get(start) ?? []), synonym]);
  }
  for (const list of byStart.values()) list.sort((a, b) => b.word.length - a.word.length);
  const hasHan = [...merged.values()].some(({ synonym }) => synonym.parts.some((part) => part.han));
  const canonicalByKey = new Map([...merged].map(([key, { canonical }]) => [key, canonical]));

  // Each synonym found, leftmost first, none overlapping.
  const find = (text: string) => {
    const units = unitsOf(text, hasHan);
    const found: Array<{ key: string; start: number; end: number }> = [];
    for (let i = 0; i < units.length; ) {
      const unit = units[i] as Unit;
      let next = -1;
      for (const synonym of byStart.get(unit.han ? (unit.text[0] as string) : unit.text) ?? []) {
        next = matchAt(units, i, synonym.parts);
        if (next < 0) continue;
        found.push({ key: synonym.key, start: unit.start, end: (units[next - 1] as Unit).end });
        break;
      }
      i = next < 0 ? i + 1 : next;
    }
    return found;
  };

  return {
    rewrite(text) {
      const normalized = normalize(text);
      let rewritten = '';
      let at = 0;
      for (const { key, start, end } of find(normalized)) {
        const word = canonicalByKey.get(key) as Synonym;
        if (word.key === key) continue; // the group's own word, maybe inflected: left as written
        rewritten += normalized.slice(at, start);
        rewritten += `${spaceBetween(rewritten, word.word)}${word.word}`;
        rewritten += spaceBetween(word.word, normalized.slice(end));
        at = end;
      }
      return rewritten + normalized.slice(at);
    },
    keysIn: (text) => new Set(find(normalize(text)).map((found) => found.key)),
    canonicalOf: (word) => canonicalByKey.get(synonymKey(word))?.word,
  };
}

/**
 * Each synonym (by key, as first listed) with the word it is rewritten to: groups sharing a word
 * are merged, and a merged group's word is the first word of its earliest group.
 */
function mergeGroups(groups: Synonym[][]): Map<string, { synonym: Synonym; canonical: Synonym }> {
  const parent = groups.map((_, index) => index);
  const root = (index: number): number => {
    let at = index;
    while (parent[at] !== at) at = parent[at] as number;
    return at;
  };
  const owner = new Map<string, { synonym: Synonym; index: number }>();
  groups.forEach((group, index) => {
    for (const synonym of group) {
      const other = owner.get(synonym.key);
      if (other === undefined) owner.set(synonym.key, { synonym, index });
      else {
        const [a, b] = [root(index), root(other.index)];
        parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  return new Map(
    [...owner].map(([key, { synonym, index }]) => [
      key,
      { synonym, canonical: groups[root(index)]?.[0] as Synonym },
    ]),
  );
}

function synonymOf(word: string): Synonym {
  const parts = partsOf(word);
  return { word, key: parts.map((part) => part.text).join(' '), parts };
}

function partsOf(normalized: string): Part[] {
  return Array.from(normalized.matchAll(RUNS), ([, han, other]) =>
    han ? { han: true, text: han } : { han: false, text: stem(other as string) },
  );
}

function startOf(part: Part): string {
  return part.han ? (part.text[0] as string) : part.text;
}

/** The text's units; Han runs cut into jieba words only when some synonym is Chinese. */
function unitsOf(text: string, segment: boolean): Unit[] {
  const units: Unit[] = [];
  for (const match of text.matchAll(RUNS)) {
    const [run, han] = match;
    let start = match.index;
    if (!han) units.push({ han: false, text: stem(run), start, end: start + run.length });
    else {
      for (const word of segment ? segmentHan(han) : [han]) {
        units.push({ han: true, text: word, start, end: start + word.length });
        start += word.length;
      }
    }
  }
  return units;
}

/** The index after the units the parts cover from `from` (a Han part: consecutive whole words), or -1. */
function matchAt(units: Unit[], from: number, parts: Part[]): number {
  let at = from;
  for (const part of parts) {
    if (!part.han) {
      const unit = units[at];
      if (!unit || unit.han || unit.text !== part.text) return -1;
      at++;
      continue;
    }
    let joined = '';
    let end = -1;
    while (joined.length < part.text.length) {
      const unit = units[at];
      if (!unit?.han || (end >= 0 && unit.start !== end)) return -1;
      joined += unit.text;
      end = unit.end;
      at++;
      if (!part.text.startsWith(joined)) return -1;
    }
  }
  return at;
}

/** A space where two words would otherwise run together into one ("iphone" + "parcel"). */
function spaceBetween(before: string, after: string): string {
  return LATIN.test(before.at(-1) ?? '') && LATIN.test(after[0] ?? '') ? ' ' : '';
}
