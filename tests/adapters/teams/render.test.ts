/** OutboundMessage -> Teams activities, with no server and no SDK (render.ts is pure). */
import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_CARD,
  escapeMarkdown,
  MAX_ACTIVITY_BYTES,
  renderOutbound,
} from '../../../src/adapters/teams/render.js';
import type { OutboundMessage } from '../../../src/core/model.js';
import { readMarkdown } from './read-sent.js';

function message(extra: Partial<OutboundMessage>): OutboundMessage {
  return {
    id: 'msg_0000000000000000000000',
    conversationId: 'conv_0000000000000000000000',
    seq: 2,
    role: 'bot',
    text: 'Hello',
    quickReplies: [],
    attachments: [],
    locale: 'en',
    ...extra,
  };
}

describe('Teams render', () => {
  it('text goes as markdown, its special characters escaped', () => {
    const text =
      'Order *123* [draft] <b>x</b> under_score `code`\n# not a heading\n- not a list\n1. nor this';
    const [activity, ...rest] = renderOutbound(message({ text }));
    expect(rest).toEqual([]);
    expect(activity).toEqual({ type: 'message', text: escapeMarkdown(text), textFormat: 'markdown' });
    expect(activity?.text).toContain('\\*123\\*');
    expect(activity?.text).toContain('\\# not a heading');
    expect(readMarkdown(activity?.text ?? '')).toBe(text);
  });

  it('quick replies become an Adaptive Card of Action.Submit buttons carrying the payload', () => {
    const [activity] = renderOutbound(
      message({
        quickReplies: [
          { label: 'Track my order', payload: 'kb:order.track' },
          { label: 'Talk to a person', payload: 'handoff:request' },
        ],
      }),
    );
    expect(activity?.text).toBe('Hello');
    expect(activity?.attachments).toEqual([
      {
        contentType: ADAPTIVE_CARD,
        content: expect.objectContaining({
          type: 'AdaptiveCard',
          version: '1.4',
          actions: [
            { type: 'Action.Submit', title: 'Track my order', data: { payload: 'kb:order.track' } },
            { type: 'Action.Submit', title: 'Talk to a person', data: { payload: 'handoff:request' } },
          ],
        }),
      },
    ]);
  });

  it('images go as image attachments, files and locations as links', () => {
    const [activity] = renderOutbound(
      message({
        text: '',
        attachments: [
          { kind: 'image', url: 'https://files.example/a.jpg', mime: 'image/jpeg', name: 'a.jpg' },
          { kind: 'file', url: 'https://files.example/invoice.pdf', name: 'invoice.pdf' },
          { kind: 'location', latitude: 31.23, longitude: 121.47, name: 'Store' },
          { kind: 'sticker', platformFileId: 'only-on-another-platform' },
        ],
      }),
    );
    expect(activity?.text).toBeUndefined();
    expect(activity?.attachments).toEqual([
      { contentType: 'image/jpeg', contentUrl: 'https://files.example/a.jpg', name: 'a.jpg' },
      {
        contentType: ADAPTIVE_CARD,
        content: expect.objectContaining({
          actions: [
            { type: 'Action.OpenUrl', title: 'invoice.pdf', url: 'https://files.example/invoice.pdf' },
            {
              type: 'Action.OpenUrl',
              title: 'Store',
              url: 'https://www.openstreetmap.org/?mlat=31.23&mlon=121.47',
            },
          ],
        }),
      },
    ]);
  });

  it('a text over the size limit is split at spaces; every piece fits and nothing is lost', () => {
    const text = Array.from({ length: 6000 }, (_, i) => `word${i} 订单*`).join(' ');
    const activities = renderOutbound(message({ text, quickReplies: [{ label: 'OK', payload: 'ok' }] }));
    expect(activities.length).toBeGreaterThan(1);
    for (const activity of activities) {
      expect(Buffer.byteLength(JSON.stringify(activity))).toBeLessThanOrEqual(MAX_ACTIVITY_BYTES);
    }
    const joined = activities.map((a) => readMarkdown(a.text ?? '')).join(' ');
    expect(joined).toBe(text);
    // The buttons come with the last piece, under the text they answer.
    expect(activities.map((a) => a.attachments?.length ?? 0)).toEqual([
      ...activities.slice(1).map(() => 0),
      1,
    ]);
  });

  it('a text of one long word is still split, never inside a character', () => {
    const text = '😀'.repeat(20_000);
    const pieces = renderOutbound(message({ text }), 10_000).map((a) => a.text ?? '');
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe(text);
  });
});
