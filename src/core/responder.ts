/**
 * What the bot does once a message is understood and routed (src/core/route.ts): answer from the
 * knowledge base, offer suggestions, run a knowledge action's step, or hand off to a person.
 * Everything it says is recorded and delivered through the Messenger.
 */
import { answerContext, type ComposedAnswer, composeAnswer } from '../knowledge/answer.js';
import { localize } from '../knowledge/localize.js';
import type { KnowledgeEntry, KnowledgeSource, Match } from '../knowledge/types.js';
import type { ActionOutcome, ActionRunner } from './actions/action-runner.js';
import type { Clock } from './clock.js';
import { isoNow } from './clock.js';
import { detectLocale } from './language.js';
import type { Messenger } from './messenger.js';
import { type Conversation, type Locale, type Message, type QuickReply, raisePriority } from './model.js';
import type { Handoffs } from './pipeline.js';
import { PAYLOAD_HANDOFF, PAYLOAD_KB_PREFIX, type ReplyName, reply } from './replies.js';
import type { Decision } from './route.js';
import type { ConversationStore } from './store/conversation-store.js';

export interface ResponderDeps {
  conversations: ConversationStore;
  knowledge: KnowledgeSource;
  clock: Clock;
  messenger: Messenger;
  defaultLocale: Locale;
  handoffs?: Handoffs;
  actions?: ActionRunner;
}

export class Responder {
  readonly #deps: ResponderDeps;

  constructor(deps: ResponderDeps) {
    this.#deps = deps;
  }

  /** `text`: the message as understood (with a burst's earlier fragments). */
  async respond(
    conversation: Conversation,
    decision: Decision,
    matches: Match[],
    message: Message,
    text: string,
  ): Promise<void> {
    const locale = conversation.locale;
    switch (decision.kind) {
      case 'hold':
        // People have it: the bot stays silent and the agents see the message in their thread.
        await this.#deps.handoffs?.mirror(conversation, message);
        return;
      case 'unsupported':
        await this.say(conversation, { text: reply('unsupported', locale), quickReplies: [] });
        return;
      case 'answer': {
        const { actions } = this.#deps;
        if (actions?.handles(decision.match.entry)) {
          const customer = await this.#deps.conversations.getCustomer(conversation.customerId);
          const step = await actions.start(conversation, decision.match.entry, text, customer);
          await this.takeStep(conversation, step, matches);
          return;
        }
        await this.#answerWith(conversation, decision.match);
        return;
      }
      case 'suggest': {
        const buttons = decision.matches.map((m) =>
          entryQuickReply(m.entry, locale, this.#deps.defaultLocale),
        );
        buttons.push({ label: reply('talkToPerson', locale), payload: PAYLOAD_HANDOFF });
        await this.say(
          conversation,
          { text: reply('suggest', locale), quickReplies: buttons },
          { misses: conversation.misses + 1 },
        );
        return;
      }
      case 'handoff':
        await this.#handOff(conversation, decision, matches);
        return;
    }
  }

  async #answerWith(
    conversation: Conversation,
    { entry, confidence }: Match,
    changes: Partial<Conversation> = {},
  ): Promise<void> {
    const answer = await this.#compose(conversation, entry);
    await this.say(
      conversation,
      {
        text: answer.text,
        quickReplies: answer.quickReplies.flatMap((id) => this.#entryButton(id, conversation.locale)),
        kbEntryId: entry.id,
        confidence,
      },
      {
        ...changes,
        lastIntent: entry.id,
        misses: 0,
        priority: raisePriority(conversation.priority, entry.priority),
      },
    );
  }

  /** What a knowledge action decided (src/core/actions/action-runner.ts): a reply, a handoff or the static answer. */
  async takeStep(conversation: Conversation, step: ActionOutcome, matches: Match[]): Promise<void> {
    const entry = this.#deps.knowledge.current().entries.get(step.entryId);
    switch (step.kind) {
      case 'reply': {
        const locale = conversation.locale;
        const buttons =
          step.entryButtons && entry ? entry.quickReplies.flatMap((id) => this.#entryButton(id, locale)) : [];
        if (step.offerPerson)
          buttons.push({ label: reply('talkToPerson', locale), payload: PAYLOAD_HANDOFF });
        await this.say(
          conversation,
          { text: step.text, quickReplies: buttons, kbEntryId: step.entryId },
          step.changes,
        );
        return;
      }
      case 'static':
        if (entry)
          await this.#answerWith(
            conversation,
            { entry, confidence: 1, question: '', similarity: 1 },
            step.changes,
          );
        return;
      case 'handoff': {
        const updated = await this.#deps.conversations.updateConversation(conversation, step.changes);
        await this.#handOff(
          updated,
          { kind: 'handoff', cause: 'slot-unfilled', reason: step.reason },
          matches,
        );
        return;
      }
    }
  }

  async #handOff(
    conversation: Conversation,
    decision: Extract<Decision, { kind: 'handoff' }>,
    matches: Match[],
  ): Promise<void> {
    const match: Match | undefined = decision.match;
    const cannedReply: ReplyName = decision.cause === 'non-text' ? 'nonText' : 'handoff';
    const text = match
      ? (await this.#compose(conversation, match.entry)).text
      : reply(cannedReply, conversation.locale);
    const priority = raisePriority(
      raisePriority(conversation.priority, match?.entry.priority),
      decision.priority,
    );
    const changes: Partial<Conversation> = { priority, ...(match ? { lastIntent: match.entry.id } : {}) };
    const scored = match ? { kbEntryId: match.entry.id, confidence: match.confidence } : {};
    const { handoffs } = this.#deps;
    if (handoffs) {
      await handoffs.handOff(
        conversation,
        { reason: decision.reason, cause: decision.cause, text, changes, ...scored },
        matches,
      );
      return;
    }
    await this.say(
      conversation,
      { text, quickReplies: [], ...scored },
      {
        ...changes,
        status: 'waiting',
        handedOffAt: isoNow(this.#deps.clock),
        handoffReason: decision.reason,
        handoffCause: decision.cause,
        misses: 0,
      },
    );
  }

  async say(
    conversation: Conversation,
    content: { text: string; quickReplies: QuickReply[]; kbEntryId?: string; confidence?: number },
    changes: Partial<Conversation> = {},
  ): Promise<void> {
    await this.#deps.messenger.say(conversation, { role: 'bot', ...content }, changes);
  }

  #entryButton(id: string, locale: Locale): QuickReply[] {
    const entry = this.#deps.knowledge.current().entries.get(id);
    return entry ? [entryQuickReply(entry, locale, this.#deps.defaultLocale)] : [];
  }

  /** The entry's answer for this conversation's platform and language, its variables filled in. */
  async #compose(conversation: Conversation, entry: KnowledgeEntry): Promise<ComposedAnswer> {
    // One store read per answer, for {{customer.name}} (an admin may have renamed the customer).
    const customer = await this.#deps.conversations.getCustomer(conversation.customerId);
    return composeAnswer(
      entry,
      this.#deps.knowledge.current(),
      answerContext(conversation, customer, this.#deps.defaultLocale),
    );
  }
}

/** A button for an entry: its title in the locale, else its first question written in that language. */
function entryQuickReply(entry: KnowledgeEntry, locale: Locale, fallback: Locale): QuickReply {
  const label = entry.title
    ? localize(entry.title, locale, fallback)
    : (entry.questions.find((q) => detectLocale(q) === locale) ?? entry.questions[0] ?? entry.id);
  return { label, payload: `${PAYLOAD_KB_PREFIX}${entry.id}` };
}
