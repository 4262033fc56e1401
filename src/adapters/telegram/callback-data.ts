/**
 * Quick-reply payloads -> inline-button `callback_data`, which Telegram caps at 1-64 bytes (Bot API,
 * InlineKeyboardButton). A payload that does not fit travels as a short token; the token -> payload
 * pair is stored so the press can be resolved. Pure: storing and resolving is the channel's job.
 */
import { createHash } from 'node:crypto';

export const CALLBACK_DATA_MAX_BYTES = 64;

// '~' never starts a payload Switchboard makes (`kb:…`, `handoff:…`), so a token cannot be mistaken for one.
const TOKEN_PREFIX = '~';
const TOKEN = /^~[A-Za-z0-9_-]{22}$/;

export interface CallbackData {
  data: string;
  /** Set when `data` is a token: the pair to store before the button is sent. */
  stored?: { token: string; payload: string };
}

export function callbackDataFor(payload: string): CallbackData {
  const fits = payload.length > 0 && Buffer.byteLength(payload, 'utf8') <= CALLBACK_DATA_MAX_BYTES;
  if (fits && !payload.startsWith(TOKEN_PREFIX)) return { data: payload };
  // The same payload always gets the same token: resending a button stores nothing new.
  const digest = createHash('sha256').update(payload).digest('base64url').slice(0, 22);
  const token = `${TOKEN_PREFIX}${digest}`;
  return { data: token, stored: { token, payload } };
}

export function isCallbackToken(data: string): boolean {
  return TOKEN.test(data);
}
