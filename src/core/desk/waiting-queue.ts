/**
 * The queue of handed-off conversations no agent has claimed yet, kept in the store so it
 * survives restarts. Urgent conversations come first, then high priority and VIP customers, then
 * everyone else in the order they were handed off.
 */
import { KeyedLock } from '../keyed-lock.js';
import type { Priority } from '../model.js';
import type { KeyValueStore } from '../store/key-value.js';

export interface QueueItem {
  conversationId: string;
  priority: Priority;
  vip: boolean;
  since: string;
}

const KEY = 'queue:waiting';
const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };

export class WaitingQueue {
  readonly #kv: KeyValueStore;
  readonly #lock = new KeyedLock();

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** Adds (or re-ranks) a conversation; returns its 1-based place in the queue. */
  add(item: QueueItem): Promise<number> {
    return this.#change((items) => {
      const rest = items.filter((i) => i.conversationId !== item.conversationId);
      const next = [...rest, item].sort(compare);
      return [next, next.findIndex((i) => i.conversationId === item.conversationId) + 1];
    });
  }

  remove(conversationId: string): Promise<void> {
    return this.#change((items) => [items.filter((i) => i.conversationId !== conversationId), undefined]);
  }

  /** 1-based place, or undefined when the conversation is not waiting. */
  async position(conversationId: string): Promise<number | undefined> {
    const index = (await this.list()).findIndex((i) => i.conversationId === conversationId);
    return index < 0 ? undefined : index + 1;
  }

  async list(): Promise<QueueItem[]> {
    return (await this.#kv.get<QueueItem[]>(KEY)) ?? [];
  }

  #change<T>(update: (items: QueueItem[]) => [QueueItem[], T]): Promise<T> {
    return this.#lock.run(KEY, async () => {
      const [next, result] = update(await this.list());
      await this.#kv.set(KEY, next);
      return result;
    });
  }
}

function compare(a: QueueItem, b: QueueItem): number {
  const rank = (item: QueueItem) => Math.min(RANK[item.priority], item.vip ? RANK.high : RANK.normal);
  return rank(a) - rank(b) || a.since.localeCompare(b.since);
}
