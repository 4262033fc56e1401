/**
 * OutboundMessage -> what the WeChat account says, in order. Pure. WeChat shows plain text only:
 * no markdown, no buttons, so quick replies become a numbered list the customer answers with a
 * digit (parse.ts maps the digit back to the button's payload).
 */
import type { Locale, OutboundMessage, QuickReply } from '../../core/model.js';

export type WechatSend = { kind: 'text'; text: string } | { kind: 'file'; url: string; name?: string };

/**
 * Longer texts are cut by some clients and refused by some puppets; 2000 characters stays under
 * every limit reported for personal accounts (about 2048).
 */
export const WECHAT_TEXT_LIMIT = 2000;

const CHOICE_LINE: Record<Locale, (n: number, label: string) => string> = {
  'zh-CN': (n, label) => `回复 ${n}：${label}`,
  en: (n, label) => `Reply ${n}: ${label}`,
};

export function renderWechat(message: OutboundMessage, limit = WECHAT_TEXT_LIMIT): WechatSend[] {
  const body = plainText(message.text);
  const choices = numberedChoices(message.quickReplies, message.locale);
  const texts = splitText(body, limit);
  const last = texts.at(-1);
  if (choices && last !== undefined && [...`${last}\n\n${choices}`].length <= limit) {
    texts[texts.length - 1] = `${last}\n\n${choices}`;
  } else if (choices) {
    texts.push(...splitText(choices, limit));
  }
  const files: WechatSend[] = message.attachments.flatMap((attachment) =>
    attachment.url
      ? [{ kind: 'file', url: attachment.url, ...(attachment.name ? { name: attachment.name } : {}) }]
      : [],
  );
  return [...texts.map((text): WechatSend => ({ kind: 'text', text })), ...files];
}

export function numberedChoices(quickReplies: QuickReply[], locale: Locale): string {
  return quickReplies.map((reply, index) => CHOICE_LINE[locale](index + 1, reply.label)).join('\n');
}

/** Markdown -> what a reader of plain text needs: emphasis dropped, links as "label (url)". */
export function plainText(markdown: string): string {
  return markdown
    .replace(/^```[^\n]*\n?/gm, '')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^(\s*)[*+]\s+/gm, '$1- ')
    .replace(/!?\[([^\]\n]*)\]\(([^)\s]+)\)/g, (_all, label: string, url: string) =>
      label && label !== url ? `${label} (${url})` : url,
    )
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    .replace(/(\*\*|__)(?=\S)([^\n]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1$2')
    .replace(/~~(?=\S)([^\n]*?\S)~~/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .trim();
}

/** Cuts at the last paragraph, line, sentence or word break that fits; characters, not UTF-16 units. */
export function splitText(text: string, limit = WECHAT_TEXT_LIMIT): string[] {
  const parts: string[] = [];
  let rest = [...text];
  while (rest.length > limit) {
    const window = rest.slice(0, limit).join('');
    const cut = lastBreak(window) || limit;
    parts.push(rest.slice(0, cut).join('').trimEnd());
    rest = [...rest.slice(cut).join('').trimStart()];
  }
  const tail = rest.join('');
  if (tail !== '') parts.push(tail);
  return parts;
}

function lastBreak(window: string): number {
  const half = [...window].length / 2;
  for (const pattern of [/\n\n/g, /\n/g, /[。！？!?.](?=\s|$)|[。！？]/g, /\s/g]) {
    let at = -1;
    for (const match of window.matchAll(pattern)) at = match.index + match[0].length;
    // A break in the first half would make tiny messages: better to cut a word.
    const chars = at < 0 ? 0 : [...window.slice(0, at)].length;
    if (chars > half) return chars;
  }
  return 0;
}
