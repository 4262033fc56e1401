/**
 * What the Telegram tests share: the recorded updates in ./fixtures (copied from the shared
 * fixture set, see its README), a Bot API stand-in on nock that records every call, and a
 * Switchboard in webhook mode pointed at it.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import type { SwitchboardOptions } from '../../../src/server.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';

export const API_ROOT = 'https://api.telegram.test';
/** The bot of the fixtures (`my_cs_bot`); the token starts with its id, as real tokens do. */
export const BOT_USER = { id: 8765336106, is_bot: true, first_name: 'CS Bot', username: 'my_cs_bot' };
export const BOT_TOKEN = `${BOT_USER.id}:AAHfake-token-for-tests_0123456789`;
export const HEADERS = fixture('headers_webhook') as Record<
  'valid' | 'wrong_secret' | 'missing_secret',
  Record<string, string>
>;
export const SECRET = HEADERS.valid['X-Telegram-Bot-Api-Secret-Token'] ?? '';
/** The customer of the fixtures. */
export const CUSTOMER_ID = 7527593;

export type Update = Record<string, unknown> & { update_id: number };

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
}

export function update(name: string): Update {
  return fixture(name) as Update;
}

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
  /** False when the stand-in answered with an error. */
  ok: boolean;
  /** When the call arrived (ms since the epoch). */
  at: number;
}

/** The Bot API at API_ROOT: answers every method, records each call, fails sends on request. */
export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  readonly #failures: { status: number; body: unknown }[] = [];
  #messageId = 5000;

  constructor() {
    nock(API_ROOT)
      .persist()
      .post(/^\/bot[^/]+\/\w+$/)
      .reply((uri, requestBody) => this.#answer(uri, requestBody));
  }

  /** The next send* call gets this answer instead of success. */
  failNextSend(status: number, body: unknown): void {
    this.#failures.push({ status, body });
  }

  /** Calls of one method, delivered or not. */
  calledWith(method: string): Record<string, unknown>[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.body);
  }

  /** send* calls Telegram accepted, in order. */
  delivered(): ApiCall[] {
    return this.calls.filter((call) => call.method.startsWith('send') && call.ok);
  }

  #answer(uri: string, requestBody: unknown): [number, string, Record<string, string>] {
    const method = uri.slice(uri.lastIndexOf('/') + 1);
    const body = (typeof requestBody === 'string' ? JSON.parse(requestBody || '{}') : requestBody) as Record<
      string,
      unknown
    >;
    const failure = method.startsWith('send') ? this.#failures.shift() : undefined;
    this.calls.push({ method, body, ok: !failure, at: Date.now() });
    return withLength(
      failure?.status ?? 200,
      failure ? failure.body : { ok: true, result: this.#result(method, body) },
    );
  }

  #result(method: string, body: Record<string, unknown>): unknown {
    if (method === 'getMe') return BOT_USER;
    if (!method.startsWith('send')) return true;
    return {
      message_id: ++this.#messageId,
      from: BOT_USER,
      chat: { id: body.chat_id, type: Number(body.chat_id) < 0 ? 'supergroup' : 'private' },
      date: Math.floor(Date.now() / 1000),
      ...(typeof body.text === 'string' ? { text: body.text } : {}),
    };
  }
}

/**
 * telegraf's node-fetch sends `Connection: keep-alive` and then waits for the end of a chunked
 * body that nock never ends; a Content-Length makes the answer complete, as Telegram's are.
 */
function withLength(status: number, body: unknown): [number, string, Record<string, string>] {
  const json = JSON.stringify(body);
  return [
    status,
    json,
    { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(json)) },
  ];
}

/** A Switchboard in webhook mode whose Bot API is a FakeBotApi. */
export async function startWebhookSwitchboard(
  env: Record<string, string> = {},
  options: Omit<SwitchboardOptions, 'logger'> = {},
): Promise<{ server: RunningSwitchboard; api: FakeBotApi }> {
  const api = new FakeBotApi();
  const server = await startSwitchboard(
    testConfig({
      TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://bot.example',
      TELEGRAM_API_ROOT: API_ROOT,
      ...env,
    }),
    options,
  );
  return { server, api };
}

export function postUpdate(
  server: RunningSwitchboard,
  body: unknown,
  headers: Record<string, string> = HEADERS.valid,
): Promise<Response> {
  return fetch(`${server.url}/webhooks/telegram`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Telegram HTML back to the text the customer reads. */
export function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
