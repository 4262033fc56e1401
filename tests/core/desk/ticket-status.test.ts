import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeTicket, ticketMention } from '../../../src/core/desk/ticket-status.js';
import { allocateTicket, findTicket } from '../../../src/core/desk/tickets.js';
import { WaitingQueue } from '../../../src/core/desk/waiting-queue.js';
import type { Address, Conversation } from '../../../src/core/model.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';

describe('ticketMention: which ticket', () => {
  it.each([
    ['工单 A7K2 怎么样了', 'A7K2'],
    ['我的工单号是a7k2，进度如何了？', 'A7K2'],
    ['工单A7K2处理得怎么样了', 'A7K2'],
    ['请问工单 KQWE 的状态', 'KQWE'],
    ['工单 kqwe 好了吗', 'KQWE'],
    ["what's the status of ticket A7K2", 'A7K2'],
    ['Any update on my ticket KQWE?', 'KQWE'],
    ['ticket number: 9XH3Q', '9XH3Q'],
    ['#A7K2 进度', 'A7K2'],
    ['any news on #B5NM?', 'B5NM'],
    ['A7K2?', 'A7K2'],
    ['a7k2', 'A7K2'],
    ['A7K2 status', 'A7K2'],
    ['A7K2 进度', 'A7K2'],
    ['status of A7K2 please', 'A7K2'],
    ['WHAT IS THE STATUS OF TICKET A7K2', 'A7K2'],
  ])('finds the ticket in %j', (text, ticket) => {
    expect(ticketMention(text)?.ticket).toBe(ticket);
  });

  it.each([
    '我的快递到哪了',
    '订单 A7K2 怎么样了', // an order code, not a ticket
    'where is my parcel?',
    'THANKS', // letters only, bare
    'STATUS?',
    'I want to open a ticket',
    'can you check my ticket status?',
    'I need a ticket ASAP',
    'WHAT IS THE STATUS OF MY TICKET',
    'my email is ab12@example.com',
    'see https://example.com/A7K2',
    'is the H264 version compatible with my TV?',
    '我想问一下 A7K2 是什么型号',
    '工单', // asks about tickets, names none
    '13800138000',
  ])('ignores %j', (text) => {
    expect(ticketMention(text)?.ticket).toBeUndefined();
  });

  it('marks a bare number as not explicit, so the caller answers it only when the ticket exists', () => {
    expect(ticketMention('A7K2?')).toEqual({ ticket: 'A7K2', explicit: false });
    expect(ticketMention('工单 A7K2')).toEqual({ ticket: 'A7K2', explicit: true });
    expect(ticketMention('#A7K2')).toEqual({ ticket: 'A7K2', explicit: true });
  });
});

