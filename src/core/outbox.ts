/**
 * The durable outbox: a message to a customer is written here before it is handed to the
 * platform's outbound chain, and removed once the platform accepted it (or it finally failed and
 * was marked failed on the stored message). After a crash (kill -9) whatever is still here is
 * sent again, once: by this instance when it restarts, or by another instance that notices the
 * owner stopped beating.
 *
 * Keys: `outbox` (a store set of message ids, oldest first), `outbox:<message id>` (the entry),
 * `instance:<id>` (an owner's heartbeat, with a TTL), `outbox-claim:<message id>` (who resends).
 *
 * The outbox also carries sends between instances: one that cannot send on a platform (another
 * holds the WeChat login) hands the message over (owner `any:<platform>`), and the instance that
 * can send there picks it up within a second (`serve`).
 *
 * The window that remains: a platform that accepted a send just before the crash, before the
 * entry was removed, gets it again after the restart (at-least-once; the platforms offer no
 * idempotency key to close it).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import type { KeyValueStore } from './store/key-value.js';

export interface OutboxEntry {
  messageId: string;
  conversationId: string;
  seq: number;
  /** The instance that handed it to its outbound chain. */
  owner: string;
  at: string;
}

export interface OutboxOptions {
  logger: Logger;
  /** How often this instance says it is alive; an owner silent for 3 beats is taken over. */
  heartbeatMs?: number;
  /**
   * The store belongs to this process alone (the embedded SQLite file): every entry not written by
   * this run is a previous run's and is resent at once, without waiting for its heartbeat to expire.
   */
  exclusive?: boolean;
  now?: () => number;
}

const SET = 'outbox';

export class Outbox {
  readonly instanceId = randomUUID();
  readonly #kv: KeyValueStore;
  readonly #logger: Logger;
  readonly #heartbeatMs: number;
  readonly #exclusive: boolean;
  readonly #now: () => number;
  /** Ids this instance put in the outbox and has not seen settle: only these are removed on settle. */
  readonly #mine = new Set<string>();
  readonly #platforms = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  readonly #servers: NodeJS.Timeout[] = [];
  readonly #serving = new Set<string>();

  constructor(kv: KeyValueStore, options: OutboxOptions) {
    this.#kv = kv;
    this.#logger = options.logger;
    this.#heartbeatMs = options.heartbeatMs ?? 10_000;
    this.#exclusive = options.exclusive ?? false;
    this.#now = options.now ?? Date.now;
  }

  /** A platform whose sends go through an outbound chain that reports when they settle. */
  cover(platform: string): void {
    this.#platforms.add(platform);
  }

  covers(platform: string): boolean {
    return this.#platforms.has(platform);
  }

