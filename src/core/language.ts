import type { Locale } from './model.js';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/**
 * The locale to answer in. Any Han character means Chinese, even in mixed text like
 * "我的order到哪了": a customer who writes Chinese at all reads Chinese. Undefined when the text
 * says nothing (emoji, digits), so the caller keeps the conversation's locale.
 */
export function detectLocale(text: string): Locale | undefined {
  if (HAN.test(text)) return 'zh-CN';
  if (LATIN.test(text)) return 'en';
  return undefined;
}