describe('describeTicket', () => {
  const address: Address = { channel: 'telegram', chatId: '42', userId: '7' };
  let kv: KeyValueStore;
  let conversations: ConversationStore;
  let queue: WaitingQueue;

  beforeEach(async () => {
    kv = await openStore('sqlite://:memory:');
    conversations = new ConversationStore(kv, { now: () => Date.parse('2024-05-01T06:00:00Z') });
    queue = new WaitingQueue(kv);
  });
  afterEach(async () => {
    await kv.close();
  });

  /** A handed-off conversation of a customer named 张伟, whose messages nobody else may read. */
  async function ticketed(
    changes: Partial<Conversation>,
  ): Promise<{ ticket: string; conversation: Conversation }> {
    const customer = await conversations.createCustomer('telegram:7', { name: '张伟' });
    const opened = await conversations.openConversation(customer, address, 'zh-CN');
    await conversations.appendMessage(opened, {
      direction: 'in',
      role: 'customer',
      text: '我的手机号 13800138000，订单退款',
      attachments: [],
      quickReplies: [],
    });
    const ticket = await allocateTicket(kv, opened.id);
    const current = (await conversations.getConversation(opened.id)) ?? opened;
    const conversation = await conversations.updateConversation(current, {
      ticket,
      handedOffAt: '2024-05-01T05:00:00.000Z',
      handoffReason: 'customer asked for a person',
      ...changes,
    });
    return { ticket, conversation };
  }

  it('finds an allocated ticket by the number the customer typed', async () => {
    const { ticket, conversation } = await ticketed({ status: 'waiting' });
    expect(await findTicket(kv, ticket.toLowerCase())).toBe(conversation.id);
  });

  it('says a waiting ticket’s place in the queue', async () => {
    await queue.add({
      conversationId: 'conv_someone_else',
      priority: 'normal',
      vip: false,
      since: '2024-05-01T04:00:00Z',
    });
    const { ticket, conversation } = await ticketed({ status: 'waiting' });
    await queue.add({
      conversationId: conversation.id,
      priority: 'normal',
      vip: false,
      since: '2024-05-01T05:00:00Z',
    });
    expect(await describeTicket(kv, conversations, ticket, 'zh-CN', { queue })).toBe(
      `工单 ${ticket} 正在排队等待人工客服，前面还有 1 位客户。`,
    );
    expect(await describeTicket(kv, conversations, ticket, 'en', { queue })).toBe(
      `Ticket ${ticket} is waiting for a member of our team: number 2 in the queue.`,
    );
    expect(await describeTicket(kv, conversations, ticket, 'en')).toBe(
      `Ticket ${ticket} is waiting for a member of our team, who will reply as soon as possible.`,
    );
  });

  it('names the agent who has it', async () => {
    const { ticket } = await ticketed({ status: 'agent', assignee: 'U0AGENT001', assigneeName: 'Alice' });
    expect(await describeTicket(kv, conversations, ticket, 'zh-CN')).toBe(
      `工单 ${ticket} 正在由客服 Alice 处理中。`,
    );
    expect(await describeTicket(kv, conversations, ticket, 'en')).toBe(
      `Ticket ${ticket} is being handled by Alice.`,
    );
  });

  it('says when a closed ticket was closed, in the company’s time zone', async () => {
    const { ticket } = await ticketed({
      status: 'closed',
      closedAt: '2024-05-01T06:00:00.000Z',
      resolution: 'agent',
    });
    expect(await describeTicket(kv, conversations, ticket, 'zh-CN', { timeZone: 'Asia/Shanghai' })).toBe(
      `工单 ${ticket} 已于 2024年5月1日 14:00 处理完毕并关闭。如还有问题，直接在这里告诉我。`,
    );
    expect(await describeTicket(kv, conversations, ticket, 'en')).toBe(
      `Ticket ${ticket} was closed on 1 May 2024, 06:00 UTC. If you still need help, just tell me here.`,
    );
  });

  it('says a ticket handed back to the bot is not queued', async () => {
    const { ticket } = await ticketed({ status: 'bot' });
    expect(await describeTicket(kv, conversations, ticket, 'en')).toContain('handed back to the assistant');
  });

  it('asks to check the number of a ticket that does not exist', async () => {
    expect(await describeTicket(kv, conversations, 'zz99', 'en')).toBe(
      "I can't find ticket ZZ99; please check the number and send it again.",
    );
    expect(await describeTicket(kv, conversations, 'ZZ99', 'zh-CN')).toBe(
      '没有找到工单 ZZ99，请核对工单号后再发给我。',
    );
  });

  it('tells a stranger with the number only the state: no name, no messages, no reason', async () => {
    for (const status of ['waiting', 'agent', 'closed', 'bot'] as const) {
      const { ticket } = await ticketed({
        status,
        assigneeName: 'Alice',
        closedAt: '2024-05-01T06:00:00.000Z',
      });
      for (const locale of ['zh-CN', 'en'] as const) {
        const line = await describeTicket(kv, conversations, ticket, locale, { queue });
        expect(line).not.toMatch(/张伟|13800138000|退款|customer asked|telegram/);
      }
    }
  });
});
