/**
 * Every recorded update replayed through the real route, `POST /webhooks/telegram`, of a running
 * Switchboard; assertions on the Bot API calls (nock) and on the store.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Address } from '../../../src/core/model.js';
import type { RunningSwitchboard } from '../../helpers/switchboard.js';
import {
  CUSTOMER_ID,
  type FakeBotApi,
  fixture,
  HEADERS,
  postUpdate,
  SECRET,
  startWebhookSwitchboard,
  type Update,
  update,
} from './telegram-kit.js';

const WAIT = { timeout: 10_000, interval: 20 };
const PRIVATE: Address = { channel: 'telegram', chatId: String(CUSTOMER_ID), userId: String(CUSTOMER_ID) };
const GROUP: Address = { channel: 'telegram', chatId: '-1001234567890', userId: String(CUSTOMER_ID) };

let server: RunningSwitchboard;
let api: FakeBotApi;

beforeEach(async () => {
  ({ server, api } = await startWebhookSwitchboard());
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

async function transcript(address: Address = PRIVATE) {
  const conversation = await server.conversations.findOpenConversation(address);
  return conversation ? server.conversations.listMessages(conversation) : [];
}

/** Posts a fixture (by name) or an update built from one, with the right secret. */
async function replay(source: string | Update): Promise<Response> {
  const response = await postUpdate(server, typeof source === 'string' ? update(source) : source);
  expect(response.status).toBe(200);
  return response;
}

/** Replays a customer message and waits for the bot's one answer. */
async function replayAndAwaitAnswer(name: string) {
  await replay(name);
  await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
  const [customer] = await transcript();
  if (!customer) throw new Error('nothing recorded');
  return customer;
}

