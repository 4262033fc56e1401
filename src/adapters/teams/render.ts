/**
 * OutboundMessage -> the Bot Framework activities Teams shows. Pure.
 *
 *   - text goes as Teams markdown, with markdown's special characters escaped (answers are plain);
 *   - quick replies become an Adaptive Card of Action.Submit buttons whose `data` carries the
 *     payload, which Teams hands back in `activity.value` when pressed (parse.ts);
 *   - images go as image attachments, other files and locations as Action.OpenUrl links;
 *   - a message over Teams' size limit is split into several.
 */
import type { Attachment, OutboundMessage } from '../../core/model.js';
import { CARD_PAYLOAD_FIELD } from './parse.js';

/**
 * Teams refuses a message over about 28 KB, text and attachments together (msteams-docs
 * "Format your bot messages"); the margin covers the envelope the SDK adds (ids, names, urls).
 */
export const MAX_ACTIVITY_BYTES = 24_000;

export interface TeamsAttachmentOut {
  contentType: string;
  contentUrl?: string;
  name?: string;
  content?: AdaptiveCard;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: unknown[];
  actions: CardAction[];
  /** Teams' own card options: `width: 'Full'` uses the whole message width. */
  msteams?: { width: 'Full' };
}

export type CardAction =
  | { type: 'Action.Submit'; title: string; data: Record<string, string>; style?: 'positive' | 'destructive' }
  | { type: 'Action.OpenUrl'; title: string; url: string };

export interface TeamsActivityOut {
  type: 'message';
  text?: string;
  textFormat?: 'markdown';
  attachments?: TeamsAttachmentOut[];
  /** @mentions in `text` (`<at>Name</at>`), so Teams notifies the person. */
  entities?: { type: 'mention'; text: string; mentioned: { id: string; name: string } }[];
}

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** What rendering reads of a message; the agent desk renders its thread posts with it too. */
export type RenderableMessage = Pick<OutboundMessage, 'text' | 'attachments' | 'quickReplies'>;

export function renderOutbound(
  message: RenderableMessage,
  maxBytes = MAX_ACTIVITY_BYTES,
): TeamsActivityOut[] {
  const attachments = renderAttachments(message);
  const fits = (text: string) => size(textActivity(text)) <= maxBytes;
  const texts = message.text.trim() === '' ? [] : splitToFit(message.text.trim(), fits);
  const activities = texts.map(textActivity);
  if (attachments.length === 0) return activities;
  const last = activities.at(-1);
  const withAttachments = { ...(last ?? { type: 'message' as const }), attachments };
  if (last && size(withAttachments) > maxBytes) return [...activities, { type: 'message', attachments }];
  return [...activities.slice(0, -1), withAttachments];
}

function textActivity(text: string): TeamsActivityOut {
  return { type: 'message', text: escapeMarkdown(text), textFormat: 'markdown' };
}

function renderAttachments(message: RenderableMessage): TeamsAttachmentOut[] {
  const images = message.attachments.flatMap((a): TeamsAttachmentOut[] =>
    a.kind === 'image' && a.url
      ? [{ contentType: a.mime ?? 'image/png', contentUrl: a.url, ...(a.name ? { name: a.name } : {}) }]
      : [],
  );
  const actions: CardAction[] = [
    ...message.attachments.flatMap(linkAction),
    ...message.quickReplies.map(
      (reply): CardAction => ({
        type: 'Action.Submit',
        title: reply.label,
        data: { [CARD_PAYLOAD_FIELD]: reply.payload },
      }),
    ),
  ];
  return actions.length === 0 ? images : [...images, { contentType: ADAPTIVE_CARD, content: card(actions) }];
}

function linkAction(attachment: Attachment): CardAction[] {
  if (attachment.kind === 'image') return [];
  if (attachment.url) {
    return [{ type: 'Action.OpenUrl', title: attachment.name ?? attachment.url, url: attachment.url }];
  }
  if (
    attachment.kind === 'location' &&
    attachment.latitude !== undefined &&
    attachment.longitude !== undefined
  ) {
    const { latitude, longitude } = attachment;
    return [
      {
        type: 'Action.OpenUrl',
        title: attachment.name ?? `${latitude}, ${longitude}`,
        url: `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}`,
      },
    ];
  }
  return [];
}

function card(actions: CardAction[]): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    // 1.4 is the newest version every Teams client renders (desktop, web, mobile).
    version: '1.4',
    body: [],
    actions,
  };
}

/** Backslash-escapes what Teams markdown would turn into formatting, links, headings or lists. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]<>]/g, '\\$&')
    .replace(/^(\s*)([#+-])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
}

function size(activity: TeamsActivityOut): number {
  return Buffer.byteLength(JSON.stringify(activity));
}

/** Splits at the last line break or space that keeps each piece within `fits`; never inside a character. */
function splitToFit(text: string, fits: (piece: string) => boolean): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (!fits(rest)) {
    let low = 1;
    let high = rest.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(rest.slice(0, middle))) low = middle;
      else high = middle - 1;
    }
    let cut = low;
    if (/[\ud800-\udbff]/.test(rest.charAt(cut - 1))) cut--; // keep a surrogate pair together
    const space = Math.max(rest.lastIndexOf('\n', cut), rest.lastIndexOf(' ', cut));
    if (space > cut / 2) cut = space;
    pieces.push(rest.slice(0, Math.max(cut, 1)).trimEnd());
    rest = rest.slice(Math.max(cut, 1)).trimStart();
  }
  return [...pieces, rest];
}
