/**
 * Finding slot values in what customers type, and noticing when they give up. Pure.
 */
import type { ActionSlot, KnowledgeAction } from '../../knowledge/action-schema.js';
import type { Customer } from '../model.js';

/**
 * The slot's value in `text`, or undefined. The pattern is searched anywhere in the text, but not
 * inside a longer run of ASCII letters and digits: "A12345678" is not the order "A1234567". Chinese
 * around the value is fine ("订单A1234567到哪了").
 */
export function findSlotValue(slot: ActionSlot, text: string): string | undefined {
  const subject = slot.uppercase ? text.toUpperCase() : text;
  const bounded = new RegExp(`(?<![A-Za-z0-9])(?:${slot.pattern})(?![A-Za-z0-9])`, 'u');
  return bounded.exec(subject)?.[0];
}

/** True when `value` is wholly a valid value of the slot (a value from the profile, a corrected one). */
export function isValidSlotValue(slot: ActionSlot, value: string): boolean {
  return new RegExp(`^(?:${slot.pattern})$`, 'u').test(slot.uppercase ? value.toUpperCase() : value);
}

/** The value the customer's profile holds for the slot, when the slot may come from there. */
export function profileValue(slot: ActionSlot, customer: Customer | undefined): string | undefined {
  if (!slot.from.includes('profile') || !customer || !slot.profile) return undefined;
  const value =
    slot.profile === 'name'
      ? customer.name
      : customer.contacts
          ?.find((contact) => contact.startsWith(`${slot.profile}:`))
          ?.slice(slot.profile.length + 1);
  if (value === undefined) return undefined;
  const normalised = slot.uppercase ? value.toUpperCase() : value;
  return isValidSlotValue(slot, normalised) ? normalised : undefined;
}

/**
 * Every slot value found in the text, by slot name. A slot is looked for in the text when it may
 * come from the message or be asked for (the answer to a question is a message too).
 */
export function slotValuesIn(action: KnowledgeAction, text: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const [name, slot] of Object.entries(action.slots)) {
    if (!slot.from.includes('message') && !slot.from.includes('ask')) continue;
    const value = findSlotValue(slot, text);
    if (value !== undefined) found[name] = value;
  }
  return found;
}

const CANCEL_WORDS = [
  '算了',
  '不用了',
  '不查了',
  '取消',
  '不要了',
  '没事了',
  'never mind',
  'nevermind',
  'forget it',
  'cancel',
  'stop',
  'no thanks',
];

/** The customer no longer wants the look-up: "算了", "never mind", "cancel"… (short messages only). */
export function isCancel(text: string): boolean {
  const folded = text
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
  // A long message that happens to contain "stop" is a new question, not a cancel.
  if (folded.length > 24) return false;
  return CANCEL_WORDS.some(
    (word) => folded === word || folded.startsWith(`${word} `) || (isChinese(word) && folded.includes(word)),
  );
}

function isChinese(word: string): boolean {
  return /\p{Script=Han}/u.test(word);
}
