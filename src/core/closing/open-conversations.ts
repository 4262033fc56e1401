/**
 * The ids of conversations not yet closed, so the idle closer can find them: the key-value store
 * cannot list its keys. Spread over SHARDS keys (`open-conversations:<n>`) so one write rewrites a
 * short list, not every open conversation's id.
 *
 * Each shard is read, changed and written under a process lock: atomic within one process only.
 * Two instances sharing a store could drop each other's change; cross-instance atomicity comes
 * with the scale-out work (issue 7). A dropped id only means that conversation is never closed
 * for idleness, and a stale one is dropped by the closer when it finds the conversation closed.
 */
import { KeyedLock } from '../keyed-lock.js';
import type { KeyValueStore } from '../store/key-value.js';

export const OPEN_CONVERSATION_SHARDS = 256;

export class OpenConversations {
  readonly #kv: KeyValueStore;
  readonly #lock = new KeyedLock();

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  add(conversationId: string): Promise<void> {
    return this.#change(conversationId, (ids) =>
      ids.includes(conversationId) ? ids : [...ids, conversationId],
    );
  }

  remove(conversationId: string): Promise<void> {
    return this.#change(conversationId, (ids) => ids.filter((id) => id !== conversationId));
  }

  /** Every indexed id, in no particular order. */
  async list(): Promise<string[]> {
    const shards = await this.#kv.getMany<string[]>(
      Array.from({ length: OPEN_CONVERSATION_SHARDS }, (_, n) => shardKey(n)),
    );
    return shards.flatMap((ids) => ids ?? []);
  }

  #change(conversationId: string, change: (ids: readonly string[]) => readonly string[]): Promise<void> {
    const key = shardKey(shardOf(conversationId));
    return this.#lock.run(key, async () => {
      const ids = (await this.#kv.get<string[]>(key)) ?? [];
      const changed = change(ids);
      if (changed.length === ids.length) return;
      await this.#kv.set(key, changed);
    });
  }
}

function shardKey(shard: number): string {
  return `open-conversations:${shard}`;
}

/** Ids are random, so any stable spread of their characters balances the shards. */
function shardOf(conversationId: string): number {
  let hash = 0;
  for (let i = 0; i < conversationId.length; i++) hash = (hash * 31 + conversationId.charCodeAt(i)) >>> 0;
  return hash % OPEN_CONVERSATION_SHARDS;
}