  async add(entry: Omit<OutboxEntry, 'owner' | 'at'>): Promise<void> {
    const full: OutboxEntry = { ...entry, owner: this.instanceId, at: new Date(this.#now()).toISOString() };
    await this.#kv.set(`outbox:${entry.messageId}`, full);
    await this.#kv.addMember(SET, entry.messageId);
    this.#mine.add(entry.messageId);
  }

  /** A message this instance cannot send: the instance that can send on `platform` takes it. */
  async handOver(platform: string, entry: Omit<OutboxEntry, 'owner' | 'at'>): Promise<void> {
    const full: OutboxEntry = { ...entry, owner: `any:${platform}`, at: new Date(this.#now()).toISOString() };
    await this.#kv.set(`outbox:${entry.messageId}`, full);
    await this.#kv.addMember(SET, entry.messageId);
  }

  /**
   * While `canSend()` says this instance runs the platform's connection, picks up what other
   * instances handed over for it, oldest first, each once.
   */
  serve(
    platform: string,
    canSend: () => boolean,
    resend: (entry: OutboxEntry) => Promise<void>,
    everyMs = 1000,
  ): void {
    const timer = setInterval(() => {
      if (!canSend() || this.#serving.has(platform)) return;
      this.#serving.add(platform);
      void this.#take(`any:${platform}`, resend)
        .catch((error) => this.#logger.warn({ err: error, platform }, 'could not take handed-over sends'))
        .finally(() => this.#serving.delete(platform));
    }, everyMs);
    timer.unref();
    this.#servers.push(timer);
  }

  /** The chain is done with the message (delivered, or failed and recorded as failed). */
  async settled(messageId: string): Promise<void> {
    if (!this.#mine.delete(messageId)) return;
    try {
      await this.#kv.removeMember(SET, messageId);
      await this.#kv.delete(`outbox:${messageId}`);
    } catch (error) {
      // It stays in the outbox and is sent again after a restart: at least once, never lost.
      this.#logger.warn({ err: error, messageId }, 'could not clear a sent message from the outbox');
    }
  }

  /**
   * Beats (so other instances leave this one's entries alone), resends what earlier runs or dead
   * instances left, and keeps looking for dead instances' entries every three beats.
   */
  async start(resend: (entry: OutboxEntry) => Promise<void>): Promise<void> {
    await this.#beat();
    await this.#recoverSafely(resend);
    let beats = 0;
    this.#timer = setInterval(() => {
      void this.#beat();
      if (++beats % 3 === 0) void this.#recoverSafely(resend);
    }, this.#heartbeatMs);
    this.#timer.unref();
  }

  async #recoverSafely(resend: (entry: OutboxEntry) => Promise<void>): Promise<void> {
    try {
      await this.recover(resend);
    } catch (error) {
      this.#logger.warn({ err: error }, 'could not look for unsent messages in the outbox');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const timer of this.#servers.splice(0)) clearInterval(timer);
    // A clean stop flushed the chains; whatever is left is this instance's to resend on restart.
    await this.#kv.delete(`instance:${this.instanceId}`).catch(() => {});
  }

  /**
   * Entries whose owner is gone (a crashed instance, or this one's previous run), each claimed by
   * exactly one instance; `resend` hands one to its channel again.
   */
  async recover(resend: (entry: OutboxEntry) => Promise<void>): Promise<number> {
    const recovered = await this.#take(undefined, resend);
    if (recovered > 0) this.#logger.info({ recovered }, 'resent messages left in the outbox');
    return recovered;
  }

  /**
   * Claims and resends entries: those handed to `owner` (`any:<platform>`), or, without one,
   * those whose owner is gone. Each is claimed by exactly one instance.
   */
  async #take(owner: string | undefined, resend: (entry: OutboxEntry) => Promise<void>): Promise<number> {
    let taken = 0;
    for (const messageId of await this.#kv.members(SET)) {
      const entry = await this.#kv.get<OutboxEntry>(`outbox:${messageId}`);
      if (!entry) {
        await this.#kv.removeMember(SET, messageId);
        continue;
      }
      const wanted = owner
        ? entry.owner === owner
        : !entry.owner.startsWith('any:') &&
          entry.owner !== this.instanceId &&
          !(await this.#alive(entry.owner));
      if (!wanted) continue;
      const claim = await this.#kv.setIfAbsent(`outbox-claim:${messageId}`, this.instanceId, 5 * 60_000);
      if (!claim.created) continue;
      // Owned by this instance from now on, so its settle removes it.
      await this.#kv.set(`outbox:${messageId}`, { ...entry, owner: this.instanceId });
      this.#mine.add(messageId);
      try {
        await resend(entry);
        taken++;
      } catch (error) {
        this.#logger.error({ err: error, messageId }, 'could not resend a message from the outbox');
      }
    }
    return taken;
  }

  async #alive(instanceId: string): Promise<boolean> {
    if (this.#exclusive) return false;
    return (await this.#kv.get(`instance:${instanceId}`)) !== undefined;
  }

  async #beat(): Promise<void> {
    try {
      await this.#kv.set(`instance:${this.instanceId}`, this.#now(), this.#heartbeatMs * 3);
    } catch (error) {
      this.#logger.warn({ err: error }, 'outbox heartbeat failed');
    }
  }
}
