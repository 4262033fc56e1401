/**
 * Phone numbers and e-mail addresses a customer writes in a message, normalised so the same
 * detail typed two ways on two channels is one key: phones as E.164 (+8613800138000), e-mail
 * addresses in lower case. Pure.
 *
 * The patterns are those of src/core/privacy/mask.ts (a test keeps them in step): whatever we link
 * on is also what the logs mask.
 */

export interface ContactDetails {
  /** E.164, e.g. `+8613800138000`. */
  phones: string[];
  /** Lower case, e.g. `li.lei@example.com`. */
  emails: string[];
}

// ASCII only: Chinese text runs into an address without a space (邮箱li.lei@example.com).
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// Mainland China mobile numbers (1[3-9] + 9 digits), with or without +86 / 0086, 138 0013 8000 style;
// the digit look-arounds keep 11 digits inside an ID or card number from counting.
const MOBILE = /(?<![\d+])(?:(?:\+|00)86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)/g;

export function extractContactDetails(text: string): ContactDetails {
  const emails = [...text.matchAll(EMAIL)].map(([address]) => address.toLowerCase());
  // Addresses out first: 13800138000@qq.com is a mailbox (a common one in China), not a phone given.
  const rest = text.replace(EMAIL, ' ');
  const phones = [...rest.matchAll(MOBILE)].map(([, a, b, c]) => `+86${a}${b}${c}`);
  return { phones: unique(phones), emails: unique(emails) };
}

export function hasContactDetails(details: ContactDetails): boolean {
  return details.phones.length > 0 || details.emails.length > 0;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
