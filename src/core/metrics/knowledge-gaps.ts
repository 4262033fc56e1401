/**
 * Questions the knowledge base could not answer (the pipeline's knowledge gaps), kept for the
 * gaps report: one list per UTC day (`gaps-on:<yyyy-mm-dd>`), because the store cannot list keys.
 * Texts arrive masked (src/core/privacy/mask.ts): the report is read by admins, not agents.
 */
import { type Clock, isoNow } from '../clock.js';
import { KeyedLock } from '../keyed-lock.js';
import type { Logger } from '../logger.js';
import type { Platform } from '../model.js';
import type { KeyValueStore } from '../store/key-value.js';
import { type DayRange, daysOf } from './days.js';

export interface KnowledgeGap {
  at: string;
  conversationId: string;
  channel: Platform;
  /** The customer's text with personal data masked. */
  text: string;
  /** The knowledge base's best (not good enough) entry, and its confidence. */
  bestEntry?: string;
  bestScore?: number;
}

/**
 * A day's list stops growing here: a flood of one unanswerable question (or a spammer) must not
 * make every later gap rewrite a huge value. A thousand a day is far more than admins read.
 */
export const GAPS_PER_DAY = 1000;
/** Longer texts are cut: a gap is a question, and the YAML snippet repeats it. */
const MAX_TEXT = 300;

export class KnowledgeGaps {
  readonly #kv: KeyValueStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Each day's read-modify-write, serialised in this process only (issue 7 shares it across instances). */
  readonly #lock = new KeyedLock();

  constructor(deps: { kv: KeyValueStore; clock: Clock; logger: Logger }) {
    this.#kv = deps.kv;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
  }

  /** Records a gap. Never rejects: losing one from the report must not fail the customer's message. */
  async record(gap: Omit<KnowledgeGap, 'at'>): Promise<void> {
    const at = isoNow(this.#clock);
    const key = gapsKey(at.slice(0, 10));
    try {
      await this.#lock.run(key, async () => {
        const gaps = (await this.#kv.get<KnowledgeGap[]>(key)) ?? [];
        if (gaps.length >= GAPS_PER_DAY) return;
        await this.#kv.set<KnowledgeGap[]>(key, [...gaps, { ...gap, text: gap.text.slice(0, MAX_TEXT), at }]);
      });
    } catch (error) {
      this.#logger.error(
        { err: error, conversationId: gap.conversationId },
        'recording a knowledge gap failed',
      );
    }
  }

  /** Every gap recorded on the days of the range, oldest first. */
  async inRange(range: DayRange): Promise<KnowledgeGap[]> {
    const days = await this.#kv.getMany<KnowledgeGap[]>(daysOf(range).map(gapsKey));
    return days.flatMap((gaps) => gaps ?? []);
  }
}

function gapsKey(day: string): string {
  return `gaps-on:${day}`;
}
