/**
 * Closes conversations nobody is in any more, the way the SLA timers work (src/core/desk/sla.ts):
 * no timers in memory, a periodic pass compares each open conversation with the clock.
 *
 *   status 'bot', no message for closeIdle       -> closed, resolution 'bot' (the bot resolved it)
 *   status 'waiting', unclaimed for abandonAfter -> closed, resolution 'abandoned' (no survey)
 *
 * Conversations people have ('agent') are closed by their agent only.
 */
import type { Clock } from '../clock.js';
import { isoNow } from '../clock.js';
import type { AgentDesk, DeskCard } from '../desk/agent-desk.js';
import { threadOf } from '../desk/agent-thread.js';
import type { Logger } from '../logger.js';
import { addressKey, type Conversation, type Resolution } from '../model.js';
import { Periodic } from '../periodic.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { Lock } from '../store-lock.js';
import type { Closing } from './closing.js';

export interface IdleSettings {
  closeIdleMs: number;
  abandonAfterMs: number;
}

export interface IdleCloserDeps {
  conversations: ConversationStore;
  closing: Closing;
  /** The pipeline's per-chat lock (keyed by addressKey). */
  lock: Lock;
  /** The desk's waiting queue: an abandoned conversation leaves it. */
  queue: { remove(conversationId: string): Promise<void> };
  desk: () => AgentDesk | undefined;
  /** The conversation's card as it stands (DeskService.cardFor), to show it closed. */
  card: (conversationId: string) => Promise<DeskCard | undefined>;
  clock: Clock;
  logger: Logger;
  settings: IdleSettings;
}

/** How an idle conversation ends now, or undefined while it is still live. Pure. */
export function idleResolution(
  conversation: Conversation,
  lastMessageAt: string,
  now: number,
  settings: IdleSettings,
): Exclude<Resolution, 'agent'> | undefined {
  if (conversation.status === 'bot' && now - Date.parse(lastMessageAt) >= settings.closeIdleMs) return 'bot';
  const waitingSince = Date.parse(conversation.handedOffAt ?? conversation.openedAt);
  if (conversation.status === 'waiting' && now - waitingSince >= settings.abandonAfterMs) return 'abandoned';
  return undefined;
}

export class IdleCloser {
  readonly #deps: IdleCloserDeps;
  readonly #periodic: Periodic;

  constructor(deps: IdleCloserDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(
      () => this.tick(),
      (error) => deps.logger.error({ err: error }, 'idle check failed; retrying next time'),
    );
  }

  /** Checks every `intervalMs` (real time); tests call tick() with a fake clock instead. */
  start(intervalMs: number): void {
    this.#periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** One pass over the open conversations: closes each one that has gone idle. */
  async tick(): Promise<void> {
    const { conversations, logger } = this.#deps;
    for (const id of await conversations.openIds.list()) {
      try {
        await this.#check(id);
      } catch (error) {
        logger.error({ err: error, conversationId: id }, 'idle check failed; retrying next tick');
      }
    }
  }

  async #check(conversationId: string): Promise<void> {
    const { conversations, lock } = this.#deps;
    const found = await conversations.getConversation(conversationId);
    if (!found || found.status === 'closed') {
      // Closed without the index hearing of it (a crash between the two writes).
      await conversations.openIds.remove(conversationId);
      return;
    }
    if (!(await this.#due(found))) return;
    await lock.run(addressKey(found.address), async () => {
      // Re-read under the lock: the customer may have written, or an agent claimed it, meanwhile.
      const current = await conversations.getConversation(conversationId);
      const resolution = current && (await this.#due(current));
      if (current && resolution) await this.#close(current, resolution);
    });
  }

  async #due(conversation: Conversation): Promise<Exclude<Resolution, 'agent'> | undefined> {
    const { conversations, clock, settings } = this.#deps;
    if (conversation.status !== 'bot' && conversation.status !== 'waiting') return undefined;
    const last = await conversations.getMessage(conversation.id, conversation.messageCount);
    return idleResolution(conversation, last?.at ?? conversation.openedAt, clock.now(), settings);
  }

  async #close(conversation: Conversation, resolution: Exclude<Resolution, 'agent'>): Promise<void> {
    const { conversations, closing, queue, clock, logger } = this.#deps;
    const closed = await conversations.closeConversation(conversation, {
      resolution,
      closedAt: isoNow(clock),
    });
    logger.info({ conversationId: conversation.id, resolution }, 'idle conversation closed');
    if (resolution === 'abandoned') await queue.remove(conversation.id);
    await this.#refreshCard(await closing.closed(closed));
  }

  async #refreshCard(conversation: Conversation): Promise<void> {
    const { desk, card, logger } = this.#deps;
    const agentDesk = desk();
    const thread = threadOf(conversation);
    if (!agentDesk || !thread) return;
    try {
      const current = await card(conversation.id);
      if (current) await agentDesk.updateCard(thread, current);
    } catch (error) {
      logger.error({ err: error, conversationId: conversation.id }, 'updating the agent card failed');
    }
  }
}
