/**
 * Ticket numbers: the short id a customer sees for a handed-off conversation ("工单号 A7K2") and
 * can quote on any channel. Four characters from an alphabet without look-alikes (no 0/O, 1/I/L)
 * are easy to read out and type; they are claimed atomically in the store, and a collision simply
 * draws again (with a fifth character once four get crowded).
 */
import { randomInt } from 'node:crypto';
import type { KeyValueStore } from '../store/key-value.js';

export const TICKET_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const ALPHABET = TICKET_ALPHABET;
const TICKET = new RegExp(`^[${ALPHABET}]{4,6}$`);
/** A ticket keeps pointing at its conversation for a year. */
const TICKET_TTL_MS = 365 * 86_400_000;
const ATTEMPTS_PER_LENGTH = 8;

export async function allocateTicket(kv: KeyValueStore, conversationId: string): Promise<string> {
  for (let length = 4; length <= 6; length++) {
    for (let attempt = 0; attempt < ATTEMPTS_PER_LENGTH; attempt++) {
      const ticket = Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      const { created } = await kv.setIfAbsent(ticketKey(ticket), conversationId, TICKET_TTL_MS);
      if (!created) continue;
      // Set-if-absent keys live apart from get/set keys (their own SQL table, a `once:` prefix in
      // Redis), so the claim alone is invisible to `findTicket`: store the readable copy too.
      await kv.set(ticketKey(ticket), conversationId, TICKET_TTL_MS);
      return ticket;
    }
  }
  throw new Error('no free ticket number after 24 draws');
}

/** The conversation a ticket number names; tolerant of case and spaces as customers type them. */
export async function findTicket(kv: KeyValueStore, typed: string): Promise<string | undefined> {
  const ticket = normaliseTicket(typed);
  return ticket ? kv.get<string>(ticketKey(ticket)) : undefined;
}

export function normaliseTicket(typed: string): string | undefined {
  const ticket = typed.replace(/[\s#-]/g, '').toUpperCase();
  return TICKET.test(ticket) ? ticket : undefined;
}

function ticketKey(ticket: string): string {
  return `ticket:${ticket}`;
}
