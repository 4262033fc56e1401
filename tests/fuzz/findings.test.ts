/**
 * What the fuzz run found, each as the smallest request that showed it, kept as regression tests
 * now that both are fixed.
 *
 * A control character in a platform chat id (here a signed Slack DM event with channel "\u0001";
 * a Teams activity with such a conversation.id did the same) left the webhook unanswered for
 * ever: `Pipeline.#handle` (src/core/pipeline.ts) called `addressKey(inbound.address)`, which throws
 * InvalidIdError, outside the try that calls `fail`, so `receive()` never settles. The request
 * hangs (the platform retries, each retry hangs too) and its socket and promise are held. Moving
 * `addressKey` into that try (before the dedupe claim) makes it a 400 invalid_id.
 *
 * Masking personal data is quadratic in the length of a run of e-mail characters: the e-mail rule
 * in src/core/privacy/mask.ts (`[A-Za-z0-9._%+-]+@…`) rescans the run from every position when
 * no `@` follows. 10,000 letters take 0.13 s, 20,000 0.54 s, 40,000 2.6 s; the pipeline masks
 * every inbound text (pipeline.ts), and the Telegram, Slack and Teams webhooks take bodies up to
 * 1 MB / 1 MB / 256 KB with no text-length cap (web chat caps at 4,000 characters), so one
 * authenticated update with 900,000 letters blocks the event loop for many minutes (seen: over
 * 4 minutes, then stopped). Bounding the local part (`{1,64}`, RFC 5321's limit) or anchoring the
 * start of a run (`(?<![A-Za-z0-9._%+-])`) makes it linear; a text cap on the webhook channels
 * bounds the rest.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signSlackRequest } from '../../src/adapters/slack/verify.js';
import { maskPersonalData } from '../../src/core/privacy/mask.js';
import { type FuzzServers, SLACK_SECRET, startFuzzServers } from './fuzz-servers.js';
import { send } from './raw-http.js';

let servers: FuzzServers;

beforeAll(async () => {
  servers = await startFuzzServers();
});

afterAll(async () => {
  await servers.close();
});

function slackDirectMessage(channel: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T123ABC456',
      api_app_id: 'A123ABC456',
      event_id: 'EvFUZZ0001',
      event_time: 1767225600,
      event: {
        type: 'message',
        channel_type: 'im',
        channel,
        user: 'U061F7AUR',
        text: 'where is my order?',
        ts: '1767225600.000100',
      },
    }),
  );
}

it('a signed Slack event whose channel id holds a control character is refused, not left hanging', async () => {
  const body = slackDirectMessage('D0\u0001');
  const timestamp = String(Math.floor(Date.now() / 1000));
  const answer = await send(
    servers.main.url,
    {
      method: 'POST',
      path: '/webhooks/slack/events',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signSlackRequest(SLACK_SECRET, timestamp, body),
      },
      body,
    },
    3_000,
  );
  expect(answer.status).toBe(400);
});

it('masking a 20,000-letter word takes under 100 ms', () => {
  const started = performance.now();
  maskPersonalData('a'.repeat(20_000));
  expect(performance.now() - started).toBeLessThan(100);
});
