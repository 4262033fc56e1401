/**
 * The shared channel contract, driven through the real webhook route with the Bot API on nock.
 */
import nock from 'nock';
import { type CapturedSend, type ContractHarness, describeChannelContract } from '../channel-contract.js';
import {
  BOT_USER,
  CUSTOMER_ID,
  fixture,
  HEADERS,
  postUpdate,
  startWebhookSwitchboard,
  unescapeHtml,
} from './telegram-kit.js';

const FILE_METHODS = new Set(['sendPhoto', 'sendDocument', 'sendSticker', 'sendLocation', 'sendContact']);
const customer = { id: CUSTOMER_ID, is_bot: false, first_name: 'Test User', language_code: 'en' };
const chat = { id: CUSTOMER_ID, first_name: 'Test User', type: 'private' };

describeChannelContract('telegram', async (): Promise<ContractHarness> => {
  const { server, api } = await startWebhookSwitchboard();
  let nextId = 200_000;
  const updateIds = new Map<string, number>();
  const updateId = (deliveryId?: string) => {
    if (deliveryId === undefined) return ++nextId;
    const known = updateIds.get(deliveryId) ?? ++nextId;
    updateIds.set(deliveryId, known);
    return known;
  };
  const message = (extra: Record<string, unknown>, from: object = customer) => ({
    message_id: ++nextId,
    from,
    chat,
    date: Math.floor(Date.now() / 1000),
    ...extra,
  });
  const deliver = async (body: object) => {
    const response = await postUpdate(server, body);
    if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  };

  return {
    switchboard: server,
    address: { channel: 'telegram', chatId: String(CUSTOMER_ID), userId: String(CUSTOMER_ID) },
    customerSays: (text, options) =>
      deliver({ update_id: updateId(options?.deliveryId), message: message({ text }) }),
    customerPresses: (payload) =>
      deliver({
        update_id: updateId(),
        callback_query: {
          id: String(++nextId),
          from: customer,
          message: message({ text: 'Pick one' }, BOT_USER),
          chat_instance: '-1',
          data: payload,
        },
      }),
    customerSendsImage: () =>
      deliver({
        update_id: updateId(),
        message: message({
          photo: [{ file_id: 'AgACfake_photo', file_unique_id: 'u1', width: 800, height: 600 }],
        }),
      }),
    botEchoes: (text) => deliver({ update_id: updateId(), message: message({ text }, BOT_USER) }),
    forgedDelivery: async (text) =>
      (await postUpdate(server, { update_id: updateId(), message: message({ text }) }, HEADERS.wrong_secret))
        .status,
    sent: () =>
      api
        .delivered()
        .filter(({ body }) => body.chat_id === CUSTOMER_ID)
        .map(({ method, body }): CapturedSend => {
          const markup = body.reply_markup as { inline_keyboard?: { text: string }[][] } | undefined;
          return {
            text: unescapeHtml(String(body.text ?? body.caption ?? '')),
            buttons: (markup?.inline_keyboard ?? []).flat().map((button) => button.text),
            attachments: FILE_METHODS.has(method) ? 1 : 0,
          };
        }),
    rateLimitNextSend: (seconds) =>
      api.failNextSend(429, { ...fixture('error_429'), parameters: { retry_after: seconds } }),
    stop: async () => {
      await server.close();
      nock.cleanAll();
    },
  };
});
