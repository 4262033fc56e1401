/**
 * What happens when a conversation closes, however it closed (an agent's Close, the idle closer):
 * its summary is made, stored and posted in its agent thread, and the customer is asked for a
 * rating — unless they had left (abandoned), when nobody is there to ask.
 */
import { localize } from '../../knowledge/localize.js';
import type { KnowledgeSource } from '../../knowledge/types.js';
import type { AgentDesk } from '../desk/agent-desk.js';
import { noteInThread } from '../desk/agent-thread.js';
import type { Logger } from '../logger.js';
import type { Conversation, Locale } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { renderSummary, summarize } from './summary.js';

/** The survey's side of closing (src/core/csat/surveys.ts). */
export interface SurveyStarter {
  ask(conversation: Conversation): Promise<Conversation>;
}

export interface ClosingDeps {
  conversations: ConversationStore;
  knowledge: KnowledgeSource;
  desk: () => AgentDesk | undefined;
  /** Unset when surveys are turned off (`csat.enabled: false`). */
  surveys?: SurveyStarter;
  logger: Logger;
  /** Titles in the summary are in this language: agents read one language, whatever the customer's. */
  defaultLocale: Locale;
}

export class Closing {
  readonly #deps: ClosingDeps;

  constructor(deps: ClosingDeps) {
    this.#deps = deps;
  }

  /**
   * Call under the conversation's lock, right after ConversationStore.closeConversation. Never
   * throws: the conversation is closed either way. Returns it as saved last.
   */
  async closed(conversation: Conversation): Promise<Conversation> {
    const { logger, surveys } = this.#deps;
    let current = conversation;
    try {
      current = await this.#summarize(current);
    } catch (error) {
      logger.error({ err: error, conversationId: conversation.id }, 'summarising the conversation failed');
    }
    if (!surveys || conversation.resolution === 'abandoned') return current;
    try {
      current = await surveys.ask(current);
    } catch (error) {
      logger.error({ err: error, conversationId: conversation.id }, 'asking for a rating failed');
    }
    return current;
  }

  async #summarize(conversation: Conversation): Promise<Conversation> {
    const { conversations, knowledge, defaultLocale, logger } = this.#deps;
    const entries = knowledge.current().entries;
    const summary = summarize({
      conversation,
      messages: await conversations.listMessages(conversation),
      titleOf: (id) => {
        const title = entries.get(id)?.title;
        return title ? localize(title, defaultLocale, defaultLocale) : undefined;
      },
    });
    const updated = await conversations.updateConversation(conversation, { summary });
    logger.info(
      {
        conversationId: conversation.id,
        resolution: summary.resolution,
        handledBy: summary.handledBy,
        firstResponseSeconds: summary.firstResponseSeconds,
        resolutionSeconds: summary.resolutionSeconds,
      },
      'conversation closed',
    );
    await this.#post(updated, renderSummary(summary));
    return updated;
  }

  #post(conversation: Conversation, text: string): Promise<void> {
    return noteInThread(this.#deps.desk(), conversation, text, this.#deps.logger);
  }
}
