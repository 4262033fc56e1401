/**
 * The one way out to a platform. Every channel hands its sends to an OutboundChain, which
 *
 *   - keeps each chat's messages in order (one send at a time per chat),
 *   - paces them at the platform's published limits (per chat and for the whole bot, bottleneck),
 *   - waits out 429s for as long as the platform asks (`Retry-After` / `retry_after`),
 *   - retries 5xx and network errors with exponential backoff and full jitter,
 *   - and reports a send that finally fails, so it is recorded on the stored message, never lost
 *     silently. The chat's later messages still go out.
 */
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import type { Logger } from './logger.js';
import { type Address, addressKey, type OutboundMessage } from './model.js';

/** What a platform call throws so the chain knows whether and when to try again. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  /** The platform asked to wait this long (429). */
  readonly retryAfterMs: number | undefined;
  /** Trying again cannot help (a 4xx other than 429: bad request, chat gone, bot blocked). */
  readonly permanent: boolean;

  constructor(
    message: string,
    options: { retryAfterMs?: number; permanent?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent ?? false;
  }
}

/**
 * Turns an HTTP status and Retry-After value (seconds or an HTTP date) into a DeliveryError.
 * 429 waits as asked; 408 and 5xx are retried; any other 4xx is permanent.
 */
export function deliveryErrorFromStatus(
  status: number,
  detail: string,
  retryAfter?: string | number | null,
  now: number = Date.now(),
): DeliveryError {
  const message = `HTTP ${status}: ${detail}`;
  if (status === 429) {
    return new DeliveryError(message, { retryAfterMs: parseRetryAfter(retryAfter, now) ?? 1000 });
  }
  return new DeliveryError(message, { permanent: status < 500 && status !== 408 });
}

export function parseRetryAfter(
  value: string | number | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(String(value));
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export interface DeliveryPolicy {
  platform: string;
  /** Least time between two sends of the whole bot on this platform (its global rate limit). */
  globalMinTimeMs: number;
  /** Least time between two sends to one chat; may differ for groups and one-to-one chats. */
  chatMinTimeMs(address: Address): number;
  /** Attempts for errors worth retrying (5xx, network); 429 waits do not count against it. */
  maxAttempts: number;
  /** First backoff; doubles each attempt, with full jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest 429 wait honoured: a platform asking for more is treated as a failure. */
  maxRetryAfterMs: number;
  /** Longest time a message may spend being retried before it is reported failed. */
  deadlineMs: number;
}

export const DEFAULT_RETRY = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 5 * 60_000,
  deadlineMs: 15 * 60_000,
} as const;

export type DeliveryOutcome =
  | { status: 'delivered'; attempts: number }
  | { status: 'failed'; attempts: number; error: Error };

export interface OutboundChainOptions {
  policy: DeliveryPolicy;
  logger: Logger;
  /** Called once for a message that could not be delivered (record it, alert). */
  onFailed(address: Address, message: OutboundMessage, error: Error): void | Promise<void>;
  /**
   * Called once every send of a message is over — delivered, or failed and recorded — so the
   * durable outbox can let go of it (a long Telegram text goes out as several sends).
   */
  onSettled?(message: OutboundMessage): void | Promise<void>;
  /**
   * Limits shared by every instance on one Redis (bottleneck's Redis datastore): the platform's
   * global rate and each chat's one-at-a-time and spacing hold across instances, not per process.
   */
  shared?: { redisUrl: string; prefix: string };
  /** Overridable for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/**
 * Which of a chat's queued sends goes first when several wait for its rate limit: a new agent
 * card before a backlog of reminders. Order among sends of the same urgency is kept.
 */
export type SendUrgency = 'high' | 'normal' | 'low';
// bottleneck runs lower numbers first (0-9, default 5).
const PRIORITY: Record<SendUrgency, number> = { high: 2, normal: 5, low: 8 };

/** Idle per-chat limiters are dropped after this long, so a long-running server does not grow. */
const CHAT_LIMITER_TTL_MS = 10 * 60_000;

export class OutboundChain {
  readonly #options: OutboundChainOptions;
  readonly #global: Bottleneck;
  readonly #chats: Bottleneck.Group;
  readonly #connection: Bottleneck.IORedisConnection | undefined;
  readonly #pending = new Set<Promise<DeliveryOutcome>>();
  /** When each chat last got a message, for its spacing; pruned as it grows. */
  readonly #lastDelivery = new Map<string, number>();
  /** Sends still open per message id, for onSettled. */
  readonly #openSends = new Map<string, number>();
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  #failures = 0;

