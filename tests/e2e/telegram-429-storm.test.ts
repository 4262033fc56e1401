/**
 * A 429 storm from the Telegram Bot API (faked on nock) while two customers each send three
 * questions in a burst: every answer is delivered, each chat's answers keep their order, and
 * sends to one chat stay at least a second apart (Telegram's per-chat limit).
 */
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postUpdate, startWebhookSwitchboard, update } from '../adapters/telegram/telegram-kit.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';

let server: RunningSwitchboard | undefined;

afterEach(async () => {
  await server?.close();
  nock.cleanAll();
});

const QUESTIONS = [
  'where is my parcel?',
  'how long does a refund take?',
  'what payment methods do you accept?',
];

describe('Telegram 429 storm', () => {
  it('delivers every answer, in order per chat, within the per-chat limit', async () => {
    const started = await startWebhookSwitchboard();
    server = started.server;
    const { api } = started;
    const tooMany = {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    };
    for (let i = 0; i < 4; i++) api.failNextSend(429, tooMany);

    const chats = [91001, 91002];
    let id = 800_000;
    await Promise.all(
      chats.map(async (chat) => {
        for (const text of QUESTIONS) {
          const body = update('update_text_private');
          body.update_id = ++id;
          Object.assign(body.message as Record<string, unknown>, {
            message_id: id,
            text,
            chat: { id: chat, type: 'private', first_name: 'C' },
            from: { id: chat, is_bot: false, first_name: 'C' },
          });
          expect((await postUpdate(started.server, body)).status).toBe(200);
        }
      }),
    );

    await vi.waitFor(() => expect(api.delivered()).toHaveLength(chats.length * QUESTIONS.length), {
      timeout: 20_000,
      interval: 50,
    });
    expect(api.calls.filter((call) => !call.ok)).toHaveLength(4);
    for (const chat of chats) {
      const sent = api.delivered().filter((call) => call.body.chat_id === chat);
      const texts = sent.map((call) => String(call.body.text));
      // The answers in the order asked: parcel, refund, payment.
      expect(texts[0]).toMatch(/My orders|我的订单|order/i);
      expect(texts[1]).toMatch(/refund/i);
      expect(texts[2]).toMatch(/pay/i);
    }
    for (const chat of chats) {
      const at = api
        .delivered()
        .filter((call) => call.body.chat_id === chat)
        .map((call) => call.at);
      for (let i = 1; i < at.length; i++) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(950);
    }
  }, 30_000);
});
