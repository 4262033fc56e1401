/**
 * Cross-channel identity: a customer who gives the same phone number or e-mail address on two
 * channels is one person, so their history follows them (issue 5; docs/privacy.md, "Linking a
 * customer across channels").
 *
 * Consent: the only trigger is the customer writing the detail themselves in a message. Nothing is
 * looked up elsewhere, and an agent typing a number does not link anyone.
 *
 * Keys:
 *   contact:phone:<e164> / contact:email:<address>   id of the customer who gave it first
 *   contact-claim:…                                  the same, for a minute: decides a race
 *
 * The first owner wins: a later customer giving the detail is merged into that one
 * (ConversationStore.mergeCustomer), never the other way round.
 */
import type { Customer } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { ContactDetails } from './contact-details.js';

export interface LinkResult {
  /** True when this message linked the customer to an earlier one. */
  linked: boolean;
  /** The customer to go on with: the earlier one after a link, else the one given. */
  customerId: string;
}

// Set-if-absent keys cannot be read with get or deleted (they live apart from the rest), so the
// claim only arbitrates two first mentions at once; the readable `contact:` key is the record, and
// erasing it (a later issue) is enough. A minute outlasts the write that follows the claim.
const CLAIM_TTL_MS = 60_000;

export async function linkByContact(
  kv: KeyValueStore,
  conversations: ConversationStore,
  customer: Customer,
  details: ContactDetails,
): Promise<LinkResult> {
  let current = (await conversations.getCustomer(customer.id)) ?? customer;
  let linked = false;
  const contacts = [
    ...details.phones.map((phone) => ({ via: 'phone' as const, contact: `phone:${phone}` })),
    ...details.emails.map((email) => ({ via: 'email' as const, contact: `email:${email}` })),
  ];
  for (const { via, contact } of contacts) {
    const owner = await ownerOf(kv, conversations, contact, current.id);
    if (owner === current.id) continue;
    const survivor = await conversations.mergeCustomer(current.id, owner, via);
    if (survivor && survivor.id !== current.id) {
      current = survivor;
      linked = true;
    }
  }
  if (contacts.length > 0) {
    current =
      (await conversations.recordContacts(
        current.id,
        contacts.map((c) => c.contact),
      )) ?? current;
  }
  return { linked, customerId: current.id };
}

/** The id of the customer who holds a contact detail, making `claimant` the holder if nobody does. */
async function ownerOf(
  kv: KeyValueStore,
  conversations: ConversationStore,
  contact: string,
  claimant: string,
): Promise<string> {
  const key = `contact:${contact}`;
  const held = await kv.get<string>(key);
  const holder = held ? await conversations.getCustomer(held) : undefined;
  if (holder) return holder.id;
  if (held) {
    // The holder was erased: the detail is free again.
    await kv.set(key, claimant);
    return claimant;
  }
  const claim = await kv.setIfAbsent(`contact-claim:${contact}`, claimant, CLAIM_TTL_MS);
  // Not created: someone mentioned it a moment ago and writes the record themselves.
  const owner = claim.created ? claimant : ((await conversations.getCustomer(claim.value))?.id ?? claimant);
  if (owner === claimant) await kv.set(key, claimant);
  return owner;
}
