/**
 * The parts of a Bot API `Update` Switchboard reads (core.telegram.org/bots/api#update), checked
 * before use: the webhook body is untrusted until it parses. Messages keep their other fields
 * (`looseObject`) so a kind we do not read (a poll, a dice) can still be named.
 */
import { z } from 'zod';

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const entity = z.object({
  type: z.string(),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
  user: user.optional(),
});

const file = z.object({
  file_id: z.string().min(1),
  file_size: z.number().optional(),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
});

const photoSize = file.extend({ width: z.number(), height: z.number() });

const inlineKeyboard = z.object({
  inline_keyboard: z.array(z.array(z.object({ text: z.string(), callback_data: z.string().optional() }))),
});

export const telegramMessage = z.looseObject({
  message_id: z.number().int(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  from: user.optional(),
  chat: z.object({ id: z.number().int(), type: z.string() }),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(entity).optional(),
  caption_entities: z.array(entity).optional(),
  photo: z.array(photoSize).optional(),
  document: file.optional(),
  animation: file.optional(),
  voice: file.optional(),
  audio: file.extend({ title: z.string().optional() }).optional(),
  video: file.optional(),
  video_note: file.optional(),
  sticker: file.extend({ emoji: z.string().optional() }).optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
  contact: z
    .object({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional() })
    .optional(),
  reply_to_message: z.object({ from: user.optional() }).optional(),
  reply_markup: inlineKeyboard.optional(),
});

export const telegramUpdate = z.looseObject({
  update_id: z.number().int().min(0),
  message: telegramMessage.optional(),
  edited_message: telegramMessage.optional(),
  callback_query: z
    .object({
      id: z.string(),
      from: user,
      // Absent for buttons on inline-mode messages, which this bot does not send.
      message: telegramMessage.optional(),
      data: z.string().optional(),
    })
    .optional(),
});

export type TelegramUser = z.infer<typeof user>;
export type TelegramEntity = z.infer<typeof entity>;
export type TelegramMessage = z.infer<typeof telegramMessage>;
export type TelegramUpdate = z.infer<typeof telegramUpdate>;

/** The updates the bot asks for (setWebhook / getUpdates `allowed_updates`); parse handles each. */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;
