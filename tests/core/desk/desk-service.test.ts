import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../src/core/channel.js';
import { systemClock } from '../../../src/core/clock.js';
import type { AgentDesk, DeskCard, DeskPost, ThreadRef } from '../../../src/core/desk/agent-desk.js';
import { DeskService } from '../../../src/core/desk/desk-service.js';
import { SlaWatch } from '../../../src/core/desk/sla.js';
import { KeyedLock } from '../../../src/core/keyed-lock.js';
import { Messenger } from '../../../src/core/messenger.js';
import type { Address, Conversation, OutboundMessage } from '../../../src/core/model.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { KnowledgeService } from '../../../src/knowledge/knowledge-service.js';

/** The agents' channel, at the edge: records what the core posts. */
class RecordingDesk implements AgentDesk {
  readonly name = 'slack' as const;
  readonly threads: DeskCard[] = [];
  readonly posts: DeskPost[] = [];
  readonly cards: DeskCard[] = [];
  readonly escalations: string[] = [];
  async start() {}
  async stop() {}
  health() {
    return { state: 'up' as const };
  }
  async openThread(card: DeskCard): Promise<ThreadRef> {
    this.threads.push(card);
    return { desk: 'slack', channelId: 'C0AGENTS01', threadId: `1700000000.00000${this.threads.length}` };
  }
  async post(_thread: ThreadRef, post: DeskPost) {
    this.posts.push(post);
  }
  async updateCard(_thread: ThreadRef, card: DeskCard) {
    this.cards.push(card);
  }
  async escalate(_thread: ThreadRef, _card: DeskCard, text: string) {
    this.escalations.push(text);
  }
}

class RecordingChannel implements Channel {
  readonly name = 'telegram' as const;
  readonly capabilities = { buttons: true, markdown: true, files: true, edits: true, maxTextLength: 4096 };
  readonly sent: OutboundMessage[] = [];
  async start() {}
  async stopReceiving() {}
  async stop() {}
  health() {
    return { state: 'up' as const };
  }
  async send(_address: Address, message: OutboundMessage) {
    this.sent.push(message);
  }
}

const address: Address = { channel: 'telegram', chatId: '42', userId: '7' };
const thread: ThreadRef = { desk: 'slack', channelId: 'C0AGENTS01', threadId: '1700000000.000001' };
const alice = { id: 'U0AGENT001', name: 'Alice' };
const bob = { id: 'U0AGENT002', name: 'Bob' };

let store: KeyValueStore;
let conversations: ConversationStore;
let desk: RecordingDesk;
let channel: RecordingChannel;
let service: DeskService;
let sla: SlaWatch;
let slaDeps: ConstructorParameters<typeof SlaWatch>[0];
let eventId = 0;
const clock = { now: () => Date.now() };

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  conversations = new ConversationStore(store, systemClock);
  const knowledge = new KnowledgeService('config/knowledge', systemClock);
  await knowledge.reload();
  desk = new RecordingDesk();
  channel = new RecordingChannel();
  const logger = pino({ level: 'silent' });
  const messenger = new Messenger({ conversations, channel: () => channel, clock: systemClock, logger });
  const lock = new KeyedLock();
  clock.now = () => Date.now();
  service = new DeskService({
    kv: store,
    conversations,
    messenger,
    knowledge,
    lock,
    clock,
    logger,
    defaultLocale: 'zh-CN',
    desk: () => desk,
    notePrefixes: ['note:', '//'],
  });
  slaDeps = {
    kv: store,
    conversations,
    queue: service.queue,
    messenger,
    lock,
    desk: () => desk,
    clock,
    logger,
    settings: { remindAfterMs: 120_000, escalateAfterMs: 600_000 },
    card: (id: string) => service.cardFor(id),
  };
  sla = new SlaWatch(slaDeps);
});

afterEach(async () => {
  await store.close();
});

async function handedOff(): Promise<Conversation> {
  const customer = await conversations.createCustomer('telegram:7', { name: 'Wang' });
  const conversation = await conversations.openConversation(customer, address, 'en');
  await conversations.appendMessage(conversation, {
    direction: 'in',
    role: 'customer',
    text: 'I want a person',
    attachments: [],
    quickReplies: [],
  });
  const current = (await conversations.getConversation(conversation.id)) as Conversation;
  return service.handOff(
    current,
    { reason: 'the customer asked for a person', text: "I'll get a person for you." },
    [],
  );
}

const event = <K extends 'claim' | 'close' | 'hand-back'>(kind: K, agent = alice) => ({
  kind,
  thread,
  agent,
  eventId: `ev${++eventId}`,
});
const reply = (text: string, agent = alice) => ({
  kind: 'reply' as const,
  thread,
  agent,
  text,
  attachments: [],
  eventId: `ev${++eventId}`,
});

