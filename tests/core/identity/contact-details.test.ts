import { describe, expect, it } from 'vitest';
import { extractContactDetails, hasContactDetails } from '../../../src/core/identity/contact-details.js';
import { maskPersonalData } from '../../../src/core/privacy/mask.js';

describe('extractContactDetails', () => {
  it.each([
    ['我的手机号是13800138000', '+8613800138000'],
    ['电话 138 0013 8000', '+8613800138000'],
    ['call me on 138-0013-8000 please', '+8613800138000'],
    ['+86 13800138000', '+8613800138000'],
    ['+86-138-0013-8000', '+8613800138000'],
    ['008613800138000', '+8613800138000'],
    ['手机：19912345678。', '+8619912345678'],
  ])('reads the mobile number in %j as E.164', (text, phone) => {
    expect(extractContactDetails(text)).toEqual({ phones: [phone], emails: [] });
  });

  it.each([
    ['邮箱Li.Lei@Example.COM谢谢', 'li.lei@example.com'],
    ['email: wang_fang+shop@mail.example.cn.', 'wang_fang+shop@mail.example.cn'],
    ['13800138000@qq.com', '13800138000@qq.com'], // a mailbox, not a phone given
  ])('reads the e-mail address in %j in lower case', (text, email) => {
    expect(extractContactDetails(text)).toEqual({ phones: [], emails: [email] });
  });

  it.each([
    '身份证 11010519491231002X',
    'card 6222 0213 1380 0138 000',
    '订单号 2024050112345678',
    '12800138000', // 12x is not a mobile prefix
    '138001380001', // 12 digits
    'landline 021-61234567',
    'no details here',
  ])('finds nothing in %j', (text) => {
    expect(hasContactDetails(extractContactDetails(text))).toBe(false);
  });

  it('finds each detail once, however often it is written', () => {
    expect(extractContactDetails('13800138000 / 138 0013 8000, a@b.cn A@B.CN')).toEqual({
      phones: ['+8613800138000'],
      emails: ['a@b.cn'],
    });
  });

  it('links only on what the logs mask: a masked line never holds the raw detail', () => {
    const lines = [
      '我的手机号是13800138000，邮箱li.lei@example.com',
      'call me on +86 138-0013-8000',
      '电话0086 138 0013 8000谢谢',
      'reach me at 19912345678 or wang@mail.example.cn',
    ];
    for (const line of lines) {
      const masked = maskPersonalData(line);
      const { phones, emails } = extractContactDetails(line);
      expect(phones.length + emails.length).toBeGreaterThan(0);
      for (const phone of phones) {
        expect(masked.replace(/\D/g, '')).not.toContain(phone.slice(3)); // the 11 national digits
      }
      for (const email of emails) expect(masked.toLowerCase()).not.toContain(email);
      expect(hasContactDetails(extractContactDetails(masked))).toBe(false);
    }
  });
});
