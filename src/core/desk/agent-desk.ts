/**
 * The agents' side of a platform (DESIGN.md, "The two interfaces"): a Slack or Teams channel
 * where each handed-off conversation is one thread with a card. The desk only carries messages
 * and button presses; what they mean (who owns the conversation, what reaches the customer) is
 * decided in the core by DeskService.
 */
import type { ChannelHealth } from '../channel.js';
import type { Attachment, ConversationStatus, CustomerTier, Locale, Platform, Priority } from '../model.js';

export type DeskName = 'slack' | 'teams';

/** Where a conversation's thread lives. Stored on the conversation, so it survives restarts. */
export interface ThreadRef {
  desk: DeskName;
  /** The agents' channel (Slack channel id, Teams channel conversation id). */
  channelId: string;
  /** The thread's root (Slack message ts, Teams root activity id). */
  threadId: string;
  /** The card's own message id, when it is not the thread root. */
  cardId?: string;
  /** Whatever the platform needs to post into the thread later (a Bot Framework ConversationReference). */
  platformRef?: Record<string, unknown>;
}

export interface Agent {
  /** The agent's platform user id. */
  id: string;
  name?: string;
}

/** What the card in the agents' channel shows; rendered by each desk in its own form. */
export interface DeskCard {
  ticket: string;
  conversationId: string;
  status: ConversationStatus;
  priority: Priority;
  reason: string;
  assignee?: Agent;
  customer: { name?: string; tier: CustomerTier; locale: Locale; channel: Platform };
  /** The last messages before the handoff, oldest first. */
  lastMessages: { role: 'customer' | 'bot' | 'agent' | 'system'; text: string; at: string }[];
  /** The knowledge base's best entries for the conversation, with a Send button each. */
  suggestions: { entryId: string; label: string; answer: string; confidence: number }[];
  /** Earlier conversations of the same customer (any channel), newest first. */
  history: { ticket?: string; channel: Platform; openedAt: string; status: ConversationStatus }[];
  queuePosition?: number;
  /** What the bot looked up in company systems (knowledge actions), oldest first. */
  lookups?: { entryId: string; backend: string; values: string; outcome: string; at: string }[];
}

/** Something the core posts into a conversation's thread. */
export interface DeskPost {
  /** `reminder`: an SLA ping; desks may send it after more pressing posts (a new card, a customer message). */
  kind: 'customer' | 'bot' | 'system' | 'reminder';
  text: string;
  attachments: Attachment[];
}

/** What agents do in the desk, as the desk reports it. `eventId` is the platform's, for dedupe. */
export type DeskEvent =
  | {
      kind: 'reply';
      thread: ThreadRef;
      agent: Agent;
      text: string;
      attachments: Attachment[];
      eventId: string;
    }
  | { kind: 'claim' | 'close' | 'hand-back'; thread: ThreadRef; agent: Agent; eventId: string }
  | { kind: 'send-suggestion'; thread: ThreadRef; agent: Agent; entryId: string; eventId: string };

export type DeskOutcome =
  /** `sent`: for send-suggestion, the label of the entry whose answer went to the customer. */
  | { status: 'done'; conversationId: string; sent?: string }
  | { status: 'duplicate' }
  | { status: 'not-found' }
  /** The conversation is closed: the desk tells the agent instead of relaying into the void. */
  | { status: 'closed'; conversationId: string }
  /** Someone else claimed it first. */
  | { status: 'taken'; conversationId: string; owner: Agent };

export interface DeskHandler {
  handle(event: DeskEvent): Promise<DeskOutcome>;
}

export interface AgentDesk {
  readonly name: DeskName;
  start(handler: DeskHandler): Promise<void>;
  stop(): Promise<void>;
  openThread(card: DeskCard): Promise<ThreadRef>;
  post(thread: ThreadRef, post: DeskPost): Promise<void>;
  updateCard(thread: ThreadRef, card: DeskCard): Promise<void>;
  /** Raises an unclaimed conversation beyond its thread: a post in the escalation channel (or the agents' channel) mentioning the on-call group. */
  escalate(thread: ThreadRef, card: DeskCard, text: string): Promise<void>;
  /** A top-level post in the agents' channel, in no conversation's thread: alerts and the daily report (docs/alerts.md). */
  announce?(text: string): Promise<void>;
  health(): ChannelHealth;
}
