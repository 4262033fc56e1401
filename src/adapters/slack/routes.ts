/**
 * The Events API and interactivity endpoints. Both check Slack's signature over the raw body
 * bytes before reading anything, and answer 200 as soon as the message is recorded: Slack retries
 * a request it has no answer to after 3 seconds (docs.slack.dev/apis/events-api, "Responding to
 * events"), and the answer is sent later through chat.postMessage.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Clock } from '../../core/clock.js';
import type { DeskOutcome } from '../../core/desk/agent-desk.js';
import { ValidationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SlackInbound } from './parse.js';
import { verifySlackSignature } from './verify.js';

/** What became of a payload: the customer channel's parse result, or the agent desk's outcome. */
export type SlackReceipt =
  | SlackInbound
  | { kind: 'desk'; status: DeskOutcome['status'] | 'ignored' | 'pending' };

export interface SlackInboundReceiver {
  receiveEvent(body: unknown): Promise<SlackReceipt>;
  receiveInteraction(payload: unknown): Promise<SlackReceipt>;
}

export interface SlackRoutesOptions {
  signingSecret: string;
  clock: Clock;
  logger: Logger;
  receiver: SlackInboundReceiver;
}

// Slack's payloads are a few kilobytes; anything near this is not Slack.
const BODY_LIMIT = '1mb';

export function slackRoutes(options: SlackRoutesOptions): Router {
  const router = express.Router();
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT });
  const verified = verifiedBy(options);

  router.post('/webhooks/slack/events', raw, verified, async (req, res) => {
    const retry = req.get('x-slack-retry-num');
    if (retry) {
      // Deduplication makes a retry of a recorded message a duplicate: it is answered 200 and dropped.
      options.logger.debug({ retry, reason: req.get('x-slack-retry-reason') }, 'Slack retried a delivery');
    }
    const result = await noRetryOnBadInput(res, () => options.receiver.receiveEvent(readJson(req.body)));
    if (result.kind === 'challenge') {
      res.json({ challenge: result.challenge });
      return;
    }
    res.status(200).end();
  });

  router.post('/webhooks/slack/interactions', raw, verified, async (req, res) => {
    await noRetryOnBadInput(res, () => options.receiver.receiveInteraction(readPayloadField(req.body)));
    res.status(200).end();
  });

  return router;
}

function verifiedBy(options: SlackRoutesOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const result = verifySlackSignature(
      {
        timestamp: req.get('x-slack-request-timestamp'),
        signature: req.get('x-slack-signature'),
        rawBody: rawBody(req.body),
      },
      options.signingSecret,
      options.clock.now(),
    );
    if (result.ok) {
      next();
      return;
    }
    options.logger.warn({ code: result.code, path: req.path }, 'rejected a Slack request: bad signature');
    res.status(401).json({
      error: {
        code: result.code,
        message:
          'the request is not signed by Slack: X-Slack-Signature must be the v0 HMAC of the body with the ' +
          'signing secret, and X-Slack-Request-Timestamp within 5 minutes',
      },
    });
  };
}

/** Input Slack itself sent and we cannot read will not read better the second time: say so. */
async function noRetryOnBadInput<T>(res: Response, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError) res.set('X-Slack-No-Retry', '1');
    throw error;
  }
}

function rawBody(body: unknown): Buffer {
  // express.raw leaves the body unset when there is none.
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

function readJson(body: unknown): unknown {
  try {
    return JSON.parse(rawBody(body).toString('utf8'));
  } catch {
    throw new ValidationError('invalid_json', 'the body is not valid JSON');
  }
}

/** Interactivity posts `application/x-www-form-urlencoded` with the JSON in the `payload` field. */
function readPayloadField(body: unknown): unknown {
  const payload = new URLSearchParams(rawBody(body).toString('utf8')).get('payload');
  if (!payload) throw new ValidationError('invalid_request', 'the form has no payload field');
  try {
    return JSON.parse(payload);
  } catch {
    throw new ValidationError('invalid_json', 'the payload field is not valid JSON');
  }
}
