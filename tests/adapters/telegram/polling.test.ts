/**
 * Black box, polling mode: no PUBLIC_URL, the Bot API is telegram-test-api's emulator on
 * 127.0.0.1, and a customer writes through its client the way a Telegram app would.
 */
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { BOT_TOKEN } from './telegram-kit.js';

interface BotMessage {
  message: { text: string; reply_markup?: string | { inline_keyboard: { callback_data: string }[][] } };
}

describe('telegram polling mode against the Bot API emulator', () => {
  let emulator: TelegramServer;
  let server: RunningSwitchboard;

  beforeEach(async () => {
    emulator = new TelegramServer({ host: '127.0.0.1', port: await freePort() });
    await emulator.start();
    server = await startSwitchboard(
      testConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: emulator.config.apiURL }),
    );
  });

  afterEach(async () => {
    await server?.close();
    await emulator?.stop();
  });

  /** The emulator's customer: user and chat 1, a private chat. */
  const customer = () => emulator.getClient(BOT_TOKEN, { timeout: 10_000, interval: 50 });

  it('polls, answers a customer from the knowledge base, and reports itself up', async () => {
    const client = customer();
    await client.sendMessage(client.makeMessage('where is my parcel?'));
    const { result } = (await client.getUpdates()) as unknown as { result: BotMessage[] };
    expect(result[0]?.message.text).toMatch(/My orders/);

    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      channels: Record<string, unknown>;
    };
    expect(ready.channels.telegram).toEqual({ state: 'up', detail: 'polling as @TestNameBot' });
    const conversation = await server.conversations.findOpenConversation({
      channel: 'telegram',
      chatId: '1',
      userId: '1',
    });
    expect(conversation?.lastIntent).toBe('order.track');
  });

  it('a pressed button reaches the pipeline through polling', async () => {
    const client = customer();
    await client.sendMessage(client.makeMessage('where is my parcel?'));
    const { result } = (await client.getUpdates()) as unknown as { result: BotMessage[] };
    const markup = result[0]?.message.reply_markup;
    const keyboard = typeof markup === 'string' ? JSON.parse(markup) : markup;
    const data: string = keyboard.inline_keyboard[0][0].callback_data;
    expect(data).toMatch(/^kb:/);

    await client.sendCallback(client.makeCallbackQuery(data, { message: { message_id: 1 } }));
    const second = (await client.getUpdates()) as unknown as { result: BotMessage[] };
    expect(second.result).toHaveLength(1);
    const conversation = await server.conversations.findOpenConversation({
      channel: 'telegram',
      chatId: '1',
      userId: '1',
    });
    expect(conversation?.lastIntent).toBe(data.slice('kb:'.length));
  });
});

describe('telegram polling shutdown', () => {
  it('ends an open long poll at once: close takes nowhere near the 25 s poll', async () => {
    // The emulator answers getUpdates at once; this stand-in holds it open, as Telegram does.
    let held: IncomingMessage | undefined;
    const api = createHttpServer((req, res) => {
      if (req.url?.endsWith('/getUpdates')) {
        held = req;
        return;
      }
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          ok: true,
          result: req.url?.endsWith('/getMe') ? { id: 1, is_bot: true, username: 'held_bot' } : true,
        }),
      );
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const { port } = api.address() as AddressInfo;
    const switchboard = await startSwitchboard(
      testConfig({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` }),
    );
    await vi.waitFor(() => expect(held).toBeDefined(), { timeout: 5_000, interval: 20 });
    const aborted = new Promise((resolve) => held?.once('close', resolve));
    const started = Date.now();
    await switchboard.close();
    await aborted;
    expect(Date.now() - started).toBeLessThan(2_000);
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
