/**
 * What a failed Web API call means for the OutboundChain: wait (429 / `ratelimited`), retry
 * (network, 5xx, Slack's own transient errors) or give up (`channel_not_found`, `not_in_channel`,
 * `is_archived`, `invalid_auth`, … — trying again cannot help).
 */
import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { DeliveryError, deliveryErrorFromStatus } from '../../core/outbound.js';

/** `ok: false` errors worth another attempt (docs.slack.dev/reference/methods/chat.postMessage, "Errors"). */
const TRANSIENT_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's tier limits say "about one message per second per channel"; without Retry-After, wait that long. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;

export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof WebAPIRateLimitedError) {
    return new DeliveryError('Slack rate limit (429)', {
      retryAfterMs: error.retryAfter * 1000,
      cause: error,
    });
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (code === 'ratelimited') {
      const seconds = error.data.response_metadata?.retryAfter;
      const retryAfterMs = typeof seconds === 'number' ? seconds * 1000 : DEFAULT_RATE_LIMIT_WAIT_MS;
      return new DeliveryError('Slack: ratelimited', { retryAfterMs, cause: error });
    }
    return new DeliveryError(`Slack: ${code}`, { permanent: !TRANSIENT_ERRORS.has(code), cause: error });
  }
  if (error instanceof WebAPIHTTPError) {
    return deliveryErrorFromStatus(error.statusCode, error.statusMessage, error.headers['retry-after']);
  }
  const message = error instanceof WebAPIRequestError ? error.original.message : String(error);
  // Network failures and a 429 without a usable Retry-After: retried with backoff.
  return new DeliveryError(`Slack request failed: ${message}`, { cause: error });
}
