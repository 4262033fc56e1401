/**
 * Masks personal data in free text: each find becomes a label such as `[phone]`, so the reader
 * still sees what kind of thing the customer wrote. Pure but for the extra patterns, which the
 * server sets once when it starts (privacy.extraPatterns).
 *
 * Two profiles:
 * - for logs and analytics (maskPersonalData): also any run of 6 or more digits, as `[number]`:
 *   order, tracking and account numbers point at a person too;
 * - for agent channels (maskForAgents): what the desk mirrors into Slack/Teams threads and cards.
 *   Agents need the order number to help, so plain numbers stay; phones, resident IDs, bank cards,
 *   e-mail addresses and the extra patterns do not.
 *
 * The rules run in order and each sees the previous ones' output. Digits are matched with digit
 * look-arounds, so a phone number's 11 digits inside an 18-digit ID or a 19-digit card are never
 * masked on their own. Extra patterns run first, so a member number is labelled as one before the
 * log profile's [number] takes its digits.
 */

type Rule = { label: string; pattern: RegExp; valid?: (match: string) => boolean };

/** A company's own kind of personal data, e.g. { label: 'member', pattern: 'VIP\\d{8}' }. */
export interface ExtraPattern {
  label: string;
  pattern: string;
}

const AGENT_RULES: Rule[] = [
  // ASCII only: Chinese text runs into an address without a space (邮箱li.lei@example.com).
  // Matched only from the start of a run, with RFC 5321's length limits, so a long run of letters
  // is scanned once (an unanchored `+` rescanned it from every position: quadratic).
  {
    label: 'email',
    pattern:
      /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,63}(?![A-Za-z])/g,
  },
  // Mainland China mobile numbers (1[3-9] + 9 digits), with or without +86 / 0086, 138 0013 8000 style.
  { label: 'phone', pattern: /(?<![\d+])(?:(?:\+|00)86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g },
  // Resident ID (GB 11643-1999): 17 digits and a check character, digit or X.
  { label: 'id', pattern: /(?<!\d)\d{17}[\dXx](?![\dXx])/g, valid: isResidentId },
  // Payment cards: 13-19 digits passing the Luhn check, optionally in groups.
  { label: 'card', pattern: /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g, valid: isLuhnValid },
  // International numbers written with a leading +, and Chinese landlines such as 021-61234567.
  { label: 'phone', pattern: /\+\d{1,3}(?:[ -]?\d){6,14}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g },
];

const LOG_RULES: Rule[] = [...AGENT_RULES, { label: 'number', pattern: /(?<!\d)\d{6,}(?!\d)/g }];

let extraRules: Rule[] = [];

/** Sets the extra patterns every mask applies from now on (validated with the settings). */
export function useExtraPatterns(patterns: readonly ExtraPattern[]): void {
  extraRules = patterns.map(({ label, pattern }) => ({ label, pattern: new RegExp(pattern, 'g') }));
}

/** For logs and analytics: everything personal, long numbers included. */
export function maskPersonalData(text: string): string {
  return applyRules(text, [...extraRules, ...LOG_RULES]);
}

/** For agent channels: everything personal except plain numbers, which agents need. */
export function maskForAgents(text: string): string {
  return applyRules(text, [...extraRules, ...AGENT_RULES]);
}

function applyRules(text: string, rules: readonly Rule[]): string {
  return rules.reduce(
    (masked, { label, pattern, valid }) =>
      // An extra pattern that can match nothing (`x*`) must not put a label between every character.
      masked.replace(pattern, (found) => (found === '' || (valid && !valid(found)) ? found : `[${label}]`)),
    text,
  );
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 over the first 17 digits gives the 18th character. */
function isResidentId(id: string): boolean {
  const sum = ID_WEIGHTS.reduce((total, weight, i) => total + weight * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17]?.toUpperCase();
}

function isLuhnValid(card: string): boolean {
  const digits = card.replace(/\D/g, '');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = Number(digits[digits.length - 1 - i]);
    const doubled = i % 2 === 1 ? digit * 2 : digit;
    sum += doubled > 9 ? doubled - 9 : doubled;
  }
  return sum % 10 === 0;
}
