/**
 * The pipeline's guarantees, on the real store and knowledge base with a recording channel at the
 * edge: own messages dropped, one answer per delivery however it is repeated, per-chat order,
 * and nothing the customer wrote lost when a step fails.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../src/core/channel.js';
import { systemClock } from '../../src/core/clock.js';
import { StoreUnavailableError } from '../../src/core/errors.js';
import type { Address, InboundMessage, OutboundMessage, Platform } from '../../src/core/model.js';
import { Pipeline, type PipelineDeps } from '../../src/core/pipeline.js';
import { ConversationStore } from '../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../src/core/store/key-value.js';
import { openStore } from '../../src/core/store/open-store.js';
import { KnowledgeService } from '../../src/knowledge/knowledge-service.js';

class RecordingChannel implements Channel {
  constructor(readonly name: Platform = 'telegram') {}
  readonly capabilities = { buttons: true, markdown: true, files: true, edits: true, maxTextLength: 4096 };
  readonly sent: Array<{ address: Address; message: OutboundMessage }> = [];
  failNext = 0;
  delayMs = 0;
  async start() {}
  async stopReceiving() {}
  async stop() {}
  health() {
    return { state: 'up' as const };
  }
  async send(address: Address, message: OutboundMessage) {
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('platform said 500');
    }
    this.sent.push({ address, message });
  }
}

let store: KeyValueStore;
let conversations: ConversationStore;
let channel: RecordingChannel;
let wechat: RecordingChannel;
let pipeline: Pipeline;
let makePipeline: (overrides?: Partial<PipelineDeps>) => Pipeline;
/** What the pipeline logged at info level and above, parsed. */
let logs: Array<Record<string, unknown>>;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  conversations = new ConversationStore(store, systemClock);
  const knowledge = new KnowledgeService('config/knowledge', systemClock);
  await knowledge.reload();
  channel = new RecordingChannel();
  wechat = new RecordingChannel('wechat');
  logs = [];
  makePipeline = (overrides = {}) =>
    new Pipeline({
      kv: store,
      conversations,
      knowledge,
      channel: (name) => [channel, wechat].find((c) => c.name === name),
      clock: systemClock,
      logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) }),
      settings: {
        routing: {
          answerThreshold: 0.3,
          suggestThreshold: 0.2,
          missesBeforeHandoff: 2,
          angerThreshold: 0.6,
          urgencyThreshold: 0.4,
          handoffOnRepeat: true,
        },
        defaultLocale: 'zh-CN',
        dedupeTtlMs: 60_000,
      },
      ...overrides,
    });
  pipeline = makePipeline();
});

afterEach(async () => {
  await pipeline.drain();
  await store.close();
});

let updateId = 1000;
function inbound(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  const id = String(++updateId);
  return {
    address: { channel: 'telegram', chatId: '42', userId: '7' },
    text,
    attachments: [],
    dedupeKey: id,
    platformMessageId: id,
    fromBot: false,
    receivedAt: new Date().toISOString(),
    ...overrides,
  };
}

async function transcript() {
  const conversation = await conversations.findOpenConversation({
    channel: 'telegram',
    chatId: '42',
    userId: '7',
  });
  return conversation ? conversations.listMessages(conversation) : [];
}

/** Sends the messages one after another, each answered before the next, as a person would. */
async function chat(...texts: string[]) {
  for (const text of texts) {
    await pipeline.receive(inbound(text));
    await pipeline.drain();
  }
  return conversations.findOpenConversation(inbound('').address);
}

