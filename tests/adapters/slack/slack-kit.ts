/**
 * What the Slack tests share: the recorded payloads, Slack's request signing (re-done with the
 * current time), a fake Web API on a nock host that records every call, and a Switchboard with
 * the Slack channel on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { signSlackRequest } from '../../../src/adapters/slack/verify.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
export const SIGNING_SECRET = 'test_signing_secret_do_not_use';
export const BOT_TOKEN = 'xoxb-test-bot-token';
export const API_HOST = 'https://slack.test';
export const BOT_USER = 'U0BOTUSER1';
export const BOT_ID = 'B0BOTID001';
export const CUSTOMER = 'U061F7AUR';
export const AGENT_CHANNEL = 'C0AGENTS01';
export const DM = 'D0CUSTOMER1';

export const SLACK_ENV = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: `${API_HOST}/api/`,
  SLACK_AGENT_CHANNEL: AGENT_CHANNEL,
};

export function fixtureBytes(name: string): Buffer {
  return readFileSync(join(FIXTURES, name));
}

// biome-ignore lint/suspicious/noExplicitAny: recorded payloads are edited freely in tests
export function fixture(name: string): any {
  return JSON.parse(fixtureBytes(name).toString('utf8'));
}

/** A recorded channel event replayed as if the customer had written it in a DM with the app. */
// biome-ignore lint/suspicious/noExplicitAny: see fixture()
export function asDirectMessage(envelope: any, channel = DM): any {
  envelope.event.channel = channel;
  envelope.event.channel_type = 'im';
  return envelope;
}

/** One chat.postMessage (or other method) call as the fake Web API received it. */
export interface ApiCall {
  method: string;
  params: Record<string, string>;
  authorization: string | undefined;
  /** False when the fake answered with an error (failNext). */
  ok: boolean;
}

type Reply = [status: number, body: unknown, headers?: Record<string, string>];

/** The Slack Web API, faked on a nock host: auth.test knows our bot; every call is recorded. */
export class FakeSlackApi {
  readonly calls: ApiCall[] = [];
  readonly #failures: Reply[] = [];
  #posted = 0;

  readonly #options: { authError?: string; socketUrl?: string };

  /** `authError` makes auth.test refuse the token; `socketUrl` is what apps.connections.open hands out. */
  constructor(options: { authError?: string; socketUrl?: string } = {}) {
    this.#options = options;
    const answer = (uri: string, body: unknown, authorization: string | undefined) =>
      this.#answer({
        method: uri.replace('/api/', ''),
        params: Object.fromEntries(new URLSearchParams(String(body))),
        authorization,
        ok: true,
      });
    nock(API_HOST)
      .persist()
      .post(/^\/api\/[\w.]+$/)
      .reply(function (uri, body) {
        // nock hands over the request only as `this`.
        const header = this.req.headers.authorization;
        return answer(uri, body, Array.isArray(header) ? header[0] : header);
      });
  }

  /** The next chat.postMessage gets this answer instead of ok. */
  failNext(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.#failures.push([status, body, headers]);
  }

  /** What customers got: chat.postMessage outside the agent channel. */
  posts(): Record<string, string>[] {
    return this.succeeded('chat.postMessage').filter((params) => params.channel !== AGENT_CHANNEL);
  }

  /** The agent desk's posts: cards, thread posts, escalations. */
  deskPosts(): Record<string, string>[] {
    return this.succeeded('chat.postMessage').filter((params) => params.channel === AGENT_CHANNEL);
  }

  /** Successful calls of one method, with their parameters. */
  succeeded(method: string): Record<string, string>[] {
    return this.calls.filter((call) => call.method === method && call.ok).map((call) => call.params);
  }

  #answer(call: ApiCall): Reply {
    const { method, params } = call;
    this.calls.push(call);
    if (method === 'auth.test') {
      if (this.#options.authError) return [200, { ok: false, error: this.#options.authError }];
      return [
        200,
        {
          ok: true,
          url: 'https://example.slack.com/',
          team_id: 'T123ABC456',
          user_id: BOT_USER,
          bot_id: BOT_ID,
        },
      ];
    }
    if (method === 'chat.postMessage') {
      const failure = this.#failures.shift();
      if (failure) {
        call.ok = false;
        return failure;
      }
      this.#posted++;
      return [
        200,
        { ok: true, channel: params.channel, ts: `1767400000.${String(this.#posted).padStart(6, '0')}` },
      ];
    }
    if (method === 'chat.update') {
      return [200, { ok: true, channel: params.channel, ts: params.ts, text: params.text }];
    }
    if (method === 'chat.postEphemeral') {
      return [200, { ok: true, message_ts: `1767500000.${String(this.calls.length).padStart(6, '0')}` }];
    }
    if (method === 'apps.connections.open' && this.#options.socketUrl) {
      return [200, { ok: true, url: this.#options.socketUrl }];
    }
    return [200, { ok: false, error: 'unknown_method' }];
  }
}

export interface SignOptions {
  secret?: string;
  timestamp?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to the running server the way Slack does: signed over its exact bytes. */
export async function postSigned(
  server: RunningSwitchboard,
  path: string,
  body: string | Buffer,
  options: SignOptions & { contentType?: string } = {},
): Promise<Response> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': options.contentType ?? 'application/json',
      'X-Slack-Request-Timestamp': timestamp,
      'X-Slack-Signature': signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, bytes),
      ...options.headers,
    },
    body: bytes,
  });
}

