/**
 * The set-up the Telegram-customer, Slack-agents end-to-end tests share: a Switchboard with both
 * channels on (Bot API and Slack Web API faked on nock), and a customer writing on Telegram.
 */
import { expect } from 'vitest';
import type { SwitchboardOptions } from '../../src/server.js';
import { FakeSlackApi, SLACK_ENV } from '../adapters/slack/slack-kit.js';
import {
  type FakeBotApi,
  postUpdate,
  startWebhookSwitchboard,
  update,
} from '../adapters/telegram/telegram-kit.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';

export interface TelegramSlack {
  telegram: FakeBotApi;
  slack: FakeSlackApi;
  server: RunningSwitchboard;
}

/** `env`: more settings (e.g. ORDERS_API_URL); `options`: e.g. a clock the test moves. */
export async function startTelegramSlack(
  env: Record<string, string> = {},
  options: Omit<SwitchboardOptions, 'logger'> = {},
): Promise<TelegramSlack> {
  // Slack's Web API is faked first: the desk checks its token while the server starts.
  const slack = new FakeSlackApi();
  const { server, api: telegram } = await startWebhookSwitchboard({ ...SLACK_ENV, ...env }, options);
  return { telegram, slack, server };
}

let updateId = 900_000;

/** A Telegram update id no earlier update of this test file had. */
export function nextUpdateId(): number {
  return ++updateId;
}

/** The customer writes `text` on Telegram: the recorded private-chat update with new ids, acknowledged. */
export async function customerSends(server: RunningSwitchboard, text: string): Promise<void> {
  const body = update('update_text_private');
  body.update_id = nextUpdateId();
  Object.assign(body.message as Record<string, unknown>, { message_id: body.update_id, text });
  expect((await postUpdate(server, body)).status).toBe(200);
}
