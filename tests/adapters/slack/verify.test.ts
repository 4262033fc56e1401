import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signSlackRequest, verifySlackSignature } from '../../../src/adapters/slack/verify.js';
import { fixture, fixtureBytes, SIGNING_SECRET } from './slack-kit.js';

interface SigningVector {
  file: string;
  body_sha256: string;
  x_slack_request_timestamp: string;
  x_slack_signature: string;
}

const vectors: { signing_secret: string; vectors: SigningVector[] } = fixture('signing_vectors.json');

describe('Slack signature v0', () => {
  it.each(vectors.vectors)(
    'reproduces the recorded signature of $file over its exact bytes',
    (vector: SigningVector) => {
      const body = fixtureBytes(vector.file);
      expect(createHash('sha256').update(body).digest('hex')).toBe(vector.body_sha256);
      expect(signSlackRequest(vectors.signing_secret, vector.x_slack_request_timestamp, body)).toBe(
        vector.x_slack_signature,
      );
      const request = {
        timestamp: vector.x_slack_request_timestamp,
        signature: vector.x_slack_signature,
        rawBody: body,
      };
      const at = Number(vector.x_slack_request_timestamp) * 1000;
      expect(verifySlackSignature(request, SIGNING_SECRET, at)).toEqual({ ok: true });
    },
  );

  it('rejects the recorded vectors now: their timestamp is years old', () => {
    for (const vector of vectors.vectors) {
      const request = {
        timestamp: vector.x_slack_request_timestamp,
        signature: vector.x_slack_signature,
        rawBody: fixtureBytes(vector.file),
      };
      expect(verifySlackSignature(request, SIGNING_SECRET, Date.now())).toEqual({
        ok: false,
        code: 'timestamp_stale',
      });
    }
  });

  const body = Buffer.from('{"type":"event_callback"}');
  const t = 1_767_225_600;
  const signed = (timestamp = String(t)) => ({
    timestamp,
    signature: signSlackRequest(SIGNING_SECRET, timestamp, body),
    rawBody: body,
  });

  it('accepts up to 5 minutes of clock difference either way, and no more', () => {
    expect(verifySlackSignature(signed(), SIGNING_SECRET, (t + 300) * 1000).ok).toBe(true);
    expect(verifySlackSignature(signed(), SIGNING_SECRET, (t - 300) * 1000).ok).toBe(true);
    expect(verifySlackSignature(signed(), SIGNING_SECRET, (t + 301) * 1000)).toMatchObject({
      code: 'timestamp_stale',
    });
    expect(verifySlackSignature(signed(), SIGNING_SECRET, (t - 301) * 1000)).toMatchObject({
      code: 'timestamp_stale',
    });
  });

  it('rejects a changed body, another secret, a mangled or missing signature, a bad timestamp', () => {
    const now = t * 1000;
    const request = signed();
    expect(
      verifySlackSignature({ ...request, rawBody: Buffer.from('{"type":"x"}') }, SIGNING_SECRET, now),
    ).toMatchObject({ code: 'signature_invalid' });
    expect(verifySlackSignature(request, 'another_signing_secret', now)).toMatchObject({
      code: 'signature_invalid',
    });
    expect(verifySlackSignature({ ...request, signature: 'v0=abc' }, SIGNING_SECRET, now)).toMatchObject({
      code: 'signature_invalid',
    });
    expect(
      verifySlackSignature({ ...request, signature: request.signature.toUpperCase() }, SIGNING_SECRET, now),
    ).toMatchObject({ code: 'signature_invalid' });
    expect(verifySlackSignature({ ...request, signature: undefined }, SIGNING_SECRET, now)).toMatchObject({
      code: 'signature_missing',
    });
    expect(verifySlackSignature({ ...request, timestamp: undefined }, SIGNING_SECRET, now)).toMatchObject({
      code: 'signature_missing',
    });
    expect(
      verifySlackSignature({ ...request, timestamp: '1767225600.5' }, SIGNING_SECRET, now),
    ).toMatchObject({ code: 'timestamp_invalid' });
  });
});
