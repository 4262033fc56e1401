/**
 * The ids of conversations not yet closed, so the idle closer and the live queue can find them:
 * the key-value store cannot list its keys. A store set (`open-conversations`), changed
 * atomically, so instances sharing the store never drop each other's ids.
 */
import type { KeyValueStore } from '../store/key-value.js';

const SET = 'open-conversations';

export class OpenConversations {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  add(conversationId: string): Promise<void> {
    return this.#kv.addMember(SET, conversationId);
  }

  remove(conversationId: string): Promise<void> {
    return this.#kv.removeMember(SET, conversationId);
  }

  /** Every indexed id, oldest first. */
  list(): Promise<string[]> {
    return this.#kv.members(SET);
  }
}
