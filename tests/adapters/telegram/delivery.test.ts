/** One Bot API attempt and what the OutboundChain learns from it; the webhook secret check. */
import nock from 'nock';
import { Telegram } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { deliver, TELEGRAM_DELIVERY_POLICY } from '../../../src/adapters/telegram/delivery.js';
import { renderOutbound } from '../../../src/adapters/telegram/render.js';
import { isGenuineDelivery } from '../../../src/adapters/telegram/verify.js';
import type { Address } from '../../../src/core/model.js';
import { DeliveryError } from '../../../src/core/outbound.js';
import { API_ROOT, BOT_TOKEN, FakeBotApi, fixture, SECRET } from './telegram-kit.js';

const PRIVATE: Address = { channel: 'telegram', chatId: '7527593', userId: '7527593' };
const telegram = new Telegram(BOT_TOKEN, { apiRoot: API_ROOT, webhookReply: false });

function callsFor(text: string, attachments: [] | [{ kind: 'image'; platformFileId: string }] = []) {
  return renderOutbound(
    {
      id: 'msg_x',
      conversationId: 'conv_x',
      seq: 1,
      role: 'bot',
      text,
      quickReplies: [],
      attachments,
      locale: 'en',
    },
    PRIVATE,
  ).calls;
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

afterEach(() => {
  nock.cleanAll();
});

describe('deliver', () => {
  it('a 429 waits as long as parameters.retry_after says (error_429.json)', async () => {
    const api = new FakeBotApi();
    api.failNextSend(429, fixture('error_429'));
    const [call] = callsFor('hello');
    if (!call) throw new Error('no call');
    const error = await failure(deliver(telegram, call));
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryAfterMs: 35_000, permanent: false });
  });

  it('a 400 on HTML is sent once more as plain text (error_400_parse.json)', async () => {
    const api = new FakeBotApi();
    api.failNextSend(400, fixture('error_400_parse'));
    const [call] = callsFor('9.99 < 10 & more');
    if (!call) throw new Error('no call');
    await deliver(telegram, call);
    expect(api.calledWith('sendMessage')).toEqual([
      { chat_id: 7527593, text: '9.99 &lt; 10 &amp; more', parse_mode: 'HTML' },
      { chat_id: 7527593, text: '9.99 < 10 & more' },
    ]);
  });

  it('a 400 that the plain copy also gets is permanent: never retried', async () => {
    const api = new FakeBotApi();
    api.failNextSend(400, fixture('error_400_parse'));
    api.failNextSend(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    const [call] = callsFor('hello');
    if (!call) throw new Error('no call');
    expect(await failure(deliver(telegram, call))).toMatchObject({ permanent: true });
    expect(api.calledWith('sendMessage')).toHaveLength(2);
  });

  it('a 403 (the customer blocked the bot) is permanent; a 5xx is retried', async () => {
    const api = new FakeBotApi();
    api.failNextSend(403, {
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    api.failNextSend(502, 'Bad Gateway');
    const [photo] = callsFor('', [{ kind: 'image', platformFileId: 'AgAC_file' }]);
    if (!photo) throw new Error('no call');
    expect(await failure(deliver(telegram, photo))).toMatchObject({ permanent: true });
    expect(await failure(deliver(telegram, photo))).toMatchObject({
      permanent: false,
      retryAfterMs: undefined,
    });
  });
});

describe('TELEGRAM_DELIVERY_POLICY', () => {
  it('paces at 30 messages a second overall, 1 a second per chat, 20 a minute per group', () => {
    expect(1000 / TELEGRAM_DELIVERY_POLICY.globalMinTimeMs).toBeLessThanOrEqual(30);
    expect(TELEGRAM_DELIVERY_POLICY.chatMinTimeMs(PRIVATE)).toBe(1000);
    expect(TELEGRAM_DELIVERY_POLICY.chatMinTimeMs({ ...PRIVATE, chatId: '-1001234567890' })).toBe(3000);
  });
});

describe('isGenuineDelivery', () => {
  it('accepts only the exact secret', () => {
    expect(isGenuineDelivery(SECRET, SECRET)).toBe(true);
    expect(isGenuineDelivery(SECRET, 'wrong')).toBe(false);
    expect(isGenuineDelivery(SECRET, `${SECRET}x`)).toBe(false);
    expect(isGenuineDelivery(SECRET, '')).toBe(false);
    expect(isGenuineDelivery(SECRET, undefined)).toBe(false);
  });
});
