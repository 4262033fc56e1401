/**
 * SLA timers for handed-off conversations no agent has claimed. They are not timers in memory:
 * every tick compares the queue (in the store) with the clock, and each conversation's reached
 * level is stored too, so a restart neither loses a reminder nor repeats one.
 *
 *   remindAfter   -> the thread is pinged again ("still unclaimed after 2 min")
 *   escalateAfter -> the escalation channel is alerted, and the customer is offered to leave a message
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Messenger } from '../messenger.js';
import { addressKey } from '../model.js';
import { Periodic } from '../periodic.js';
import { type BusinessHours, openingState } from '../routing/business-hours.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { Lock } from '../store-lock.js';
import type { AgentDesk } from './agent-desk.js';
import { threadOf } from './agent-thread.js';
import { deskReplies } from './desk-replies.js';
import type { WaitingQueue } from './waiting-queue.js';

export interface SlaSettings {
  remindAfterMs: number;
  escalateAfterMs: number;
}

export interface SlaDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  queue: WaitingQueue;
  messenger: Messenger;
  lock: Lock;
  desk: () => AgentDesk | undefined;
  clock: Clock;
  logger: Logger;
  settings: SlaSettings;
  /** Waits count only while people are at work; unset: always. */
  businessHours?: BusinessHours;
  /** Builds the card the escalation shows. */
  card: (conversationId: string) => Promise<Parameters<AgentDesk['escalate']>[1] | undefined>;
}

type Level = 0 | 1 | 2;
const LEVEL_TTL_MS = 30 * 86_400_000;

export class SlaWatch {
  readonly #deps: SlaDeps;
  readonly #periodic: Periodic;

  constructor(deps: SlaDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(
      () => this.tick(),
      (error) => deps.logger.error({ err: error }, 'SLA check failed; retrying next time'),
    );
  }

  /** Checks every `intervalMs` (real time); tests call tick() with a fake clock instead. */
  start(intervalMs: number): void {
    this.#periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** One pass over the queue: raises every conversation whose wait passed the next level. */
  async tick(): Promise<void> {
    const { queue, clock, settings, logger, businessHours } = this.#deps;
    const now = clock.now();
    const state = businessHours ? openingState(businessHours, now) : undefined;
    // Nobody is there to claim at night: the clock starts again when the team does.
    if (state && !state.open) return;
    const countFrom = state?.open ? state.openedAt.toMillis() : 0;
    for (const item of await queue.list()) {
      const waited = now - Math.max(Date.parse(item.since), countFrom);
      const due: Level = waited >= settings.escalateAfterMs ? 2 : waited >= settings.remindAfterMs ? 1 : 0;
      try {
        await this.#raise(item.conversationId, due, Math.floor(waited / 60_000));
      } catch (error) {
        logger.error(
          { err: error, conversationId: item.conversationId },
          'SLA step failed; retrying next tick',
        );
      }
    }
  }

  async #raise(conversationId: string, due: Level, minutes: number): Promise<void> {
    const { kv } = this.#deps;
    const key = `sla:${conversationId}`;
    const reached = (await kv.get<Level>(key)) ?? 0;
    if (due <= reached) return;
    const { conversations, desk, messenger, lock } = this.#deps;
    const conversation = await conversations.getConversation(conversationId);
    if (conversation?.status !== 'waiting') return;
    const thread = threadOf(conversation);
    const agentDesk = desk();
    if (due >= 1 && reached < 1 && thread && agentDesk) {
      await agentDesk.post(thread, {
        kind: 'reminder',
        text: `⏰ Still unclaimed after ${minutes} min (ticket ${conversation.ticket ?? '?'}). Please claim it.`,
        attachments: [],
      });
    }
    if (due === 2) {
      const card = await this.#deps.card(conversationId);
      if (thread && agentDesk && card) {
        await agentDesk.escalate(
          thread,
          card,
          `🚨 Ticket ${conversation.ticket ?? '?'} has waited ${minutes} min unclaimed.`,
        );
      }
      await lock.run(addressKey(conversation.address), async () => {
        const current = await conversations.getConversation(conversationId);
        if (current?.status !== 'waiting') return;
        await messenger.say(current, {
          role: 'system',
          text: deskReplies.busy(current.locale, current.ticket ?? ''),
        });
      });
    }
    await kv.set(key, due, LEVEL_TTL_MS);
  }
}
