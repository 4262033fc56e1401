/**
 * Webhook verification. Telegram has no signature: it echoes the `secret_token` given to
 * setWebhook in a header on every delivery (Bot API, setWebhook), so the check is a comparison.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export const SECRET_TOKEN_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

/** Constant time: both sides are hashed first, so neither their content nor their length leaks. */
export function isGenuineDelivery(expectedSecret: string, receivedHeader: string | undefined): boolean {
  if (receivedHeader === undefined) return false;
  return timingSafeEqual(digest(expectedSecret), digest(receivedHeader));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
