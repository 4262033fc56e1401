/**
 * Text normalisation shared by the matching engine (src/knowledge/engine/text-features.ts) and the
 * knowledge lint: the same question written with other punctuation, case or width is the same text.
 */

/** NFKC folds full-width forms (ＡＢＣ１２３，) to their plain forms; punctuation and symbols become spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
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
