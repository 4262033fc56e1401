/**
 * Knowledge actions on Telegram (webhook updates, Bot API faked on nock) with the orders backend
 * on nock: the order number is asked for and filled over several messages, a wrong value is asked
 * again, and when the customer then wants a person, the agents' Slack card shows the look-up.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FakeSlackApi } from '../adapters/slack/slack-kit.js';
import { type FakeBotApi, unescapeHtml } from '../adapters/telegram/telegram-kit.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';
import { customerSends, startTelegramSlack } from './telegram-slack.js';

const ORDERS = 'https://orders.shop.test';
const WAIT = { timeout: 10_000, interval: 20 };

let telegram: FakeBotApi;
let slack: FakeSlackApi;
let server: RunningSwitchboard;

beforeEach(async () => {
  ({ telegram, slack, server } = await startTelegramSlack({ ORDERS_API_URL: ORDERS }));
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

const toCustomer = () => telegram.delivered().map((call) => unescapeHtml(String(call.body.text ?? '')));

/** The customer writes on Telegram and the bot answers (the recorded private-chat update, new text and ids). */
async function customerWrites(text: string): Promise<string> {
  const before = toCustomer().length;
  await customerSends(server, text);
  await vi.waitFor(() => expect(toCustomer().length).toBeGreaterThan(before), WAIT);
  return toCustomer().at(-1) ?? '';
}

describe('order tracking on Telegram', () => {
  it('asks, re-asks, looks up, and shows the look-up on the agent card', async () => {
    nock(ORDERS)
      .get('/orders/A1234567')
      .reply(200, { id: 'A1234567', status: 'shipped', carrier: 'SF Express' });

    expect(await customerWrites('where is my parcel?')).toContain("What's your order number?");
    expect(await customerWrites('I think it is 1234567')).toContain(
      "That doesn't look like an order number.",
    );
    const answer = await customerWrites('A1234567');
    expect(answer).toBe('Order A1234567 is shipped with SF Express.');
    // The entry's own buttons follow the answer.
    const keyboard = JSON.stringify(telegram.delivered().at(-1)?.body.reply_markup ?? {});
    expect(keyboard).toContain('kb:shipping.time');

    await customerWrites('I want to talk to a person');
    await vi.waitFor(() => expect(slack.deskPosts()).toHaveLength(1), WAIT);
    const card = JSON.stringify(slack.deskPosts()[0]);
    expect(card).toContain('Looked up:');
    expect(card).toContain('order.track via orders: order_id=A1234567 → found (HTTP 200)');
  });

  it('checks a refund over several messages', async () => {
    nock(ORDERS)
      .get('/orders/A7654321/refund')
      .reply(200, { status: 'processing', amount: '59.90', currency: 'CNY' });
    expect(await customerWrites('查询退款进度')).toContain('请告诉我需要查询退款的订单号');
    expect(await customerWrites('A7654321')).toBe('订单 A7654321 的退款状态：processing，金额 59.90 CNY。');
  });

  it('offers a person with a button when the order is unknown, the backend fails or times out', async () => {
    nock(ORDERS).get('/orders/B0000000').reply(404, {});
    nock(ORDERS).get('/orders/B1111111').times(2).reply(503);
    nock(ORDERS).get('/orders/B2222222').times(2).delay(4000).reply(200, {});
    expect(await customerWrites('where is my order B0000000?')).toContain("I couldn't find order B0000000");
    expect(JSON.stringify(telegram.delivered().at(-1)?.body.reply_markup)).toContain('handoff:request');
    expect(await customerWrites('where is my order B1111111?')).toContain("I can't reach the order system");
    expect(await customerWrites('where is my order B2222222?')).toContain("I can't reach the order system");
  }, 20_000);

  it('stops asking on "never mind", and sends only the validated value of an injection attempt', async () => {
    nock(ORDERS).get('/orders/A1234567').reply(200, { id: 'A1234567', status: 'delivered' });
    await customerWrites('track my order');
    expect(await customerWrites('never mind')).toBe(
      "OK, I've stopped the look-up. Is there anything else I can help with?",
    );
    await customerWrites('track my order');
    expect(await customerWrites('../admin?token=1 A1234567@evil.test')).toBe('Order A1234567 is delivered.');
  });
});
