/**
 * WeChat on two instances sharing one Redis (run when REDIS_URL is set): exactly one runs the
 * login, the other stands by, and what the standby instance says to a WeChat customer is sent by
 * the instance that holds the login.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type MockWechat, startMockWechat } from '../adapters/wechat/mock-wechat.js';

const REDIS_URL = process.env.REDIS_URL;
const running: MockWechat[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((instance) => instance.stop()));
});

describe.skipIf(!REDIS_URL)('WeChat login on one of two instances', () => {
  it('runs the login on one instance and sends the other one’s answers through it', async () => {
    const storeNamespace = `wechat-${randomUUID()}`;
    const env = { STORE_URL: REDIS_URL ?? '' };
    const holder = await startMockWechat({ env, storeNamespace });
    running.push(holder);
    const standby = await startMockWechat({ env, storeNamespace, login: false });
    running.push(standby);

    expect(holder.switchboard.channels.get('wechat')?.health().state).toBe('up');
    expect(standby.switchboard.channels.get('wechat')?.health()).toMatchObject({ state: 'standby' });

    // A message for the holder's customer is handled on the standby instance (as an agent's reply
    // arriving there would be): its answer must reach the customer through the holder's login.
    await standby.switchboard.pipeline.receive({
      address: holder.address,
      text: 'where is my parcel?',
      attachments: [],
      dedupeKey: `wechat-two-${randomUUID()}`,
      fromBot: false,
      receivedAt: new Date().toISOString(),
    });
    await vi.waitFor(() => expect(holder.received().join('\n')).toMatch(/My orders/), {
      timeout: 10_000,
      interval: 50,
    });
    expect(standby.sent()).toEqual([]);
  }, 30_000);
});
