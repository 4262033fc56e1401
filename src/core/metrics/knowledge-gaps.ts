/**
 * Questions the knowledge base could not answer (the pipeline's knowledge gaps), kept for the
 * gaps report: a store set per UTC day (`gaps-on:<yyyy-mm-dd>`, ids, changed atomically so
 * instances sharing a store never drop each other's) and one record per gap (`gap:<id>`), because
 * the store cannot list keys.
 * Texts arrive masked (src/core/privacy/mask.ts): the report is read by admins, not agents.
 */
import { randomUUID } from 'node:crypto';
import { type Clock, isoNow } from '../clock.js';
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
 * A day's set stops growing here: a flood of one unanswerable question (or a spammer) must not
 * make every later gap rewrite a huge value. A thousand a day is far more than admins read.
 */
export const GAPS_PER_DAY = 1000;
/** Longer texts are cut: a gap is a question, and the YAML snippet repeats it. */
const MAX_TEXT = 300;

export class KnowledgeGaps {
  readonly #kv: KeyValueStore;
  readonly #clock: Clock;
  readonly #logger: Logger;

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
      // The cap is checked, not reserved: instances recording at once may pass it by a few.
      if ((await this.#kv.members(key)).length >= GAPS_PER_DAY) return;
      const id = randomUUID();
      await this.#kv.set<KnowledgeGap>(gapKey(id), { ...gap, text: gap.text.slice(0, MAX_TEXT), at });
      await this.#kv.addMember(key, id);
    } catch (error) {
      this.#logger.error(
        { err: error, conversationId: gap.conversationId },
        'recording a knowledge gap failed',
      );
    }
  }

  /** Every gap recorded on the days of the range, oldest first. */
  async inRange(range: DayRange): Promise<KnowledgeGap[]> {
    const days = await Promise.all(daysOf(range).map((day) => gapsOn(this.#kv, day)));
    return days.flatMap((gaps) => gaps.map(([, gap]) => gap));
  }
}

/** A day's gaps with their ids, oldest first. */
async function gapsOn(kv: KeyValueStore, day: string): Promise<Array<[string, KnowledgeGap]>> {
  const ids = await kv.members(gapsKey(day));
  const gaps = await kv.getMany<KnowledgeGap>(ids.map(gapKey));
  return ids.flatMap((id, i) => {
    const gap = gaps[i];
    return gap ? [[id, gap] as [string, KnowledgeGap]] : [];
  });
}

/**
 * Removes the day's gaps that `drop` selects (retention: all; erasure: one conversation's);
 * returns how many. With `dryRun` only counts.
 */
export async function dropGaps(
  kv: KeyValueStore,
  day: string,
  drop: (gap: KnowledgeGap) => boolean,
  dryRun = false,
): Promise<number> {
  const chosen = (await gapsOn(kv, day)).filter(([, gap]) => drop(gap));
  if (!dryRun) {
    for (const [id] of chosen) {
      await kv.removeMember(gapsKey(day), id);
      await kv.delete(gapKey(id));
    }
  }
  return chosen.length;
}

function gapsKey(day: string): string {
  return `gaps-on:${day}`;
}

function gapKey(id: string): string {
  return `gap:${id}`;
}