export function postEvent(server: RunningSwitchboard, envelope: unknown, options: SignOptions = {}) {
  const body = Buffer.isBuffer(envelope) ? envelope : JSON.stringify(envelope);
  return postSigned(server, '/webhooks/slack/events', body, options);
}

export function postInteraction(server: RunningSwitchboard, payload: unknown, options: SignOptions = {}) {
  const form = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(server, '/webhooks/slack/interactions', form, {
    ...options,
    contentType: 'application/x-www-form-urlencoded',
  });
}

/** A DM message event from the customer, as Slack sends it. */
export function directMessage(
  text: string,
  options: { ts: string; eventId?: string; user?: string; extra?: object },
) {
  return {
    token: 'XXYYZZ',
    team_id: 'T123ABC456',
    api_app_id: 'A123ABC456',
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${options.ts.replace('.', '')}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: options.user ?? CUSTOMER,
      text,
      ts: options.ts,
      event_ts: options.ts,
      ...options.extra,
    },
  };
}

/** A press of one of our quick-reply buttons on a message the bot posted in the DM. */
export function buttonPress(payload: string, label: string, actionTs: string) {
  return {
    type: 'block_actions',
    user: { id: CUSTOMER, username: 'customer', team_id: 'T123ABC456' },
    api_app_id: 'A123ABC456',
    container: { type: 'message', message_ts: '1767400000.000001', channel_id: DM, is_ephemeral: false },
    trigger_id: `trigger-${actionTs}`,
    team: { id: 'T123ABC456', domain: 'example' },
    channel: { id: DM, name: 'directmessage' },
    message: { type: 'message', ts: '1767400000.000001', text: 'Pick one', user: BOT_USER, bot_id: BOT_ID },
    actions: [
      {
        type: 'button',
        action_id: 'switchboard_qr_0',
        block_id: 'b1',
        text: { type: 'plain_text', text: label, emoji: true },
        value: payload,
        action_ts: actionTs,
      },
    ],
  };
}

/** A press of one of the card's buttons, as Slack's interactivity payload carries it. */
export function cardPress(
  actionId: string,
  options: { cardTs: string; user: string; actionTs: string; value?: string },
) {
  return {
    type: 'block_actions',
    user: { id: options.user, username: options.user.toLowerCase(), team_id: 'T123ABC456' },
    api_app_id: 'A123ABC456',
    container: {
      type: 'message',
      message_ts: options.cardTs,
      channel_id: AGENT_CHANNEL,
      is_ephemeral: false,
    },
    trigger_id: `trigger-${options.actionTs}-${options.user}`,
    team: { id: 'T123ABC456', domain: 'example' },
    channel: { id: AGENT_CHANNEL, name: 'support-desk' },
    message: { type: 'message', ts: options.cardTs, text: 'Ticket', user: BOT_USER, bot_id: BOT_ID },
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'switchboard_desk',
        text: { type: 'plain_text', text: actionId, emoji: true },
        value: options.value ?? 'x',
        action_ts: options.actionTs,
      },
    ],
  };
}

export async function startSlackSwitchboard(env: Record<string, string> = {}): Promise<RunningSwitchboard> {
  return startSwitchboard(testConfig({ ...SLACK_ENV, ...env }));
}

/** Slack's escaping undone: what the customer reads. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
