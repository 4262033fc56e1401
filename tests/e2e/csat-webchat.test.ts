/**
 * The satisfaction survey on the web chat, through the real routes: a bot-resolved conversation
 * is closed by the idle closer (fake clock), the customer is asked for a rating, answers with a
 * button or by typing, leaves a comment, and none of it opens a new conversation. A new question
 * instead of an answer does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '../../src/core/config/schema.js';
import type { Conversation, Message } from '../../src/core/model.js';
import { REPLIES } from '../../src/core/replies.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const WAIT = { timeout: 10_000, interval: 20 };
const MINUTE = 60_000;

let server: RunningSwitchboard;
let offset = 0;
const clock = { now: () => Date.now() + offset };

async function start(adjust: (config: Config) => void = () => {}) {
  offset = 0;
  const config = testConfig();
  adjust(config);
  server = await startSwitchboard(config, { clock });
}

afterEach(async () => {
  await server.close();
});

async function conversation(id: string): Promise<Conversation> {
  const found = await server.conversations.getConversation(id);
  if (!found) throw new Error(`no conversation ${id}`);
  return found;
}

async function lastMessage(id: string): Promise<Message | undefined> {
  return (await server.conversations.listMessages(await conversation(id))).at(-1);
}

/** A customer whose question the bot answered, left alone until the idle closer closed it. */
async function closedAfterAnAnswer(question = 'where is my parcel?') {
  const customer = await WebchatClient.create(server.url, { locale: 'en' });
  await customer.ask(question);
  const conversationId = (await customer.session()).conversation?.id ?? '';
  offset += 31 * MINUTE;
  await server.idleCloser.tick();
  return { customer, conversationId };
}

/** Posts and checks the message went into `conversationId`. */
async function answer(customer: WebchatClient, conversationId: string, text: string, payload?: string) {
  const sent = await customer.post(text, payload ? { payload } : {});
  expect(sent.status).toBe(202);
  expect(sent.body.conversationId).toBe(conversationId);
}

describe('CSAT on the web chat', () => {
  it('asks with five buttons at close, takes a button press and a comment, then thanks', async () => {
    await start();
    const { customer, conversationId } = await closedAfterAnAnswer();
    expect(await conversation(conversationId)).toMatchObject({ status: 'closed', resolution: 'bot' });
    const question = await lastMessage(conversationId);
    expect(question).toMatchObject({ role: 'bot', text: REPLIES.csatQuestion.en });
    expect(question?.quickReplies.map((button) => button.payload)).toEqual([
      'csat:1',
      'csat:2',
      'csat:3',
      'csat:4',
      'csat:5',
    ]);
    expect(question?.quickReplies[4]?.label).toBe('5 · Excellent');

    await answer(customer, conversationId, '5 · Excellent', 'csat:5');
    await vi.waitFor(
      async () => expect((await lastMessage(conversationId))?.text).toBe(REPLIES.csatComment.en),
      WAIT,
    );
    expect((await conversation(conversationId)).csat).toBe(5);

    await answer(customer, conversationId, 'Quick and clear, thank you');
    await vi.waitFor(
      async () => expect((await lastMessage(conversationId))?.text).toBe(REPLIES.csatThanks.en),
      WAIT,
    );
    const rated = await conversation(conversationId);
    expect(rated).toMatchObject({ status: 'closed', csat: 5, csatComment: 'Quick and clear, thank you' });
    expect(rated.followUp).toBeUndefined();
    // The survey never opened a conversation of its own.
    expect((await customer.session()).conversation).toBeNull();

    // Asked once: the customer's next message is a new conversation, answered by the bot.
    const next = await customer.post('5');
    expect(next.body.conversationId).not.toBe(conversationId);
  });

  it("takes a typed rating in the customer's language; a low one opens a follow-up", async () => {
    await start();
    const customer = await WebchatClient.create(server.url);
    await customer.ask('我的快递到哪了');
    const conversationId = (await customer.session()).conversation?.id ?? '';
    offset += 31 * MINUTE;
    await server.idleCloser.tick();
    expect((await lastMessage(conversationId))?.text).toBe(REPLIES.csatQuestion['zh-CN']);

    await answer(customer, conversationId, '2分');
    await vi.waitFor(
      async () => expect((await lastMessage(conversationId))?.text).toBe(REPLIES.csatCommentLow['zh-CN']),
      WAIT,
    );
    const rated = await conversation(conversationId);
    expect(rated.csat).toBe(2);
    expect(rated.followUp).toMatchObject({ reason: 'low-csat', score: 2 });
    expect(rated.followUp?.ticket).toMatch(/^[2-9A-Z]{4,6}$/);
    // Listed for the admin API, and its ticket number leads back to the conversation.
    expect(await server.followUps.list()).toEqual([
      { ticket: rated.followUp?.ticket, conversationId, score: 2, openedAt: rated.followUp?.openedAt },
    ]);

    await answer(customer, conversationId, '快递员态度不好');
    await vi.waitFor(
      async () => expect((await conversation(conversationId)).csatComment).toBe('快递员态度不好'),
      WAIT,
    );
  });

  it('a new question instead of a rating opens a new conversation and drops the survey', async () => {
    await start();
    const { customer, conversationId } = await closedAfterAnAnswer();
    const reply = await customer.ask('how do I return an item?');
    const view = await customer.session();
    expect(view.conversation?.id).toBeDefined();
    expect(view.conversation?.id).not.toBe(conversationId);
    expect(reply.role).toBe('bot');

    // A digit now belongs to the new conversation, not to the old survey.
    const sent = await customer.post('4');
    expect(sent.body.conversationId).toBe(view.conversation?.id);
    expect((await conversation(conversationId)).csat).toBeUndefined();
  });

  it('with csat.nps on, asks 0-10 after the rating; the comment can be skipped', async () => {
    await start((config) => {
      config.csat.nps = true;
    });
    const { customer, conversationId } = await closedAfterAnAnswer();
    await answer(customer, conversationId, '4');
    await vi.waitFor(
      async () => expect((await lastMessage(conversationId))?.text).toBe(REPLIES.npsQuestion.en),
      WAIT,
    );
    expect((await lastMessage(conversationId))?.quickReplies).toEqual([]);

    await answer(customer, conversationId, '9');
    await vi.waitFor(
      async () => expect((await lastMessage(conversationId))?.text).toBe(REPLIES.csatComment.en),
      WAIT,
    );

    await answer(customer, conversationId, 'Skip', 'csat:skip');
    await vi.waitFor(
      async () => expect((await lastMessage(conversationId))?.text).toBe(REPLIES.csatThanks.en),
      WAIT,
    );
    const rated = await conversation(conversationId);
    expect(rated).toMatchObject({ csat: 4, nps: 9 });
    expect(rated.csatComment).toBeUndefined();
  });

  it('with csat.enabled off, a conversation still closes and gets its summary, but nobody is asked', async () => {
    await start((config) => {
      config.csat.enabled = false;
    });
    const { conversationId } = await closedAfterAnAnswer();
    const closed = await conversation(conversationId);
    expect(closed).toMatchObject({ status: 'closed', resolution: 'bot' });
    expect(closed.summary?.answered[0]?.entryId).toBeDefined();
    expect((await lastMessage(conversationId))?.text).not.toBe(REPLIES.csatQuestion.en);
  });
});