describe('DeskService', () => {
  it('a handoff gives a ticket and queue place, and opens a thread with a card', async () => {
    const conversation = await handedOff();
    expect(conversation.status).toBe('waiting');
    expect(conversation.ticket).toMatch(/^[2-9A-HJKMNP-Z]{4}$/);
    expect(conversation.agentThread).toEqual(thread);
    expect(channel.sent.at(-1)?.text).toContain(`Your ticket number is ${conversation.ticket}`);
    expect(channel.sent.at(-1)?.text).toContain('number 1 in the queue');
    expect(desk.threads[0]).toMatchObject({
      ticket: conversation.ticket,
      reason: 'the customer asked for a person',
      customer: { name: 'Wang', tier: 'standard', channel: 'telegram', locale: 'en' },
      queuePosition: 1,
    });
    expect(desk.threads[0]?.lastMessages.map((m) => m.text)).toContain('I want a person');
  });

  it("an agent's reply reaches the customer once; a note never does", async () => {
    const conversation = await handedOff();
    const before = channel.sent.length;
    const answer = reply('Hello, I am Alice. Let me check.');
    expect(await service.handle(answer)).toEqual({ status: 'done', conversationId: conversation.id });
    expect(await service.handle(answer)).toEqual({ status: 'duplicate' });
    await service.handle(reply('note: customer sounds upset, check order 123'));
    expect(channel.sent.slice(before).map((m) => [m.role, m.text])).toEqual([
      ['agent', 'Hello, I am Alice. Let me check.'],
    ]);
    const current = (await conversations.getConversation(conversation.id)) as Conversation;
    expect(current).toMatchObject({ status: 'agent', assignee: 'U0AGENT001', assigneeName: 'Alice' });
    const transcript = await conversations.listMessages(current);
    expect(transcript.at(-1)).toMatchObject({
      internal: true,
      text: 'customer sounds upset, check order 123',
    });
  });

  it('the first claim wins when two agents click at once', async () => {
    await handedOff();
    const outcomes = await Promise.all([
      service.handle(event('claim', alice)),
      service.handle(event('claim', bob)),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['done', 'taken']);
    expect(desk.cards.at(-1)).toMatchObject({ status: 'agent', assignee: expect.any(Object) });
    expect(await service.queue.list()).toEqual([]);
  });

  it('close tells the customer, closes with resolution agent, and a later reply is refused', async () => {
    const conversation = await handedOff();
    await service.handle(event('claim'));
    await service.handle(event('close'));
    const closed = (await conversations.getConversation(conversation.id)) as Conversation;
    expect(closed).toMatchObject({ status: 'closed', resolution: 'agent', closedAt: expect.any(String) });
    expect(channel.sent.at(-1)?.text).toContain('closed');
    expect(await conversations.findOpenConversation(address)).toBeUndefined();
    expect(await service.handle(reply('one more thing'))).toEqual({
      status: 'closed',
      conversationId: conversation.id,
    });
    expect(desk.cards.at(-1)?.status).toBe('closed');
  });

  it('hand back returns the conversation to the bot', async () => {
    const conversation = await handedOff();
    await service.handle(event('claim'));
    await service.handle(event('hand-back'));
    const current = (await conversations.getConversation(conversation.id)) as Conversation;
    expect(current.status).toBe('bot');
    expect(channel.sent.at(-1)?.text).toContain('back with the assistant');
  });

  it('mirrors customer messages into the thread while people have it', async () => {
    const conversation = await handedOff();
    const { message } = await conversations.appendMessage(conversation, {
      direction: 'in',
      role: 'customer',
      text: 'hello?',
      attachments: [],
      quickReplies: [],
    });
    await service.mirror(conversation, message);
    expect(desk.posts).toEqual([{ kind: 'customer', text: 'hello?', attachments: [] }]);
  });

  it('an event for an unknown thread is reported, not guessed', async () => {
    expect(await service.handle({ ...event('claim'), thread: { ...thread, threadId: 'nope' } })).toEqual({
      status: 'not-found',
    });
  });

  it('VIP and urgent conversations go to the front of the queue', async () => {
    await service.queue.add({
      conversationId: 'a',
      priority: 'normal',
      vip: false,
      since: '2026-01-01T00:00:00Z',
    });
    await service.queue.add({
      conversationId: 'b',
      priority: 'normal',
      vip: true,
      since: '2026-01-01T00:01:00Z',
    });
    expect(
      await service.queue.add({
        conversationId: 'c',
        priority: 'urgent',
        vip: false,
        since: '2026-01-01T00:02:00Z',
      }),
    ).toBe(1);
    expect((await service.queue.list()).map((i) => i.conversationId)).toEqual(['c', 'b', 'a']);
  });

  it('SLA: reminds the thread after 2 min and escalates after 10, once each, across a restart', async () => {
    const conversation = await handedOff();
    const start = Date.now();
    const at = (minutes: number) => {
      clock.now = () => start + minutes * 60_000;
    };
    at(1);
    await sla.tick();
    expect(desk.posts).toEqual([]);
    at(3);
    await sla.tick();
    await sla.tick();
    expect(desk.posts.map((p) => p.text)).toEqual([expect.stringContaining('Still unclaimed after 3 min')]);
    at(11);
    await sla.tick();
    expect(desk.escalations).toEqual([
      expect.stringContaining(`Ticket ${conversation.ticket} has waited 11 min`),
    ]);
    expect(channel.sent.at(-1)?.text).toContain('Leave your message here');
    // A new watch over the same store (a restart) repeats nothing.
    await new SlaWatch(slaDeps).tick();
    expect(desk.escalations).toHaveLength(1);
    expect(desk.posts).toHaveLength(1);
  });

  it('SLA: a claimed conversation is not chased', async () => {
    await handedOff();
    await service.handle(event('claim'));
    clock.now = () => Date.now() + 30 * 60_000;
    await sla.tick();
    expect(desk.posts).toEqual([]);
    expect(desk.escalations).toEqual([]);
  });
});
