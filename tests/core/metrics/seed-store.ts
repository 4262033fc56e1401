/**
 * Seeds a ConversationStore the way the pipeline and desk write it, at times the test chooses:
 * every write happens at `seed.at(...)`, so each figure has an answer worked out by hand.
 */

import type { Address, Conversation, Customer, Message } from '../../../src/core/model.js';
import type { HandoffCause } from '../../../src/core/route.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';

export class SeededStore {
  now = 0;
  readonly clock = { now: () => this.now };
  readonly conversations: ConversationStore;

  private constructor(readonly kv: KeyValueStore) {
    this.conversations = new ConversationStore(kv, this.clock);
  }

  static async open(): Promise<SeededStore> {
    return new SeededStore(await openStore('sqlite://:memory:'));
  }

  at(iso: string): this {
    this.now = Date.parse(iso);
    return this;
  }

  after(ms: number): this {
    this.now += ms;
    return this;
  }

  async customer(address: Address): Promise<Customer> {
    const identity = `${address.channel}:${address.userId}`;
    return (
      (await this.conversations.findCustomerByIdentity(identity)) ??
      (await this.conversations.createCustomer(identity))
    );
  }

  /** The customer's first message, opening a conversation. */
  async opens(address: Address, text: string): Promise<Conversation> {
    const conversation = await this.conversations.openConversation(
      await this.customer(address),
      address,
      'en',
    );
    return this.says(conversation, 'customer', text);
  }

  async says(
    conversation: Conversation,
    role: Message['role'],
    text: string,
    extra: Partial<Message> = {},
    changes: Partial<Conversation> = {},
  ): Promise<Conversation> {
    const current = (await this.conversations.getConversation(conversation.id)) ?? conversation;
    const { conversation: updated } = await this.conversations.appendMessage(
      current,
      {
        direction: role === 'customer' ? 'in' : 'out',
        role,
        text,
        attachments: [],
        quickReplies: [],
        ...extra,
      },
      changes,
    );
    return updated;
  }

  async handsOff(conversation: Conversation, cause: HandoffCause): Promise<Conversation> {
    return this.update(conversation, {
      status: 'waiting',
      handedOffAt: new Date(this.now).toISOString(),
      handoffReason: cause,
      handoffCause: cause,
    });
  }

  async agentJoins(conversation: Conversation): Promise<Conversation> {
    return this.update(conversation, {
      status: 'agent',
      assignee: 'U1',
      agentJoinedAt: new Date(this.now).toISOString(),
    });
  }

  async closes(conversation: Conversation, changes: Partial<Conversation>): Promise<Conversation> {
    const current = (await this.conversations.getConversation(conversation.id)) ?? conversation;
    return this.conversations.closeConversation(current, {
      closedAt: new Date(this.now).toISOString(),
      ...changes,
    });
  }

  async update(conversation: Conversation, changes: Partial<Conversation>): Promise<Conversation> {
    const current = (await this.conversations.getConversation(conversation.id)) ?? conversation;
    return this.conversations.updateConversation(current, changes);
  }

  close(): Promise<void> {
    return this.kv.close();
  }
}

export function address(channel: Address['channel'], user: string): Address {
  return { channel, chatId: user, userId: user };
}
