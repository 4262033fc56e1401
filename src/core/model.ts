/**
 * The conversation model every adapter maps into and the core works on (DESIGN.md, "The conversation model").
 * Everything here is plain, serialisable data: it is stored as JSON and must survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { InvalidIdError } from './errors.js';
import type { HandoffCause } from './route.js';

export const PLATFORMS = ['webchat', 'telegram', 'slack', 'teams', 'wechat'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Enough to reach a chat proactively, long after the message that created it. */
export interface Address {
  channel: Platform;
  chatId: string;
  userId: string;
  threadId?: string;
  /** The platform's own handle for proactive sends (e.g. a Bot Framework ConversationReference). */
  platformRef?: Record<string, unknown>;
}

export type CustomerTier = 'standard' | 'vip';

export interface Customer {
  id: string;
  /** Platform identities linked to this person, as platform ids (`telegram:123456`). */
  identities: string[];
  name?: string;
  locale?: Locale;
  tier: CustomerTier;
  attributes: Record<string, string>;
  createdAt: string;
  /**
   * Contact details the customer gave in a message, as `phone:+8613800138000` / `email:a@b.cn`:
   * what links them across channels (src/core/identity/, docs/privacy.md), and what erasing them removes.
   */
  contacts?: string[];
  /** Set on a customer who turned out to be an earlier one: their identities and history moved there. */
  mergedInto?: string;
  /** Customers merged into this one, and by which kind of detail: enough to audit or undo a link. */
  linked?: CustomerLink[];
}

export interface CustomerLink {
  customerId: string;
  identities: string[];
  via: 'phone' | 'email';
  at: string;
}

export type ConversationStatus = 'bot' | 'waiting' | 'agent' | 'closed';
export type Resolution = 'bot' | 'agent' | 'abandoned';
export type Priority = 'normal' | 'high' | 'urgent';

/** Lowest first. A knowledge entry can raise a conversation's priority, never lower it. */
export const PRIORITIES = ['normal', 'high', 'urgent'] as const satisfies readonly Priority[];

/** The higher of the two: `current` when `wanted` is absent or lower. */
export function raisePriority(current: Priority, wanted: Priority | undefined): Priority {
  return wanted !== undefined && PRIORITIES.indexOf(wanted) > PRIORITIES.indexOf(current) ? wanted : current;
}

export interface Conversation {
  id: string;
  /** May name a customer since linked to an earlier one: ConversationStore.getCustomer resolves it. */
  customerId: string;
  address: Address;
  status: ConversationStatus;
  priority: Priority;
  locale: Locale;
  lastIntent?: string;
  /** The customer's last text, folded (case, spaces, punctuation), to notice them repeating it. */
  lastCustomerText?: string;
  lastSentiment?: number;
  /** Why the conversation went to a person, in words an admin can read. */
  handoffReason?: string;
  /** The kind of reason, for metrics (handoff reasons by cause). */
  handoffCause?: HandoffCause;
  agentThread?: Record<string, unknown>;
  /** The agent who owns the conversation: platform user id, and name for people to read. */
  assignee?: string;
  assigneeName?: string;
  /**
   * The name the customer's platform gave in this chat. Answers greet with this one, never with a
   * linked customer's name: linking trusts a phone number the customer typed (docs/privacy.md).
   */
  contactName?: string;
  /** The short ticket number the customer sees once the conversation is handed off ("A7K2"). */
  ticket?: string;
  /** The knowledge base's best entries at the handoff, offered to agents on the card. */
  suggestions?: { entryId: string; confidence: number }[];
  openedAt: string;
  firstResponseAt?: string;
  handedOffAt?: string;
  agentJoinedAt?: string;
  closedAt?: string;
  resolution?: Resolution;
  /** The customer's 1-5 rating after close; `csatComment` and `nps` follow it (docs/csat.md). */
  csat?: number;
  csatComment?: string;
  nps?: number;
  /** Made when the conversation closes (src/core/closing/summary.ts). */
  summary?: ConversationSummary;
  /** Opened by a low CSAT score, for a person to contact the customer again. */
  followUp?: FollowUp;
  /** A knowledge action waiting for the customer to give a value it needs (src/core/actions/). */
  pendingAction?: PendingAction;
  /** What the bot looked up in company systems for this conversation, newest last (shown to agents). */
  lookups?: Lookup[];
  /** Number of messages recorded; a message's `seq` runs from 1 to this. */
  messageCount: number;
  /** Customer messages in a row the bot could not answer confidently; an answer resets it. */
  misses: number;
}

