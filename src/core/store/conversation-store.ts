/**
 * Customers, conversations and messages on top of the key-value store.
 *
 * Keys (all under the store's namespace):
 *   customer:<id>              Customer; one with `mergedInto` was linked to an earlier customer
 *                              (src/core/identity/) and reads as that one
 *   identity:<platform id>     customer id (one person, several platform identities)
 *   conversation:<id>          Conversation
 *   open:<address key>         id of the chat's current, not yet closed conversation
 *   open-conversations         (a set) ids of every conversation not yet closed (src/core/closing/)
 *   conversations-of:<cus id>  (a set) ids of the customer's conversations on every channel
 *   opened-on:<yyyy-mm-dd>     (a set) ids of the conversations opened that UTC day, oldest first
 *                              (metrics, retention)
 *   message:<conv id>:<seq>    Message, seq 1..conversation.messageCount
 *   pmsg:<platform id of msg>  { conversationId, seq } of a customer message on a platform where
 *                              messages can be edited or deleted later (found again by that id)
 *
 * Writes to one conversation must happen under that conversation's lock (the pipeline holds it);
 * the store itself does not serialise them.
 */
import { EventEmitter } from 'node:events';
import { type Clock, isoNow } from '../clock.js';
import { OpenConversations } from '../closing/open-conversations.js';
import { KeyedLock } from '../keyed-lock.js';
import {
  type Address,
  addressKey,
  type Conversation,
  type Customer,
  type CustomerLink,
  type Locale,
  type Message,
  newId,
} from '../model.js';
import type { KeyValueStore } from './key-value.js';

export type MessageDraft = Omit<Message, 'id' | 'conversationId' | 'seq' | 'at'> & { id?: string };

/** Where a message lives: enough to read or change it. */
export interface MessageRef {
  conversationId: string;
  seq: number;
}

export interface ConversationEventMap {
  /** A message was recorded (any role, either direction). */
  message: [message: Message, conversation: Conversation];
  /** A conversation's status changed. */
  status: [conversation: Conversation];
}

export class ConversationStore {
  /** In-process notifications of what was written; adapters use them for live views. */
  readonly events = new EventEmitter<ConversationEventMap>();
  /** Conversations not yet closed, for the idle closer (the store cannot list keys). */
  readonly openIds: OpenConversations;
  readonly #kv: KeyValueStore;
  readonly #clock: Clock;
  /** Customer records change rarely (links, contacts); one key keeps two merges from interleaving. */
  readonly #customerLock = new KeyedLock();
  /** Serialises each day's index read-modify-write, in this process only (issue 7 shares it across instances). */

  constructor(kv: KeyValueStore, clock: Clock) {
    this.#kv = kv;
    this.#clock = clock;
    this.openIds = new OpenConversations(kv);
    // Live views come and go (one per open web chat tab); a high count is normal, not a leak.
    this.events.setMaxListeners(0);
  }

  /**
   * A customer by id. A customer linked to an earlier one (`mergedInto`) reads as that one, so a
   * conversation opened before the link still finds the whole person and their history.
   */
  async getCustomer(id: string): Promise<Customer | undefined> {
    let customer = await this.#kv.get<Customer>(`customer:${id}`);
    // Links chain rarely more than once; the bound only stops a cycle that two links racing in
    // different processes could make.
    for (let hop = 0; customer?.mergedInto && hop < MAX_LINK_HOPS; hop++) {
      const into = await this.#kv.get<Customer>(`customer:${customer.mergedInto}`);
      if (!into) break;
      customer = into;
    }
    return customer;
  }

  async findCustomerByIdentity(platformId: string): Promise<Customer | undefined> {
    const customerId = await this.#kv.get<string>(`identity:${platformId}`);
    return customerId ? this.getCustomer(customerId) : undefined;
  }

