import { describe, expect, it } from 'vitest';
import {
  renderDeskCard,
  renderDeskPost,
  renderEscalation,
  renderNotice,
} from '../../../src/adapters/teams/desk-render.js';
import { MAX_ACTIVITY_BYTES } from '../../../src/adapters/teams/render.js';
import type { DeskCard } from '../../../src/core/desk/agent-desk.js';

const card = (extra: Partial<DeskCard> = {}): DeskCard => ({
  ticket: 'A7K2',
  conversationId: 'conv_1',
  status: 'waiting',
  priority: 'urgent',
  reason: 'complaint: "this is ridiculous"',
  customer: { name: 'Wang [click](https://evil.example)', tier: 'vip', locale: 'zh-CN', channel: 'telegram' },
  lastMessages: [{ role: 'customer', text: '**where** is my parcel', at: '2026-01-02T10:00:00.000Z' }],
  suggestions: [
    { entryId: 'order.track', label: 'Track an order', answer: 'See My orders.', confidence: 0.82 },
  ],
  history: [{ ticket: 'B3Q9', channel: 'wechat', openedAt: '2025-12-01T08:00:00.000Z', status: 'closed' }],
  queuePosition: 2,
  ...extra,
});

// biome-ignore lint/suspicious/noExplicitAny: walking the rendered JSON
const content = (activity: { attachments?: { content?: any }[] }) => activity.attachments?.[0]?.content;

describe('renderDeskCard', () => {
  it('a waiting conversation: ticket, priority, facts, messages, history, suggestions with Send, and all three buttons', () => {
    const rendered = renderDeskCard(card());
    const json = JSON.stringify(rendered);
    for (const text of [
      'Ticket A7K2 · URGENT',
      '#2 in the queue',
      'VIP',
      'telegram',
      'zh-CN',
      'B3Q9',
      'Track an order',
      '82%',
    ])
      expect(json).toContain(text);
    expect(content(rendered).actions.map((a: { title: string }) => a.title)).toEqual([
      'Claim',
      'Close',
      'Hand back to bot',
    ]);
    expect(json).toContain('{"desk":"send-suggestion","entryId":"order.track"}');
    expect(content(rendered).version).toBe('1.4');
  });

  it('shows what the bot looked up, as plain text', () => {
    const lookups = [
      {
        entryId: 'order.track',
        backend: 'orders',
        values: 'order_id=A1234567',
        outcome: 'found (HTTP 200)',
        at: '2026-01-02T10:00:00.000Z',
      },
    ];
    const body = JSON.stringify(content(renderDeskCard(card({ lookups }))).body);
    expect(body).toContain('"text":"Looked up"');
    expect(body).toContain('{"type":"TextRun","text":"order_id=A1234567 → found (HTTP 200)"}');
  });

  it('what customers wrote is in TextRuns, which Teams does not render as markdown', () => {
    const body = JSON.stringify(content(renderDeskCard(card())).body);
    expect(body).toContain('{"type":"TextRun","text":"**where** is my parcel"}');
    expect(body).toContain('{"type":"TextRun","text":"Wang [click](https://evil.example)"}');
    expect(body).not.toMatch(/"type":"TextBlock","text":"[^"]*evil/);
  });

  it('claimed: shows the owner, no Claim; closed: no buttons and no suggestions', () => {
    const claimed = renderDeskCard(card({ status: 'agent', assignee: { id: 'aad-1', name: 'Alice' } }));
    expect(JSON.stringify(claimed)).toContain('Claimed by Alice');
    expect(content(claimed).actions.map((a: { title: string }) => a.title)).toEqual([
      'Close',
      'Hand back to bot',
    ]);
    const closed = renderDeskCard(card({ status: 'closed', assignee: { id: 'aad-1', name: 'Alice' } }));
    expect(JSON.stringify(closed)).toContain('Closed by Alice');
    expect(content(closed).actions).toEqual([]);
    expect(JSON.stringify(closed)).not.toContain('send-suggestion');
  });

  it('stays under Teams’ message size with long messages and answers in any script', () => {
    const long = '长'.repeat(5000);
    const big = card({
      lastMessages: Array.from({ length: 6 }, () => ({
        role: 'customer' as const,
        text: long,
        at: '2026-01-02T10:00:00.000Z',
      })),
      suggestions: Array.from({ length: 8 }, (_, i) => ({
        entryId: `e${i}`,
        label: long.slice(0, 80),
        answer: long,
        confidence: 0.5,
      })),
    });
    expect(Buffer.byteLength(JSON.stringify(renderDeskCard(big)))).toBeLessThan(MAX_ACTIVITY_BYTES);
  });
});

describe('thread posts and notices', () => {
  it('a mirrored customer message is labelled and markdown-escaped, attachments kept', () => {
    const [post] = renderDeskPost({
      kind: 'customer',
      text: 'any *news*?',
      attachments: [{ kind: 'image', url: 'https://files.example/a.png' }],
    });
    expect(post).toMatchObject({
      text: 'Customer: any \\*news\\*?',
      attachments: [{ contentUrl: 'https://files.example/a.png' }],
    });
  });

  it('a notice @mentions the agent with a mention entity Teams resolves', () => {
    expect(
      renderNotice('Alice has already claimed this conversation.', { id: '29:bob', name: 'Bob <b>' }),
    ).toEqual({
      type: 'message',
      text: '<at>Bob b</at> Alice has already claimed this conversation.',
      textFormat: 'markdown',
      entities: [{ type: 'mention', text: '<at>Bob b</at>', mentioned: { id: '29:bob', name: 'Bob b' } }],
    });
  });

  it('an escalation links to the thread and has no Claim button', () => {
    const rendered = renderEscalation(
      card(),
      'Ticket A7K2 has waited 10 min unclaimed.',
      'https://teams.microsoft.com/l/message/x/1',
    );
    expect(content(rendered).actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Open the thread', url: 'https://teams.microsoft.com/l/message/x/1' },
    ]);
  });
});
