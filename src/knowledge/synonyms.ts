/**
 * Synonyms admins declare (`synonyms: [[快递, 物流, 包裹], [parcel, package]]`): before matching,
 * every word of a group is rewritten to the group's first word, in the example questions and in
 * what customers type alike, so 物流 in a message meets 快递 in a question.
 */
import { normalize } from './features.js';

export type SynonymGroups = readonly (readonly string[])[];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const HAN = /\p{Script=Han}/u;

/** A function from text to normalised text with synonyms replaced; plain `normalize` when there are none. */
export function synonymRewriter(groups: SynonymGroups): (text: string) => string {
  const canonical = new Map<string, string>();
  for (const group of groups) {
    const [first, ...others] = group.map(normalize);
    if (!first) continue;
    for (const word of others) if (word && word !== first && !canonical.has(word)) canonical.set(word, first);
  }
  if (canonical.size === 0) return normalize;
  // Longest first, so 快递员 is not cut into 快递 + 员 when both are listed. English words must be
  // whole words; Chinese has no word boundaries, so its synonyms match anywhere.
  const alternatives = [...canonical.keys()]
    .sort((a, b) => b.length - a.length)
    .map((word) =>
      HAN.test(word) ? escapeRegExp(word) : `(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`,
    );
  const pattern = new RegExp(alternatives.join('|'), 'gu');
  return (text) => normalize(text).replace(pattern, (word) => canonical.get(word) ?? word);
}