describe('pipeline', () => {
  it('records an edit on the original message and does not answer it again', async () => {
    await pipeline.receive(inbound('where is my parcel?', { platformMessageId: 'm1' }));
    await pipeline.drain();
    const receipt = await pipeline.receive(
      inbound('where is my parcel? order 123', { change: { kind: 'edit', platformMessageId: 'm1' } }),
    );
    await pipeline.drain();
    expect(receipt.status).toBe('changed');
    const [question, answer, ...rest] = await transcript();
    expect(rest).toEqual([]);
    expect(answer?.role).toBe('bot');
    expect(question?.text).toBe('where is my parcel? order 123');
    expect(question?.edits?.map((e) => e.text)).toEqual(['where is my parcel?']);
    expect(channel.sent).toHaveLength(1);
  });

  it('marks a deleted message, keeps its text, and ignores a delete of an unknown one', async () => {
    await pipeline.receive(inbound('my phone is 13800138000', { platformMessageId: 'm2' }));
    await pipeline.drain();
    await pipeline.receive(inbound('', { change: { kind: 'delete', platformMessageId: 'm2' } }));
    expect(
      await pipeline.receive(inbound('', { change: { kind: 'delete', platformMessageId: 'nope' } })),
    ).toEqual({
      status: 'ignored',
      reason: 'unknown-message',
    });
    await pipeline.drain();
    const [question] = await transcript();
    expect(question?.deletedAt).toEqual(expect.any(String));
    expect(question?.text).toBe('my phone is 13800138000');
    expect(channel.sent).toHaveLength(1);
  });

  it('records an edit of a message it never saw as a new message, without answering', async () => {
    await pipeline.receive(
      inbound('where is my parcel?', { change: { kind: 'edit', platformMessageId: 'old' } }),
    );
    await pipeline.drain();
    expect((await transcript()).map((m) => [m.role, m.text])).toEqual([['customer', 'where is my parcel?']]);
    expect(channel.sent).toEqual([]);
  });

  it('keeps a message kind it cannot read and says so politely, without handing off', async () => {
    await pipeline.receive(inbound('', { unsupportedKind: 'poll' }));
    await pipeline.drain();
    const [kept, answer] = await transcript();
    expect(kept?.unsupportedKind).toBe('poll');
    expect(answer?.text).toMatch(/打不开这种消息|can't open this kind/);
    const conversation = await conversations.findOpenConversation(inbound('').address);
    expect(conversation?.status).toBe('bot');
  });

  it('drops the bot’s own messages without recording them', async () => {
    expect(await pipeline.receive(inbound('where is my parcel?', { fromBot: true }))).toEqual({
      status: 'ignored',
      reason: 'own-message',
    });
    await pipeline.drain();
    expect(await transcript()).toEqual([]);
    expect(channel.sent).toEqual([]);
  });

  it('answers one delivery once, however many copies arrive at the same time', async () => {
    const message = inbound('where is my parcel?');
    const receipts = await Promise.all(Array.from({ length: 5 }, () => pipeline.receive({ ...message })));
    await pipeline.drain();
    expect(receipts.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(receipts.filter((r) => r.status === 'duplicate')).toHaveLength(4);
    expect(new Set(receipts.map((r) => ('messageId' in r ? r.messageId : '')))).toHaveProperty('size', 1);
    expect(channel.sent).toHaveLength(1);
    expect((await transcript()).map((m) => m.role)).toEqual(['customer', 'bot']);
  });

  it('answers once when, on a shared store, the repeat gets the chat’s lock before the first delivery', async () => {
    // Two instances: each got one copy; the one holding the first claim reaches the lease last.
    const shared = new Proxy(store, {
      get: (target, key) => {
        if (key === 'backend') return 'redis';
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    let repeatDone: () => void = () => {};
    const repeatFinished = new Promise<void>((resolve) => {
      repeatDone = resolve;
    });
    let calls = 0;
    const lock = {
      async run<T>(_key: string, work: () => Promise<T>): Promise<T> {
        if (++calls === 1) {
          await repeatFinished;
          return work();
        }
        try {
          return await work();
        } finally {
          repeatDone();
        }
      },
    };
    const racing = makePipeline({ kv: shared, lock });
    const message = inbound('where is my parcel?');
    const receipts = await Promise.all([racing.receive({ ...message }), racing.receive({ ...message })]);
    await racing.drain();
    expect(receipts.map((r) => r.status).sort()).toEqual(['accepted', 'duplicate']);
    expect(channel.sent).toHaveLength(1);
    expect((await transcript()).map((m) => m.role)).toEqual(['customer', 'bot']);
  });

  it('handles a burst from one chat in order, each answer after its question', async () => {
    channel.delayMs = 30; // a slow platform must not reorder the chat
    const questions = ['where is my parcel?', '我的快递到哪了', 'how do I reset my password'];
    await Promise.all(questions.map((q) => pipeline.receive(inbound(q))));
    await pipeline.drain();
    const messages = await transcript();
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(questions);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer', 'bot', 'customer', 'bot']);
    expect(channel.sent.map((s) => s.message.id)).toEqual(
      messages.filter((m) => m.role === 'bot').map((m) => m.id),
    );
  });

  it('understands half a sentence with the message queued right behind it: one answer, nothing lost', async () => {
    // Alone, "hmm so I need help with" matches nothing and would go to a person.
    const burst = ['hmm so I need help with', 'track my order'];
    await Promise.all(burst.map((text) => pipeline.receive(inbound(text))));
    await pipeline.drain();
    const messages = await transcript();
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(burst);
    const answers = messages.filter((m) => m.role === 'bot');
    expect(answers.map((m) => m.kbEntryId)).toEqual(['order.track']);
    expect(logs.some((line) => line.msg === 'burst: understood with the next message')).toBe(true);
  });

  it('answers the same half sentence on its own when nothing follows it', async () => {
    await chat('hmm so I need help with');
    const answers = (await transcript()).filter((m) => m.role === 'bot');
    expect(answers).toHaveLength(1);
    expect(answers[0]?.kbEntryId).toBeUndefined();
  });

  it('keeps chats apart: another chat is not held up by a slow one', async () => {
    channel.delayMs = 200;
    const slow = pipeline.receive(inbound('where is my parcel?'));
    const started = Date.now();
    const other = await pipeline.receive(
      inbound('我的快递到哪了', { address: { channel: 'telegram', chatId: '99', userId: '8' } }),
    );
    expect(other.status).toBe('accepted');
    expect(Date.now() - started).toBeLessThan(150);
    await slow;
  });

  it('loses nothing when recording fails: the platform’s retry of the same delivery is recorded and answered', async () => {
    const message = inbound('where is my parcel?');
    const set = store.set.bind(store);
    let failures = 1;
    store.set = async (key, value, ttl) => {
      if (key.startsWith('message:') && failures-- > 0) throw new StoreUnavailableError('disk full');
      return set(key, value, ttl);
    };
    await expect(pipeline.receive(message)).rejects.toBeInstanceOf(StoreUnavailableError);
    const retry = await pipeline.receive({ ...message });
    await pipeline.drain();
    expect(retry.status).toBe('accepted');
    expect((await transcript()).map((m) => [m.role, m.text.slice(0, 20)])).toEqual([
      ['customer', 'where is my parcel?'],
      ['bot', expect.any(String)],
    ]);
  });

  it('stores a message once when it was stored but the step after failed, and answers the retry', async () => {
    const message = inbound('where is my parcel?');
    const set = store.set.bind(store);
    let failures = 1;
    store.set = async (key, value, ttl) => {
      if (key.startsWith('recorded:') && failures-- > 0)
        throw new StoreUnavailableError('lost the connection');
      return set(key, value, ttl);
    };
    await expect(pipeline.receive(message)).rejects.toBeInstanceOf(StoreUnavailableError);
    const retry = await pipeline.receive({ ...message });
    await pipeline.drain();
    expect(retry.status).toBe('accepted');
    const messages = await transcript();
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot']);
    expect(new Set(messages.map((m) => m.id)).size).toBe(2);
    expect(channel.sent).toHaveLength(1);
  });

  it('keeps the answer recorded when the platform refuses it', async () => {
    channel.failNext = 1;
    await pipeline.receive(inbound('where is my parcel?'));
    await pipeline.drain();
    expect(channel.sent).toEqual([]);
    expect((await transcript()).map((m) => m.role)).toEqual(['customer', 'bot']);
  });

  it('hands off a message without text', async () => {
    await pipeline.receive(inbound('', { attachments: [{ kind: 'image', platformFileId: 'f1' }] }));
    await pipeline.drain();
    const conversation = await conversations.findOpenConversation({
      channel: 'telegram',
      chatId: '42',
      userId: '7',
    });
    expect(conversation?.status).toBe('waiting');
    expect(conversation?.handoffReason).toMatch(/without text/);
    expect(channel.sent[0]?.message.text).toMatch(/文字|text/);
  });

  it('raises the conversation’s priority to the entry’s when it hands off with it, and never lowers it', async () => {
    const conversation = await chat('I want to file a complaint');
    expect(conversation).toMatchObject({ status: 'waiting', priority: 'urgent', lastIntent: 'complaint' });
    expect(channel.sent[0]?.message.text).toMatch(/urgent/);
  });

  it('raises the priority when it answers with a high-priority entry, and keeps a higher one', async () => {
    expect(await chat('my item arrived damaged')).toMatchObject({ status: 'bot', priority: 'high' });
    const before = await conversations.findOpenConversation(inbound('').address);
    if (!before) throw new Error('no conversation');
    await conversations.updateConversation(before, { priority: 'urgent' });
    expect(await chat('the box was crushed in delivery')).toMatchObject({ priority: 'urgent' });
  });

  it('answers a follow-up question in the context of the answer before it', async () => {
    await chat('how do I return an item', 'how long does it take?');
    const answers = (await transcript()).filter((m) => m.role === 'bot').map((m) => m.kbEntryId);
    expect(answers).toEqual(['return.how', 'refund.time']);
    // Without that context (another chat) the same question is about delivery times.
    const elsewhere = { channel: 'telegram' as const, chatId: '99', userId: '99' };
    await pipeline.receive(inbound('how long does it take?', { address: elsewhere }));
    await pipeline.drain();
    const other = await conversations.findOpenConversation(elsewhere);
    expect(other && (await conversations.listMessages(other)).at(-1)?.kbEntryId).toBe('shipping.time');
  });

  it('hands off when the customer asks for a person, is upset, or repeats themselves', async () => {
    const reasonAfter = async (chatId: string, ...texts: string[]) => {
      const address = { channel: 'telegram' as const, chatId, userId: chatId };
      for (const text of texts) {
        await pipeline.receive(inbound(text, { address }));
        await pipeline.drain();
      }
      return conversations.findOpenConversation(address);
    };
    expect(await reasonAfter('201', '我要转人工')).toMatchObject({
      status: 'waiting',
      handoffReason: 'the customer asked for a person',
    });
    expect(await reasonAfter('202', '你们就是骗子！！！')).toMatchObject({
      status: 'waiting',
      priority: 'high',
      handoffReason: expect.stringContaining('upset (anger'),
    });
    expect(await reasonAfter('203', 'where is my parcel', 'Where is my parcel?')).toMatchObject({
      status: 'waiting',
      handoffReason: 'the customer repeated their last message',
    });
    expect(await reasonAfter('204', 'urgent!! talk to a human')).toMatchObject({ priority: 'urgent' });
  });

  it('fills in answer variables and uses the platform’s variant of an answer', async () => {
    await chat('hello');
    expect(channel.sent[0]?.message.text).toMatch(/^Hi, I'm the Switchboard Demo Shop assistant!/);
    expect(channel.sent[0]?.message.quickReplies.map((q) => q.payload)).toEqual([
      'kb:order.track',
      'kb:return.how',
      'kb:human.request',
    ]);
    await pipeline.receive(inbound('你好', { address: { channel: 'wechat', chatId: 'wx1', userId: 'wx1' } }));
    await pipeline.drain();
    expect(wechat.sent[0]?.message).toMatchObject({
      text: expect.stringMatching(/^您好，我是演示商城客服小助手！/),
      quickReplies: [],
    });
    expect(wechat.sent[0]?.message.text).not.toMatch(/\{\{|\}\}/);
  });

  it('logs what it could not answer as a knowledge gap, personal data masked', async () => {
    await chat('my cat 13800138000 likes li.lei@example.com');
    await pipeline.receive(
      inbound('order 2024050112345 quantum physics', {
        address: { channel: 'telegram', chatId: '43', userId: '8' },
      }),
    );
    await pipeline.drain();
    const gaps = logs.filter((line) => line.msg === 'knowledge gap');
    expect(gaps.map((gap) => gap.text)).toEqual([
      'my cat [phone] likes [email]',
      'order [number] quantum physics',
    ]);
    expect(gaps[0]).toMatchObject({
      level: 30, // info
      channel: 'telegram',
      conversationId: expect.any(String),
      best: expect.any(String),
      score: expect.any(Number),
    });
    expect(JSON.stringify(logs)).not.toMatch(/13800138000|li\.lei|2024050112345/);
  });

  it('logs no knowledge gap for a question it answers', async () => {
    await chat('where is my parcel?');
    expect(logs.filter((line) => line.msg === 'knowledge gap')).toEqual([]);
  });
});
