/**
 * Data retention (RETENTION_DAYS, docs/privacy.md): closed conversations older than the setting
 * are deleted with their messages and every pointer to them, and a customer left with no
 * conversation is deleted too, so nothing that identifies them stays. The knowledge-gap lists of
 * those days go as well.
 *
 * The store cannot list its keys, so the purge walks the days through the `opened-on:<day>` index
 * (conversation-store.ts), from a cursor (`retention:next-day`) to the last day that can hold an
 * expired conversation. A day leaves the walk once its list is empty; a day holding a conversation
 * still open stays in it. Conversations opened before that index existed are not found: erase
 * their customers with `npm run admin -- erase-customer`.
 */

import { type Clock, isoNow } from '../clock.js';
import type { Logger } from '../logger.js';
import { dropGaps } from '../metrics/knowledge-gaps.js';
import { Periodic } from '../periodic.js';
import { type EraseTarget, eraseConversation, eraseCustomerIfEmpty } from '../privacy/erase.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';

export interface RetentionDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  clock: Clock;
  logger: Logger;
  days: number;
}

const DAY_MS = 86_400_000;
const CURSOR_KEY = 'retention:next-day';
/** Where the first purge starts looking, before any cursor exists: ten years back. */
const FIRST_LOOKBACK_DAYS = 3650;
const DAYS_PER_READ = 100;

export class RetentionPurge {
  readonly #deps: RetentionDeps;
  readonly #periodic: Periodic;

  constructor(deps: RetentionDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(
      async () => {
        await this.tick();
      },
      (error) => deps.logger.error({ err: error }, 'retention purge failed; retrying next time'),
    );
  }

  /** Purges every `intervalMs` (real time); tests call tick() with a fake clock instead. */
  start(intervalMs: number): void {
    this.#periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** One purge; resolves with how many conversations were deleted. */
  async tick(): Promise<number> {
    const { kv, clock, logger } = this.#deps;
    const cutoff = clock.now() - this.#deps.days * DAY_MS;
    const lastDay = isoDay(cutoff);
    const cursor = (await kv.get<string>(CURSOR_KEY)) ?? isoDay(cutoff - FIRST_LOOKBACK_DAYS * DAY_MS);
    let nextDay: string | undefined;
    let purged = 0;
    for (let from = cursor; from <= lastDay; from = addDays(from, DAYS_PER_READ)) {
      const days = daysFrom(from, lastDay, DAYS_PER_READ);
      const lists = await Promise.all(
        days.map((day) => this.#deps.conversations.conversationIdsOpenedOn(day)),
      );
      for (const [i, day] of days.entries()) {
        const ids = lists[i] ?? [];
        const kept = ids.length === 0 ? 0 : await this.#purgeDay(day, ids, cutoff);
        purged += ids.length - kept;
        await dropGaps(kv, day, () => true);
        if (kept > 0) nextDay ??= day;
      }
    }
    // The walk starts next time at the first day still holding a conversation.
    await kv.set(CURSOR_KEY, nextDay ?? addDays(lastDay, 1));
    if (purged > 0)
      logger.info({ conversations: purged, before: isoNow({ now: () => cutoff }) }, 'retention purge');
    return purged;
  }

  /** Deletes the day's expired conversations; returns how many of its ids remain. */
  async #purgeDay(day: string, ids: readonly string[], cutoff: number): Promise<number> {
    const { kv, conversations } = this.#deps;
    const target: EraseTarget = { kv, conversations };
    const gone = new Set<string>();
    let kept = 0;
    for (const id of ids) {
      const conversation = await conversations.getConversation(id);
      if (!conversation) {
        gone.add(id); // erased on request already
        continue;
      }
      const endedAt = Date.parse(conversation.closedAt ?? conversation.openedAt);
      if (conversation.status !== 'closed' || endedAt >= cutoff) {
        kept++;
        continue;
      }
      await eraseConversation(target, conversation);
      await eraseCustomerIfEmpty(target, conversation.customerId);
    }
    for (const id of gone) await conversations.forgetOpenedOn(day, id);
    return kept;
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return isoDay(Date.parse(day) + days * DAY_MS);
}

function daysFrom(first: string, last: string, max: number): string[] {
  const days: string[] = [];
  for (let day = first; day <= last && days.length < max; day = addDays(day, 1)) days.push(day);
  return days;
}
