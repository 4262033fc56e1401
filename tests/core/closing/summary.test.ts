/** The close summary is read from the record: the same conversation always gives the same lines. */
import { describe, expect, it } from 'vitest';
import { formatDuration, renderSummary, summarize } from '../../../src/core/closing/summary.js';
import type { Conversation, Message } from '../../../src/core/model.js';

const OPENED = '2026-03-02T10:00:00.000Z';

function conversation(changes: Partial<Conversation> = {}): Conversation {
  return {
    id: 'conv_AAAAAAAAAAAAAAAAAAAAAA',
    customerId: 'cus_AAAAAAAAAAAAAAAAAAAAAA',
    address: { channel: 'webchat', chatId: 'ws_x', userId: 'ws_x' },
    status: 'closed',
    priority: 'normal',
    locale: 'en',
    openedAt: OPENED,
    firstResponseAt: '2026-03-02T10:00:02.000Z',
    closedAt: '2026-03-02T10:31:02.000Z',
    resolution: 'bot',
    messageCount: 0,
    misses: 0,
    ...changes,
  };
}

let seq = 0;
function message(role: Message['role'], text: string, extra: Partial<Message> = {}): Message {
  seq++;
  return {
    id: `msg_${seq}`,
    conversationId: 'conv_AAAAAAAAAAAAAAAAAAAAAA',
    seq,
    direction: role === 'customer' ? 'in' : 'out',
    role,
    text,
    attachments: [],
    quickReplies: [],
    at: OPENED,
    ...extra,
  };
}

const TITLES: Record<string, string> = { 'order.track': 'Track my order', 'returns.policy': 'Returns' };
const titleOf = (id: string) => TITLES[id];

describe('summarize', () => {
  it('a bot-resolved conversation: reason, answers in order, the bot, both times', () => {
    const summary = summarize({
      conversation: conversation(),
      messages: [
        message('customer', '  where is   my parcel? '),
        message('bot', 'Check My orders.', { kbEntryId: 'order.track', confidence: 0.9 }),
        message('customer', 'and returns?'),
        message('bot', 'Within 30 days.', { kbEntryId: 'returns.policy', confidence: 0.8 }),
        message('bot', 'Check My orders again.', { kbEntryId: 'order.track', confidence: 0.9 }),
        message('bot', 'How did we do?'),
      ],
      titleOf,
    });
    expect(summary).toEqual({
      reason: { firstMessage: 'where is my parcel?', intent: 'order.track' },
      answered: [
        { entryId: 'order.track', title: 'Track my order' },
        { entryId: 'returns.policy', title: 'Returns' },
      ],
      done: [],
      resolution: 'bot',
      handledBy: 'bot',
      firstResponseSeconds: 2,
      resolutionSeconds: 1862,
    });
    expect(renderSummary(summary)).toBe(
      [
        '📋 Summary',
        'Reason: "where is my parcel?" (intent order.track)',
        'Answered: Track my order [order.track]; Returns [returns.policy]',
        'Resolution: resolved by the bot, handled by bot',
        'First response: 2 s · Resolution: 31 min 2 s',
      ].join('\n'),
    );
  });

  it('an agent-closed conversation: the handoff, what people did, who handled it', () => {
    const summary = summarize({
      conversation: conversation({
        resolution: 'agent',
        handedOffAt: '2026-03-02T10:00:05.000Z',
        handoffReason: 'the customer asked for a person',
        ticket: 'A7K2',
        assignee: 'U0AGENT001',
        assigneeName: 'Alice',
      }),
      messages: [
        message('customer', '我要转人工'),
        message('bot', '正在为您转接'),
        message('agent', '您好', { author: { id: 'U0AGENT001' } }),
        message('agent', 'VIP, be nice', { internal: true }),
        message('agent', '已处理', { author: { id: 'U0AGENT001' } }),
      ],
      titleOf,
    });
    expect(summary).toMatchObject({
      reason: { firstMessage: '我要转人工', handoff: 'the customer asked for a person' },
      answered: [],
      done: ['handed off to a person (ticket A7K2)', '2 agent replies', '1 internal note'],
      resolution: 'agent',
      handledBy: 'Alice',
    });
    expect(summary.reason.intent).toBeUndefined();
    expect(renderSummary(summary)).toContain('Handed off because: the customer asked for a person');
    expect(renderSummary(summary)).toContain('Answered: nothing from the knowledge base');
  });

  it('an abandoned handoff was handled by nobody; long and non-text first messages stay short', () => {
    const long = 'x'.repeat(300);
    const abandoned = summarize({
      conversation: conversation({
        resolution: 'abandoned',
        handedOffAt: OPENED,
        firstResponseAt: undefined,
      }),
      messages: [message('customer', long)],
      titleOf,
    });
    expect(abandoned.handledBy).toBe('nobody');
    expect(abandoned.reason.firstMessage).toBe(`${'x'.repeat(200)}…`);
    expect(abandoned.firstResponseSeconds).toBeUndefined();
    expect(renderSummary(abandoned)).toContain('First response: — ·');

    const photo = summarize({
      conversation: conversation(),
      messages: [message('customer', '', { attachments: [{ kind: 'image' }] })],
      titleOf,
    });
    expect(photo.reason.firstMessage).toBe('(image)');
  });

  it('an entry since removed from the knowledge base is named by its id', () => {
    const summary = summarize({
      conversation: conversation(),
      messages: [message('bot', 'old answer', { kbEntryId: 'gone.entry' })],
      titleOf,
    });
    expect(summary.answered).toEqual([{ entryId: 'gone.entry', title: 'gone.entry' }]);
  });
});

describe('formatDuration', () => {
  it.each([
    [45, '45 s'],
    [60, '1 min'],
    [185, '3 min 5 s'],
    [7800, '2 h 10 min'],
    [97200, '1 d 3 h'],
  ])('%i s reads "%s"', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
