/** What an agent needs to see at a glance on a handed-off conversation's card. Pure. */
import { localize } from '../../knowledge/localize.js';
import type { KnowledgeEntry, Match } from '../../knowledge/types.js';
import type { Conversation, Customer, Locale, Lookup, Message } from '../model.js';
import { maskForAgents } from '../privacy/mask.js';
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
      .map((message) => ({ role: message.role, text: maskForAgents(message.text), at: message.at })),
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
    ...(conversation.lookups?.length ? { lookups: conversation.lookups.map(describeLookup) } : {}),
  };
}

/**
 * A look-up as agents read it. The values are what the customer typed (the card's transcript shows
 * them too): agents need the order number to help, and the log mask would hide it.
 */
function describeLookup(lookup: Lookup): NonNullable<DeskCard['lookups']>[number] {
  const values = Object.entries(lookup.slots)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  return {
    entryId: lookup.entryId,
    backend: lookup.backend,
    values: maskForAgents(values),
    outcome: lookup.detail ? `${lookup.outcome} (${lookup.detail})` : lookup.outcome,
    at: lookup.at,
  };
}
