/**
 * The Slack agent desk end to end, through the real routes: a web chat customer asks for a person
 * (the Telegram channel is not committed yet, so the web chat stands in as the customer's app), the
 * card lands in the agent channel (fake Web API on a nock host), agents answer with signed events
 * and button presses, and what reaches the customer is read back from the web chat.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../../src/core/config/schema.js';
import type { Conversation } from '../../../src/core/model.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { WebchatClient } from '../../helpers/webchat-client.js';
import {
  AGENT_CHANNEL,
  BOT_USER,
  CUSTOMER,
  cardPress,
  DM,
  directMessage,
  FakeSlackApi,
  fixture,
  postEvent,
  postInteraction,
  SLACK_ENV,
  unescapeSlack,
} from './slack-kit.js';

const WAIT = { timeout: 10_000, interval: 20 };
const ALICE = 'U0AGENT001';
const BOB = 'U0AGENT002';

let api: FakeSlackApi;
let server: RunningSwitchboard;
let replySeq = 0;

async function start(adjust: (config: Config) => void = () => {}) {
  const config = testConfig(SLACK_ENV);
  adjust(config);
  server = await startSwitchboard(config);
}

beforeEach(() => {
  api = new FakeSlackApi();
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as posted
function blocksOf(params: Record<string, string> | undefined): any[] {
  return params?.blocks ? JSON.parse(params.blocks) : [];
}

function buttonsOf(params: Record<string, string> | undefined): string[] {
  return blocksOf(params)
    .flatMap((block) => [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])])
    .filter((element) => element.type === 'button')
    .map((element) => element.text.text);
}

/** Everything a card or post shows, as one string. */
function shown(params: Record<string, string> | undefined): string {
  return `${params?.text ?? ''}\n${params?.blocks ?? ''}`;
}

/** The web chat customer asks for a person; resolves with the card the desk posted. */
async function handedOff(text = 'talk to a human') {
  const customer = await WebchatClient.create(server.url);
  await customer.ask('where is my parcel?');
  await customer.ask(text);
  await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(1), WAIT);
  const card = api.deskPosts()[0] ?? {};
  const view = await customer.session();
  const conversationId = view.conversation?.id ?? '';
  // The thread is stored once the card's post returned its ts.
  const ts = await vi.waitFor(() => threadTs(conversationId), WAIT);
  return { customer, card, ts, conversationId };
}

async function transcript(conversationId: string) {
  return server.conversations.listMessages(await conversation(conversationId));
}

async function conversation(id: string): Promise<Conversation> {
  const found = await server.conversations.getConversation(id);
  if (!found) throw new Error(`no conversation ${id}`);
  return found;
}

async function threadTs(conversationId: string): Promise<string> {
  const thread = (await conversation(conversationId)).agentThread as { threadId?: string } | undefined;
  if (!thread?.threadId) throw new Error('the conversation has no agent thread');
  return thread.threadId;
}

/** The recorded agent reply (event_thread_reply_agent.json), moved under our card. */
function agentReply(text: string, options: { threadTs: string; user?: string; ts?: string }) {
  const envelope = fixture('event_thread_reply_agent.json');
  replySeq++;
  const ts = options.ts ?? `1767225700.${String(replySeq).padStart(6, '0')}`;
  envelope.event_id = `Ev0REPLY${replySeq}`;
  Object.assign(envelope.event, {
    text,
    ts,
    event_ts: ts,
    thread_ts: options.threadTs,
    ...(options.user ? { user: options.user } : {}),
  });
  return envelope;
}

async function ok(response: Promise<Response>) {
  expect((await response).status).toBe(200);
}

const agentMessages = async (customer: WebchatClient) =>
  (await customer.session()).messages.filter((m) => m.role === 'agent');