  /** Creates a customer known by one platform identity. */
  async createCustomer(
    platformId: string,
    profile: { name?: string; locale?: Locale } = {},
  ): Promise<Customer> {
    const customer: Customer = {
      id: newId('customer'),
      identities: [platformId],
      tier: 'standard',
      attributes: {},
      createdAt: isoNow(this.#clock),
      ...(profile.name ? { name: profile.name } : {}),
      ...(profile.locale ? { locale: profile.locale } : {}),
    };
    // Customer first: an identity must never point at a customer that does not exist.
    await this.#kv.set(`customer:${customer.id}`, customer);
    await this.#kv.set(`identity:${platformId}`, customer.id);
    return customer;
  }

  getConversation(id: string): Promise<Conversation | undefined> {
    return this.#kv.get<Conversation>(`conversation:${id}`);
  }

  async findOpenConversation(address: Address): Promise<Conversation | undefined> {
    const id = await this.#kv.get<string>(`open:${addressKey(address)}`);
    if (!id) return undefined;
    const conversation = await this.getConversation(id);
    return conversation && conversation.status !== 'closed' ? conversation : undefined;
  }

  async openConversation(
    customer: Customer,
    address: Address,
    locale: Locale,
    contactName?: string,
  ): Promise<Conversation> {
    // The customer object may predate a link made meanwhile: file the conversation under the survivor.
    const customerId = (await this.getCustomer(customer.id))?.id ?? customer.id;
    const conversation: Conversation = {
      id: newId('conversation'),
      customerId,
      address,
      status: 'bot',
      priority: 'normal',
      locale,
      openedAt: isoNow(this.#clock),
      messageCount: 0,
      misses: 0,
      ...(contactName ? { contactName } : {}),
    };
    await Promise.all([
      this.#kv.set(`conversation:${conversation.id}`, conversation),
      this.#kv.set(`open:${addressKey(address)}`, conversation.id),
      this.openIds.add(conversation.id),
      this.#kv.addMember(customerConversationsKey(customerId), conversation.id),
      this.#indexOpenedOn(conversation),
    ]);
    return conversation;
  }

  /** Ids of the conversations opened on a UTC day (`yyyy-mm-dd`), oldest first: what metrics read. */
  conversationIdsOpenedOn(day: string): Promise<string[]> {
    return this.#kv.members(openedOnKey(day));
  }

  /** Takes an erased or purged conversation out of its day's index. */
  forgetOpenedOn(day: string, conversationId: string): Promise<void> {
    return this.#kv.removeMember(openedOnKey(day), conversationId);
  }

  /** The store cannot list its keys, so reports find a day's conversations through this set. */
  #indexOpenedOn(conversation: Conversation): Promise<void> {
    return this.#kv.addMember(openedOnKey(conversation.openedAt.slice(0, 10)), conversation.id);
  }

  /** Ids of every conversation of a customer, on any channel, oldest first (a linked customer's too). */
  async conversationIdsOf(customerId: string): Promise<string[]> {
    const customer = await this.getCustomer(customerId);
    return this.#conversationIds(customer?.id ?? customerId);
  }

  /**
   * Ids filed under exactly this customer record (no linking followed), oldest first. A set, so
   * two conversations opened at once on different channels (or instances) are both kept; stores
   * written before it existed have a list under the same key, read as well.
   */
  async conversationIdsFiledUnder(customerId: string): Promise<string[]> {
    const key = customerConversationsKey(customerId);
    const ids = union((await this.#kv.get<string[]>(key)) ?? [], await this.#kv.members(key));
    return this.#oldestFirst(ids);
  }

  /**
   * Takes an erased conversation out of its customer's history, and out of the history of the
   * customer that one was linked into (a merge files the ids under both).
   */
  async unfileConversation(customerId: string, conversationId: string): Promise<void> {
    const survivor = (await this.getCustomer(customerId))?.id ?? customerId;
    for (const owner of new Set([customerId, survivor])) {
      const key = customerConversationsKey(owner);
      await this.#kv.removeMember(key, conversationId);
      const legacy = await this.#kv.get<string[]>(key);
      if (legacy?.includes(conversationId))
        await this.#kv.set(
          key,
          legacy.filter((id) => id !== conversationId),
        );
    }
  }

  #conversationIds(customerId: string): Promise<string[]> {
    return this.conversationIdsFiledUnder(customerId);
  }

  async #oldestFirst(ids: string[]): Promise<string[]> {
    const found = await this.#kv.getMany<Conversation>(ids.map((id) => `conversation:${id}`));
    const openedAt = new Map(ids.map((id, i) => [id, found[i]?.openedAt ?? '']));
    return ids.sort((a, b) => (openedAt.get(a) ?? '').localeCompare(openedAt.get(b) ?? ''));
  }

  /**
   * Links customer `fromId` to the earlier customer `intoId` (src/core/identity/link-customers.ts):
   * its platform identities, conversations and contacts move there and `fromId` is marked
   * `mergedInto`. Returns the surviving customer; a no-op when both already are one.
   */
  async mergeCustomer(
    fromId: string,
    intoId: string,
    via: CustomerLink['via'],
  ): Promise<Customer | undefined> {
    return this.#customerLock.run('customers', async () => {
      const from = await this.getCustomer(fromId);
      const into = await this.getCustomer(intoId);
      if (!from || !into || from.id === into.id) return into ?? from;
      const survivor: Customer = {
        ...into,
        identities: union(into.identities, from.identities),
        ...(into.contacts || from.contacts
          ? { contacts: union(into.contacts ?? [], from.contacts ?? []) }
          : {}),
        // The person is VIP if either record said so; the earlier record's profile wins otherwise.
        tier: into.tier === 'vip' || from.tier === 'vip' ? 'vip' : 'standard',
        attributes: { ...from.attributes, ...into.attributes },
        ...((into.name ?? from.name) ? { name: into.name ?? from.name } : {}),
        ...((into.locale ?? from.locale) ? { locale: into.locale ?? from.locale } : {}),
        linked: [
          ...(into.linked ?? []),
          { customerId: from.id, identities: from.identities, via, at: isoNow(this.#clock) },
        ],
      };
      // Survivor first, the pointers after, the mark last: a merge cut short leaves `from` whole
      // and is completed by the next link, as every step is a union.
      await this.#kv.set(`customer:${into.id}`, survivor);
      for (const id of await this.#conversationIds(from.id)) {
        await this.#kv.addMember(customerConversationsKey(into.id), id);
      }
      await Promise.all(from.identities.map((identity) => this.#kv.set(`identity:${identity}`, into.id)));
      await this.#kv.set<Customer>(`customer:${from.id}`, { ...from, identities: [], mergedInto: into.id });
      return survivor;
    });
  }

  /** Notes contact details the customer gave (`phone:+86…`, `email:…`); writes only when one is new. */
  async recordContacts(customerId: string, contacts: string[]): Promise<Customer | undefined> {
    return this.#customerLock.run('customers', async () => {
      const customer = await this.getCustomer(customerId);
      if (!customer) return undefined;
      const known = customer.contacts ?? [];
      if (contacts.every((contact) => known.includes(contact))) return customer;
      const updated: Customer = { ...customer, contacts: union(known, contacts) };
      await this.#kv.set(`customer:${customer.id}`, updated);
      return updated;
    });
  }

