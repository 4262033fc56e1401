/**
 * tests/fixtures/security/pii_vectors.json is a copy of the team's shared vectors
 * (/work/shared/data/fixtures/security), kept here so the tests run on a fresh clone. Its "keep" values are not that kind of personal data
 * (no mobile prefix, a wrong check digit): they must not get that label. Being 6 or more digits
 * long, they are still masked as [number] — the log mask also hides order and account numbers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../../src/core/privacy/mask.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/security/pii_vectors.json', import.meta.url), 'utf8'),
) as {
  cn_mobile: { mask: string[]; keep: string[] };
  cn_id18: { mask: string[]; keep_checksum_invalid: string[] };
  bank_card_luhn: { mask: string[]; keep_luhn_invalid: string[] };
  email: { mask: string[]; keep: string[] };
  must_survive: string[];
};

describe('maskPersonalData with the shared vectors', () => {
  it.each([
    ...vectors.cn_mobile.mask.map((text) => [text, '[phone]']),
    ...vectors.cn_id18.mask.map((text) => [text, '[id]']),
    ...vectors.bank_card_luhn.mask.map((text) => [text, '[card]']),
    ...vectors.email.mask.map((text) => [text, '[email]']),
  ])('masks %s as %s', (text, label) => {
    expect(maskPersonalData(text)).toBe(label);
    expect(maskPersonalData(`before ${text} after`)).toBe(`before ${label} after`);
  });

  it.each([
    ...vectors.cn_mobile.keep,
    ...vectors.cn_id18.keep_checksum_invalid,
    ...vectors.bank_card_luhn.keep_luhn_invalid,
  ])('does not label %s as what it is not, but hides it as a long number', (text) => {
    expect(maskPersonalData(text)).toBe('[number]');
  });

  it.each([...vectors.email.keep, ...vectors.must_survive])('leaves %s alone', (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });
});

describe('maskPersonalData in customer messages', () => {
  it('masks everything personal in one message, in both languages', () => {
    expect(maskPersonalData('我的手机13800138000，邮箱li.lei@example.com，订单号2024050112345还没到')).toBe(
      '我的手机[phone]，邮箱[email]，订单号[number]还没到',
    );
    expect(maskPersonalData('call me on +86 138 0013 8000 or +44 20 7946 0958, landline 021-61234567')).toBe(
      'call me on [phone] or [phone], landline [phone]',
    );
    expect(maskPersonalData('card 4111 1111 1111 1111, id 11010519491231002x')).toBe('card [card], id [id]');
  });

  it('never masks part of a longer digit run as a phone number', () => {
    // The 11 digits from the 7th on look like a mobile number (1 9 …).
    expect(maskPersonalData('34052419800101001X')).toBe('[id]');
    expect(maskPersonalData('order 6222021234567890128')).toBe('order [card]');
  });

  it('keeps short numbers, dates, times and prices', () => {
    const text = 'order #1234 on 2024-05-01 at 16:00 cost ¥99.50, 5 items';
    expect(maskPersonalData(text)).toBe(text);
  });
});
