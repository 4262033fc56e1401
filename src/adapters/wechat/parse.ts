/**
 * A WeChat message, as the wechaty puppet reported it, -> InboundMessage. Pure: the wiring reads
 * the few facts that need the puppet (talker kind, mention, link or location details) into a
 * plain object first, so a recorded MessagePayload is a complete test.
 */
import type { Attachment, InboundMessage, QuickReply } from '../../core/model.js';

/** wechaty-puppet `types.Message` (src/schemas/message.ts); numbers, so this file needs no SDK. */
export const MESSAGE_TYPE = {
  Unknown: 0,
  Attachment: 1,
  Audio: 2,
  Contact: 3,
  ChatHistory: 4,
  Emoticon: 5,
  Image: 6,
  Text: 7,
  Location: 8,
  MiniProgram: 9,
  GroupNote: 10,
  Transfer: 11,
  RedEnvelope: 12,
  Recalled: 13,
  Url: 14,
  Video: 15,
  Post: 16,
} as const;

/** wechaty-puppet `types.Contact` (src/schemas/contact.ts). */
export const CONTACT_TYPE = { Unknown: 0, Individual: 1, Official: 2, Corporation: 3 } as const;

/** The puppet's MessagePayload (wechaty-puppet src/schemas/message.ts), the fields read here. */
export interface WechatMessagePayload {
  id: string;
  talkerId: string;
  listenerId?: string;
  roomId?: string;
  mentionIdList?: string[];
  text?: string;
  filename?: string;
  /** Seconds or milliseconds since the epoch: puppets differ. */
  timestamp: number;
  type: number;
}

