/**
 * A quick reply whose payload is over Telegram's 64-byte callback_data limit: sent as a token,
 * resolved when pressed. Uses a knowledge base with a long entry id, as real ones can have.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Address } from '../../../src/core/model.js';
import { type RunningSwitchboard, tempDir } from '../../helpers/switchboard.js';
import {
  BOT_USER,
  CUSTOMER_ID,
  type FakeBotApi,
  postUpdate,
  startWebhookSwitchboard,
} from './telegram-kit.js';

const LONG_ID = 'returns.how-to-send-back-an-item-you-ordered-by-mistake-within-thirty-days';
const ADDRESS: Address = { channel: 'telegram', chatId: String(CUSTOMER_ID), userId: String(CUSTOMER_ID) };
const WAIT = { timeout: 10_000, interval: 20 };

let server: RunningSwitchboard;
let api: FakeBotApi;

beforeEach(async () => {
  const knowledge = join(tempDir(), 'knowledge');
  mkdirSync(knowledge);
  writeFileSync(
    join(knowledge, 'returns.yaml'),
    `entries:\n  - id: ${LONG_ID}\n    questions: [how do I return an item]\n    answer: Print the return label from My orders.\n`,
  );
  ({ server, api } = await startWebhookSwitchboard({ KNOWLEDGE_DIR: knowledge }));
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

function press(updateId: number, data: string, keyboard: unknown) {
  return postUpdate(server, {
    update_id: updateId,
    callback_query: {
      id: `cb${updateId}`,
      from: { id: CUSTOMER_ID, is_bot: false, first_name: 'Test', language_code: 'en' },
      message: {
        message_id: 9,
        from: BOT_USER,
        chat: { id: CUSTOMER_ID, type: 'private' },
        date: 1,
        text: 'Pick one',
        reply_markup: keyboard,
      },
      chat_instance: '1',
      data,
    },
  });
}

describe('long quick-reply payloads', () => {
  it('travel as a token within 64 bytes and answer their entry when pressed', async () => {
    const telegram = server.channels.get('telegram');
    await telegram?.send(ADDRESS, {
      id: 'msg_longpayload000000000',
      conversationId: 'conv_none',
      seq: 0,
      role: 'bot',
      text: 'Pick one',
      quickReplies: [{ label: 'Returns', payload: `kb:${LONG_ID}` }],
      attachments: [],
      locale: 'en',
    });
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    const keyboard = api.delivered()[0]?.body.reply_markup as {
      inline_keyboard: { callback_data: string }[][];
    };
    const data = keyboard.inline_keyboard[0]?.[0]?.callback_data ?? '';
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    expect((await press(300_001, data, keyboard)).status).toBe(200);
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(2), WAIT);
    expect(api.delivered()[1]?.body.text).toBe('Print the return label from My orders.');
    const conversation = await server.conversations.findOpenConversation(ADDRESS);
    expect(conversation?.lastIntent).toBe(LONG_ID);
  });

  it('an unknown token reads as the button label, with no action', async () => {
    const keyboard = {
      inline_keyboard: [[{ text: 'how do I return an item', callback_data: `~${'a'.repeat(22)}` }]],
    };
    await press(300_002, `~${'a'.repeat(22)}`, keyboard);
    await vi.waitFor(() => expect(api.delivered()).toHaveLength(1), WAIT);
    const conversation = await server.conversations.findOpenConversation(ADDRESS);
    if (!conversation) throw new Error('no conversation');
    const [customer] = await server.conversations.listMessages(conversation);
    expect(customer?.text).toBe('how do I return an item');
    expect(conversation.lastIntent).toBe(LONG_ID); // matched from the label's words
  });
});
