import { Converter } from 'opencc-js/t2cn';

/**
 * Text normalisation shared by the matching engine (src/knowledge/engine/text-features.ts) and the
 * knowledge lint: the same question written with other punctuation, case or width is the same text.
 */

// Traditional Chinese (Taiwan and Hong Kong customers) is folded into Simplified, so 我的快遞 and
// 我的快递 are the same words to the matcher. OpenCC's tables; ~5 µs per message.
const toSimplified = Converter({ from: 'tw', to: 'cn' });
const HAN = /\p{Script=Han}/u;

/**
 * NFKC folds full-width forms (ＡＢＣ１２３，) to their plain forms; Traditional Chinese becomes
 * Simplified; punctuation and symbols become spaces.
 */
export function normalize(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase();
  return (HAN.test(folded) ? toSimplified(folded) : folded).replace(/[\p{P}\p{S}\s]+/gu, ' ').trim();
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
