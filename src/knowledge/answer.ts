/**
 * What the bot says for an entry in one conversation: the answer (or the variant for the
 * conversation's platform) in the conversation's language, with its {{variables}} filled in, and
 * the ids of the entries to offer as buttons.
 */
import type { Conversation, Customer, Locale, Platform } from '../core/model.js';
import { localize } from './localize.js';
import { type BuiltInVariable, renderTemplate } from './templates.js';
import type { KnowledgeBase, KnowledgeEntry } from './types.js';

export interface AnswerContext {
  channel: Platform;
  locale: Locale;
  /** The locale used when the entry has no text in `locale`. */
  fallback: Locale;
  /** The built-in variables' values for this conversation (conversationValues). */
  values: Readonly<Record<BuiltInVariable, string | undefined>>;
}

export interface ComposedAnswer {
  text: string;
  quickReplies: string[];
}

export function composeAnswer(
  entry: KnowledgeEntry,
  knowledge: Pick<KnowledgeBase, 'variables'>,
  context: AnswerContext,
): ComposedAnswer {
  const variant = entry.channels?.[context.channel];
  const template = localize(variant?.answer ?? entry.answer, context.locale, context.fallback);
  const value = (name: string): string | undefined => {
    if (Object.hasOwn(context.values, name)) return context.values[name as BuiltInVariable];
    const defined = knowledge.variables.get(name);
    return defined === undefined ? undefined : localize(defined, context.locale, context.fallback);
  };
  return {
    text: renderTemplate(template, value),
    quickReplies: variant?.quickReplies ?? entry.quickReplies,
  };
}

/** The context of an answer in one conversation: its platform, its language, its customer. */
export function answerContext(
  conversation: Conversation,
  customer: Customer | undefined,
  fallback: Locale,
): AnswerContext {
  return {
    channel: conversation.address.channel,
    locale: conversation.locale,
    fallback,
    values: conversationValues(conversation, customer),
  };
}

/**
 * The values of BUILT_IN_VARIABLES: a customer whose platform gave no name has an empty one. The
 * name is this chat's own: a customer linked to another by a typed phone number must never be
 * greeted with the other person's name.
 */
export function conversationValues(
  conversation: Conversation,
  customer: Customer | undefined,
): Record<BuiltInVariable, string | undefined> {
  const ownName =
    conversation.contactName ?? (customer?.mergedInto || customer?.linked ? undefined : customer?.name);
  return {
    'customer.name': ownName,
    'customer.locale': conversation.locale,
    'conversation.id': conversation.id,
  };
}