  /** Saves changed fields; emits `status` when the status changed. Returns the saved conversation. */
  async updateConversation(
    conversation: Conversation,
    changes: Partial<Conversation>,
  ): Promise<Conversation> {
    const updated: Conversation = { ...conversation, ...changes };
    await this.#kv.set(`conversation:${updated.id}`, updated);
    if (changes.status !== undefined && changes.status !== conversation.status) {
      this.events.emit('status', updated);
    }
    return updated;
  }

  /**
   * Closes a conversation: saves `changes` with status `closed`, and the chat's next message
   * opens a new conversation.
   */
  async closeConversation(conversation: Conversation, changes: Partial<Conversation>): Promise<Conversation> {
    const closed = await this.updateConversation(conversation, { ...changes, status: 'closed' });
    const openKey = `open:${addressKey(conversation.address)}`;
    if ((await this.#kv.get<string>(openKey)) === conversation.id) await this.#kv.delete(openKey);
    await this.openIds.remove(conversation.id);
    return closed;
  }

  /**
   * Appends a message, saving `changes` to the conversation in the same step. Readers skip a
   * message that is counted but missing, so an interrupted append never breaks a transcript.
   */
  async appendMessage(
    conversation: Conversation,
    draft: MessageDraft,
    changes: Partial<Conversation> = {},
    options: { indexPlatformId?: boolean } = {},
  ): Promise<{ message: Message; conversation: Conversation }> {
    const seq = conversation.messageCount + 1;
    const message: Message = {
      ...draft,
      id: draft.id ?? newId('message'),
      conversationId: conversation.id,
      seq,
      at: isoNow(this.#clock),
    };
    // Both writes in one turn: on SQLite they share one transaction. The caller acknowledges only
    // after both are stored, so a crash between them on another backend loses nothing acknowledged.
    const [updated] = await Promise.all([
      this.updateConversation(conversation, { ...changes, messageCount: seq }),
      this.#kv.set(messageKey(conversation.id, seq), message),
      options.indexPlatformId && message.platformMessageId
        ? this.#kv.set<MessageRef>(platformMessageKey(conversation.address, message.platformMessageId), {
            conversationId: conversation.id,
            seq,
          })
        : undefined,
    ]);
    this.events.emit('message', message, updated);
    return { message, conversation: updated };
  }

  async getMessage(conversationId: string, seq: number): Promise<Message | undefined> {
    return this.#kv.get<Message>(messageKey(conversationId, seq));
  }

  /** A customer message recorded with `indexPlatformId`, by the platform's id for it. */
  findMessageRef(address: Address, platformMessageId: string): Promise<MessageRef | undefined> {
    return this.#kv.get<MessageRef>(platformMessageKey(address, platformMessageId));
  }

  /** Saves changed fields of a recorded message (an edit, a delete, a failed delivery). */
  async updateMessage(
    ref: MessageRef,
    change: (message: Message) => Partial<Message>,
  ): Promise<Message | undefined> {
    const message = await this.getMessage(ref.conversationId, ref.seq);
    if (!message) return undefined;
    const updated = { ...message, ...change(message) };
    await this.#kv.set(messageKey(ref.conversationId, ref.seq), updated);
    return updated;
  }

  /** Messages of a conversation, oldest first; `afterSeq` skips those already seen. */
  async listMessages(conversation: Conversation, afterSeq = 0): Promise<Message[]> {
    const keys: string[] = [];
    for (let seq = afterSeq + 1; seq <= conversation.messageCount; seq++)
      keys.push(messageKey(conversation.id, seq));
    const messages = await this.#kv.getMany<Message>(keys);
    return messages.filter((message): message is Message => message !== undefined);
  }
}

const MAX_LINK_HOPS = 8;

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}

function customerConversationsKey(customerId: string): string {
  return `conversations-of:${customerId}`;
}

function openedOnKey(day: string): string {
  return `opened-on:${day}`;
}

function platformMessageKey(address: Address, platformMessageId: string): string {
  // Message ids are unique per chat on some platforms (Telegram), so the chat is part of the key.
  return `pmsg:${addressKey(address)}:${platformMessageId}`;
}

function messageKey(conversationId: string, seq: number): string {
  return `message:${conversationId}:${seq}`;
}
