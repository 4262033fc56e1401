/**
 * Making one rendered call against the Bot API and telling the OutboundChain how it went.
 * Limits from the Bot FAQ ("My bot is hitting limits, how do I avoid this?").
 */
import type { Telegram } from 'telegraf';
import { TelegramError } from 'telegraf';
import { DEFAULT_RETRY, type DeliveryPolicy, deliveryErrorFromStatus } from '../../core/outbound.js';
import type { TelegramCall } from './render.js';

export const TELEGRAM_DELIVERY_POLICY: DeliveryPolicy = {
  platform: 'telegram',
  // "no more than 30 messages per second" for the whole bot.
  globalMinTimeMs: 34,
  // "avoid sending more than one message per second" in a chat; "no more than 20 messages per
  // minute" in a group. Group and supergroup ids are negative.
  chatMinTimeMs: (address) => (address.chatId.startsWith('-') ? 3000 : 1000),
  ...DEFAULT_RETRY,
};

/**
 * One attempt. A 400 on formatted text is retried once, at once, unformatted (`fallback`): our HTML
 * is the only part of a send we control, and the plain copy cannot fail on it. Throws a
 * DeliveryError for Bot API errors (a 429 carries `parameters.retry_after`); network errors pass
 * through as they are, to be retried.
 */
export async function deliver(telegram: Telegram, call: TelegramCall): Promise<void> {
  try {
    await invoke(telegram, call);
  } catch (error) {
    if (!call.fallback || !isStatus(error, 400)) throw asDeliveryError(error);
    await invoke(telegram, call.fallback).catch((plainError: unknown) => {
      throw asDeliveryError(plainError);
    });
  }
}

function invoke(telegram: Telegram, call: TelegramCall): Promise<unknown> {
  switch (call.method) {
    case 'sendMessage':
      return telegram.callApi('sendMessage', call.payload);
    case 'sendPhoto':
      return telegram.callApi('sendPhoto', call.payload);
    case 'sendDocument':
      return telegram.callApi('sendDocument', call.payload);
    case 'sendSticker':
      return telegram.callApi('sendSticker', call.payload);
    case 'sendLocation':
      return telegram.callApi('sendLocation', call.payload);
    case 'sendContact':
      return telegram.callApi('sendContact', call.payload);
  }
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof TelegramError && error.code === status;
}

function asDeliveryError(error: unknown): unknown {
  if (!(error instanceof TelegramError)) return error;
  return deliveryErrorFromStatus(error.code, error.description, error.parameters?.retry_after);
}
