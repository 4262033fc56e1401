/**
 * Follow-up tickets: a low CSAT score must reach a person. The conversation gets a `followUp`
 * with a ticket number of its own, the agents' thread gets an alert (a thread is opened with a
 * card when the bot handled the conversation alone), and the conversation is listed in the
 * `follow-ups` store set (atomic, so instances sharing a store never drop each other's). Follow-ups are not worked in Switchboard yet: an agent contacts the customer
 * from the thread.
 */
import { type Clock, isoNow } from '../clock.js';
import { renderSummary } from '../closing/summary.js';
import type { AgentDesk } from '../desk/agent-desk.js';
import { noteInThread, threadOf } from '../desk/agent-thread.js';
import { allocateTicket } from '../desk/tickets.js';
import type { Logger } from '../logger.js';
import type { Conversation, FollowUp } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';

/** One line of the `follow-ups` list. */
export interface FollowUpEntry {
  ticket: string;
  conversationId: string;
  score: number;
  openedAt: string;
}

/** Opens a conversation's agent thread when it has none (DeskService.ensureThread). */
export interface ThreadOpener {
  ensureThread(conversation: Conversation): Promise<Conversation>;
}

export interface FollowUpsDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  desk: () => AgentDesk | undefined;
  threads: ThreadOpener;
  clock: Clock;
  logger: Logger;
}

const SET = 'follow-ups';

export class FollowUps {
  readonly #deps: FollowUpsDeps;

  constructor(deps: FollowUpsDeps) {
    this.#deps = deps;
  }

  /** Call under the conversation's lock. Returns the conversation with its follow-up (and thread). */
  async open(conversation: Conversation, score: number): Promise<Conversation> {
    const { kv, conversations, clock, logger } = this.#deps;
    const followUp: FollowUp = {
      ticket: await allocateTicket(kv, conversation.id),
      reason: 'low-csat',
      score,
      openedAt: isoNow(clock),
    };
    let updated = await conversations.updateConversation(conversation, { followUp });
    await kv.addMember(SET, conversation.id);
    logger.warn(
      { conversationId: conversation.id, score, ticket: followUp.ticket },
      'low CSAT score: follow-up ticket opened',
    );
    const hadThread = threadOf(updated) !== undefined;
    updated = await this.#deps.threads.ensureThread(updated);
    // A thread opened just now never got the summary posted at close: it goes with the alert.
    const summary = !hadThread && updated.summary ? `\n\n${renderSummary(updated.summary)}` : '';
    await this.#post(
      updated,
      `⚠️ Low CSAT: ${score}/5. Follow-up ticket ${followUp.ticket}: please contact the customer.${summary}`,
    );
    return updated;
  }

  /** The customer's comment after a low score, shown where the alert is. */
  async comment(conversation: Conversation, comment: string): Promise<void> {
    await this.#post(
      conversation,
      `💬 Customer's comment (follow-up ${conversation.followUp?.ticket ?? '?'}): ${comment}`,
    );
  }

  /** Follow-ups opened, oldest first, as each conversation records its own. */
  async list(): Promise<FollowUpEntry[]> {
    const { kv, conversations } = this.#deps;
    const ids = await kv.members(SET);
    const found = await Promise.all(ids.map((id) => conversations.getConversation(id)));
    return found.flatMap((conversation) =>
      conversation?.followUp
        ? [
            {
              ticket: conversation.followUp.ticket,
              conversationId: conversation.id,
              score: conversation.followUp.score,
              openedAt: conversation.followUp.openedAt,
            },
          ]
        : [],
    );
  }

  #post(conversation: Conversation, text: string): Promise<void> {
    return noteInThread(this.#deps.desk(), conversation, text, this.#deps.logger);
  }
}

/** Takes an erased conversation off the follow-up list; true when it was on it. */
export async function forgetFollowUp(
  kv: KeyValueStore,
  conversationId: string,
  dryRun = false,
): Promise<boolean> {
  const listed = (await kv.members(SET)).includes(conversationId);
  if (listed && !dryRun) await kv.removeMember(SET, conversationId);
  return listed;
}
