/** What an agent needs to see at a glance on a handed-off conversation's card. Pure. */
import { localize } from '../../knowledge/localize.js';
import type { KnowledgeEntry, Match } from '../../knowledge/types.js';
import type { Conversation, Customer, Locale, Message } from '../model.js';
import type { DeskCard } from './agent-desk.js';

export interface CardInput {
  conversation: Conversation;
  customer: Customer | undefined;
  /** The conversation's latest messages, oldest first. */
  messages: Message[];
  /** The knowledge base's best entries for the handoff; [] on later card updates. */
  matches: Match[];
  /** An entry's answer as the customer would get it (variant, language, variables). */
  answerOf: (entry: KnowledgeEntry) => string;
  position: number | undefined;
  /** The customer's earlier conversations, newest first. */
  history: Conversation[];
  defaultLocale: Locale;
}

export function buildCard(input: CardInput): DeskCard {
  const { conversation, customer, messages, matches, answerOf, position, history, defaultLocale } = input;
  const label = (match: Match) =>
    match.entry.title ? localize(match.entry.title, conversation.locale, defaultLocale) : match.entry.id;
  return {
    ticket: conversation.ticket ?? '',
    conversationId: conversation.id,
    status: conversation.status,
    priority: conversation.priority,
    reason: conversation.handoffReason ?? '',
    ...(conversation.assignee
      ? {
          assignee: {
            id: conversation.assignee,
            ...(conversation.assigneeName ? { name: conversation.assigneeName } : {}),
          },
        }
      : {}),
    customer: {
      ...(customer?.name ? { name: customer.name } : {}),
      tier: customer?.tier ?? 'standard',
      locale: conversation.locale,
      channel: conversation.address.channel,
    },
    lastMessages: messages
      .filter((message) => !message.internal)
      .map((message) => ({ role: message.role, text: message.text, at: message.at })),
    suggestions: matches
      .filter((match) => !match.entry.handoff)
      .map((match) => ({
        entryId: match.entry.id,
        label: label(match),
        answer: answerOf(match.entry),
        confidence: match.confidence,
      })),
    history: history.map((earlier) => ({
      ...(earlier.ticket ? { ticket: earlier.ticket } : {}),
      channel: earlier.address.channel,
      openedAt: earlier.openedAt,
      status: earlier.status,
    })),
    ...(position !== undefined ? { queuePosition: position } : {}),
  };
}