/** An extractive summary of a closed conversation: every field is taken from its record, nothing is generated. */
export interface ConversationSummary {
  /** Why the customer came: their first message, the first entry the bot answered with, why it went to a person. */
  reason: { firstMessage: string; intent?: string; handoff?: string };
  /** Knowledge entries the bot answered with, in the order first used. */
  answered: { entryId: string; title: string }[];
  /** What people did, one line each ("handed off (ticket A7K2)", "3 agent replies"). */
  done: string[];
  resolution: Resolution;
  /** The agent's name (or platform id), "bot", or "nobody" for a handoff no one claimed. */
  handledBy: string;
  firstResponseSeconds?: number;
  resolutionSeconds?: number;
}

export interface FollowUp {
  /** A ticket number of its own (src/core/desk/tickets.ts), so it can be quoted apart from the handoff's. */
  ticket: string;
  reason: 'low-csat';
  score: number;
  openedAt: string;
}

/** A knowledge action collecting its slots: the values so far and the one being asked for. */
export interface PendingAction {
  entryId: string;
  slots: Record<string, string>;
  asking: string;
  /** Times the customer's reply to the question was not a valid value. */
  invalidReplies: number;
}

/** One backend call of a knowledge action, as agents see it on the card. */
export interface Lookup {
  entryId: string;
  backend: string;
  slots: Record<string, string>;
  outcome: 'found' | 'not-found' | 'error';
  /** The HTTP status or why the call failed. */
  detail?: string;
  at: string;
}

export type AttachmentKind = 'image' | 'file' | 'audio' | 'video' | 'location' | 'sticker' | 'contact';

export interface Attachment {
  kind: AttachmentKind;
  url?: string;
  platformFileId?: string;
  name?: string;
  mime?: string;
  size?: number;
  /** For `location`. */
  latitude?: number;
  longitude?: number;
  /** For `contact`: the shared phone number (the name goes in `name`). */
  phone?: string;
}

export interface QuickReply {
  label: string;
  payload: string;
}

export type AuthorRole = 'customer' | 'bot' | 'agent' | 'system';
export type Direction = 'in' | 'out';

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  direction: Direction;
  role: AuthorRole;
  text: string;
  attachments: Attachment[];
  quickReplies: QuickReply[];
  /** The platform's id for this message, or the client's id for web chat. */
  platformMessageId?: string;
  at: string;
  /** For bot answers: which knowledge entry answered and how sure the matcher was. */
  kbEntryId?: string;
  confidence?: number;
  /** Earlier texts of a message the customer edited on their platform, oldest first. */
  edits?: { text: string; at: string }[];
  /** When the customer deleted the message on their platform (the text is kept for the record). */
  deletedAt?: string;
  /** For customer messages of a kind Switchboard cannot read (e.g. a poll): the platform's kind. */
  unsupportedKind?: string;
  /** For agent messages: who wrote it. */
  author?: { id: string; name?: string };
  /** An agent's internal note: kept in the transcript, never sent to the customer. */
  internal?: boolean;
  /** For outbound messages the channel finally could not deliver. */
  delivery?: { status: 'failed'; error: string; at: string };
}

