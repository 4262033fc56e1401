/**
 * Knowledge actions end to end through the web chat (docs/knowledge.md "Actions"): the sample
 * knowledge base's order-tracking and refund entries against an orders backend stubbed with nock,
 * configured the way the contract says (ORDERS_API_URL).
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation } from '../../src/core/model.js';
import { PAYLOAD_HANDOFF } from '../../src/core/replies.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const ORDERS = 'https://orders.shop.test';
const SHIPPED = { id: 'A1234567', status: 'shipped', carrier: 'SF Express', eta: '2026-11-25' };

let server: RunningSwitchboard;

async function start(env: Record<string, string> = { ORDERS_API_URL: `${ORDERS}/api` }, timeoutMs = 3000) {
  const config = testConfig(env);
  const orders = config.backends.orders;
  if (orders) config.backends.orders = { ...orders, timeoutMs };
  server = await startSwitchboard(config);
  return WebchatClient.create(server.url);
}

async function conversationOf(chat: WebchatClient): Promise<Conversation> {
  const view = await chat.session();
  const conversation = await server.conversations.getConversation(view.conversation?.id ?? '');
  if (!conversation) throw new Error('no conversation');
  return conversation;
}

beforeEach(() => {
  nock.cleanAll();
});

afterEach(async () => {
  await server?.close();
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('order tracking through the web chat', () => {
  it('answers from the backend when the question carries the order number', async () => {
    nock(ORDERS).get('/api/orders/A1234567').reply(200, SHIPPED);
    const chat = await start();
    const answer = await chat.ask('where is my order A1234567?');
    expect(answer.text).toBe('Order A1234567 is shipped with SF Express, expected on 2026-11-25.');
    const conversation = await conversationOf(chat);
    expect(conversation.status).toBe('bot');
    expect(conversation.lookups).toEqual([
      expect.objectContaining({
        entryId: 'order.track',
        backend: 'orders',
        slots: { order_id: 'A1234567' },
        outcome: 'found',
      }),
    ]);
  });

  it('asks for the order number and looks it up when it comes, in Chinese', async () => {
    nock(ORDERS)
      .get('/api/orders/A7654321')
      .reply(200, { id: 'A7654321', status: '运输中', carrier: '顺丰速运' });
    const chat = await start();
    const question = await chat.ask('我的快递到哪了');
    expect(question.text).toContain('请告诉我您的订单号');
    const answer = await chat.ask('订单号是a7654321');
    // No eta in the response: its section is left out.
    expect(answer.text).toBe('订单 A7654321 当前状态：运输中，承运快递：顺丰速运。');
    expect((await conversationOf(chat)).pendingAction).toBeUndefined();
  });

  it('asks again after an invalid value, then hands off after too many', async () => {
    const chat = await start();
    await chat.ask('track my order');
    const again = await chat.ask('it is 12345');
    expect(again.text).toBe(
      "That doesn't look like an order number.\nWhat's your order number? It's one letter and 7 digits, e.g. A1234567.",
    );
    expect(again.quickReplies).toContainEqual({ label: 'Talk to a person', payload: PAYLOAD_HANDOFF });
    const handoff = await chat.ask('no idea sorry');
    expect(handoff.text).toContain("I'll get a person for you");
    const conversation = await conversationOf(chat);
    expect(conversation.status).toBe('waiting');
    expect(conversation.handoffReason).toContain('did not give a valid order_id');
    expect(conversation.pendingAction).toBeUndefined();
  });

  it('gives the not-found answer with a person button on 404', async () => {
    nock(ORDERS).get('/api/orders/B0000000').reply(404, { error: 'not found' });
    const chat = await start();
    const answer = await chat.ask('where is my parcel B0000000');
    expect(answer.text).toBe(
      "I couldn't find order B0000000. Please check the number and send it again, or I can get a person for you.",
    );
    expect(answer.quickReplies).toEqual([{ label: 'Talk to a person', payload: PAYLOAD_HANDOFF }]);
    expect((await conversationOf(chat)).lookups?.[0]).toMatchObject({
      outcome: 'not-found',
      detail: 'HTTP 404',
    });
  });

  it('retries a 500 once, then gives the error answer', async () => {
    nock(ORDERS).get('/api/orders/A1234567').times(2).reply(500, 'boom');
    const chat = await start();
    const answer = await chat.ask('where is my order A1234567');
    expect(answer.text).toContain("I can't reach the order system right now");
    expect(answer.quickReplies).toEqual([{ label: 'Talk to a person', payload: PAYLOAD_HANDOFF }]);
    expect((await conversationOf(chat)).lookups?.[0]).toMatchObject({ outcome: 'error', detail: 'HTTP 500' });
  });

  it('gives the error answer when the backend times out', async () => {
    nock(ORDERS).get('/api/orders/A1234567').times(2).delay(1000).reply(200, SHIPPED);
    const chat = await start(undefined, 200);
    const answer = await chat.ask('where is my order A1234567');
    expect(answer.text).toContain("I can't reach the order system right now");
    expect((await conversationOf(chat)).lookups?.[0]?.detail).toBe('timed out after 200 ms');
  });

  it('stops asking when the customer cancels', async () => {
    const chat = await start();
    await chat.ask('我的快递到哪了');
    const cancelled = await chat.ask('算了');
    expect(cancelled.text).toBe('好的，已为您取消查询。还有其他可以帮您的吗？');
    expect((await conversationOf(chat)).pendingAction).toBeUndefined();
  });

  it('hands off at once when the customer asks for a person instead of giving the number', async () => {
    const chat = await start();
    await chat.ask('我的快递到哪了');
    const handoff = await chat.ask('转人工');
    expect(handoff.text).toContain('人工客服');
    const conversation = await conversationOf(chat);
    expect(conversation.status).toBe('waiting');
    expect(conversation.pendingAction).toBeUndefined();
  });

  it('answers a different question asked instead of the order number', async () => {
    const chat = await start();
    await chat.ask('track my order');
    const answer = await chat.ask('what payment methods do you accept?');
    expect(answer.text).not.toContain('order number');
    expect((await conversationOf(chat)).pendingAction).toBeUndefined();
  });

  it('looks up the corrected number right after a look-up', async () => {
    nock(ORDERS).get('/api/orders/A1111111').reply(404, {});
    nock(ORDERS).get('/api/orders/A2222222').reply(200, { id: 'A2222222', status: 'delivered' });
    const chat = await start();
    await chat.ask('where is my order A1111111');
    const corrected = await chat.ask('sorry, I meant A2222222');
    expect(corrected.text).toBe('Order A2222222 is delivered.');
    expect((await conversationOf(chat)).lookups?.map((lookup) => lookup.outcome)).toEqual([
      'not-found',
      'found',
    ]);
  });

  it('sends only the validated value: the rest of an injection attempt never reaches the request', async () => {
    // nock refuses any request not set up here: a call to another host or path would fail the test.
    nock(ORDERS).get('/api/orders/A1234567').reply(200, SHIPPED);
    const chat = await start();
    await chat.ask('track my order');
    const invalid = await chat.ask('../../admin?x=1%2F..');
    expect(invalid.text).toContain("That doesn't look like an order number.");
    const answer = await chat.ask('../../admin?x=1#A1234567@evil.test');
    expect(answer.text).toBe('Order A1234567 is shipped with SF Express, expected on 2026-11-25.');
  });

  it('checks the refund status of an order', async () => {
    nock(ORDERS)
      .get('/api/orders/A1234567/refund')
      .reply(200, { status: 'completed', amount: '129.00', currency: 'CNY', reference: 'RF889' });
    const chat = await start();
    await chat.ask('check my refund status');
    const answer = await chat.ask('A1234567');
    expect(answer.text).toBe('The refund for order A1234567 is completed: 129.00 CNY, reference RF889.');
  });

  it('gives the static answer when ORDERS_API_URL is not set', async () => {
    const chat = await start({});
    const answer = await chat.ask('where is my order A1234567?');
    expect(answer.text).toContain('Open "My orders" and tap the order');
    expect((await conversationOf(chat)).lookups).toBeUndefined();
  });
});
