import { describe, expect, it } from 'vitest';
import { CALLBACK_DATA_MAX_BYTES, isCallbackToken } from '../../../src/adapters/telegram/callback-data.js';
import { escapeHtml, renderOutbound, type TelegramCall } from '../../../src/adapters/telegram/render.js';
import { splitText, TELEGRAM_MAX_TEXT } from '../../../src/adapters/telegram/split-text.js';
import type { Address, OutboundMessage } from '../../../src/core/model.js';
import { unescapeHtml, update } from './telegram-kit.js';

const PRIVATE: Address = { channel: 'telegram', chatId: '7527593', userId: '7527593' };

function outbound(extra: Partial<OutboundMessage>): OutboundMessage {
  return {
    id: 'msg_test',
    conversationId: 'conv_test',
    seq: 2,
    role: 'bot',
    text: '',
    quickReplies: [],
    attachments: [],
    locale: 'en',
    ...extra,
  };
}

const textOf = (call: TelegramCall | undefined) => {
  if (call?.method !== 'sendMessage') throw new Error(`not a text: ${call?.method}`);
  return call.payload.text;
};

describe('escapeHtml', () => {
  it('escapes exactly &, < and >, so Markdown-looking text shows as typed', () => {
    const { message } = update('update_markdown_special') as unknown as { message: { text: string } };
    expect(escapeHtml(message.text)).toBe(
      'price is 9.99! (discount_code: A*B) [link](http://x) `x` &gt; quote #tag',
    );
    expect(escapeHtml('<b>Tom & "Jerry"</b> &amp;')).toBe('&lt;b&gt;Tom &amp; "Jerry"&lt;/b&gt; &amp;amp;');
    expect(unescapeHtml(escapeHtml('a &lt; <b> & >'))).toBe('a &lt; <b> & >');
  });
});

