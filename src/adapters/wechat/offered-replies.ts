/**
 * The numbered choices the bot offered last in each chat, so a customer's bare "1" can be turned
 * back into that button's payload. Kept in the shared store: any instance may send, and the
 * answer may come after a restart.
 */
import { type Address, addressKey, type QuickReply } from '../../core/model.js';
import type { KeyValueStore } from '../../core/store/key-value.js';

/** A digit typed an hour later is more likely a new question ("2 items missing") than an answer. */
export const OFFERED_REPLIES_TTL_MS = 60 * 60_000;

export function offeredRepliesKey(address: Address): string {
  return `wechat:offered:${addressKey(address)}`;
}

export class OfferedReplies {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  /** The latest message decides: one without choices makes earlier numbers meaningless. */
  async remember(address: Address, quickReplies: QuickReply[]): Promise<void> {
    const key = offeredRepliesKey(address);
    if (quickReplies.length === 0) await this.#kv.delete(key);
    else await this.#kv.set(key, quickReplies, OFFERED_REPLIES_TTL_MS);
  }

  async offered(address: Address): Promise<QuickReply[]> {
    return (await this.#kv.get<QuickReply[]>(offeredRepliesKey(address))) ?? [];
  }
}
