/**
 * Slack request signing, version 0 (api.slack.com/authentication/verifying-requests-from-slack;
 * the same algorithm as bolt-js `receivers/verify-request.ts`): the signature is
 * `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body bytes>` keyed with the app's
 * signing secret. A pure function of its inputs and the clock, so every rule is a unit test.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's own window: an older (or future) timestamp may be a replay. */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

export interface SignedRequest {
  /** X-Slack-Request-Timestamp, in seconds. */
  timestamp: string | undefined;
  /** X-Slack-Signature. */
  signature: string | undefined;
  /** The body exactly as it arrived: re-serialised JSON would not match. */
  rawBody: Buffer;
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; code: 'signature_missing' | 'timestamp_invalid' | 'timestamp_stale' | 'signature_invalid' };

export function verifySlackSignature(
  request: SignedRequest,
  signingSecret: string,
  nowMs: number,
): VerifyResult {
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !signature) return { ok: false, code: 'signature_missing' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, code: 'timestamp_invalid' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_MAX_AGE_SECONDS) {
    return { ok: false, code: 'timestamp_stale' };
  }
  const expected = Buffer.from(signSlackRequest(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  const match = given.length === expected.length && timingSafeEqual(given, expected);
  return match ? { ok: true } : { ok: false, code: 'signature_invalid' };
}

/** The X-Slack-Signature Slack would send for this body at this timestamp. */
export function signSlackRequest(signingSecret: string, timestamp: string, rawBody: Buffer): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}