/** What an adapter hands the pipeline: one customer (or bot) event, already verified and parsed. */
export interface InboundMessage {
  address: Address;
  text: string;
  attachments: Attachment[];
  /** Set when the customer pressed a button (quick reply, callback, card action). */
  action?: { payload: string };
  /**
   * Set when the event changes an earlier message instead of adding one: the pipeline records it on
   * the message with `platformMessageId` and never answers it.
   */
  change?: { kind: 'edit' | 'delete'; platformMessageId: string };
  /** Set for a message kind Switchboard cannot read (the platform's name for it): kept, answered politely. */
  unsupportedKind?: string;
  /** Unique per platform delivery; the pipeline drops a repeat within the dedupe window. */
  dedupeKey: string;
  platformMessageId?: string;
  /** True for the bot's own messages and other bots': the pipeline drops them. */
  fromBot: boolean;
  sender?: { name?: string; locale?: Locale };
  receivedAt: string;
}

/** What the core asks a channel to deliver. Channels render it in their platform's form. */
export interface OutboundMessage {
  /** The recorded message's id: channels may use it for idempotent sends and stream ids. */
  id: string;
  conversationId: string;
  /** The recorded message's place in its conversation: a failed delivery is noted on it. */
  seq: number;
  role: Exclude<AuthorRole, 'customer'>;
  text: string;
  quickReplies: QuickReply[];
  attachments: Attachment[];
  locale: Locale;
}

// ---------------------------------------------------------------------------
// Ids. Platform ids are `<platform>:<raw>`; internal ids are `<kind>_<random>`.
// Both are opaque to callers: build them with the encoders, read them with the decoders.

const MAX_RAW_ID_LENGTH = 256;
// Raw platform ids may contain most printable characters (Slack `C123.456`, Teams `a:1Xz...@thread.tacv2`)
// but never whitespace or control characters, which only ever come from corrupted input.
const RAW_ID = /^[\x21-\x7e]+$/;

export interface PlatformId {
  platform: Platform;
  raw: string;
}

export function encodePlatformId(platform: Platform, raw: string): string {
  assertRawId(raw, `${platform} id`);
  return `${platform}:${raw}`;
}

export function decodePlatformId(id: string): PlatformId {
  const colon = id.indexOf(':');
  const platform = id.slice(0, colon);
  if (colon <= 0 || !isPlatform(platform)) {
    throw new InvalidIdError(`"${truncate(id)}" is not a platform id (expected <platform>:<id>)`);
  }
  const raw = id.slice(colon + 1);
  assertRawId(raw, `${platform} id`);
  return { platform, raw };
}

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value);
}

export const ID_KINDS = {
  conversation: 'conv',
  customer: 'cus',
  message: 'msg',
  session: 'ws',
  file: 'file',
} as const;
export type IdKind = keyof typeof ID_KINDS;

// 16 random bytes in base64url: 22 characters, 128 bits, unguessable (session ids are bearer secrets).
const INTERNAL_ID_BODY = /^[A-Za-z0-9_-]{22}$/;

// One randomBytes call per id showed up at 3-4 % of server CPU; drawing ids from a pooled buffer
// keeps the same 128 bits of crypto randomness per id for a fraction of the cost.
const POOL_IDS = 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

export function newId(kind: IdKind): string {
  if (poolOffset >= pool.length) {
    pool = randomBytes(16 * POOL_IDS);
    poolOffset = 0;
  }
  const body = pool.subarray(poolOffset, poolOffset + 16).toString('base64url');
  poolOffset += 16;
  return `${ID_KINDS[kind]}_${body}`;
}

export function isId(kind: IdKind, value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const prefix = `${ID_KINDS[kind]}_`;
  return value.startsWith(prefix) && INTERNAL_ID_BODY.test(value.slice(prefix.length));
}

export function assertId(kind: IdKind, value: unknown): string {
  if (!isId(kind, value)) {
    throw new InvalidIdError(`"${truncate(String(value))}" is not a valid ${kind} id`);
  }
  return value;
}

/** The key of "this chat" on its platform: one open conversation per address key at a time. */
export function addressKey(address: Address): string {
  const base = encodePlatformId(address.channel, address.chatId);
  return address.threadId ? `${base}/${address.threadId}` : base;
}

function assertRawId(raw: string, what: string): void {
  if (raw.length === 0 || raw.length > MAX_RAW_ID_LENGTH || !RAW_ID.test(raw)) {
    throw new InvalidIdError(`"${truncate(raw)}" is not a valid ${what}`);
  }
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
