import { describe, expect, it } from 'vitest';
import { plainText, renderWechat, splitText } from '../../../src/adapters/wechat/render.js';
import type { OutboundMessage } from '../../../src/core/model.js';

const outbound = (extra: Partial<OutboundMessage>): OutboundMessage => ({
  id: 'msg_1',
  conversationId: 'conv_1',
  seq: 2,
  role: 'bot',
  text: '',
  quickReplies: [],
  attachments: [],
  locale: 'en',
  ...extra,
});

describe('plainText', () => {
  it('drops emphasis, headings and code marks; links read "label (url)"', () => {
    expect(
      plainText(
        '## Returns\n**Free** returns for *30 days*: see [our policy](https://shop.example/returns) or <https://shop.example>. Use `RET-1`.',
      ),
    ).toBe(
      'Returns\nFree returns for 30 days: see our policy (https://shop.example/returns) or https://shop.example. Use RET-1.',
    );
  });

  it('leaves snake_case, 2*3 and bare urls alone', () => {
    expect(plainText('order_id is 2*3 at https://a.example/x_y_z')).toBe(
      'order_id is 2*3 at https://a.example/x_y_z',
    );
  });
});

describe('renderWechat', () => {
  it('quick replies become a numbered list in the message’s language', () => {
    const quickReplies = [
      { label: '查询物流', payload: 'kb:order.track' },
      { label: '转人工客服', payload: 'handoff:request' },
    ];
    expect(renderWechat(outbound({ text: '请选择：', quickReplies, locale: 'zh-CN' }))).toEqual([
      { kind: 'text', text: '请选择：\n\n回复 1：查询物流\n回复 2：转人工客服' },
    ]);
    expect(renderWechat(outbound({ text: 'Pick one', quickReplies: quickReplies.slice(0, 1) }))).toEqual([
      { kind: 'text', text: 'Pick one\n\nReply 1: 查询物流' },
    ]);
  });

  it('attachments with a url go out as files after the text; others are left out', () => {
    expect(
      renderWechat(
        outbound({
          text: 'Your invoice',
          attachments: [
            { kind: 'file', url: 'https://files.example/invoice.pdf', name: 'invoice.pdf' },
            { kind: 'image', platformFileId: 'abc' },
          ],
        }),
      ),
    ).toEqual([
      { kind: 'text', text: 'Your invoice' },
      { kind: 'file', url: 'https://files.example/invoice.pdf', name: 'invoice.pdf' },
    ]);
  });

  it('a long text is split at paragraph breaks, the choices stay with the last part', () => {
    const paragraph = 'x'.repeat(1200);
    const parts = renderWechat(
      outbound({
        text: `${paragraph}\n\n${paragraph}`,
        quickReplies: [{ label: 'OK', payload: 'ok' }],
      }),
    );
    expect(parts).toEqual([
      { kind: 'text', text: paragraph },
      { kind: 'text', text: `${paragraph}\n\nReply 1: OK` },
    ]);
  });
});

describe('splitText', () => {
  it('never exceeds the limit, counting characters, and prefers sentence ends', () => {
    const text = '这是一句话。'.repeat(500); // 3000 characters
    const parts = splitText(text, 2000);
    expect(parts.every((part) => [...part].length <= 2000)).toBe(true);
    expect(parts.join('')).toBe(text);
    expect(parts[0]?.endsWith('。')).toBe(true);
  });

  it('cuts a text with no breaks at the limit', () => {
    expect(splitText('a'.repeat(4500), 2000).map((part) => part.length)).toEqual([2000, 2000, 500]);
  });

  it('an empty text is no message', () => {
    expect(splitText('')).toEqual([]);
  });
});
