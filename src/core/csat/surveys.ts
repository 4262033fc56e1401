/**
 * The satisfaction survey after a conversation closes (docs/csat.md): a 1-5 rating with buttons,
 * optionally a 0-10 NPS question, then one free-text comment, then thanks — asked once, in the
 * conversation's language.
 *
 * The hard part is that a closed conversation's chat opens a new conversation on its next message.
 * A pending-survey marker per chat (`survey:<address key>`, with a TTL) lets the pipeline tell an
 * answer from a new question: `claim` hands back the closed conversation for an answer, and drops
 * the marker for anything else, which then proceeds as a new conversation.
 */
import type { Logger } from '../logger.js';
import type { Messenger } from '../messenger.js';
import { type Address, addressKey, type Conversation, type InboundMessage } from '../model.js';
import { reply } from '../replies.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import { isSkip, parseNps, parseRating, type SurveyReply } from './answers.js';
import type { FollowUps } from './follow-ups.js';
import { type SurveyStage, surveyQuestion } from './questions.js';

/** What the pipeline asks of the survey (PipelineDeps.surveys). */
export interface SurveyAnswers {
  /**
   * The closed conversation whose survey `inbound` answers; undefined when it answers none (then
   * any pending survey of the chat is dropped, and the message is a new conversation's).
   */
  claim(inbound: InboundMessage): Promise<Conversation | undefined>;
  /** Takes the answer, already recorded in `conversation`: stores it, asks the next question or thanks. Never throws. */
  answer(inbound: InboundMessage, conversation: Conversation): Promise<void>;
}

export interface SurveySettings {
  /** A rating at or below this opens a follow-up. */
  lowScore: number;
  /** Ask the 0-10 NPS question after the rating. */
  nps: boolean;
  /** How long an answer is waited for; after it, the chat's next message is simply a new one. */
  answerWithinMs: number;
}

export interface SurveysDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  messenger: Messenger;
  followUps: FollowUps;
  logger: Logger;
  settings: SurveySettings;
}

interface PendingSurvey {
  conversationId: string;
  stage: SurveyStage;
}

export class Surveys implements SurveyAnswers {
  readonly #deps: SurveysDeps;

  constructor(deps: SurveysDeps) {
    this.#deps = deps;
  }

  /** Asks for the rating. Call under the conversation's lock, once it is closed. */
  async ask(conversation: Conversation): Promise<Conversation> {
    return this.#askFor(conversation, 'rating');
  }

  async claim(inbound: InboundMessage): Promise<Conversation | undefined> {
    const { kv, conversations } = this.#deps;
    const key = surveyKey(inbound.address);
    const pending = await kv.get<PendingSurvey>(key);
    if (!pending) return undefined;
    if (answers(pending.stage, inbound)) {
      const conversation = await conversations.getConversation(pending.conversationId);
      if (conversation?.status === 'closed') return conversation;
    }
    await kv.delete(key);
    return undefined;
  }

  async answer(inbound: InboundMessage, conversation: Conversation): Promise<void> {
    try {
      await this.#answer(inbound, conversation);
    } catch (error) {
      this.#deps.logger.error(
        { err: error, conversationId: conversation.id },
        'taking the survey answer failed',
      );
    }
  }

  async #answer(inbound: InboundMessage, conversation: Conversation): Promise<void> {
    const { kv, settings, followUps, messenger, logger } = this.#deps;
    const key = surveyKey(conversation.address);
    const pending = await kv.get<PendingSurvey>(key);
    // Claimed a moment ago under the same lock; only its TTL running out in between can drop it.
    if (pending?.conversationId !== conversation.id) return;
    const answer = replyOf(inbound);
    switch (pending.stage) {
      case 'rating': {
        const score = parseRating(answer);
        if (score === undefined) return;
        logger.info({ conversationId: conversation.id, csat: score }, 'CSAT rating');
        // The people first: the alert goes out before the customer is asked what went wrong.
        const followed =
          score <= settings.lowScore ? await followUps.open(conversation, score) : conversation;
        await this.#askFor(followed, settings.nps ? 'nps' : 'comment', { csat: score });
        return;
      }
      case 'nps': {
        const nps = parseNps(answer);
        if (nps === undefined) return;
        logger.info({ conversationId: conversation.id, nps }, 'NPS score');
        await this.#askFor(conversation, 'comment', { nps });
        return;
      }
      case 'comment': {
        const comment = isSkip(answer) ? undefined : inbound.text.trim();
        const { conversation: thanked } = await messenger.say(
          conversation,
          { role: 'bot', text: reply('csatThanks', conversation.locale) },
          comment ? { csatComment: comment } : {},
        );
        await kv.delete(key);
        if (comment && thanked.followUp) await followUps.comment(thanked, comment);
      }
    }
  }

  /** Says the stage's question (saving `changes` with it) and waits for its answer. */
  async #askFor(
    conversation: Conversation,
    stage: SurveyStage,
    changes: Partial<Conversation> = {},
  ): Promise<Conversation> {
    const { messenger, kv, settings } = this.#deps;
    const low = (changes.csat ?? conversation.csat ?? Number.POSITIVE_INFINITY) <= settings.lowScore;
    const question = surveyQuestion(stage, conversation.locale, low);
    const said = await messenger.say(conversation, { role: 'bot', ...question }, changes);
    await kv.set<PendingSurvey>(
      surveyKey(conversation.address),
      { conversationId: conversation.id, stage },
      settings.answerWithinMs,
    );
    return said.conversation;
  }
}

/** Whether `inbound` answers the question of `stage`; anything else is a new message. */
function answers(stage: SurveyStage, inbound: InboundMessage): boolean {
  const answer = replyOf(inbound);
  switch (stage) {
    case 'rating':
      return parseRating(answer) !== undefined;
    case 'nps':
      return parseNps(answer) !== undefined;
    case 'comment':
      // Any text is the comment we asked for; another button (an old answer's) is not.
      return isSkip(answer) || (answer.payload === undefined && inbound.text.trim() !== '');
  }
}

function replyOf(inbound: InboundMessage): SurveyReply {
  return { text: inbound.text, ...(inbound.action ? { payload: inbound.action.payload } : {}) };
}

function surveyKey(address: Address): string {
  return `survey:${addressKey(address)}`;
}
