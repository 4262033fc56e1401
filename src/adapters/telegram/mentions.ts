/**
 * Whether a group message is meant for the bot, and its text without the bot's name. Pure.
 * Entity offsets and lengths count UTF-16 code units (Bot API, MessageEntity), as JS strings do.
 */
import type { TelegramEntity, TelegramMessage } from './update-schema.js';

/** Who the bot is: the id is in its token, the username comes from getMe. */
export interface BotIdentity {
  id: number;
  username?: string;
}

/** The bot is @mentioned, named in a command (`/help@bot`), or the message replies to one of its own. */
export function isAddressedToBot(message: TelegramMessage, bot: BotIdentity): boolean {
  if (message.reply_to_message?.from?.id === bot.id) return true;
  const { text, entities } = textAndEntities(message);
  return entities.some((entity) => namesBot(entity, text, bot));
}

/** The message's text (or caption) with the bot's mentions taken out, so the matcher reads only the question. */
export function textWithoutMentions(message: TelegramMessage, bot: BotIdentity): string {
  const { text, entities } = textAndEntities(message);
  const spans = entities
    .filter((entity) => namesBot(entity, text, bot))
    .map((entity) => botNameSpan(entity, bot))
    // From the end, so earlier offsets stay valid.
    .sort((a, b) => b.start - a.start);
  let result = text;
  for (const { start, end } of spans) result = result.slice(0, start) + result.slice(end);
  return result.replace(/[ \t]{2,}/g, ' ').trim();
}

function textAndEntities(message: TelegramMessage): { text: string; entities: TelegramEntity[] } {
  if (message.text !== undefined) return { text: message.text, entities: message.entities ?? [] };
  return { text: message.caption ?? '', entities: message.caption_entities ?? [] };
}

function namesBot(entity: TelegramEntity, text: string, bot: BotIdentity): boolean {
  if (entity.type === 'text_mention') return entity.user?.id === bot.id;
  if (!bot.username) return false;
  const handle = `@${bot.username}`.toLowerCase();
  const part = text.slice(entity.offset, entity.offset + entity.length).toLowerCase();
  if (entity.type === 'mention') return part === handle;
  if (entity.type === 'bot_command') return part.endsWith(handle);
  return false;
}

/** A mention goes whole; a command keeps its name and loses only the `@bot` suffix. */
function botNameSpan(entity: TelegramEntity, bot: BotIdentity): { start: number; end: number } {
  const end = entity.offset + entity.length;
  if (entity.type !== 'bot_command') return { start: entity.offset, end };
  return { start: end - `@${bot.username ?? ''}`.length, end };
}
