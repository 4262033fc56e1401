import { LOCALES, type Locale } from '../core/model.js';
import type { LocalizedText } from './types.js';

/** The text for `locale`, else for `fallback`, else any the admin wrote. */
export function localize(text: LocalizedText, locale: Locale, fallback: Locale): string {
  if (typeof text === 'string') return text;
  const found = text[locale] ?? text[fallback] ?? LOCALES.map((l) => text[l]).find((t) => t !== undefined);
  return found ?? '';
}
