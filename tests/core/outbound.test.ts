import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Address, OutboundMessage } from '../../src/core/model.js';
import {
  DEFAULT_RETRY,
  DeliveryError,
  type DeliveryPolicy,
  deliveryErrorFromStatus,
  OutboundChain,
  parseRetryAfter,
} from '../../src/core/outbound.js';

const policy: DeliveryPolicy = {
  platform: 'telegram',
  globalMinTimeMs: 0,
  chatMinTimeMs: () => 0,
  ...DEFAULT_RETRY,
  baseDelayMs: 1,
  maxDelayMs: 4,
};

const address = (chatId: string): Address => ({ channel: 'telegram', chatId, userId: chatId });
const message = (id: string): OutboundMessage => ({
  id,
  conversationId: 'conv_x',
  seq: 1,
  role: 'bot',
  text: id,
  quickReplies: [],
  attachments: [],
  locale: 'en',
});

function chain(overrides: Partial<DeliveryPolicy> = {}, waits: number[] = []) {
  const failed: string[] = [];
  const outbound = new OutboundChain({
    policy: { ...policy, ...overrides },
    logger: pino({ level: 'silent' }),
    onFailed: (_address, failedMessage) => {
      failed.push(failedMessage.id);
    },
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { outbound, failed };
}

describe('OutboundChain', () => {
  it("keeps one chat's order even when an earlier message needs retries", async () => {
    const { outbound } = chain();
    const delivered: string[] = [];
    let failuresLeft = 2;
    const first = outbound.enqueue(address('1'), message('a'), async () => {
      if (failuresLeft-- > 0) throw new Error('ECONNRESET');
      delivered.push('a');
    });
    const second = outbound.enqueue(address('1'), message('b'), async () => {
      delivered.push('b');
    });
    expect(await first).toEqual({ status: 'delivered', attempts: 3 });
    await second;
    expect(delivered).toEqual(['a', 'b']);
  });

  it('waits as long as a 429 asks, without counting it as a failed attempt', async () => {
    const waits: number[] = [];
    const { outbound } = chain({ maxAttempts: 1 }, waits);
    let calls = 0;
    const outcome = await outbound.enqueue(address('1'), message('a'), async () => {
      if (calls++ === 0) throw deliveryErrorFromStatus(429, 'Too Many Requests', '7');
    });
    expect(outcome.status).toBe('delivered');
    expect(waits).toEqual([7000]);
  });

  it('gives up on a permanent error at once and reports the message', async () => {
    const { outbound, failed } = chain();
    let calls = 0;
    const outcome = await outbound.enqueue(address('1'), message('a'), async () => {
      calls++;
      throw deliveryErrorFromStatus(400, 'chat not found');
    });
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect(calls).toBe(1);
    expect(failed).toEqual(['a']);
  });

  it('retries 5xx with capped, jittered backoff up to maxAttempts, then reports', async () => {
    const waits: number[] = [];
    const { outbound, failed } = chain({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250 }, waits);
    const outcome = await outbound.enqueue(address('1'), message('a'), async () => {
      throw deliveryErrorFromStatus(502, 'Bad Gateway');
    });
    expect(outcome).toMatchObject({ status: 'failed', attempts: 4 });
    expect(waits).toHaveLength(3);
    waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(Math.min(250, 100 * 2 ** i));
    });
    expect(failed).toEqual(['a']);
  });

  it('treats a 429 asking for longer than allowed as a failure', async () => {
    const { outbound, failed } = chain({ maxRetryAfterMs: 1000 });
    const outcome = await outbound.enqueue(address('1'), message('a'), async () => {
      throw new DeliveryError('slow down', { retryAfterMs: 60_000 });
    });
    expect(outcome.status).toBe('failed');
    expect(failed).toEqual(['a']);
  });

  it('lets other chats through while one chat waits', async () => {
    const { outbound } = chain();
    const order: string[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = outbound.enqueue(address('1'), message('slow'), async () => {
      await blocked;
      order.push('slow');
    });
    await outbound.enqueue(address('2'), message('fast'), async () => {
      order.push('fast');
    });
    release();
    await slow;
    expect(order).toEqual(['fast', 'slow']);
  });

  it('paces one chat at its minimum spacing', async () => {
    const outbound = new OutboundChain({
      policy: { ...policy, chatMinTimeMs: () => 120 },
      logger: pino({ level: 'silent' }),
      onFailed: () => {},
    });
    const times: number[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        outbound.enqueue(address('1'), message(id), async () => {
          times.push(performance.now());
        }),
      ),
    );
    expect((times[2] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(230);
    await outbound.stop();
  });

  it('sends a high-urgency message before a backlog of low ones in the same chat', async () => {
    const outbound = new OutboundChain({
      policy: { ...policy, chatMinTimeMs: () => 30 },
      logger: pino({ level: 'silent' }),
      onFailed: () => {},
    });
    const order: string[] = [];
    const send = (id: string, urgency: 'high' | 'low') =>
      outbound.enqueue(address('1'), message(id), async () => void order.push(id), { urgency });
    const sends = ['r1', 'r2', 'r3', 'r4'].map((id) => send(id, 'low'));
    sends.push(send('card', 'high'));
    await Promise.all(sends);
    // The one sending and the one already waiting out its spacing go first; the rest wait.
    expect(order.indexOf('card')).toBeLessThanOrEqual(2);
    expect(order.filter((id) => id !== 'card')).toEqual(['r1', 'r2', 'r3', 'r4']);
    await outbound.stop();
  });

  it('flush waits for queued messages', async () => {
    const { outbound } = chain();
    let done = false;
    void outbound.enqueue(address('1'), message('a'), async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      done = true;
    });
    expect(outbound.queued).toBe(1);
    expect(await outbound.flush(5000)).toBe(true);
    expect(done).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(1.5)).toBe(1500);
    expect(
      parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')),
    ).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('classifies statuses', () => {
    expect(deliveryErrorFromStatus(408, 'timeout').permanent).toBe(false);
    expect(deliveryErrorFromStatus(403, 'blocked').permanent).toBe(true);
    expect(deliveryErrorFromStatus(503, 'down').permanent).toBe(false);
    expect(deliveryErrorFromStatus(429, 'slow').retryAfterMs).toBe(1000);
  });
});
