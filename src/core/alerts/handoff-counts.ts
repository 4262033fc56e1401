/**
 * Conversations started and handed off, counted per clock hour (UTC) in the store, for the
 * handoff-rate alert: "this hour" against "the same hour of the last days" needs hourly figures,
 * which reading every conversation of a week on each check would make costly.
 *
 * Counted from the conversation store's events: a conversation's first message starts it, each
 * move to `waiting` is a handoff. Counters are read, changed and written under a process lock:
 * exact within one process (the store serves one, README "Running in production").
 */
import type { Clock } from '../clock.js';
import { KeyedLock } from '../keyed-lock.js';
import type { Logger } from '../logger.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { Counts } from './rules.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export class HandoffCounts {
  readonly #kv: KeyValueStore;
  readonly #clock: Clock;
  readonly #lock = new KeyedLock();
  readonly #baselineDays: number;

  constructor(kv: KeyValueStore, clock: Clock, baselineDays: number) {
    this.#kv = kv;
    this.#clock = clock;
    this.#baselineDays = baselineDays;
  }

  /** Counts from now on; a failed count is logged and lost (it only skews an alert's figures). */
  listen(conversations: ConversationStore, logger: Logger): void {
    const count = (field: keyof Counts) =>
      this.add(field).catch((error: unknown) => logger.warn({ err: error }, 'handoff count not stored'));
    conversations.events.on('message', (message) => {
      if (message.seq === 1) void count('conversations');
    });
    conversations.events.on('status', (conversation) => {
      if (conversation.status === 'waiting') void count('handoffs');
    });
  }

  add(field: keyof Counts): Promise<void> {
    const key = hourKey(this.#clock.now());
    return this.#lock.run(key, async () => {
      const counts = (await this.#kv.get<Counts>(key)) ?? { conversations: 0, handoffs: 0 };
      // Kept one day past the baseline's reach, so the oldest hour compared is still there.
      await this.#kv.set(key, { ...counts, [field]: counts[field] + 1 }, (this.#baselineDays + 1) * DAY_MS);
    });
  }

  /** This hour so far, and the same hour of each of the previous `baselineDays` days, summed. */
  async window(): Promise<{ current: Counts; baseline: Counts }> {
    const now = this.#clock.now();
    const keys = Array.from({ length: this.#baselineDays + 1 }, (_, day) => hourKey(now - day * DAY_MS));
    const [current, ...earlier] = (await this.#kv.getMany<Counts>(keys)).map(
      (counts) => counts ?? { conversations: 0, handoffs: 0 },
    );
    const baseline = earlier.reduce(
      (sum, counts) => ({
        conversations: sum.conversations + counts.conversations,
        handoffs: sum.handoffs + counts.handoffs,
      }),
      { conversations: 0, handoffs: 0 },
    );
    return { current: current ?? { conversations: 0, handoffs: 0 }, baseline };
  }
}

function hourKey(at: number): string {
  return `alerts:hour:${new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString().slice(0, 13)}`;
}
