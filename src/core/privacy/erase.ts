/**
 * Erasing personal data from the store: one conversation (retention, src/core/retention/) or
 * everything about one customer (a PIPL/GDPR request, `npm run admin -- erase-customer`).
 *
 * The store cannot list its keys, so everything is found from the records themselves: a customer
 * names their identities, contacts, linked records and (through `conversations-of:`) their
 * conversations; a conversation names its messages, chat, ticket and agent thread. Key formats
 * are those of conversation-store.ts, link-customers.ts, tickets.ts, desk-service.ts and
 * surveys.ts. Set-if-absent keys (dedupe marks, claims) cannot be deleted and expire by themselves;
 * they hold ids, never what anyone wrote.
 */

import { forgetFollowUp } from '../csat/follow-ups.js';
import { WaitingQueue } from '../desk/waiting-queue.js';
import { extractContactDetails } from '../identity/contact-details.js';
import { dropGaps } from '../metrics/knowledge-gaps.js';
import { addressKey, type Conversation, type Customer, isId, type Message } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';

/** What was (or, in a dry run, would be) removed, one line each: `key` or `key (what changed)`. */
export type ErasedKeys = string[];

export interface EraseTarget {
  kv: KeyValueStore;
  conversations: ConversationStore;
  /** Nothing is changed; the lines say what would be. */
  dryRun?: boolean;
}

/** The day lists of conversations and knowledge gaps keep at most this many days per conversation. */
const MAX_GAP_DAYS = 400;

/**
 * The customer a reference names: a customer id, a platform id (`telegram:123`), a mobile number
 * or an e-mail address the customer gave. A linked customer reads as the one it was merged into,
 * so erasing either erases the whole person.
 */
export async function findCustomer(
  kv: KeyValueStore,
  conversations: ConversationStore,
  reference: string,
): Promise<Customer | undefined> {
  const ref = reference.trim();
  if (isId('customer', ref)) return conversations.getCustomer(ref);
  const { phones, emails } = extractContactDetails(ref);
  const contact = phones[0] ? `phone:${phones[0]}` : emails[0] ? `email:${emails[0]}` : undefined;
  if (contact) {
    const id = await kv.get<string>(`contact:${contact}`);
    return id ? conversations.getCustomer(id) : undefined;
  }
  return conversations.findCustomerByIdentity(ref);
}

export async function eraseCustomer(target: EraseTarget, customer: Customer): Promise<ErasedKeys> {
  const { kv, conversations } = target;
  const erased: ErasedKeys = [];
  const customerIds = [customer.id, ...(customer.linked ?? []).map((link) => link.customerId)];
  const identities = new Set([
    ...customer.identities,
    ...(customer.linked ?? []).flatMap((l) => l.identities),
  ]);
  const conversationIds = new Set<string>();
  for (const id of customerIds) {
    for (const conversationId of await conversations.conversationIdsFiledUnder(id)) {
      conversationIds.add(conversationId);
    }
  }
  for (const id of conversationIds) {
    const conversation = await conversations.getConversation(id);
    if (conversation) erased.push(...(await eraseConversation(target, conversation)));
  }
  for (const contact of customer.contacts ?? []) {
    const key = `contact:${contact}`;
    const holder = await kv.get<string>(key);
    if (holder && customerIds.includes(holder)) erased.push(...(await remove(target, key)));
  }
  for (const identity of identities) {
    const key = `identity:${identity}`;
    const holder = await kv.get<string>(key);
    if (holder && customerIds.includes(holder)) erased.push(...(await remove(target, key)));
  }
  for (const id of customerIds) {
    erased.push(...(await remove(target, `conversations-of:${id}`)));
    erased.push(...(await remove(target, `customer:${id}`)));
  }
  return erased;
}

/**
 * Removes a conversation, its messages and every pointer to it. The customer's record and their
 * list of conversations are the caller's (eraseCustomer, or retention when nothing is left).
 */
export async function eraseConversation(
  target: EraseTarget,
  conversation: Conversation,
): Promise<ErasedKeys> {
  const { kv, conversations } = target;
  const { id, address } = conversation;
  const erased: ErasedKeys = [];
  const messageKeys = Array.from({ length: conversation.messageCount }, (_, i) => `message:${id}:${i + 1}`);
  const messages = await kv.getMany<Message>(messageKeys);
  for (const message of messages) {
    if (message?.platformMessageId) {
      erased.push(...(await remove(target, `pmsg:${addressKey(address)}:${message.platformMessageId}`)));
    }
  }
  for (const [i, key] of messageKeys.entries()) if (messages[i]) erased.push(...(await remove(target, key)));
  if ((await kv.get<string>(`open:${addressKey(address)}`)) === id) {
    erased.push(...(await remove(target, `open:${addressKey(address)}`)));
  }
  if (conversation.ticket && (await kv.get<string>(`ticket:${conversation.ticket}`)) === id) {
    erased.push(...(await remove(target, `ticket:${conversation.ticket}`)));
  }
  const thread = conversation.agentThread;
  if (thread?.desk && thread.channelId && thread.threadId) {
    erased.push(...(await remove(target, `thread:${thread.desk}:${thread.channelId}:${thread.threadId}`)));
  }
  const survey = await kv.get<{ conversationId: string }>(`survey:${addressKey(address)}`);
  if (survey?.conversationId === id) erased.push(...(await remove(target, `survey:${addressKey(address)}`)));

  const day = conversation.openedAt.slice(0, 10);
  if ((await conversations.conversationIdsOpenedOn(day)).includes(id)) {
    if (!target.dryRun) await conversations.forgetOpenedOn(day, id);
    erased.push(`opened-on:${day} (1 entry removed)`);
  }
  if (!target.dryRun) await conversations.unfileConversation(conversation.customerId, id);
  erased.push(`conversations-of:${conversation.customerId} (1 entry removed)`);
  for (const day of daysBetween(conversation.openedAt, conversation.closedAt)) {
    const dropped = await dropGaps(target.kv, day, (gap) => gap.conversationId === id, target.dryRun);
    if (dropped > 0) erased.push(`gaps-on:${day} (${dropped} entr${dropped === 1 ? 'y' : 'ies'} removed)`);
  }
  if (await forgetFollowUp(target.kv, id, target.dryRun)) erased.push('follow-ups (1 entry removed)');
  const queue = new WaitingQueue(target.kv);
  if ((await queue.position(id)) !== undefined) {
    if (!target.dryRun) await queue.remove(id);
    erased.push('queue:waiting (1 entry removed)', `queue-item:${id}`);
  }
  if (!target.dryRun) await conversations.openIds.remove(id);
  erased.push(...(await remove(target, `conversation:${id}`)));
  return erased;
}

/** Removes a customer left with no conversation (retention keeps nothing that identifies them). */
export async function eraseCustomerIfEmpty(target: EraseTarget, customerId: string): Promise<ErasedKeys> {
  const customer = await target.conversations.getCustomer(customerId);
  if (!customer || (await target.conversations.conversationIdsOf(customer.id)).length > 0) return [];
  return eraseCustomer(target, customer);
}

async function remove(target: EraseTarget, key: string): Promise<ErasedKeys> {
  if (!target.dryRun) await target.kv.delete(key);
  return [key];
}

/** UTC days from one timestamp to another (or just the first day), oldest first. */
function daysBetween(from: string, to: string | undefined): string[] {
  const days: string[] = [];
  const end = Date.parse(to ?? from);
  for (let at = Date.parse(from.slice(0, 10)); at <= end && days.length < MAX_GAP_DAYS; at += 86_400_000) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}