  constructor(options: OutboundChainOptions) {
    this.#options = options;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    const { policy, shared, logger } = options;
    this.#connection = shared
      ? new Bottleneck.IORedisConnection({ client: new Redis(shared.redisUrl, { lazyConnect: false }) })
      : undefined;
    this.#connection?.on('error', (error: Error) =>
      logger.warn({ err: error }, 'shared rate limits: Redis error'),
    );
    const clustered = (id: string) =>
      this.#connection && shared
        ? {
            datastore: 'ioredis' as const,
            connection: this.#connection,
            clearDatastore: false,
            id: `${shared.prefix}:${policy.platform}:${id}`,
          }
        : {};
    this.#global = new Bottleneck({ minTime: policy.globalMinTimeMs, ...clustered('global') });
    // One send at a time per chat keeps the chat's order, retries included.
    this.#chats = new Bottleneck.Group({
      maxConcurrent: 1,
      timeout: CHAT_LIMITER_TTL_MS,
      ...clustered('chat'),
    });
  }

  /**
   * Queues a send behind the chat's earlier ones. `deliver` makes one attempt and throws a
   * DeliveryError (or any error: treated as a network failure, retried). The returned promise
   * settles when the message is delivered or has finally failed; it never rejects.
   */
  enqueue(
    address: Address,
    message: OutboundMessage,
    deliver: () => Promise<void>,
    options: { urgency?: SendUrgency } = {},
  ): Promise<DeliveryOutcome> {
    const key = addressKey(address);
    const chat = this.#chats.key(key);
    const minTime = this.#options.policy.chatMinTimeMs(address);
    // Across instances the chat's spacing is bottleneck's too (in-process it is #lastDelivery's).
    if (this.#connection) chat.updateSettings({ minTime });
    const outcome = chat
      .schedule({ priority: PRIORITY[options.urgency ?? 'normal'] }, () =>
        this.#attempt(key, minTime, message, deliver),
      )
      .catch((error: Error) => ({ status: 'failed', attempts: 0, error }) as DeliveryOutcome)
      .then(async (result) => {
        if (result.status === 'failed') await this.#fail(address, message, result.error);
        return result;
      });
    this.#openSends.set(message.id, (this.#openSends.get(message.id) ?? 0) + 1);
    const settled = outcome.then(async (result) => {
      await this.#settle(message);
      return result;
    });
    this.#pending.add(settled);
    void settled.finally(() => this.#pending.delete(settled));
    return settled;
  }

  /** Messages handed over and not yet delivered or failed. */
  get queued(): number {
    return this.#pending.size;
  }

  /** Messages that finally failed since start. */
  get failures(): number {
    return this.#failures;
  }

  /** Waits until every queued message is delivered or failed, at most `timeoutMs`; true when all were. */
  async flush(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = (async () => {
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
      return true as const;
    })();
    try {
      return await Promise.race([drained, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends one message, retrying as the policy says. The chat's spacing is counted from its last
   * delivery, not from when a job started: a send that waited out a 429 must not be followed at
   * once by the next one to the same chat.
   */
  async #attempt(
    chatKey: string,
    minTime: number,
    message: OutboundMessage,
    deliver: () => Promise<void>,
  ): Promise<DeliveryOutcome> {
    const { policy, logger } = this.#options;
    const { platform } = policy;
    const started = this.#now();
    let failedAttempts = 0;
    let attempts = 0;
    for (;;) {
      attempts++;
      try {
        const wait = (this.#lastDelivery.get(chatKey) ?? Number.NEGATIVE_INFINITY) + minTime - this.#now();
        if (wait > 0) await this.#sleep(wait);
        await this.#global.schedule(deliver);
        this.#noteDelivery(chatKey);
        return { status: 'delivered', attempts };
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        const delivery = error instanceof DeliveryError ? error : undefined;
        if (delivery?.permanent) return { status: 'failed', attempts, error };
        let waitMs: number;
        if (delivery?.retryAfterMs !== undefined) {
          if (delivery.retryAfterMs > policy.maxRetryAfterMs) return { status: 'failed', attempts, error };
          waitMs = delivery.retryAfterMs;
        } else {
          failedAttempts++;
          if (failedAttempts >= policy.maxAttempts) return { status: 'failed', attempts, error };
          const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
          waitMs = Math.round(this.#random() * ceiling);
        }
        if (this.#now() + waitMs - started > policy.deadlineMs) return { status: 'failed', attempts, error };
        logger.warn(
          {
            platform,
            conversationId: message.conversationId,
            messageId: message.id,
            attempts,
            waitMs,
            err: error,
          },
          'send failed; retrying',
        );
        await this.#sleep(waitMs);
      }
    }
  }

  #noteDelivery(chatKey: string): void {
    const now = this.#now();
    this.#lastDelivery.delete(chatKey); // re-inserted last: the map stays in delivery order
    this.#lastDelivery.set(chatKey, now);
    // Chats quiet for longer than any spacing need no entry; the oldest come first.
    for (const [key, at] of this.#lastDelivery) {
      if (this.#lastDelivery.size <= 1000 || now - at < CHAT_LIMITER_TTL_MS) break;
      this.#lastDelivery.delete(key);
    }
  }

  async #settle(message: OutboundMessage): Promise<void> {
    const open = (this.#openSends.get(message.id) ?? 1) - 1;
    if (open > 0) {
      this.#openSends.set(message.id, open);
      return;
    }
    this.#openSends.delete(message.id);
    try {
      await this.#options.onSettled?.(message);
    } catch (error) {
      this.#options.logger.error({ err: error, messageId: message.id }, 'could not settle a sent message');
    }
  }

  async #fail(address: Address, message: OutboundMessage, error: Error): Promise<void> {
    this.#failures++;
    this.#options.logger.error(
      {
        platform: this.#options.policy.platform,
        conversationId: message.conversationId,
        messageId: message.id,
        err: error,
      },
      'send failed for good; recorded on the message',
    );
    try {
      await this.#options.onFailed(address, message, error);
    } catch (recordError) {
      this.#options.logger.error(
        { err: recordError, messageId: message.id },
        'could not record the failed send',
      );
    }
  }

  async stop(): Promise<void> {
    await this.#chats.disconnect?.();
    await this.#global.disconnect();
    await this.#connection?.disconnect();
  }
}
