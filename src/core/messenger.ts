/**
 * Saying something to a customer: the message is recorded first (so it is in the transcript even
 * if the platform is down), then handed to the conversation's channel. The bot, agents and the
 * system all speak through here; an internal note is recorded and never sent.
 */
import type { Channel } from './channel.js';
import { type Clock, isoNow } from './clock.js';
import type { Logger } from './logger.js';
import type { Attachment, Conversation, Message, OutboundMessage, Platform, QuickReply } from './model.js';
import type { Outbox, OutboxEntry } from './outbox.js';
import type { ConversationStore } from './store/conversation-store.js';

export interface Utterance {
  role: 'bot' | 'agent' | 'system';
  text: string;
  quickReplies?: QuickReply[];
  attachments?: Attachment[];
  kbEntryId?: string;
  confidence?: number;
  author?: { id: string; name?: string };
  internal?: boolean;
}

export interface MessengerDeps {
  conversations: ConversationStore;
  channel: (name: Platform) => Channel | undefined;
  clock: Clock;
  logger: Logger;
  /** Where a message waits until its platform accepted it (src/core/outbox.ts); none for the web chat. */
  outbox?: Outbox;
}

export class Messenger {
  readonly #deps: MessengerDeps;

  constructor(deps: MessengerDeps) {
    this.#deps = deps;
  }

  /**
   * Records `utterance` (saving `changes` to the conversation in the same write) and delivers it.
   * Must run under the conversation's lock, like every write to it.
   */
  async say(
    conversation: Conversation,
    utterance: Utterance,
    changes: Partial<Conversation> = {},
  ): Promise<{ message: Message; conversation: Conversation }> {
    const { conversations, clock } = this.#deps;
    const { quickReplies = [], attachments = [], ...rest } = utterance;
    const firstResponse =
      conversation.firstResponseAt || utterance.internal ? {} : { firstResponseAt: isoNow(clock) };
    const recorded = await conversations.appendMessage(
      conversation,
      { direction: 'out', quickReplies, attachments, ...rest },
      { ...firstResponse, ...changes },
    );
    if (!utterance.internal) await this.#deliver(recorded.conversation, recorded.message);
    return recorded;
  }

  async #deliver(conversation: Conversation, message: Message): Promise<void> {
    const { logger } = this.#deps;
    const channel = this.#deps.channel(conversation.address.channel);
    if (!channel) {
      logger.error(
        { conversationId: conversation.id, channel: conversation.address.channel },
        'no channel to send on',
      );
      return;
    }
    const { outbox } = this.#deps;
    if (channel.sendsHere?.() === false) {
      // Another instance runs this platform's connection (the WeChat login): it sends this one.
      if (outbox) await outbox.handOver(conversation.address.channel, messageRef(conversation, message));
      else
        logger.error(
          { messageId: message.id },
          'this instance cannot send on the platform and has no outbox',
        );
      return;
    }
    if (outbox?.covers(conversation.address.channel)) {
      try {
        await outbox.add(messageRef(conversation, message));
      } catch (error) {
        // Sending matters more than the crash insurance: go on without it.
        logger.error({ err: error, messageId: message.id }, 'could not write the message to the outbox');
      }
    }
    try {
      await channel.send(conversation.address, toOutbound(conversation, message));
    } catch (error) {
      // The message stays recorded (the customer sees it when they reconnect or on history).
      logger.error({ err: error, conversationId: conversation.id, messageId: message.id }, 'send failed');
    }
  }

  /** Sends again a message left in the outbox by a crash (src/core/outbox.ts). */
  async resend(entry: OutboxEntry): Promise<void> {
    const { conversations, outbox } = this.#deps;
    const conversation = await conversations.getConversation(entry.conversationId);
    const message = conversation && (await conversations.getMessage(entry.conversationId, entry.seq));
    const channel = conversation && this.#deps.channel(conversation.address.channel);
    if (!conversation || !message || !channel || message.delivery?.status === 'failed') {
      await outbox?.settled(entry.messageId);
      return;
    }
    await channel.send(conversation.address, toOutbound(conversation, message));
  }
}

function messageRef(conversation: Conversation, message: Message) {
  return { messageId: message.id, conversationId: conversation.id, seq: message.seq };
}

function toOutbound(conversation: Conversation, message: Message): OutboundMessage {
  return {
    id: message.id,
    conversationId: conversation.id,
    seq: message.seq,
    role: message.role === 'customer' ? 'bot' : message.role,
    text: message.text,
    quickReplies: message.quickReplies,
    attachments: message.attachments,
    locale: conversation.locale,
  };
}