/** Everything parse needs to know about one message: the payload plus what the puppet knows around it. */
export interface WechatMessageFacts {
  payload: WechatMessagePayload;
  /** The logged-in account's id: its own messages come back as events too. */
  selfId: string;
  talker?: { name?: string; type?: number };
  /** Names the account can be @-mentioned by in this room (its name, its room alias). */
  selfNames?: string[];
  /** wechaty's `mentionSelf()`; the payload's mentionIdList is checked as well. */
  mentionSelf?: boolean;
  url?: { url: string; title?: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  /** The shared contact card's name. */
  card?: { name?: string };
}

export type WechatInbound =
  | { kind: 'message'; message: InboundMessage }
  /** Not for the pipeline at all (a group message not addressed to the bot, a malformed event). */
  | { kind: 'drop'; reason: string };

// WeChat separates a mention from the text with U+2005 (four-per-em space); typed by hand it is a plain space.
const MENTION_END = '(?:\u2005|\\s|$)';
const MAX_CHOICE = 20;

export function parseWechatMessage(facts: WechatMessageFacts, options: { now: string }): WechatInbound {
  const { payload, selfId } = facts;
  if (!payload.id || !payload.talkerId) return { kind: 'drop', reason: 'message without id or talker' };
  const self = payload.talkerId === selfId;
  const mentioned = facts.mentionSelf === true || (payload.mentionIdList ?? []).includes(selfId);
  // A recall carries no mention: it must still reach the message it takes back.
  if (payload.roomId && !self && !mentioned && payload.type !== MESSAGE_TYPE.Recalled) {
    return { kind: 'drop', reason: 'group message not addressed to the bot' };
  }
  const rawText = payload.text ?? '';
  const text = payload.roomId && mentioned ? stripMentions(rawText, facts.selfNames ?? []) : rawText;
  const base = {
    address: {
      channel: 'wechat' as const,
      // The bot's own one-to-one messages are "talker: bot, listener: customer": the chat is the listener's.
      chatId: payload.roomId ?? (self ? (payload.listenerId ?? payload.talkerId) : payload.talkerId),
      userId: payload.talkerId,
    },
    dedupeKey: payload.id,
    platformMessageId: payload.id,
    // Official accounts (公众号) are machines. Not "anything but Individual": puppets report room
    // members who are not friends as Unknown, and WeCom users (Corporation) are people too.
    fromBot: self || facts.talker?.type === CONTACT_TYPE.Official,
    ...(facts.talker?.name ? { sender: { name: facts.talker.name } } : {}),
    receivedAt: timestampToIso(payload.timestamp, options.now),
  };
  const content = parseContent(facts, text.trim());
  return { kind: 'message', message: { ...base, ...content } };
}

type Content = Pick<InboundMessage, 'text' | 'attachments' | 'action' | 'change' | 'unsupportedKind'>;

function parseContent(facts: WechatMessageFacts, text: string): Content {
  const { payload } = facts;
  const media = (kind: Attachment['kind']): Content => ({
    text: '',
    attachments: [
      // Downloading needs the puppet (message.toFileBox()); the message id is how to ask for it later.
      { kind, platformFileId: payload.id, ...(payload.filename ? { name: payload.filename } : {}) },
    ],
  });
  switch (payload.type) {
    case MESSAGE_TYPE.Text:
      return { text, attachments: [] };
    case MESSAGE_TYPE.Image:
      return media('image');
    case MESSAGE_TYPE.Emoticon:
      return media('sticker');
    case MESSAGE_TYPE.Attachment:
      return media('file');
    case MESSAGE_TYPE.Audio:
      return media('audio');
    case MESSAGE_TYPE.Video:
      return media('video');
    case MESSAGE_TYPE.Url:
      return facts.url
        ? { text: [facts.url.title, facts.url.url].filter(Boolean).join('\n'), attachments: [] }
        : { text: '', attachments: [], unsupportedKind: 'url' };
    case MESSAGE_TYPE.Location: {
      // Coordinates need the puppet (message.toLocation()); without them the kind is still known.
      const { latitude, longitude, name, address } = facts.location ?? {};
      const label = name || address;
      return {
        text: '',
        attachments: [
          {
            kind: 'location',
            ...(latitude !== undefined && longitude !== undefined ? { latitude, longitude } : {}),
            ...(label ? { name: label } : {}),
          },
        ],
      };
    }
    case MESSAGE_TYPE.Contact:
      return {
        text: '',
        attachments: [{ kind: 'contact', ...(facts.card?.name ? { name: facts.card.name } : {}) }],
      };
    case MESSAGE_TYPE.Recalled: {
      // wechaty puts the recalled message's id in the text (Message#toRecalled).
      const original = (payload.text ?? '').trim();
      return /^[\x21-\x7e]{1,256}$/.test(original)
        ? { text: '', attachments: [], change: { kind: 'delete', platformMessageId: original } }
        : { text: '', attachments: [], unsupportedKind: 'recalled' };
    }
    default:
      return { text: '', attachments: [], unsupportedKind: messageTypeName(payload.type) };
  }
}

/**
 * A bare number answers the numbered list the bot sent last (WeChat has no buttons): it becomes
 * that button's press. Anything else, or a number with no such choice, stays as typed.
 */
export function applyChoice(message: InboundMessage, offered: QuickReply[]): InboundMessage {
  const choice = numberedChoice(message.text);
  const button = choice === undefined ? undefined : offered[choice - 1];
  if (!button || message.attachments.length > 0) return message;
  return { ...message, text: button.label, action: { payload: button.payload } };
}

/** "1", " 2 ", "３" (a Chinese keyboard's full-width digit), "1." -> the number; anything else undefined. */
export function numberedChoice(text: string): number | undefined {
  const match = /^\s*(\d{1,2})\s*[.。、)）]?\s*$/.exec(text.normalize('NFKC'));
  if (!match?.[1]) return undefined;
  const choice = Number(match[1]);
  return choice >= 1 && choice <= MAX_CHOICE ? choice : undefined;
}

function stripMentions(text: string, selfNames: string[]): string {
  let stripped = text;
  for (const name of selfNames.filter(Boolean)) {
    stripped = stripped.replace(new RegExp(`@${escapeRegExp(name)}${MENTION_END}`, 'gu'), '');
  }
  // Unknown display name: a leading mention still ends with U+2005.
  if (stripped === text) stripped = text.replace(/^@[^\u2005]{1,64}\u2005/u, '');
  return stripped;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function timestampToIso(timestamp: number, fallback: string): string {
  if (!Number.isFinite(timestamp) || timestamp <= 0) return fallback;
  // wechaty's own rule (pure-functions/timestamp-to-date.ts): below 1e11 it is seconds.
  return new Date(timestamp < 1e11 ? timestamp * 1000 : timestamp).toISOString();
}

function messageTypeName(type: number): string {
  const name = Object.entries(MESSAGE_TYPE).find(([, value]) => value === type)?.[0] ?? `type-${type}`;
  return name.replace(/[A-Z]/g, (letter, index) => (index === 0 ? '' : '-') + letter.toLowerCase());
}
