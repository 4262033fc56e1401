import { describe, expect, it } from 'vitest';
import {
  escapeMrkdwn,
  MAX_SECTION_LENGTH,
  MAX_TEXT_LENGTH,
  renderOutbound,
  splitEscaped,
} from '../../../src/adapters/slack/render.js';
import type { OutboundMessage } from '../../../src/core/model.js';
import { fixture } from './slack-kit.js';

function outbound(text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg_AAAAAAAAAAAAAAAAAAAAAA',
    conversationId: 'conv_AAAAAAAAAAAAAAAAAAAAAA',
    seq: 2,
    role: 'bot',
    text,
    quickReplies: [],
    attachments: [],
    locale: 'en',
    ...extra,
  };
}

describe('renderOutbound', () => {
  it('sends plain text as escaped mrkdwn, without blocks', () => {
    expect(renderOutbound(outbound('Fish & chips <3'))).toEqual([{ text: 'Fish &amp; chips &lt;3' }]);
  });

  it('can never ping @channel, mention anyone or hide a link (injection fixture)', () => {
    const raw = fixture('event_message_injection_pii.json').event.text;
    const [post] = renderOutbound(outbound(raw, { quickReplies: [{ label: 'OK', payload: 'kb:x' }] }));
    for (const text of [post?.text, JSON.stringify(post?.blocks)]) {
      expect(text).not.toMatch(/<[!@#]|<https?:/);
      expect(text).toContain('&lt;!channel&gt; &lt;!here&gt;');
      expect(text).toContain('&lt;@U0AGENT001&gt; &lt;https://evil.example|click&gt;');
    }
  });

  it('turns quick replies into buttons with unique action ids, and keeps the text as fallback', () => {
    const [post] = renderOutbound(
      outbound('Pick one', {
        quickReplies: [
          { label: 'Track my order', payload: 'kb:order.track' },
          { label: 'Talk to a person', payload: 'handoff:request' },
        ],
      }),
    );
    expect(post).toEqual({
      text: 'Pick one',
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Pick one' } },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Track my order', emoji: true },
              value: 'kb:order.track',
              action_id: 'switchboard_qr_0',
            },
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Talk to a person', emoji: true },
              value: 'handoff:request',
              action_id: 'switchboard_qr_1',
            },
          ],
        },
      ],
    });
  });

  it('shortens long button labels to 75 characters and puts at most 25 buttons in an actions block', () => {
    const quickReplies = Array.from({ length: 30 }, (_, i) => ({
      label: `${'x'.repeat(100)}${i}`,
      payload: `p${i}`,
    }));
    const [post] = renderOutbound(outbound('Many', { quickReplies }));
    const actions = post?.blocks?.filter((block) => block.type === 'actions') ?? [];
    expect(actions.map((block) => (block.type === 'actions' ? block.elements.length : 0))).toEqual([25, 5]);
    const first = actions[0]?.type === 'actions' ? actions[0].elements[0] : undefined;
    expect([...(first?.text.text ?? '')]).toHaveLength(75);
  });

  it('splits long text at 3,000 characters per section and 40,000 per message, on word boundaries', () => {
    const words = 'lorem ipsum dolor sit amet '.repeat(3_000); // 81,000 characters
    const posts = renderOutbound(outbound(words, { quickReplies: [{ label: 'OK', payload: 'ok' }] }));
    expect(posts.length).toBe(3);
    for (const post of posts) {
      expect(post.text.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
      for (const block of post.blocks ?? []) {
        if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(MAX_SECTION_LENGTH);
      }
      expect(post.text.trim()).toMatch(/ (lorem|ipsum|dolor|sit|amet)$/); // a whole word last
    }
    const rejoined = posts.map((post) => post.text.trim()).join(' ');
    expect(rejoined === words.trim()).toBe(true);
    // Only the last post carries the buttons.
    expect(posts.map((post) => post.blocks?.some((block) => block.type === 'actions'))).toEqual([
      false,
      false,
      true,
    ]);
  });

  it('sends attachments as links, and never a non-http link', () => {
    const [post] = renderOutbound(
      outbound('Your invoice', {
        attachments: [
          { kind: 'file', url: 'https://files.example/a|b.pdf', name: 'a|b <1>.pdf' },
          { kind: 'image', url: 'javascript:alert(1)', name: 'x.png' },
          { kind: 'file', platformFileId: 'F1' },
        ],
      }),
    );
    expect(post?.text).toBe(
      'Your invoice\n📎 <https://files.example/a%7Cb.pdf|a¦b &lt;1&gt;.pdf>\n📎 x.png\n📎 file',
    );
  });
});

describe('splitEscaped', () => {
  it('never cuts an entity or a surrogate pair', () => {
    expect(splitEscaped(escapeMrkdwn('&&&'), 7)).toEqual(['&amp;', '&amp;', '&amp;']);
    expect(splitEscaped('ab😀cd', 3)).toEqual(['ab', '😀c', 'd']);
  });

  it('keeps short text whole, including empty text', () => {
    expect(splitEscaped('hello', 10)).toEqual(['hello']);
    expect(splitEscaped('', 10)).toEqual(['']);
  });
});
