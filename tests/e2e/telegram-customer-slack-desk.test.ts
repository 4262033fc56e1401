/**
 * Issue 5's headline flow, end to end through the real routes: a Telegram customer (webhook
 * updates, Bot API faked on nock) asks for a person; the card lands in the agents' Slack channel
 * (Web API faked on nock); an agent's signed thread reply reaches the customer on Telegram once;
 * the customer's next message is mirrored into the thread while the bot stays silent.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../src/core/model.js';
import { type FakeSlackApi, postEvent, fixture as slackFixture } from '../adapters/slack/slack-kit.js';
import { CUSTOMER_ID, type FakeBotApi, unescapeHtml } from '../adapters/telegram/telegram-kit.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';
import { customerSends, startTelegramSlack } from './telegram-slack.js';

const WAIT = { timeout: 10_000, interval: 20 };

let telegram: FakeBotApi;
let slack: FakeSlackApi;
let server: RunningSwitchboard;

beforeEach(async () => {
  ({ telegram, slack, server } = await startTelegramSlack());
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

/** The customer writes on Telegram (the recorded private-chat update with new text and ids). */
async function customerWrites(text: string): Promise<void> {
  await customerSends(server, text);
}

const toCustomer = () => telegram.delivered().map((call) => unescapeHtml(String(call.body.text ?? '')));

async function conversation(): Promise<Conversation> {
  const address = { channel: 'telegram' as const, chatId: String(CUSTOMER_ID), userId: String(CUSTOMER_ID) };
  const found = await server.conversations.findOpenConversation(address);
  if (!found) throw new Error('no open Telegram conversation');
  return found;
}

function agentReply(text: string, threadTs: string, eventId: string) {
  const envelope = slackFixture('event_thread_reply_agent.json');
  const ts = `1767225700.${eventId.replace(/\D/g, '').padStart(6, '0')}`;
  envelope.event_id = eventId;
  Object.assign(envelope.event, { text, ts, event_ts: ts, thread_ts: threadTs });
  return envelope;
}

describe('Telegram customer, Slack agent desk', () => {
  it('reports both the Telegram channel and the Slack desk as up', async () => {
    const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
      channels: Record<string, { state: string }>;
      desk?: { name: string; state: string };
    };
    expect(ready.channels.telegram?.state).toBe('up');
    expect(ready.channels.slack?.state).toBe('up');
    expect(ready.desk).toMatchObject({ name: 'slack', state: 'up' });
  });

  it('hands off to a card, relays the agent reply once, and mirrors the next customer message', async () => {
    await customerWrites('我要转人工');

    // The agents' card, and the customer told their ticket.
    await vi.waitFor(() => expect(slack.deskPosts()).toHaveLength(1), WAIT);
    const card = slack.deskPosts()[0] ?? {};
    const handedOff = await conversation();
    expect(handedOff).toMatchObject({ status: 'waiting', handoffReason: 'the customer asked for a person' });
    expect(`${card.text}${card.blocks}`).toContain(handedOff.ticket);
    await vi.waitFor(() => expect(toCustomer().join('\n')).toContain(`工单号 ${handedOff.ticket}`), WAIT);
    const threadTs = await vi.waitFor(async () => {
      const thread = (await conversation()).agentThread as { threadId?: string } | undefined;
      if (!thread?.threadId) throw new Error('no thread yet');
      return thread.threadId;
    }, WAIT);

    // The agent answers in the thread; Slack retries the event: the customer gets it once.
    const before = toCustomer().length;
    const reply = agentReply('您好，我是客服小王，马上帮您查。', threadTs, 'Ev0E2E000001');
    expect((await postEvent(server, reply)).status).toBe(200);
    expect((await postEvent(server, reply, { headers: { 'X-Slack-Retry-Num': '1' } })).status).toBe(200);
    await vi.waitFor(() => expect(toCustomer()).toHaveLength(before + 1), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(toCustomer().slice(before)).toEqual(['您好，我是客服小王，马上帮您查。']);
    expect((await conversation()).status).toBe('agent');

    // The customer writes again: mirrored into the thread, and the bot says nothing.
    const sentBefore = toCustomer().length;
    await customerWrites('订单号是 1234');
    await vi.waitFor(
      () =>
        expect(
          slack
            .deskPosts()
            .some((post) => post.thread_ts === threadTs && `${post.text}`.includes('订单号是 1234')),
        ).toBe(true),
      WAIT,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(toCustomer()).toHaveLength(sentBefore);
  });

  it("passes an agent's Slack file on to the Telegram customer as a photo Switchboard serves", async () => {
    await customerWrites('talk to a human');
    const threadTs = await vi.waitFor(async () => {
      const thread = (await conversation()).agentThread as { threadId?: string } | undefined;
      if (!thread?.threadId) throw new Error('no thread yet');
      return thread.threadId;
    }, WAIT);
    nock('https://files.slack.com')
      .get('/files-pri/T123ABC456-F0FILE0001/image.png')
      .reply(200, Buffer.from('89504e470d0a1a0a', 'hex'), { 'content-type': 'image/png' });
    const reply = agentReply('这是退货标签', threadTs, 'Ev0E2E000002');
    reply.event.files = [slackFixture('event_file_share.json').event.files[0]];
    expect((await postEvent(server, reply)).status).toBe(200);
    await vi.waitFor(() => expect(telegram.calledWith('sendPhoto')).toHaveLength(1), WAIT);
    const [photo] = telegram.calledWith('sendPhoto');
    expect(String(photo?.photo)).toMatch(/^https:\/\/bot\.example\/files\/[A-Za-z0-9_-]{22}\/image\.png$/);
    expect(unescapeHtml(String(photo?.caption))).toBe('这是退货标签');
    const served = await fetch(`${server.url}${new URL(String(photo?.photo)).pathname}`);
    expect(served.status).toBe(200);
  });
});
