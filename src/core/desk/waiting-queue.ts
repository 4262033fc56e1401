/**
 * The queue of handed-off conversations no agent has claimed yet, kept in the store so it
 * survives restarts. Urgent conversations come first, then high priority and VIP customers, then
 * everyone else in the order they were handed off.
 *
 * Kept as a store set of conversation ids (`queue:waiting`, changed atomically, so instances
 * sharing a store never drop each other's entries) and one record per entry
 * (`queue-item:<conversation id>`); the order is worked out when the queue is read.
 */
import type { Priority } from '../model.js';
import type { KeyValueStore } from '../store/key-value.js';

export interface QueueItem {
  conversationId: string;
  priority: Priority;
  vip: boolean;
  since: string;
}

const SET = 'queue:waiting';
const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };

export class WaitingQueue {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** Adds (or re-ranks) a conversation; returns its 1-based place in the queue. */
  async add(item: QueueItem): Promise<number> {
    await this.#kv.set(itemKey(item.conversationId), item);
    await this.#kv.addMember(SET, item.conversationId);
    return (await this.position(item.conversationId)) ?? 1;
  }

  async remove(conversationId: string): Promise<void> {
    await this.#kv.removeMember(SET, conversationId);
    await this.#kv.delete(itemKey(conversationId));
  }

  /** 1-based place, or undefined when the conversation is not waiting. */
  async position(conversationId: string): Promise<number | undefined> {
    const index = (await this.list()).findIndex((i) => i.conversationId === conversationId);
    return index < 0 ? undefined : index + 1;
  }

  async list(): Promise<QueueItem[]> {
    const ids = await this.#kv.members(SET);
    const items = await this.#kv.getMany<QueueItem>(ids.map(itemKey));
    return items.filter((item): item is QueueItem => item !== undefined).sort(compare);
  }
}

function itemKey(conversationId: string): string {
  return `queue-item:${conversationId}`;
}

function compare(a: QueueItem, b: QueueItem): number {
  const rank = (item: QueueItem) => Math.min(RANK[item.priority], item.vip ? RANK.high : RANK.normal);
  return rank(a) - rank(b) || a.since.localeCompare(b.since);
}
