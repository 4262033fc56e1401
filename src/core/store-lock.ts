/**
 * A per-conversation lock that holds across every instance sharing the store (Redis or
 * PostgreSQL): an in-process queue keeps this instance's work for a chat in arrival order, and a
 * lease in the store (set-if-absent with a TTL) keeps other instances out meanwhile. The lease is
 * released only by its holder (releaseIfHeld), and expires by itself if the holder dies.
 *
 * It fails closed: when the lease cannot be had in time, or the store cannot be reached, the work
 * does not run and the caller gets a StoreUnavailableError, which webhooks answer with a retryable
 * 503, rather than risk two answers or the bot talking over an agent.
 */
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import type { Logger } from './logger.js';
import type { KeyValueStore } from './store/key-value.js';

/** What the pipeline, the desk and the timers need of a lock: run work for one key at a time. */
export interface Lock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

export interface StoreLockOptions {
  /** Longer than any work under the lock (an answer with a backend look-up takes seconds). */
  leaseMs?: number;
  /** How long to wait for another instance's lease before giving up (fail closed). */
  waitMs?: number;
  pollMs?: number;
  logger?: Logger;
}

export class StoreLock implements Lock {
  readonly #kv: KeyValueStore;
  readonly #local = new KeyedLock();
  readonly #leaseMs: number;
  readonly #waitMs: number;
  readonly #pollMs: number;
  readonly #logger: Logger | undefined;
  /** One id per process: a lease names the instance that holds it, for logs and takeover. */
  readonly #owner = randomUUID();

  constructor(kv: KeyValueStore, options: StoreLockOptions = {}) {
    this.#kv = kv;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 10_000;
    this.#pollMs = options.pollMs ?? 15;
    this.#logger = options.logger;
  }

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    return this.#local.run(key, async () => {
      const lease = await this.#acquire(key);
      try {
        return await work();
      } finally {
        await this.#kv.releaseIfHeld(`lease:${key}`, lease).catch((error) => {
          // It expires by itself; the next holder only waits a little longer.
          this.#logger?.warn({ err: error, key }, 'could not release a conversation lease');
        });
      }
    });
  }

  async #acquire(key: string): Promise<string> {
    const lease = `${this.#owner}:${randomUUID()}`;
    const deadline = Date.now() + this.#waitMs;
    for (;;) {
      const { created } = await this.#kv.setIfAbsent(`lease:${key}`, lease, this.#leaseMs);
      if (created) return lease;
      if (Date.now() >= deadline) {
        throw new StoreUnavailableError(`conversation ${key} is busy on another instance; try again`);
      }
      // Jitter keeps two instances waiting for the same chat from polling in step.
      await new Promise((resolve) => setTimeout(resolve, this.#pollMs * (0.5 + Math.random())));
    }
  }
}
