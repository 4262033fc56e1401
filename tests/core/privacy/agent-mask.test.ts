/**
 * The agent-channel profile: what Slack/Teams threads and cards show. Personal data is masked as
 * for logs, but plain numbers (order, tracking numbers) stay: agents need them.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { maskForAgents, maskPersonalData, useExtraPatterns } from '../../../src/core/privacy/mask.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/security/pii_vectors.json', import.meta.url), 'utf8'),
) as {
  cn_mobile: { mask: string[]; keep: string[] };
  cn_id18: { mask: string[]; keep_checksum_invalid: string[] };
  bank_card_luhn: { mask: string[]; keep_luhn_invalid: string[] };
  email: { mask: string[]; keep: string[] };
  must_survive: string[];
};

afterEach(() => useExtraPatterns([]));

describe('maskForAgents with the shared vectors', () => {
  it.each([
    ...vectors.cn_mobile.mask.map((text) => [text, '[phone]']),
    ...vectors.cn_id18.mask.map((text) => [text, '[id]']),
    ...vectors.bank_card_luhn.mask.map((text) => [text, '[card]']),
    ...vectors.email.mask.map((text) => [text, '[email]']),
  ])('masks %s as %s', (text, label) => {
    expect(maskForAgents(`客户说 ${text} 谢谢`)).toBe(`客户说 ${label} 谢谢`);
  });

  it.each([
    ...vectors.cn_mobile.keep,
    ...vectors.cn_id18.keep_checksum_invalid,
    ...vectors.bank_card_luhn.keep_luhn_invalid,
    ...vectors.email.keep,
    ...vectors.must_survive,
  ])('leaves %s for the agent to read', (text) => {
    expect(maskForAgents(text)).toBe(text);
  });

  it('keeps order numbers while masking the phone next to them', () => {
    expect(maskForAgents('订单号2024050112345，手机+86 138 0013 8000')).toBe(
      '订单号2024050112345，手机[phone]',
    );
    expect(maskPersonalData('订单号2024050112345，手机+86 138 0013 8000')).toBe(
      '订单号[number]，手机[phone]',
    );
  });
});

describe('extra patterns (privacy.extraPatterns)', () => {
  it('apply to the agent profile and to logs, before long numbers are masked', () => {
    useExtraPatterns([{ label: 'member', pattern: 'VIP\\d{8}' }]);
    expect(maskForAgents('member VIP12345678, order 2024050112345')).toBe(
      'member [member], order 2024050112345',
    );
    expect(maskPersonalData('member VIP12345678, order 2024050112345')).toBe(
      'member [member], order [number]',
    );
  });

  it('ignore empty matches instead of labelling between every character', () => {
    useExtraPatterns([{ label: 'x', pattern: 'z*' }]);
    expect(maskForAgents('abc')).toBe('abc');
  });
});
