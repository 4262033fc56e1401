/**
 * What one conversation contributes to the figures (docs/metrics.md defines each). Pure: the same
 * record always gives the same facts.
 */
import type { Conversation, Message } from '../model.js';
import type { ConversationRecord } from './conversation-record.js';
import { DAY_MS } from './days.js';

/** A new conversation on the same intent within this time means the first contact did not resolve it. */
export const FCR_WINDOW_MS = 7 * DAY_MS;

export interface ConversationFacts {
  messagesIn: number;
  messagesOut: number;
  sendFailures: number;
  handedOff: boolean;
  closed: boolean;
  abandoned: boolean;
  botContained: boolean;
  /** undefined: not counted (open, or closed without an intent). */
  firstContactResolved?: boolean;
  firstResponseMs?: number;
  agentFirstResponseMs?: number;
  resolutionMs?: number;
  csat?: number;
}

export function conversationFacts({
  conversation,
  messages,
  customerConversations,
}: ConversationRecord): ConversationFacts {
  const closed = conversation.status === 'closed';
  const handedOff = conversation.handedOffAt !== undefined;
  const outcome = closed ? closeOutcome(conversation) : undefined;
  const resolutionMs = closed ? between(conversation.openedAt, conversation.closedAt) : undefined;
  const firstResponseMs = firstResponse(messages);
  const agentFirstResponseMs = agentFirstResponse(conversation, messages);
  const firstContactResolved = closed
    ? firstContactResolution(conversation, customerConversations)
    : undefined;
  return {
    messagesIn: messages.filter((m) => m.direction === 'in').length,
    // Internal notes are recorded as outbound but never sent: they are not messages out.
    messagesOut: messages.filter((m) => m.direction === 'out' && !m.internal).length,
    sendFailures: messages.filter((m) => m.delivery?.status === 'failed').length,
    handedOff,
    closed,
    abandoned: outcome === 'abandoned',
    botContained: outcome === 'bot-contained',
    ...(firstContactResolved !== undefined ? { firstContactResolved } : {}),
    ...(firstResponseMs !== undefined ? { firstResponseMs } : {}),
    ...(agentFirstResponseMs !== undefined ? { agentFirstResponseMs } : {}),
    ...(resolutionMs !== undefined ? { resolutionMs } : {}),
    ...(isRating(conversation.csat) ? { csat: conversation.csat } : {}),
  };
}

/** How a closed conversation ended, as the live counters label it. */
export type CloseOutcome = 'bot-contained' | 'abandoned' | 'handed-off';

export function closeOutcome(conversation: Conversation): CloseOutcome {
  if (isAbandoned(conversation)) return 'abandoned';
  return conversation.handedOffAt === undefined ? 'bot-contained' : 'handed-off';
}

/** Closed as abandoned, or closed while waiting for a person who never joined. */
function isAbandoned(conversation: Conversation): boolean {
  if (conversation.resolution === 'abandoned') return true;
  return (
    conversation.handedOffAt !== undefined &&
    conversation.agentJoinedAt === undefined &&
    conversation.resolution !== 'agent'
  );
}

/** The customer's first message to the first reply the bot or an agent sent after it. */
function firstResponse(messages: readonly Message[]): number | undefined {
  const asked = messages.find((m) => m.role === 'customer');
  if (!asked) return undefined;
  const answered = messages.find(
    (m) =>
      m.seq > asked.seq && m.direction === 'out' && !m.internal && (m.role === 'bot' || m.role === 'agent'),
  );
  return answered ? between(asked.at, answered.at) : undefined;
}

/** The handoff to the first agent message the customer saw. */
function agentFirstResponse(conversation: Conversation, messages: readonly Message[]): number | undefined {
  const { handedOffAt } = conversation;
  if (!handedOffAt) return undefined;
  const reply = messages.find((m) => m.role === 'agent' && !m.internal && m.at >= handedOffAt);
  return reply ? between(handedOffAt, reply.at) : undefined;
}

/**
 * Resolved at first contact unless the same person (on any channel) opened another conversation
 * on the same intent within FCR_WINDOW_MS of this one closing. Conversations without an intent
 * are not counted: there is nothing to compare.
 */
function firstContactResolution(
  conversation: Conversation,
  customerConversations: readonly Conversation[],
): boolean | undefined {
  const intent = conversation.lastIntent;
  if (!intent) return undefined;
  const from = Date.parse(conversation.closedAt ?? conversation.openedAt);
  const repeat = customerConversations.some((other) => {
    if (other.id === conversation.id || other.lastIntent !== intent) return false;
    const opened = Date.parse(other.openedAt);
    return opened >= Date.parse(conversation.openedAt) && opened - from <= FCR_WINDOW_MS;
  });
  return !repeat;
}

function between(from: string, to: string | undefined): number | undefined {
  if (!to) return undefined;
  return Math.max(0, Date.parse(to) - Date.parse(from));
}

function isRating(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 5;
}