describe('Slack agent desk', () => {
  it('a customer asking for a person opens one card in the agent channel', async () => {
    await start();
    const { customer, card, ts, conversationId } = await handedOff();
    expect(card.channel).toBe(AGENT_CHANNEL);
    expect(card.thread_ts).toBeUndefined();
    expect(card.unfurl_links).toBe('false');
    const { ticket } = await conversation(conversationId);
    expect(ticket).toMatch(/^[A-Z0-9]{4}$/);
    const header = blocksOf(card)[0];
    expect(header).toMatchObject({ type: 'header' });
    expect(header.text.text).toContain(`Ticket ${ticket}`);
    expect(shown(card)).toContain('webchat');
    expect(shown(card)).toContain('Waiting for an agent');
    expect(shown(card)).toContain('#1 in the queue');
    expect(unescapeSlack(shown(card))).toContain('where is my parcel?');
    expect(buttonsOf(card).filter((label) => label !== 'Send')).toEqual([
      'Claim',
      'Close',
      'Hand back to bot',
    ]);
    expect(await conversation(conversationId)).toMatchObject({
      status: 'waiting',
      agentThread: { desk: 'slack', channelId: AGENT_CHANNEL, threadId: ts },
    });
    // The customer is told a person is coming, with the ticket.
    const told = (await customer.session()).messages.filter((m) => m.role === 'bot').at(-1);
    expect(told?.text).toContain(ticket);
  });

  it('an agent reply in the thread reaches the customer once, retries included, and claims it', async () => {
    await start();
    const { customer, ts, conversationId } = await handedOff();
    const reply = agentReply("Hi, I'm Lin from support. I've refunded order #1234 &amp; emailed you.", {
      threadTs: ts,
    });
    await ok(postEvent(server, reply));
    await ok(
      postEvent(server, reply, {
        headers: { 'X-Slack-Retry-Num': '1', 'X-Slack-Retry-Reason': 'http_timeout' },
      }),
    );
    await vi.waitFor(async () => expect(await agentMessages(customer)).toHaveLength(1), WAIT);
    await settle();
    const replies = await agentMessages(customer);
    expect(replies.map((m) => m.text)).toEqual([
      "Hi, I'm Lin from support. I've refunded order #1234 & emailed you.",
    ]);
    // Replying took the unclaimed conversation, and the card says who has it.
    expect(await conversation(conversationId)).toMatchObject({ status: 'agent', assignee: ALICE });
    await vi.waitFor(
      () => expect(shown(api.succeeded('chat.update').at(-1))).toContain(`Claimed by* <@${ALICE}>`),
      WAIT,
    );
    expect(api.succeeded('chat.update').at(-1)).toMatchObject({ channel: AGENT_CHANNEL, ts });
  });

  it('an internal note (note:, 备注：, //) is recorded and never sent (Slack DM customer)', async () => {
    await start();
    // A Slack customer, so what is sent to them is exactly the chat.postMessage calls to their DM.
    await ok(postEvent(server, directMessage('talk to a human', { ts: '1767300000.000001' })));
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(1), WAIT);
    const open = await server.conversations.findOpenConversation({
      channel: 'slack',
      chatId: DM,
      userId: CUSTOMER,
    });
    const conversationId = open?.id ?? '';
    const ts = await vi.waitFor(() => threadTs(conversationId), WAIT);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT); // the handoff message
    for (const text of [
      'note: customer sounds upset, check order 1234',
      '备注：老客户',
      '// refund pending',
    ]) {
      await ok(postEvent(server, agentReply(text, { threadTs: ts })));
    }
    await ok(postEvent(server, agentReply('Hello! Lin here, looking at your order now.', { threadTs: ts })));
    await vi.waitFor(() => expect(api.posts()).toHaveLength(2), WAIT);
    await settle();
    expect(api.posts().map((post) => post.text)).toEqual([
      expect.stringContaining(''),
      'Hello! Lin here, looking at your order now.',
    ]);
    expect(api.posts().every((post) => post.channel === DM)).toBe(true);
    const notes = (await transcript(conversationId)).filter((m) => m.internal);
    expect(notes.map((m) => m.text)).toEqual([
      'customer sounds upset, check order 1234',
      '老客户',
      'refund pending',
    ]);
  });

  it('mirrors the customer into the thread, escaped, and the bot stays silent', async () => {
    await start();
    const { customer, ts } = await handedOff();
    await ok(postEvent(server, agentReply('Looking into it', { threadTs: ts })));
    await vi.waitFor(async () => expect(await agentMessages(customer)).toHaveLength(1), WAIT);
    const botBefore = (await customer.session()).messages.filter((m) => m.role === 'bot').length;
    await customer.post('<!channel> @here it is order <@U0BOSS> & more');
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(2), WAIT);
    const mirrored = api.deskPosts()[1];
    expect(mirrored).toMatchObject({ channel: AGENT_CHANNEL, thread_ts: ts });
    expect(mirrored?.text).toBe('*Customer:* &lt;!channel&gt; @here it is order &lt;@U0BOSS&gt; &amp; more');
    await settle();
    expect((await customer.session()).messages.filter((m) => m.role === 'bot')).toHaveLength(botBefore);
  });

  it('two agents claim at once: one owner, the card says so, the other is told privately', async () => {
    await start();
    const { customer, ts, conversationId } = await handedOff();
    await Promise.all([
      ok(
        postInteraction(
          server,
          cardPress('switchboard_desk_claim', { cardTs: ts, user: ALICE, actionTs: '1767226000.000001' }),
        ),
      ),
      ok(
        postInteraction(
          server,
          cardPress('switchboard_desk_claim', { cardTs: ts, user: BOB, actionTs: '1767226000.000001' }),
        ),
      ),
    ]);
    const { assignee } = await conversation(conversationId);
    expect([ALICE, BOB]).toContain(assignee);
    const loser = assignee === ALICE ? BOB : ALICE;
    await vi.waitFor(() => expect(api.succeeded('chat.postEphemeral')).toHaveLength(1), WAIT);
    expect(api.succeeded('chat.postEphemeral')[0]).toMatchObject({
      channel: AGENT_CHANNEL,
      user: loser,
      thread_ts: ts,
      text: `Already claimed by <@${assignee}>.`,
    });
    await vi.waitFor(() => expect(api.succeeded('chat.update')).toHaveLength(1), WAIT);
    const updated = api.succeeded('chat.update')[0];
    expect(shown(updated)).toContain(`Claimed by* <@${assignee}>`);
    expect(buttonsOf(updated).filter((label) => label !== 'Send')).toEqual(['Close', 'Hand back to bot']);
    // The customer hears that a person joined, once.
    await vi.waitFor(async () => {
      const joined = (await customer.session()).messages.filter((m) => m.role === 'system');
      expect(joined).toHaveLength(1);
    }, WAIT);
  });

  it('Close tells the customer, updates the card, and a later reply gets the closed notice', async () => {
    await start();
    const { customer, ts, conversationId } = await handedOff();
    await ok(
      postInteraction(
        server,
        cardPress('switchboard_desk_close', { cardTs: ts, user: ALICE, actionTs: '1767226100.000001' }),
      ),
    );
    expect(await conversation(conversationId)).toMatchObject({ status: 'closed', resolution: 'agent' });
    // The closing line, then the satisfaction survey (docs/csat.md).
    const [closing, survey] = (await transcript(conversationId)).slice(-2);
    expect(closing?.role).toBe('system');
    expect(survey?.quickReplies.map((button) => button.payload)).toContain('csat:5');
    await vi.waitFor(async () => {
      // The closing line went out on the customer's stream (the session view shows only open conversations).
      expect((await customer.session()).conversation).toBeNull();
    }, WAIT);
    await vi.waitFor(() => expect(shown(api.succeeded('chat.update').at(-1))).toContain('Closed'), WAIT);
    expect(buttonsOf(api.succeeded('chat.update').at(-1))).toEqual([]);

    await ok(postEvent(server, agentReply('one more thing…', { threadTs: ts })));
    // The close summary, then the notice about the late reply.
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(3), WAIT);
    expect(api.deskPosts()[2]).toMatchObject({
      thread_ts: ts,
      text: 'This conversation is closed; your message was not sent.',
    });
    expect(await agentMessages(customer)).toEqual([]);
  });

  it('Hand back to bot: the customer is told, and the bot answers again', async () => {
    await start();
    const { customer, ts, conversationId } = await handedOff();
    await ok(
      postInteraction(
        server,
        cardPress('switchboard_desk_hand_back', { cardTs: ts, user: ALICE, actionTs: '1767226200.000001' }),
      ),
    );
    expect((await conversation(conversationId)).status).toBe('bot');
    await vi.waitFor(
      () => expect(shown(api.succeeded('chat.update').at(-1))).toContain('Handed back to the bot'),
      WAIT,
    );
    await customer.ask('where is my parcel?');
    const messages = await server.conversations.listMessages(await conversation(conversationId));
    expect(messages.at(-1)).toMatchObject({ role: 'bot', kbEntryId: 'order.track' });
  });

  it('Send relays a suggested answer to the customer and says so in the thread', async () => {
    await start();
    const customer = await WebchatClient.create(server.url);
    await customer.ask('where is my parcel?');
    const conversationId = (await customer.session()).conversation?.id ?? '';
    const entry = server.knowledge.current().entries.get('order.track');
    if (!entry) throw new Error('no order.track in the sample knowledge');
    await server.desk.handOff(
      await conversation(conversationId),
      { reason: 'asked for a person', text: 'Let me find a colleague.' },
      [{ entry, confidence: 0.61, question: 'where is my parcel', similarity: 0.6 }],
    );
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(1), WAIT);
    const card = api.deskPosts()[0];
    expect(buttonsOf(card)).toEqual(['Send', 'Claim', 'Close', 'Hand back to bot']);
    const ts = await threadTs(conversationId);
    await ok(
      postInteraction(
        server,
        cardPress('switchboard_desk_send_0', {
          cardTs: ts,
          user: ALICE,
          actionTs: '1767226300.000001',
          value: 'order.track',
        }),
      ),
    );
    await vi.waitFor(async () => expect(await agentMessages(customer)).toHaveLength(1), WAIT);
    const messages = await server.conversations.listMessages(await conversation(conversationId));
    expect(messages.at(-1)).toMatchObject({ role: 'agent', author: { id: ALICE } });
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(2), WAIT);
    expect(api.deskPosts()[1]?.text).toContain(`<@${ALICE}> sent the suggested answer`);
    // The claim updated the card, and it still offers the suggestion.
    await vi.waitFor(() => expect(api.succeeded('chat.update')).toHaveLength(1), WAIT);
    expect(buttonsOf(api.succeeded('chat.update')[0])).toEqual(['Send', 'Close', 'Hand back to bot']);
  });

  it('leaves alone top-level chatter, other threads and bots in the agent channel', async () => {
    await start();
    const { customer, ts } = await handedOff();
    const topLevel = agentReply('lunch anyone?', { threadTs: ts });
    delete topLevel.event.thread_ts;
    delete topLevel.event.parent_user_id;
    const otherThread = fixture('event_thread_reply_agent.json'); // a thread that is not a card of ours
    const fromBot = agentReply('I am a bot', { threadTs: ts });
    fromBot.event.bot_id = 'B0OTHERBOT1';
    const ourEcho = agentReply('Customer: hi', { threadTs: ts, user: BOT_USER });
    for (const envelope of [topLevel, otherThread, fromBot, ourEcho]) await ok(postEvent(server, envelope));
    await settle();
    expect(await agentMessages(customer)).toEqual([]);
    expect(api.deskPosts()).toHaveLength(1);
    expect(api.succeeded('chat.postEphemeral')).toEqual([]);
  });

  it('escalates an unclaimed conversation with a top-level @here post linking the thread', async () => {
    await start((config) => {
      Object.assign(config.desk, { remindAfterSeconds: 1, escalateAfterSeconds: 2, slaCheckSeconds: 1 });
    });
    const { ts } = await handedOff();
    await vi.waitFor(
      () => expect(api.deskPosts().some((post) => post.text?.startsWith('<!here>'))).toBe(true),
      { timeout: 8_000, interval: 100 },
    );
    const reminder = api.deskPosts().find((post) => post.thread_ts === ts);
    expect(reminder?.text).toContain('Still unclaimed');
    const escalation = api.deskPosts().find((post) => post.text?.startsWith('<!here>'));
    expect(escalation?.thread_ts).toBeUndefined();
    expect(escalation?.text).toContain(
      `https://example.slack.com/archives/${AGENT_CHANNEL}/p${ts.replace('.', '')}`,
    );
  });

  it('escalates to the escalation channel when one is set', async () => {
    await start((config) => {
      Object.assign(config.desk, { remindAfterSeconds: 1, escalateAfterSeconds: 2, slaCheckSeconds: 1 });
      config.slack.escalationChannel = 'C0SUPERVIS';
    });
    await handedOff();
    await vi.waitFor(
      () =>
        expect(
          api.posts().some((post) => post.channel === 'C0SUPERVIS' && post.text?.startsWith('<!here>')),
        ).toBe(true),
      { timeout: 8_000, interval: 100 },
    );
    expect(api.deskPosts().some((post) => post.text?.startsWith('<!here>'))).toBe(false);
  });
});
