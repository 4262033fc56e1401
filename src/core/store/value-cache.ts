/**
 * Recently used values, already parsed, for a store only this process writes (the embedded SQLite
 * file, locked exclusively). Reads of conversations and customers then cost a map lookup instead of
 * a query and a JSON parse. Never used for shared stores, where another instance may write.
 * Cached values are shared with callers: the store's contract is that they are read-only.
 */
export class ValueCache {
  readonly #entries = new Map<string, { value: unknown; expiresAt: number | undefined }>();
  readonly #pending = new Map<string, symbol>();
  readonly #capacity: number;
  readonly #now: () => number;

  constructor(capacity: number, now: () => number = Date.now) {
    this.#capacity = capacity;
    this.#now = now;
  }

  /** `found` distinguishes a cached "no value" from a miss. */
  get(key: string): { found: boolean; value?: unknown } {
    const entry = this.#entries.get(key);
    if (!entry) return { found: false };
    if (entry.expiresAt !== undefined && entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return { found: false };
    }
    return { found: true, value: entry.value };
  }

  /**
   * For a miss: a token to pass to `fill` once the store has answered. A write to the key in the
   * meantime voids it, so a slow read never caches a value older than that write.
   */
  reserve(key: string): symbol {
    const token = Symbol(key);
    this.#pending.set(key, token);
    return token;
  }

  fill(key: string, token: symbol, value: unknown, expiresAt?: number): void {
    if (this.#pending.get(key) !== token) return;
    this.#pending.delete(key);
    this.set(key, value, expiresAt);
  }

  /** Evicts in insertion order (first in, first out): cheaper than LRU, and a miss is only a read. */
  set(key: string, value: unknown, expiresAt?: number): void {
    this.#pending.delete(key);
    if (this.#entries.size >= this.#capacity && !this.#entries.has(key)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.#pending.delete(key);
    this.#entries.delete(key);
  }
}