describe('telegram webhook mode', () => {
  it('registers the webhook with its secret at start and reports itself up on /readyz', async () => {
    expect(api.calledWith('getMe')).toHaveLength(1);
    expect(api.calledWith('setWebhook')).toEqual([
      {
        url: 'https://bot.example/webhooks/telegram',
        secret_token: SECRET,
        allowed_updates: ['message', 'edited_message', 'callback_query'],
      },
    ]);
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      channels: Record<string, unknown>;
    };
    expect(ready.channels.telegram).toEqual({ state: 'up', detail: 'webhook as @my_cs_bot' });
  });

  it('answers a private text in the same chat, as HTML, and records both sides', async () => {
    const customer = await replayAndAwaitAnswer('update_text_private');
    expect(customer).toMatchObject({
      role: 'customer',
      text: 'hi, where is my order #1234?',
      platformMessageId: '133',
    });
    const [answer] = api.delivered();
    expect(answer?.method).toBe('sendMessage');
    expect(answer?.body).toMatchObject({ chat_id: CUSTOMER_ID, parse_mode: 'HTML' });
    expect((await transcript()).map((m) => m.role)).toEqual(['customer', 'bot']);
    const customerRecord = await server.conversations.findCustomerByIdentity(`telegram:${CUSTOMER_ID}`);
    expect(customerRecord?.name).toBe('Test User');
  });

  it('answers a group message that @mentions the bot, without the mention', async () => {
    await replay('update_group_mention');
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    expect(api.delivered()[0]?.body.chat_id).toBe(-1001234567890);
    const [customer] = await transcript(GROUP);
    expect(customer?.text).toBe('refund please');
  });

  it('ignores a group message that neither mentions the bot nor replies to it', async () => {
    const chatter = update('update_group_mention') as Update & { message: Record<string, unknown> };
    chatter.message.text = 'anyone know a good pizza place?';
    delete chatter.message.entities;
    await replay('update_text_private'); // a control: this one is answered
    await postUpdate(server, chatter);
    await server.pipeline.drain();
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    expect(await server.conversations.findOpenConversation(GROUP)).toBeUndefined();
  });

  it('answers a group reply to one of its own messages', async () => {
    const reply = update('update_group_mention') as Update & { message: Record<string, unknown> };
    reply.message.text = 'and a refund please';
    delete reply.message.entities;
    reply.message.reply_to_message = {
      message_id: 70,
      from: { id: 8765336106, is_bot: true, first_name: 'CS Bot', username: 'my_cs_bot' },
      chat: { id: -1001234567890, type: 'supergroup' },
      date: 1767224890,
      text: 'How can I help?',
    };
    await replay(reply);
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    expect((await transcript(GROUP))[0]?.text).toBe('and a refund please');
  });

  it('records the largest photo size with its caption', async () => {
    const customer = await replayAndAwaitAnswer('update_photo');
    expect(customer.text).toBe('broken item, see photo');
    expect(customer.attachments).toEqual([
      { kind: 'image', platformFileId: 'AgACAgQAAxkBAAIBhmXfake_large', size: 68234 },
    ]);
  });

  it('records a document with its name, type and size', async () => {
    const customer = await replayAndAwaitAnswer('update_document');
    expect(customer.attachments).toEqual([
      {
        kind: 'file',
        platformFileId: 'BQACAgQAAxkBAAIBh2Xfake_doc',
        name: 'invoice.pdf',
        mime: 'application/pdf',
        size: 48213,
      },
    ]);
  });

  it('records a voice message as audio and hands it to a person', async () => {
    const customer = await replayAndAwaitAnswer('update_voice');
    expect(customer.attachments).toEqual([
      { kind: 'audio', platformFileId: 'AwACAgQAAxkBAAIBiGXfake_voice', mime: 'audio/ogg', size: 9472 },
    ]);
    expect((await server.conversations.findOpenConversation(PRIVATE))?.status).toBe('waiting');
  });

  it('records a location and a shared contact', async () => {
    await replay('update_location');
    await replay('update_contact');
    await vi.waitFor(async () => expect(await transcript()).toHaveLength(3), WAIT);
    const messages = await transcript();
    expect(messages[0]?.attachments).toEqual([
      { kind: 'location', latitude: 31.230416, longitude: 121.473701 },
    ]);
    expect(messages.find((m) => m.attachments[0]?.kind === 'contact')?.attachments).toEqual([
      { kind: 'contact', name: 'Test User', phone: '8613800138000' },
    ]);
  });

  it('a button press acts on its payload and stops the button spinning', async () => {
    await replay('update_callback_query');
    await vi.waitFor(() => expect(api.calledWith('answerCallbackQuery')).toHaveLength(1), WAIT);
    expect(api.calledWith('answerCallbackQuery')[0]).toEqual({ callback_query_id: '4382bfdwdsb323b2d9' });
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    const conversation = await server.conversations.findOpenConversation(PRIVATE);
    expect(conversation?.status).toBe('waiting');
    expect((await transcript())[0]?.text).toBe('Talk to a human'); // the pressed button's label
  });

  it('an edit is recorded on the original message and not answered again', async () => {
    await replayAndAwaitAnswer('update_text_private');
    await replay('update_edited_message');
    await server.pipeline.drain();
    const messages = await transcript();
    expect(messages).toHaveLength(2);
    expect(messages[0]?.text).toBe('hi, where is my order #1235? (typo fixed)');
    expect(messages[0]?.edits?.map((e) => e.text)).toEqual(['hi, where is my order #1234?']);
    expect(api.delivered()).toHaveLength(1);
  });

  it('keeps Markdown-looking text verbatim', async () => {
    const customer = await replayAndAwaitAnswer('update_markdown_special');
    expect(customer.text).toBe('price is 9.99! (discount_code: A*B) [link](http://x) `x` > quote #tag');
  });

  it('a poll is kept and answered politely', async () => {
    const poll = update('update_text_private') as Update & { message: Record<string, unknown> };
    poll.update_id = 100_100;
    delete poll.message.text;
    poll.message.poll = { id: '1', question: 'Which?', options: [], is_closed: false };
    await replay(poll);
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    expect((await transcript())[0]?.unsupportedKind).toBe('poll');
    expect(api.delivered()[0]?.body.text).toMatch(/打不开这种消息/); // the customer's Telegram is set to Chinese
  });

  it('a repeated update_id is answered once', async () => {
    await replay('update_text_private');
    await replay('update_text_private');
    await server.pipeline.drain();
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    expect(await transcript()).toHaveLength(2);
  });

  it.each(['wrong_secret', 'missing_secret'] as const)(
    'refuses a delivery with a %s: 403, nothing stored',
    async (kind) => {
      const response = await postUpdate(server, update('update_text_private'), HEADERS[kind]);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: { code: 'forbidden', message: expect.stringMatching(/X-Telegram-Bot-Api-Secret-Token/) },
      });
      await server.pipeline.drain();
      expect(await server.conversations.findOpenConversation(PRIVATE)).toBeUndefined();
      expect(api.delivered()).toEqual([]);
    },
  );

  it('answers a body that is not an update with a 400 JSON error', async () => {
    const notJson = await postUpdate(server, '{"update_id": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
    const notUpdate = await postUpdate(server, { message: { text: 'hi' } });
    expect(notUpdate.status).toBe(400);
    expect(((await notUpdate.json()) as { error: { code: string } }).error.code).toBe('invalid_update');
  });

  it('the error fixtures: a 400 on HTML is retried once as plain text', async () => {
    api.failNextSend(400, fixture('error_400_parse'));
    await replay('update_text_private');
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    const [formatted, plain] = api.calledWith('sendMessage');
    expect(formatted?.parse_mode).toBe('HTML');
    expect(plain?.parse_mode).toBeUndefined();
    expect((await transcript())[1]?.delivery).toBeUndefined();
  });
});
