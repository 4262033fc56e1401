/**
 * The survey on Telegram with the Slack agent desk, end to end through the real routes (Bot API
 * and Slack Web API faked on nock): an agent's Close posts the summary in the thread and asks the
 * customer with inline buttons; a low score, pressed or typed, alerts the agents' thread with a
 * follow-up ticket (opening a thread when the bot handled the chat alone); the comment follows it.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../src/core/model.js';
import { REPLIES } from '../../src/core/replies.js';
import { cardPress, type FakeSlackApi, postInteraction } from '../adapters/slack/slack-kit.js';
import {
  BOT_USER,
  CUSTOMER_ID,
  type FakeBotApi,
  postUpdate,
  unescapeHtml,
} from '../adapters/telegram/telegram-kit.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';
import { customerSends, nextUpdateId, startTelegramSlack } from './telegram-slack.js';

const WAIT = { timeout: 10_000, interval: 20 };
const ALICE = 'U0AGENT001';

let telegram: FakeBotApi;
let slack: FakeSlackApi;
let server: RunningSwitchboard;
let offset = 0;

beforeEach(async () => {
  offset = 0;
  ({ telegram, slack, server } = await startTelegramSlack({}, { clock: { now: () => Date.now() + offset } }));
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

async function customerWrites(text: string): Promise<void> {
  await customerSends(server, text);
}

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** The customer presses a button of the bot's last message that had buttons. */
async function customerPresses(data: string): Promise<void> {
  const keyboard = telegram
    .delivered()
    .map((call) => call.body.reply_markup as Keyboard | undefined)
    .filter((markup) => markup !== undefined)
    .at(-1);
  const id = nextUpdateId();
  const response = await postUpdate(server, {
    update_id: id,
    callback_query: {
      id: `cb${id}`,
      from: { id: CUSTOMER_ID, is_bot: false, first_name: 'Test User' },
      message: {
        message_id: 9,
        from: BOT_USER,
        chat: { id: CUSTOMER_ID, type: 'private' },
        date: 1,
        text: 'survey',
        reply_markup: keyboard,
      },
      chat_instance: '1',
      data,
    },
  });
  expect(response.status).toBe(200);
}

const toCustomer = () => telegram.delivered().map((call) => unescapeHtml(String(call.body.text ?? '')));
const lastToCustomer = () => telegram.delivered().at(-1)?.body;

async function latestConversation(): Promise<Conversation> {
  const customer = await server.conversations.findCustomerByIdentity(`telegram:${CUSTOMER_ID}`);
  const ids = customer ? await server.conversations.conversationIdsOf(customer.id) : [];
  const found = ids.length > 0 ? await server.conversations.getConversation(ids.at(-1) ?? '') : undefined;
  if (!found) throw new Error('no Telegram conversation');
  return found;
}

async function threadTs(): Promise<string> {
  const thread = (await latestConversation()).agentThread as { threadId?: string } | undefined;
  if (!thread?.threadId) throw new Error('no thread yet');
  return thread.threadId;
}

const threadPosts = (ts: string) =>
  slack
    .deskPosts()
    .filter((post) => post.thread_ts === ts)
    .map((post) => post.text ?? '');

describe('CSAT on Telegram with the Slack desk', () => {
  it("an agent's Close: summary in the thread, buttons on Telegram, a low press alerts the thread", async () => {
    await customerWrites('我要转人工');
    const ts = await vi.waitFor(threadTs, WAIT);
    expect(
      (
        await postInteraction(
          server,
          cardPress('switchboard_desk_close', { cardTs: ts, user: ALICE, actionTs: `${ts}1` }),
        )
      ).status,
    ).toBe(200);

    // The summary, in the thread the agents worked in.
    await vi.waitFor(
      () => expect(threadPosts(ts).some((text) => text.includes('📋 Summary'))).toBe(true),
      WAIT,
    );
    const summary = threadPosts(ts).find((text) => text.includes('📋 Summary')) ?? '';
    expect(summary).toContain('Reason: "我要转人工"');
    expect(summary).toContain('Handed off because: the customer asked for a person');
    expect(summary).toContain('Resolution: closed by an agent');
    const closed = await latestConversation();
    expect(closed).toMatchObject({ status: 'closed', resolution: 'agent' });
    expect(closed.summary?.resolution).toBe('agent');

    // The survey on Telegram: the question in Chinese, five inline buttons.
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatQuestion['zh-CN']), WAIT);
    const keyboard = lastToCustomer()?.reply_markup as Keyboard;
    expect(keyboard.inline_keyboard.flat().map((button) => button.callback_data)).toEqual([
      'csat:1',
      'csat:2',
      'csat:3',
      'csat:4',
      'csat:5',
    ]);

    await customerPresses('csat:1');
    await vi.waitFor(
      () => expect(threadPosts(ts).some((text) => text.includes('Low CSAT: 1/5'))).toBe(true),
      WAIT,
    );
    const rated = await latestConversation();
    expect(rated.id).toBe(closed.id);
    expect(rated).toMatchObject({ csat: 1, followUp: { reason: 'low-csat', score: 1 } });
    expect(threadPosts(ts).find((text) => text.includes('Low CSAT'))).toContain(
      `Follow-up ticket ${rated.followUp?.ticket}`,
    );
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatCommentLow['zh-CN']), WAIT);

    await customerWrites('等了太久才有人回复');
    await vi.waitFor(
      () => expect(threadPosts(ts).some((text) => text.includes('等了太久才有人回复'))).toBe(true),
      WAIT,
    );
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatThanks['zh-CN']), WAIT);
    expect((await latestConversation()).csatComment).toBe('等了太久才有人回复');
  });

  it('a bot-resolved chat rated low by typing opens a thread with the alert and the summary', async () => {
    await customerWrites('where is my parcel?');
    await vi.waitFor(() => expect(telegram.delivered()).toHaveLength(1), WAIT);
    expect(slack.deskPosts()).toHaveLength(0);
    offset += 31 * 60_000;
    await server.idleCloser.tick();
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatQuestion.en), WAIT);

    await customerWrites('2');
    const ts = await vi.waitFor(threadTs, WAIT);
    await vi.waitFor(
      () => expect(threadPosts(ts).some((text) => text.includes('Low CSAT: 2/5'))).toBe(true),
      WAIT,
    );
    const alert = threadPosts(ts).find((text) => text.includes('Low CSAT')) ?? '';
    expect(alert).toContain('📋 Summary');
    expect(alert).toContain('Reason: "where is my parcel?"');
    expect(alert).toContain('Resolution: resolved by the bot, handled by bot');
    expect(await latestConversation()).toMatchObject({ status: 'closed', resolution: 'bot', csat: 2 });
  });

  it('a good score pressed and the comment skipped: thanks, and nothing for the agents', async () => {
    await customerWrites('where is my parcel?');
    await vi.waitFor(() => expect(telegram.delivered()).toHaveLength(1), WAIT);
    offset += 31 * 60_000;
    await server.idleCloser.tick();
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatQuestion.en), WAIT);

    await customerPresses('csat:5');
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatComment.en), WAIT);
    await customerPresses('csat:skip');
    await vi.waitFor(() => expect(toCustomer().at(-1)).toBe(REPLIES.csatThanks.en), WAIT);
    const rated = await latestConversation();
    expect(rated).toMatchObject({ csat: 5 });
    expect(rated.csatComment).toBeUndefined();
    expect(rated.followUp).toBeUndefined();
    expect(slack.deskPosts()).toHaveLength(0);
  });
});
