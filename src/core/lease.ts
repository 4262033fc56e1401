/**
 * One holder at a time across the instances sharing a store, for work only one of them may do:
 * the periodic timers (SLA reminders, idle closing, alerts, reports, retention) and the WeChat
 * login. The holder renews its lease every `renewMs`; if it dies, the lease runs out after
 * `ttlMs` and another instance takes over (onAcquired there). A holder that fails to renew in
 * time (the store was unreachable) gives the work up (onLost) rather than risk two holders.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import type { KeyValueStore } from './store/key-value.js';

export interface LeaseOptions {
  ttlMs?: number;
  renewMs?: number;
  logger: Logger;
  onAcquired(): void | Promise<void>;
  onLost(): void | Promise<void>;
}

export class Lease {
  readonly #kv: KeyValueStore;
  readonly #key: string;
  readonly #holder = randomUUID();
  readonly #options: Required<Omit<LeaseOptions, 'logger' | 'onAcquired' | 'onLost'>> & LeaseOptions;
  #held = false;
  #timer: NodeJS.Timeout | undefined;
  #turn: Promise<void> = Promise.resolve();

  constructor(kv: KeyValueStore, name: string, options: LeaseOptions) {
    this.#kv = kv;
    this.#key = `lease:${name}`;
    this.#options = { ttlMs: 30_000, renewMs: 10_000, ...options };
  }

  get held(): boolean {
    return this.#held;
  }

  /** Tries at once, then on every renewal tick, until stopped. */
  async start(): Promise<void> {
    await this.#tick();
    this.#timer = setInterval(() => {
      // One tick at a time: a slow store must not let two overlap.
      this.#turn = this.#turn.then(() => this.#tick());
    }, this.#options.renewMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#turn;
    if (!this.#held) return;
    this.#held = false;
    await this.#options.onLost();
    await this.#kv.releaseIfHeld(this.#key, this.#holder).catch(() => {});
  }

  async #tick(): Promise<void> {
    const { ttlMs, logger } = this.#options;
    try {
      if (this.#held) {
        if (await this.#kv.extendIfHeld(this.#key, this.#holder, ttlMs)) return;
        await this.#lose('the lease ran out before it was renewed');
        return;
      }
      if ((await this.#kv.setIfAbsent(this.#key, this.#holder, ttlMs)).created) {
        this.#held = true;
        logger.info({ lease: this.#key }, 'this instance holds the lease now');
        await this.#options.onAcquired();
      }
    } catch (error) {
      // Unreachable store: the lease may run out meanwhile, so the work stops here to stay single.
      if (this.#held) await this.#lose(`the store could not be reached (${(error as Error).message})`);
    }
  }

  async #lose(why: string): Promise<void> {
    this.#held = false;
    this.#options.logger.warn({ lease: this.#key, why }, 'this instance gave up the lease');
    await this.#options.onLost();
  }
}
