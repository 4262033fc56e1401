import type { Locale } from './model.js';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/** Letters and digits mixed in one token: an order number or a code, not a word of any language. */
const CODE = /[\p{L}\p{N}]*\p{N}[\p{L}\p{N}]*/gu;

/**
 * The locale to answer in. Any Han character means Chinese, even in mixed text like
 * "我的order到哪了": a customer who writes Chinese at all reads Chinese. Undefined when the text
 * says nothing (emoji, digits, a code such as "A1234567" sent in answer to a question), so the
 * caller keeps the conversation's locale.
 */
export function detectLocale(text: string): Locale | undefined {
  if (HAN.test(text)) return 'zh-CN';
  if (LATIN.test(text.replace(CODE, ''))) return 'en';
  return undefined;
}
