import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { toDeliveryError } from '../../../src/adapters/slack/delivery-error.js';

describe('toDeliveryError', () => {
  it('waits as long as a 429 Retry-After asks', () => {
    expect(toDeliveryError(new WebAPIRateLimitedError(30))).toMatchObject({
      retryAfterMs: 30_000,
      permanent: false,
    });
  });

  it('treats ok:false ratelimited as a 429', () => {
    const error = new WebAPIPlatformError({
      ok: false,
      error: 'ratelimited',
      response_metadata: { retryAfter: 2 },
    });
    expect(toDeliveryError(error)).toMatchObject({ retryAfterMs: 2000, permanent: false });
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'msg_too_long'])(
    '%s is permanent',
    (code) => {
      expect(toDeliveryError(new WebAPIPlatformError({ ok: false, error: code }))).toMatchObject({
        permanent: true,
      });
    },
  );

  it('retries internal errors, 5xx and network failures', () => {
    expect(toDeliveryError(new WebAPIPlatformError({ ok: false, error: 'internal_error' })).permanent).toBe(
      false,
    );
    expect(toDeliveryError(new WebAPIHTTPError(503, 'Service Unavailable', {})).permanent).toBe(false);
    expect(toDeliveryError(new WebAPIHTTPError(400, 'Bad Request', {})).permanent).toBe(true);
    const network = toDeliveryError(new WebAPIRequestError(new Error('socket hang up')));
    expect(network).toMatchObject({ permanent: false, retryAfterMs: undefined });
    expect(network.message).toContain('socket hang up');
  });
});
