/**
 * The durable outbox as an operator meets it: a real server process answers Telegram customers
 * while the Bot API hangs, is killed with SIGKILL with those answers unsent, and after a restart
 * each one reaches the customer exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_TOKEN, BOT_USER, HEADERS, SECRET, update } from '../adapters/telegram/telegram-kit.js';
import { tempDir } from '../helpers/switchboard.js';

/** A Bot API on this machine: answers getMe/setWebhook, and sendMessage only while `answering`. */
class LocalBotApi {
  readonly accepted: string[] = [];
  readonly held: ServerResponse[] = [];
  answering = false;
  readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => void this.#handle(request, response));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of request) body += chunk;
    const method = request.url?.split('/').at(-1) ?? '';
    const params = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (method === 'sendMessage' && !this.answering) {
      this.held.push(response); // never answered: the process dies first
      return;
    }
    if (method === 'sendMessage') this.accepted.push(String(params.text));
    const result =
      method === 'getMe'
        ? BOT_USER
        : method === 'sendMessage'
          ? { message_id: this.accepted.length, chat: { id: params.chat_id, type: 'private' }, date: 0 }
          : true;
    const json = JSON.stringify({ ok: true, result });
    response.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    response.end(json);
  }

  close(): void {
    for (const response of this.held) response.destroy();
    this.server.close();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createNetServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function startServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: 'ignore',
  });
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const up = (url: string) => () =>
  fetch(`${url}/healthz`).then(
    (response) => response.ok,
    () => false,
  );

let api: LocalBotApi | undefined;
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill('SIGKILL');
  api?.close();
});

describe('durable outbox', () => {
  it('sends each answer exactly once after the server is killed with its answers unsent', async () => {
    api = new LocalBotApi();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      STORE_URL: `sqlite://${join(tempDir(), 'outbox.sqlite')}`,
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: await api.listen(),
      PUBLIC_URL: 'https://bot.example',
    };
    child = startServer(env);
    await until(up(url), 'the server');

    // Three customers ask; the answers are recorded and queued, but the Bot API never answers.
    const questions = [
      'where is my parcel?',
      'how long does a refund take?',
      'what payment methods do you accept?',
    ];
    for (const [index, text] of questions.entries()) {
      const body = update('update_text_private');
      body.update_id = 500_000 + index;
      Object.assign(body.message as Record<string, unknown>, {
        message_id: 500_000 + index,
        text,
        chat: { id: 9100 + index, type: 'private', first_name: 'C' },
        from: { id: 9100 + index, is_bot: false, first_name: 'C' },
      });
      const response = await fetch(`${url}/webhooks/telegram`, {
        method: 'POST',
        headers: HEADERS.valid,
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
    }
    await until(() => api?.held.length === questions.length, 'the three sends to reach the Bot API');

    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    expect(api.accepted).toEqual([]);

    api.answering = true;
    child = startServer(env);
    await until(() => (api?.accepted.length ?? 0) >= questions.length, 'the answers after the restart');
    // Time for a duplicate to show up, if there were going to be one.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(api.accepted).toHaveLength(questions.length);
    expect(new Set(api.accepted).size).toBe(questions.length);
  }, 60_000);
});
