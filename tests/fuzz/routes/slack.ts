/**
 * Slack's Events API and interactivity endpoints: requests with bad signatures (missing, wrong,
 * stale, from another secret), and correctly signed garbage, which only a parser stands behind.
 */
import fc from 'fast-check';
import { signSlackRequest } from '../../../src/adapters/slack/verify.js';
import { asDirectMessage, buttonPress, fixture } from '../../adapters/slack/slack-kit.js';
import { SLACK_AGENT_CHANNEL, SLACK_SECRET } from '../fuzz-servers.js';
import { type Body, hostileBody, junkValue, mutated } from '../payloads.js';
import type { RawRequest } from '../raw-http.js';
import { type FuzzRoute, headerValue, withBody } from './route.js';

const EVENTS = [
  fixture('url_verification.json'),
  asDirectMessage(fixture('event_message_channel.json')),
  fixture('event_message_channel.json'),
  fixture('event_app_mention.json'),
  fixture('event_file_share_ssrf.json'),
  fixture('event_message_changed.json'),
  fixture('event_thread_reply_agent.json'),
  asDirectMessage(fixture('event_message_channel.json'), SLACK_AGENT_CHANNEL),
];
const INTERACTIONS = [buttonPress('qr:orders', 'My orders', '1767400000.000100')];

const events = fc.oneof(...EVENTS.map(mutated));
const interactionPayloads = fc.oneof(...INTERACTIONS.map(mutated));

/** Interactivity posts a form whose `payload` field holds JSON; sometimes no form at all. */
const interactionBodies: fc.Arbitrary<Body> = fc.oneof(
  {
    arbitrary: fc.oneof(interactionPayloads, junkValue).map((payload) => ({
      contentType: 'application/x-www-form-urlencoded',
      bytes: Buffer.from(new URLSearchParams({ payload: JSON.stringify(payload) ?? '' }).toString()),
    })),
    weight: 3,
  },
  {
    arbitrary: fc.string().map((payload) => ({
      contentType: 'application/x-www-form-urlencoded',
      bytes: Buffer.from(`payload=${payload}&payload=x&%zz=1`),
    })),
    weight: 1,
  },
  { arbitrary: hostileBody(interactionPayloads), weight: 2 },
);

const now = () => String(Math.floor(Date.now() / 1000));

function signed(path: string, body: Body): RawRequest {
  const timestamp = now();
  return withBody('POST', path, body, {
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signSlackRequest(SLACK_SECRET, timestamp, body.bytes),
  });
}

/** Every way a signature can be wrong; none of them may reach the parser. */
const badSignature = (body: Body) =>
  fc.oneof(
    fc.constant({}),
    headerValue.map((signature) => ({ 'x-slack-request-timestamp': now(), 'x-slack-signature': signature })),
    headerValue.map((timestamp) => ({
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(SLACK_SECRET, timestamp, body.bytes),
    })),
    fc.integer({ min: 301, max: 10_000_000 }).map((age) => {
      const stale = String(Math.floor(Date.now() / 1000) - age);
      return {
        'x-slack-request-timestamp': stale,
        'x-slack-signature': signSlackRequest(SLACK_SECRET, stale, body.bytes),
      };
    }),
    fc.string({ minLength: 1 }).map((secret) => ({
      'x-slack-request-timestamp': now(),
      'x-slack-signature': signSlackRequest(secret, now(), body.bytes),
    })),
    fc.constant({
      'x-slack-request-timestamp': now(),
      'x-slack-signature': signSlackRequest(
        SLACK_SECRET,
        now(),
        Buffer.concat([body.bytes, Buffer.from(' ')]),
      ),
    }),
  );

function slackRoutesFor(path: string, bodies: fc.Arbitrary<Body>, weight: number): FuzzRoute[] {
  return [
    {
      name: `POST ${path} (signed garbage)`,
      server: 'main',
      weight: weight * 2,
      requests: () => bodies.map((body) => signed(path, body)),
    },
    {
      name: `POST ${path} (bad signature)`,
      server: 'main',
      weight,
      requests: () =>
        bodies.chain((body) => badSignature(body).map((headers) => withBody('POST', path, body, headers))),
    },
  ];
}

export const slackRoutes: FuzzRoute[] = [
  ...slackRoutesFor('/webhooks/slack/events', hostileBody(events), 1.5),
  ...slackRoutesFor('/webhooks/slack/interactions', interactionBodies, 1),
];
