/**
 * OutboundMessage -> the Bot API calls that deliver it, in order. Pure.
 *
 * Text goes as HTML (parse_mode HTML), the format with the fewest reserved characters: only
 * `&`, `<` and `>` must be escaped (Bot API, "HTML style"), where MarkdownV2 reserves eighteen.
 * A short text with a picture or file becomes its caption, so the customer sees one message.
 */
import type { Address, Attachment, OutboundMessage } from '../../core/model.js';
import { type CallbackData, callbackDataFor } from './callback-data.js';
import { splitText } from './split-text.js';

/** Bot API sendPhoto / sendDocument: "0-1024 characters after entities parsing". */
export const TELEGRAM_MAX_CAPTION = 1024;

interface Target {
  chat_id: number | string;
  message_thread_id?: number;
}

export interface InlineKeyboard {
  inline_keyboard: { text: string; callback_data: string }[][];
}

interface Formatting {
  parse_mode?: 'HTML';
  reply_markup?: InlineKeyboard;
}

export type TelegramCall = (
  | { method: 'sendMessage'; payload: Target & Formatting & { text: string } }
  | { method: 'sendPhoto'; payload: Target & Formatting & { photo: string; caption?: string } }
  | { method: 'sendDocument'; payload: Target & Formatting & { document: string; caption?: string } }
  | { method: 'sendSticker'; payload: Target & { sticker: string } }
  | { method: 'sendLocation'; payload: Target & { latitude: number; longitude: number } }
  | { method: 'sendContact'; payload: Target & { phone_number: string; first_name: string } }
) & {
  /** The same call unformatted: tried once if Telegram cannot parse the HTML. */
  fallback?: TelegramCall;
};

export interface RenderedMessage {
  calls: TelegramCall[];
  /** Button payloads too long for callback_data: store these before sending. */
  callbackTokens: NonNullable<CallbackData['stored']>[];
}

/** Text with its keyboard, as a message or as a caption. */
interface Words {
  text: string;
  keyboard?: InlineKeyboard;
}

export function renderOutbound(message: OutboundMessage, address: Address): RenderedMessage {
  const target = targetOf(address);
  const buttons = message.quickReplies.map((reply) => ({
    label: reply.label,
    callback: callbackDataFor(reply.payload),
  }));
  // One button per row: labels are whole questions and would be cut short side by side.
  const keyboard = buttons.length
    ? {
        inline_keyboard: buttons.map(({ label, callback }) => [
          { text: label, callback_data: callback.data },
        ]),
      }
    : undefined;
  const callbackTokens = buttons.flatMap(({ callback }) => (callback.stored ? [callback.stored] : []));
  const text = message.text.trim() ? message.text : '';

  const captionable = message.attachments.findIndex((attachment) => fileMethod(attachment) !== undefined);
  const first = message.attachments[captionable];
  if (first && text && text.length <= TELEGRAM_MAX_CAPTION) {
    const others = message.attachments.filter((_, index) => index !== captionable);
    const captioned = fileCall(first, target, { text, ...(keyboard ? { keyboard } : {}) });
    return { calls: [...captioned, ...others.flatMap((a) => attachmentCalls(a, target))], callbackTokens };
  }
  const pieces = text ? splitText(text) : [];
  const texts = pieces.map((piece, index) =>
    textCall(target, { text: piece, ...(keyboard && index === pieces.length - 1 ? { keyboard } : {}) }),
  );
  return {
    calls: [...texts, ...message.attachments.flatMap((a) => attachmentCalls(a, target))],
    callbackTokens,
  };
}

/** Telegram HTML: `&`, `<` and `>` outside tags must be entities; nothing else is reserved. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attachmentCalls(attachment: Attachment, target: Target): TelegramCall[] {
  const { kind, latitude, longitude, phone, name } = attachment;
  if (kind === 'location' && latitude !== undefined && longitude !== undefined) {
    return [{ method: 'sendLocation', payload: { ...target, latitude, longitude } }];
  }
  if (kind === 'contact' && phone) {
    return [
      { method: 'sendContact', payload: { ...target, phone_number: phone, first_name: name ?? phone } },
    ];
  }
  if (kind === 'sticker' && attachment.platformFileId) {
    return [{ method: 'sendSticker', payload: { ...target, sticker: attachment.platformFileId } }];
  }
  if (fileMethod(attachment)) return fileCall(attachment, target);
  // Anything else with a URL goes as a link the customer can open.
  return attachment.url
    ? [textCall(target, { text: name ? `${name}: ${attachment.url}` : attachment.url })]
    : [];
}

/** How a picture or file is sent, if it can be: by Telegram file id, or by URL where Telegram fetches it. */
function fileMethod(attachment: Attachment): 'sendPhoto' | 'sendDocument' | undefined {
  if (attachment.kind === 'location' || attachment.kind === 'contact' || attachment.kind === 'sticker') {
    return undefined;
  }
  if (attachment.kind === 'image' && (attachment.platformFileId || attachment.url)) return 'sendPhoto';
  if (attachment.platformFileId || sendableByUrl(attachment)) return 'sendDocument';
  return undefined;
}

function fileCall(attachment: Attachment, target: Target, caption?: Words): TelegramCall[] {
  const method = fileMethod(attachment);
  const file = attachment.platformFileId ?? attachment.url;
  if (!method || !file) return [];
  const build = (formatting: Formatting & { caption?: string }): TelegramCall =>
    method === 'sendPhoto'
      ? { method, payload: { ...target, photo: file, ...formatting } }
      : { method, payload: { ...target, document: file, ...formatting } };
  if (!caption) return [build({})];
  const markup = caption.keyboard ? { reply_markup: caption.keyboard } : {};
  return [
    {
      ...build({ caption: escapeHtml(caption.text), parse_mode: 'HTML', ...markup }),
      fallback: build({ caption: caption.text, ...markup }),
    },
  ];
}

function textCall(target: Target, words: Words): TelegramCall {
  const markup = words.keyboard ? { reply_markup: words.keyboard } : {};
  return {
    method: 'sendMessage',
    payload: { ...target, text: escapeHtml(words.text), parse_mode: 'HTML', ...markup },
    fallback: { method: 'sendMessage', payload: { ...target, text: words.text, ...markup } },
  };
}

/** "In sendDocument, sending by URL will currently only work for GIF, PDF and ZIP files" (Bot API, Sending files). */
function sendableByUrl(attachment: Attachment): boolean {
  const mime = attachment.mime?.toLowerCase();
  if (mime === 'application/pdf' || mime === 'application/zip' || mime === 'image/gif') return true;
  return /\.(pdf|zip|gif)$/i.test(urlPath(attachment.url));
}

function urlPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function targetOf(address: Address): Target {
  // Ids are numbers in the Bot API; a non-numeric one would be a channel's @username.
  const chatId = /^-?\d+$/.test(address.chatId) ? Number(address.chatId) : address.chatId;
  return {
    chat_id: chatId,
    ...(address.threadId ? { message_thread_id: Number(address.threadId) } : {}),
  };
}