describe('splitText', () => {
  it('leaves a text within the limit whole', () => {
    expect(splitText('hello')).toEqual(['hello']);
    expect(splitText('x'.repeat(TELEGRAM_MAX_TEXT))).toHaveLength(1);
  });

  it('splits at a paragraph break, then a line break, then a space', () => {
    const paragraphs = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`;
    expect(splitText(paragraphs)).toEqual(['a'.repeat(3000), 'b'.repeat(3000)]);
    const lines = `${'a'.repeat(3000)}\n${'b'.repeat(3000)}`;
    expect(splitText(lines)).toEqual(['a'.repeat(3000), 'b'.repeat(3000)]);
    const words = Array.from({ length: 1000 }, (_, i) => `word${i}`).join(' ');
    const pieces = splitText(words);
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
    expect(pieces.join(' ')).toBe(words);
  });

  it('splits Chinese after a full stop, and never inside an emoji', () => {
    const chinese = '这是一句话。'.repeat(1000);
    const pieces = splitText(chinese);
    expect(pieces.every((piece) => piece.endsWith('。') && piece.length <= TELEGRAM_MAX_TEXT)).toBe(true);
    expect(pieces.join('')).toBe(chinese);
    const emoji = '😀'.repeat(3000); // 6000 UTF-16 units, no boundary anywhere
    const cut = splitText(emoji);
    expect(cut.join('')).toBe(emoji);
    expect(cut.every((piece) => piece.length <= TELEGRAM_MAX_TEXT && !/[\ud800-\udbff]$/.test(piece))).toBe(
      true,
    );
  });
});

describe('renderOutbound', () => {
  it('a text: one HTML sendMessage to the chat, with a plain fallback', () => {
    const { calls } = renderOutbound(outbound({ text: 'Tom & <Jerry>' }), PRIVATE);
    expect(calls).toEqual([
      {
        method: 'sendMessage',
        payload: { chat_id: 7527593, text: 'Tom &amp; &lt;Jerry&gt;', parse_mode: 'HTML' },
        fallback: { method: 'sendMessage', payload: { chat_id: 7527593, text: 'Tom & <Jerry>' } },
      },
    ]);
  });

  it('a long text: pieces under the limit, escaped after splitting, keyboard on the last', () => {
    const text = `${'&'.repeat(5000)} ${'<'.repeat(10)}`;
    const { calls } = renderOutbound(
      outbound({ text, quickReplies: [{ label: 'More', payload: 'kb:more' }] }),
      PRIVATE,
    );
    expect(calls).toHaveLength(2);
    const pieces = calls.map((call) => unescapeHtml(textOf(call)));
    expect(pieces.every((piece) => piece.length <= TELEGRAM_MAX_TEXT)).toBe(true);
    expect(pieces.join('')).toBe(text); // the cut fell inside the run of &, with no space near
    expect(textOf(calls[0])).toMatch(/^(&amp;)+$/); // no escape cut in half
    expect(calls.map((call) => 'reply_markup' in call.payload)).toEqual([false, true]);
  });

  it('quick replies: one inline button per row; a payload over 64 bytes travels as a stored token', () => {
    const long = `kb:${'x'.repeat(80)}`;
    const { calls, callbackTokens } = renderOutbound(
      outbound({
        text: 'Pick one',
        quickReplies: [
          { label: 'Track', payload: 'kb:order.track' },
          { label: 'Long', payload: long },
        ],
      }),
      PRIVATE,
    );
    const call = calls[0];
    if (call?.method !== 'sendMessage') throw new Error('expected a text');
    const rows = call.payload.reply_markup?.inline_keyboard ?? [];
    expect(rows.map((row) => row.length)).toEqual([1, 1]);
    const [track, longButton] = rows.map((row) => row[0]);
    expect(track).toEqual({ text: 'Track', callback_data: 'kb:order.track' });
    expect(Buffer.byteLength(longButton?.callback_data ?? '')).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
    expect(isCallbackToken(longButton?.callback_data ?? '')).toBe(true);
    expect(callbackTokens).toEqual([{ token: longButton?.callback_data, payload: long }]);
    // The same payload always gets the same token.
    const again = renderOutbound(
      outbound({ text: 'x', quickReplies: [{ label: 'Long', payload: long }] }),
      PRIVATE,
    );
    expect(again.callbackTokens[0]?.token).toBe(longButton?.callback_data);
  });

  it('a short text with a file becomes its caption; other attachments follow', () => {
    const { calls } = renderOutbound(
      outbound({
        text: 'Your <invoice>',
        attachments: [
          { kind: 'file', url: 'https://files.example/invoice.pdf', name: 'invoice.pdf' },
          { kind: 'location', latitude: 31.2, longitude: 121.5 },
          { kind: 'image', url: 'https://files.example/a.png' },
          { kind: 'file', url: 'https://files.example/terms.docx', name: 'Terms' },
        ],
      }),
      { ...PRIVATE, chatId: '-1001234567890', threadId: '42' },
    );
    const target = { chat_id: -1001234567890, message_thread_id: 42 };
    expect(calls.map((call) => [call.method, call.payload])).toEqual([
      [
        'sendDocument',
        {
          ...target,
          document: 'https://files.example/invoice.pdf',
          caption: 'Your &lt;invoice&gt;',
          parse_mode: 'HTML',
        },
      ],
      ['sendLocation', { ...target, latitude: 31.2, longitude: 121.5 }],
      ['sendPhoto', { ...target, photo: 'https://files.example/a.png' }],
      // Telegram fetches only PDF, ZIP and GIF documents by URL: anything else goes as a link.
      ['sendMessage', { ...target, text: 'Terms: https://files.example/terms.docx', parse_mode: 'HTML' }],
    ]);
    expect(calls[0]?.fallback?.payload).toMatchObject({ caption: 'Your <invoice>' });
  });

  it('a text too long for a caption goes first, the picture after it', () => {
    const text = 'y'.repeat(2000);
    const { calls } = renderOutbound(
      outbound({ text, attachments: [{ kind: 'image', platformFileId: 'AgAC_file' }] }),
      PRIVATE,
    );
    expect(calls.map((call) => call.method)).toEqual(['sendMessage', 'sendPhoto']);
  });

  it('nothing sendable renders no call', () => {
    expect(renderOutbound(outbound({ text: '  ', attachments: [{ kind: 'file' }] }), PRIVATE).calls).toEqual(
      [],
    );
  });
});
