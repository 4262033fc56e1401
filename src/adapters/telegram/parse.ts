/**
 * Bot API updates -> InboundMessage. Pure: no SDK, no I/O, so a recorded update is a complete test.
 * Updates the bot should not answer come back as `skip` with a reason for the debug log.
 */
import { ValidationError } from '../../core/errors.js';
import type { Address, Attachment, InboundMessage, Locale } from '../../core/model.js';
import { type BotIdentity, isAddressedToBot, textWithoutMentions } from './mentions.js';
import {
  type TelegramMessage,
  type TelegramUpdate,
  type TelegramUser,
  telegramUpdate,
} from './update-schema.js';

export interface ParseContext {
  bot: BotIdentity;
  /** ISO time the update arrived. */
  now: string;
}

export type ParsedUpdate =
  /** `callbackQueryId` is set for a button press: Telegram shows a spinner until it is answered. */
  { kind: 'message'; inbound: InboundMessage; callbackQueryId?: string } | { kind: 'skip'; reason: string };

/** Content kinds a customer can send that Switchboard cannot read: kept and answered politely. */
const UNSUPPORTED_KINDS = [
  'poll',
  'dice',
  'game',
  'invoice',
  'story',
  'paid_media',
  'giveaway',
  'giveaway_winners',
  'checklist',
] as const;

export function parseUpdate(body: unknown, context: ParseContext): ParsedUpdate {
  const result = telegramUpdate.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new ValidationError(
      'invalid_update',
      `the body is not a Telegram update: ${details.join('; ')}`,
      details,
    );
  }
  const update = result.data;
  // update_id is unique per bot and repeated when Telegram retries a delivery.
  const dedupeKey = String(update.update_id);
  if (update.message) return parseMessage(update.message, dedupeKey, context);
  if (update.edited_message) return parseMessage(update.edited_message, dedupeKey, context, 'edit');
  if (update.callback_query) return parseButtonPress(update.callback_query, dedupeKey, context);
  return { kind: 'skip', reason: 'an update kind the bot does not handle' };
}

function parseMessage(
  message: TelegramMessage,
  dedupeKey: string,
  context: ParseContext,
  change?: 'edit',
): ParsedUpdate {
  const { from } = message;
  if (!from) return { kind: 'skip', reason: 'no sender (a channel post or an anonymous admin)' };
  if (message.chat.type !== 'private' && !isAddressedToBot(message, context.bot)) {
    return { kind: 'skip', reason: 'a group message that neither mentions the bot nor replies to it' };
  }
  const attachments = attachmentsOf(message);
  const written = message.text ?? message.caption;
  const unsupportedKind =
    written === undefined && attachments.length === 0
      ? UNSUPPORTED_KINDS.find((k) => k in message)
      : undefined;
  if (written === undefined && attachments.length === 0 && !unsupportedKind) {
    return { kind: 'skip', reason: 'a service message (member joined, title changed, …)' };
  }
  // A bare "@bot" keeps its text: the matcher then asks what they need rather than treating it as a picture.
  const text = textWithoutMentions(message, context.bot) || (written ?? '');
  const platformMessageId = String(message.message_id);
  return {
    kind: 'message',
    inbound: {
      address: addressOf(message, from),
      text,
      attachments,
      ...(change ? { change: { kind: change, platformMessageId } } : {}),
      ...(unsupportedKind ? { unsupportedKind } : {}),
      dedupeKey,
      platformMessageId,
      fromBot: from.is_bot,
      sender: senderOf(from),
      receivedAt: context.now,
    },
  };
}

function parseButtonPress(
  query: NonNullable<TelegramUpdate['callback_query']>,
  dedupeKey: string,
  context: ParseContext,
): ParsedUpdate {
  const { message, data } = query;
  if (!message || data === undefined)
    return { kind: 'skip', reason: 'a button press with no chat or no data' };
  // The pressed button's label is what the customer "said"; the transcript reads naturally with it.
  const label =
    message.reply_markup?.inline_keyboard.flat().find((button) => button.callback_data === data)?.text ?? '';
  return {
    kind: 'message',
    callbackQueryId: query.id,
    inbound: {
      address: addressOf(message, query.from),
      text: label,
      attachments: [],
      action: { payload: data },
      dedupeKey,
      fromBot: query.from.is_bot,
      sender: senderOf(query.from),
      receivedAt: context.now,
    },
  };
}

function addressOf(message: TelegramMessage, from: TelegramUser): Address {
  // Only forum topics are separate conversations; reply threads in plain supergroups also carry a thread id.
  const topic = message.is_topic_message ? message.message_thread_id : undefined;
  return {
    channel: 'telegram',
    chatId: String(message.chat.id),
    userId: String(from.id),
    ...(topic !== undefined ? { threadId: String(topic) } : {}),
  };
}

function attachmentsOf(message: TelegramMessage): Attachment[] {
  const attachments: Attachment[] = [];
  // Telegram sends each photo in several sizes; the largest is the one worth keeping.
  const photo = message.photo?.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  if (photo) attachments.push(fileAttachment('image', photo));
  // A GIF arrives as both `animation` and `document` (Bot API, Message.animation): count it once.
  if (message.animation) attachments.push(fileAttachment('video', message.animation));
  else if (message.document) attachments.push(fileAttachment('file', message.document));
  if (message.voice) attachments.push(fileAttachment('audio', message.voice));
  if (message.audio) {
    const { title, ...audio } = message.audio;
    attachments.push(fileAttachment('audio', { file_name: title, ...audio }));
  }
  if (message.video) attachments.push(fileAttachment('video', message.video));
  if (message.video_note) attachments.push(fileAttachment('video', message.video_note));
  if (message.sticker) {
    const { emoji, ...sticker } = message.sticker;
    attachments.push(fileAttachment('sticker', { file_name: emoji, ...sticker }));
  }
  if (message.location) attachments.push({ kind: 'location', ...message.location });
  if (message.contact) {
    const { first_name, last_name, phone_number } = message.contact;
    attachments.push({
      kind: 'contact',
      name: [first_name, last_name].filter(Boolean).join(' '),
      phone: phone_number,
    });
  }
  return attachments;
}

function fileAttachment(
  kind: Attachment['kind'],
  file: { file_id: string; file_name?: string | undefined; mime_type?: string; file_size?: number },
): Attachment {
  return {
    kind,
    platformFileId: file.file_id,
    ...(file.file_name ? { name: file.file_name } : {}),
    ...(file.mime_type ? { mime: file.mime_type } : {}),
    ...(file.file_size !== undefined ? { size: file.file_size } : {}),
  };
}

function senderOf(from: TelegramUser): NonNullable<InboundMessage['sender']> {
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ');
  const locale = localeOf(from.language_code);
  return { ...(name ? { name } : {}), ...(locale ? { locale } : {}) };
}

/** IETF tags as Telegram sends them (`zh-hans`, `en-US`): only the languages the bot speaks. */
function localeOf(languageCode: string | undefined): Locale | undefined {
  const language = languageCode?.toLowerCase().split('-')[0];
  if (language === 'zh') return 'zh-CN';
  if (language === 'en') return 'en';
  return undefined;
}
