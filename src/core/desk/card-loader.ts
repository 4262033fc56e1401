/**
 * An agent card's contents, read from the store and the knowledge base: the customer, the last
 * messages, the bot's suggestions (each with its answer as the bot would give it here: platform
 * variant, language, variables) and the customer's earlier conversations. buildCard (card.ts) lays
 * them out.
 */
import { answerContext, composeAnswer } from '../../knowledge/answer.js';
import type { KnowledgeEntry, KnowledgeSource, Match } from '../../knowledge/types.js';
import type { Conversation, Customer, Locale } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { DeskCard } from './agent-desk.js';
import { buildCard } from './card.js';

const LAST_MESSAGES_ON_CARD = 6;
const HISTORY_ON_CARD = 5;

export interface CardSources {
  conversations: ConversationStore;
  knowledge: KnowledgeSource;
  defaultLocale: Locale;
}

export async function loadCard(
  deps: CardSources,
  conversation: Conversation,
  position: number | undefined,
): Promise<DeskCard> {
  const { conversations, defaultLocale, knowledge } = deps;
  const entries = knowledge.current().entries;
  // Entries removed from the knowledge base since the handoff are no longer offered.
  const matches: Match[] = (conversation.suggestions ?? []).flatMap(({ entryId, confidence }) => {
    const entry = entries.get(entryId);
    return entry ? [{ entry, confidence, question: '', similarity: confidence }] : [];
  });
  const customer = await conversations.getCustomer(conversation.customerId);
  const messages = await conversations.listMessages(
    conversation,
    Math.max(0, conversation.messageCount - LAST_MESSAGES_ON_CARD),
  );
  const earlierIds = (await conversations.conversationIdsOf(conversation.customerId))
    .filter((id) => id !== conversation.id)
    .slice(-HISTORY_ON_CARD)
    .reverse();
  const history = (await Promise.all(earlierIds.map((id) => conversations.getConversation(id)))).filter(
    (earlier): earlier is Conversation => earlier !== undefined,
  );
  return buildCard({
    conversation,
    customer,
    messages,
    matches,
    answerOf: (entry) => answerAsBot(deps, conversation, customer, entry),
    position,
    history,
    defaultLocale,
  });
}

/** The entry's answer as the bot would give it here: platform variant, language, variables. */
export function answerAsBot(
  deps: Pick<CardSources, 'knowledge' | 'defaultLocale'>,
  conversation: Conversation,
  customer: Customer | undefined,
  entry: KnowledgeEntry,
): string {
  const { knowledge, defaultLocale } = deps;
  return composeAnswer(entry, knowledge.current(), answerContext(conversation, customer, defaultLocale)).text;
}
