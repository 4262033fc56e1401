/**
 * The one storage interface the core uses: a key-value store over keyv, plus the atomic primitives
 * keyv lacks (set-if-absent with a TTL, release of a held key, sets), done with each backend's own
 * mechanism.
 */
export type StoreBackend = 'sqlite' | 'redis' | 'postgres';

export interface SetIfAbsentResult<T> {
  /** True when this call stored the value; false when the key was already held. */
  created: boolean;
  /** The value now held under the key: the caller's when created, the earlier one otherwise. */
  value: T;
}

/** Values read from a store may be shared with other readers: treat them as read-only. */
export interface KeyValueStore {
  readonly backend: StoreBackend;
  /** The store's address with any password removed, for logs and /readyz. */
  readonly description: string;
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<Array<T | undefined>>;
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Atomically store `value` under `key` for `ttlMs` unless an unexpired value is there.
   * Atomic across every process sharing the store (the dedupe step depends on it).
   */
  setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<SetIfAbsentResult<T>>;
  /**
   * Atomically removes a setIfAbsent key only while it still holds `value` (a lease released by its
   * holder, never by someone whose lease ran out and was taken over). True when it was removed.
   */
  releaseIfHeld<T>(key: string, value: T): Promise<boolean>;
  /** Atomically gives a setIfAbsent key a new TTL while it still holds `value` (a lease renewed). */
  extendIfHeld<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  /**
   * Sets of strings, changed atomically across every process sharing the store (indexes such as
   * the outbox); `members` lists them in the order they were first added.
   */
  addMember(set: string, member: string): Promise<void>;
  removeMember(set: string, member: string): Promise<void>;
  members(set: string): Promise<string[]>;
  /**
   * Notices to every process sharing the store (Redis pub/sub), e.g. a web chat reply recorded on
   * one instance for a page whose stream is open on another. In-process for the embedded store
   * and for PostgreSQL. Delivery is best-effort: the store, not the notice, holds the message.
   */
  publish(topic: string, notice: unknown): Promise<void>;
  /** Resolves with a function that ends the subscription. */
  subscribe(topic: string, listener: (notice: unknown) => void): Promise<() => Promise<void>>;
  /** Resolves when the store answers a round trip; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Set when the store can never work again in this process (its SQLite thread died): restart. */
  fatalError(): Error | undefined;
  close(): Promise<void>;
}
