import { EventEmitter } from 'node:events';
import type Keyv from 'keyv';
import { StoreUnavailableError } from '../errors.js';
import type { KeyValueStore, SetIfAbsentResult, StoreBackend } from './key-value.js';
import type { ValueCache } from './value-cache.js';

/** The backend-specific atomic operations, on JSON text; everything else goes through keyv. */
export interface AtomicPrimitives {
  setIfAbsent(key: string, json: string, ttlMs: number): Promise<SetIfAbsentResult<string>>;
  releaseIfHeld(key: string, json: string): Promise<boolean>;
  extendIfHeld(key: string, json: string, ttlMs: number): Promise<boolean>;
  addMember(set: string, member: string): Promise<void>;
  removeMember(set: string, member: string): Promise<void>;
  members(set: string): Promise<string[]>;
}

/**
 * Notices between the processes sharing a store; see KeyValueStore.publish. A transport that
 * leaves the process serialises them itself; listeners treat a notice as read-only.
 */
export interface PubSub {
  publish(topic: string, notice: unknown): Promise<void>;
  subscribe(topic: string, listener: (notice: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * For a store only this process uses: notices go straight to this process's listeners, as they
 * are (no JSON round trip: a web chat answer is published once per message).
 */
export function inProcessPubSub(): PubSub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(topic, notice) {
      emitter.emit(topic, notice);
    },
    async subscribe(topic, listener) {
      emitter.on(topic, listener);
      return async () => {
        emitter.off(topic, listener);
      };
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

export interface KeyvStoreParts {
  backend: StoreBackend;
  description: string;
  keyv: Keyv;
  atomic: AtomicPrimitives;
  /** In-process when not given. */
  pubsub?: PubSub;
  /** Only for a store no other process writes. */
  cache?: ValueCache;
  /** For backends that can break beyond repair (the SQLite worker thread). */
  fatalError?: () => Error | undefined;
}

export class KeyvStore implements KeyValueStore {
  readonly backend: StoreBackend;
  readonly description: string;
  readonly #keyv: Keyv;
  readonly #atomic: AtomicPrimitives;
  readonly #pubsub: PubSub;
  readonly #cache: ValueCache | undefined;
  readonly #fatalError: () => Error | undefined;

  constructor(parts: KeyvStoreParts) {
    this.backend = parts.backend;
    this.description = parts.description;
    this.#keyv = parts.keyv;
    this.#atomic = parts.atomic;
    this.#pubsub = parts.pubsub ?? inProcessPubSub();
    this.#cache = parts.cache;
    this.#fatalError = parts.fatalError ?? (() => undefined);
    // Keyv emits store errors as events; with throwOnErrors they also reject the call, which is
    // what we act on. The listener only stops an unhandled 'error' event from killing the process.
    this.#keyv.on('error', () => {});
  }

  async get<T>(key: string): Promise<T | undefined> {
    const cache = this.#cache;
    if (!cache) return this.#run('get', () => this.#keyv.get<T>(key));
    const cached = cache.get(key);
    if (cached.found) return cached.value as T | undefined;
    const token = cache.reserve(key);
    const raw = await this.#run('get', () => this.#keyv.getRaw<T>(key));
    cache.fill(key, token, raw?.value, raw?.expires ?? undefined);
    return raw?.value;
  }

  async getMany<T>(keys: string[]): Promise<Array<T | undefined>> {
    if (keys.length === 0) return [];
    if (this.#cache) return Promise.all(keys.map((key) => this.get<T>(key)));
    return this.#run('getMany', () => this.#keyv.getMany<T>(keys));
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    // Cached at once, as SQLite shows a write to this process before it commits.
    this.#cache?.set(key, value, ttlMs === undefined ? undefined : Date.now() + ttlMs);
    try {
      const ok = await this.#run('set', () => this.#keyv.set(key, value, ttlMs));
      if (!ok) throw new StoreUnavailableError(`store ${this.description} refused to write ${key}`);
    } catch (error) {
      this.#cache?.delete(key); // the next read goes to the store for what it really holds
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    this.#cache?.delete(key);
    await this.#run('delete', () => this.#keyv.delete(key));
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<SetIfAbsentResult<T>> {
    const result = await this.#run('setIfAbsent', () =>
      this.#atomic.setIfAbsent(key, JSON.stringify(value), ttlMs),
    );
    return { created: result.created, value: JSON.parse(result.value) as T };
  }

  releaseIfHeld<T>(key: string, value: T): Promise<boolean> {
    return this.#run('releaseIfHeld', () => this.#atomic.releaseIfHeld(key, JSON.stringify(value)));
  }

  extendIfHeld<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    return this.#run('extendIfHeld', () => this.#atomic.extendIfHeld(key, JSON.stringify(value), ttlMs));
  }

  addMember(set: string, member: string): Promise<void> {
    return this.#run('addMember', () => this.#atomic.addMember(set, member));
  }

  removeMember(set: string, member: string): Promise<void> {
    return this.#run('removeMember', () => this.#atomic.removeMember(set, member));
  }

  publish(topic: string, notice: unknown): Promise<void> {
    return this.#run('publish', () => this.#pubsub.publish(topic, notice));
  }

  subscribe(topic: string, listener: (notice: unknown) => void): Promise<() => Promise<void>> {
    return this.#run('subscribe', () => this.#pubsub.subscribe(topic, listener));
  }

  members(set: string): Promise<string[]> {
    return this.#run('members', () => this.#atomic.members(set));
  }

  fatalError(): Error | undefined {
    return this.#fatalError();
  }

  async ping(): Promise<void> {
    await this.#run('ping', () => this.#keyv.get('__ping__'));
  }

  async close(): Promise<void> {
    await this.#pubsub.close();
    await this.#keyv.disconnect();
  }

  async #run<R>(operation: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(`store ${this.description}: ${operation} failed: ${describe(error)}`, {
        cause: error,
      });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
