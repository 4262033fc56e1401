/**
 * OutboundMessage -> chat.postMessage content. Pure.
 *
 * Text goes out as mrkdwn with `&`, `<` and `>` escaped, so no answer (a knowledge entry, a
 * relayed customer text) can ever become a mention, `@channel` or a disguised link: Slack reads
 * control sequences only between real angle brackets
 * (api.slack.com/reference/surfaces/formatting#escaping). Quick replies become Block Kit buttons;
 * the top-level `text` is always set, as Slack uses it for notifications and screen readers.
 */
import type { Attachment, OutboundMessage, QuickReply } from '../../core/model.js';
import { QUICK_REPLY_ACTION_PREFIX } from './parse.js';

/** chat.postMessage `text` is truncated past 40,000 characters (docs.slack.dev/reference/methods/chat.postMessage). */
export const MAX_TEXT_LENGTH = 40_000;
/** A section block's text holds at most 3,000 characters (docs.slack.dev/reference/block-kit/blocks/section-block). */
export const MAX_SECTION_LENGTH = 3_000;
/** A button's label: 75 characters; an actions block: 25 elements (Block Kit reference). */
const MAX_BUTTON_LABEL = 75;
const MAX_ACTIONS_PER_BLOCK = 25;

export interface SectionBlock {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}

export interface ButtonElement {
  type: 'button';
  text: { type: 'plain_text'; text: string; emoji: boolean };
  value: string;
  action_id: string;
}

export interface ActionsBlock {
  type: 'actions';
  elements: ButtonElement[];
}

/** One chat.postMessage call's content (the channel and thread come from the address). */
export interface SlackPost {
  text: string;
  blocks?: (SectionBlock | ActionsBlock)[];
}

/** The posts, in order, that carry the message; more than one only for very long text. */
export function renderOutbound(message: OutboundMessage): SlackPost[] {
  const links = message.attachments.map(renderAttachment);
  const body = [escapeMrkdwn(message.text), ...links].filter((part) => part !== '').join('\n');
  const parts = splitEscaped(body, MAX_TEXT_LENGTH);
  if (message.quickReplies.length === 0) return parts.map((text) => ({ text }));
  return parts.map((text, index) => {
    const sections: SectionBlock[] = splitEscaped(text, MAX_SECTION_LENGTH).map((chunk) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: chunk },
    }));
    const last = index === parts.length - 1;
    return { text, blocks: last ? [...sections, ...renderButtons(message.quickReplies)] : sections };
  });
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderButtons(quickReplies: QuickReply[]): ActionsBlock[] {
  const buttons: ButtonElement[] = quickReplies.map((reply, index) => ({
    type: 'button',
    // plain_text is never parsed for mentions or links: no escaping needed.
    text: { type: 'plain_text', text: truncate(reply.label, MAX_BUTTON_LABEL), emoji: true },
    value: reply.payload,
    // action_id must be unique within the message.
    action_id: `${QUICK_REPLY_ACTION_PREFIX}${index}`,
  }));
  const blocks: ActionsBlock[] = [];
  for (let start = 0; start < buttons.length; start += MAX_ACTIONS_PER_BLOCK) {
    blocks.push({ type: 'actions', elements: buttons.slice(start, start + MAX_ACTIONS_PER_BLOCK) });
  }
  return blocks;
}

/** A link for http(s) files; anything else (a platform file id, a `javascript:` url) by name only. */
export function renderAttachment(attachment: Attachment): string {
  const name = escapeMrkdwn(attachment.name ?? attachment.kind);
  const url = attachment.url;
  if (!url || !/^https?:\/\//i.test(url)) return `📎 ${name}`;
  // A `|` would end the URL part of <url|label> early; percent-encoding keeps the same address.
  return `📎 <${escapeMrkdwn(url).replace(/\|/g, '%7C')}|${name.replace(/\|/g, '¦')}>`;
}

/**
 * Splits already-escaped text into pieces of at most `max` characters, at a line break or space
 * when one is in the second half of the piece, and never inside an `&amp;`-style entity or a
 * surrogate pair.
 */
export function splitEscaped(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    // Back off an entity the cut would split (the longest is `&amp;`, 5 characters).
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp > cut - 5) {
      const entity = /^&(?:amp|lt|gt);/.exec(rest.slice(amp, amp + 5));
      if (entity && amp + entity[0].length > cut) cut = amp;
    }
    if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut--;
    const newline = rest.lastIndexOf('\n', cut - 1);
    const space = rest.lastIndexOf(' ', cut - 1);
    const boundary = newline >= max / 2 ? newline : space >= max / 2 ? space : -1;
    if (boundary > 0) cut = boundary + 1;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut);
  }
  if (rest !== '' || pieces.length === 0) pieces.push(rest);
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
