/**
 * Text normalisation and the features the matcher compares. Chinese has no spaces, so Han runs
 * become character unigrams and bigrams; other words become light-stemmed words plus character
 * trigrams, which make a typo cost one or two trigrams instead of the whole word.
 */

/** NFKC folds full-width forms (ＡＢＣ１２３，) to their plain forms; punctuation and symbols become spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
}

// Han characters are letters too (\p{L}): the word alternative must stop at them, or "iphone怎么退货"
// becomes one long "word" instead of "iphone" + Chinese unigrams/bigrams.
const RUNS = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;

export function features(text: string): string[] {
  const out: string[] = [];
  for (const [, han, word] of normalize(text).matchAll(RUNS)) {
    if (han) addHan(han, out);
    else if (word) addWord(word, out);
  }
  return out;
}

function addHan(run: string, out: string[]): void {
  const chars = [...run];
  for (let i = 0; i < chars.length; i++) {
    out.push(`c:${chars[i]}`);
    if (i + 1 < chars.length) out.push(`b:${chars[i]}${chars[i + 1]}`);
  }
}

function addWord(word: string, out: string[]): void {
  const stemmed = stem(word);
  out.push(`w:${stemmed}`);
  if (stemmed.length < 4) return;
  const padded = `^${stemmed}$`;
  for (let i = 0; i + 3 <= padded.length; i++) out.push(`t:${padded.slice(i, i + 3)}`);
}

/** Light English stemming: enough that "parcels"/"parcel" and "refunded"/"refund" meet. */
export function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ied')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
