/**
 * Socket Mode: Slack pushes the same payloads over a websocket opened with the app-level token, so
 * no public URL is needed (docs.slack.dev/apis/events-api/using-socket-mode). Each envelope goes
 * through the same parse path as the HTTP routes and is acknowledged once recorded; an envelope
 * left unacknowledged is delivered again, like an unanswered HTTP request.
 */
import { SocketModeClient } from '@slack/socket-mode';
import { ValidationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SlackInboundReceiver } from './routes.js';
import { slackLogger } from './sdk-logger.js';

export interface SocketModeOptions {
  appToken: string;
  /** apps.connections.open is a Web API method: it goes where the rest of the Web API goes. */
  apiUrl: string;
  logger: Logger;
  receiver: SlackInboundReceiver;
  onStateChange(connected: boolean): void;
}

interface SocketEnvelope {
  type: string;
  body: unknown;
  ack: () => Promise<void>;
  retry_num?: number;
}

export async function connectSocketMode(options: SocketModeOptions): Promise<SocketModeClient> {
  const { logger } = options;
  const client = new SocketModeClient({
    appToken: options.appToken,
    logger: slackLogger(logger),
    clientOptions: { slackApiUrl: options.apiUrl },
  });
  client.on('slack_event', (envelope: SocketEnvelope) => {
    // A listener's rejection would be unhandled: every failure ends here, logged.
    handle(envelope, options).catch((error: unknown) =>
      logger.error(
        { err: error, retry: envelope.retry_num },
        'Socket Mode event failed; Slack will resend it',
      ),
    );
  });
  client.on('connected', () => options.onStateChange(true));
  // 'close' is the socket going away; the client reconnects by itself and says 'connected' again.
  client.on('close', () => options.onStateChange(false));
  client.on('disconnected', () => options.onStateChange(false));
  await client.start();
  return client;
}

async function handle(envelope: SocketEnvelope, { receiver, logger }: SocketModeOptions): Promise<void> {
  try {
    if (envelope.type === 'events_api') await receiver.receiveEvent(envelope.body);
    else if (envelope.type === 'interactive') await receiver.receiveInteraction(envelope.body);
    else logger.debug({ type: envelope.type }, 'ignored a Socket Mode envelope');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    logger.warn({ err: error }, 'unreadable Socket Mode payload; acknowledged so it is not resent');
  }
  await envelope.ack();
}
