/**
 * Rate limits shared by two instances on one real Redis (run when REDIS_URL is set): the platform's
 * global pace and a chat's spacing hold for both chains together, not for each on its own.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Address, OutboundMessage } from '../../src/core/model.js';
import { type DeliveryPolicy, OutboundChain } from '../../src/core/outbound.js';

const REDIS_URL = process.env.REDIS_URL;
const chains: OutboundChain[] = [];

afterEach(async () => {
  await Promise.all(chains.splice(0).map((chain) => chain.stop()));
});

function chain(prefix: string, policy: Partial<DeliveryPolicy>): OutboundChain {
  const made = new OutboundChain({
    policy: {
      platform: 'telegram',
      globalMinTimeMs: 0,
      chatMinTimeMs: () => 0,
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 100,
      maxRetryAfterMs: 1000,
      deadlineMs: 10_000,
      ...policy,
    },
    logger: pino({ level: 'silent' }),
    onFailed: () => {},
    shared: { redisUrl: REDIS_URL ?? '', prefix },
  });
  chains.push(made);
  return made;
}

const address = (chat: string): Address => ({ channel: 'telegram', chatId: chat, userId: chat });
const message = (n: number): OutboundMessage => ({
  id: `m${n}`,
  conversationId: 'c',
  seq: n,
  role: 'bot',
  text: `answer ${n}`,
  quickReplies: [],
  attachments: [],
  locale: 'en',
});

function gaps(times: number[]): number[] {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.slice(1).map((time, i) => time - (sorted[i] ?? 0));
}

describe.skipIf(!REDIS_URL)('rate limits shared across instances (Redis)', () => {
  it('keeps the global pace for two chains together', async () => {
    const prefix = `test-${randomUUID()}`;
    const [a, b] = [chain(prefix, { globalMinTimeMs: 150 }), chain(prefix, { globalMinTimeMs: 150 })];
    const times: number[] = [];
    const sends = Array.from({ length: 8 }, (_, n) =>
      (n % 2 ? a : b).enqueue(address(`chat-${n}`), message(n), async () => {
        times.push(Date.now());
      }),
    );
    const outcomes = await Promise.all(sends);
    expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(130);
  });

  it('keeps one chat to one send at a time and its spacing, whichever instance sends', async () => {
    const prefix = `test-${randomUUID()}`;
    const policy = { chatMinTimeMs: () => 300 };
    const [a, b] = [chain(prefix, policy), chain(prefix, policy)];
    const times: number[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, (_, n) =>
        (n % 2 ? a : b).enqueue(address('same-chat'), message(n), async () => {
          times.push(Date.now());
        }),
      ),
    );
    expect(outcomes.every((outcome) => outcome.status === 'delivered')).toBe(true);
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(280);
  });
});
