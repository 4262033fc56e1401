/**
 * A stand-in for the Telegram Bot API and the Slack Web API on 127.0.0.1, for the webhook
 * benchmarks: it answers every method the adapters call with a well-formed success and counts the
 * messages the bot sends, so the benchmark measures Switchboard, not a remote platform.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlatformStub {
  url: string;
  /** Messages the bot sent (sendMessage, chat.postMessage) so far. */
  sent(): number;
  /** Called with each API call as it arrives: the method and its parsed body. */
  onCall(listener: (method: string, body: Record<string, unknown>) => void): void;
  close(): Promise<void>;
}

const BOT = { id: 900_000_001, username: 'switchboard_bench_bot' };

export async function startPlatformStub(): Promise<PlatformStub> {
  let sent = 0;
  let messageId = 0;
  const listeners: Array<(method: string, body: Record<string, unknown>) => void> = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const method = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
    if (method === 'sendMessage' || method === 'chat.postMessage') sent++;
    for (const listener of listeners) listener(method, body);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer(method, body, ++messageId)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent: () => sent,
    onCall: (listener) => {
      listeners.push(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(method: string, body: Record<string, unknown>, messageId: number): unknown {
  switch (method) {
    case 'getMe':
      return { ok: true, result: { ...BOT, is_bot: true, first_name: 'Bench' } };
    case 'sendMessage':
      return {
        ok: true,
        result: {
          message_id: messageId,
          date: 0,
          chat: { id: Number(body.chat_id), type: 'private' },
          text: body.text,
        },
      };
    case 'auth.test':
      return { ok: true, user_id: 'U0BOTUSER1', bot_id: 'B0BOTID001', team_id: 'T123ABC456' };
    case 'chat.postMessage':
      return { ok: true, channel: body.channel, ts: `1700000000.${String(messageId).padStart(6, '0')}` };
    default:
      return { ok: true, result: true };
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}
