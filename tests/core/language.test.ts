import { describe, expect, it } from 'vitest';
import { detectLocale } from '../../src/core/language.js';

describe('detectLocale', () => {
  it.each([
    ['我的快递到哪了', 'zh-CN'],
    ['我的order到哪了', 'zh-CN'],
    ['where is my parcel', 'en'],
    ['my order is A1234567', 'en'],
  ] as const)('"%s" is %s', (text, locale) => {
    expect(detectLocale(text)).toBe(locale);
  });

  // An order number sent in answer to a Chinese question must not switch the conversation to English.
  it.each(['A7654321', 'sf1234567890', '4', '👍', '+86 138 0013 8000'])('"%s" says nothing', (text) => {
    expect(detectLocale(text)).toBeUndefined();
  });
});
