/**
 * The Slack customer channel (docs/channels/slack.md): customers write to the app in a DM or
 * mention it in a channel (e.g. a Slack Connect channel shared with them). Events come over HTTP
 * (`/webhooks/slack/events`, `/webhooks/slack/interactions`) or Socket Mode; answers go out with
 * chat.postMessage through one OutboundChain. With SLACK_AGENT_CHANNEL set, the same app is also
 * the agent desk (desk.ts, docs/desk.md): that channel's events go to the desk, never to the pipeline.
 */
import type { SocketModeClient } from '@slack/socket-mode';
import { WebAPIPlatformError, WebClient } from '@slack/web-api';
import type { Channel, ChannelCapabilities, ChannelHealth, InboundHandler } from '../../core/channel.js';
import { isoNow } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import type { Address, OutboundMessage } from '../../core/model.js';
import { DEFAULT_RETRY, type DeliveryPolicy, type OutboundChain } from '../../core/outbound.js';
import type { ChannelContext, ChannelFactory, ChannelModule } from '../registry.js';
import { toDeliveryError } from './delivery-error.js';
import { SlackDesk } from './desk.js';
import {
  type ParseContext,
  parseEventEnvelope,
  parseInteraction,
  type SlackIdentity,
  type SlackInbound,
} from './parse.js';
import { MAX_TEXT_LENGTH, renderOutbound, type SlackPost } from './render.js';
import { type SlackInboundReceiver, type SlackReceipt, slackRoutes } from './routes.js';
import { slackLogger } from './sdk-logger.js';
import { connectSocketMode } from './socket-mode.js';
import { TokenHealth } from './token-health.js';

/**
 * chat.postMessage allows about one message per second per channel, with short bursts
 * (docs.slack.dev/reference/methods/chat.postMessage, "Rate limits"); the workspace-wide cap is
 * higher, so the global gap only smooths bursts.
 */
export const SLACK_DELIVERY_POLICY: DeliveryPolicy = {
  platform: 'slack',
  globalMinTimeMs: 50,
  chatMinTimeMs: () => 1000,
  ...DEFAULT_RETRY,
};

// Long enough for a slow Slack, short enough that a hung call does not hold a chat's queue.
const API_TIMEOUT_MS = 10_000;
const FLUSH_ON_STOP_MS = 10_000;

/** The Web API client and the chain every call to Slack goes through: the channel's and the desk's. */
export interface SlackApi {
  client: WebClient;
  chain: OutboundChain;
  /** Shared by the channel and the desk: one bot token. */
  token: TokenHealth;
}

export function createSlackApi(context: ChannelContext): SlackApi {
  const { botToken, apiUrl } = context.config.slack;
  if (!botToken) throw new ConfigError(['SLACK_BOT_TOKEN is required for the Slack channel']);
  const client = new WebClient(botToken, {
    slackApiUrl: apiUrl,
    logger: slackLogger(context.logger),
    // The OutboundChain owns waiting and retrying; the client makes exactly one attempt.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    // Methods are names, never URLs: the token goes to the configured Web API and nowhere else.
    allowAbsoluteUrls: false,
    timeout: API_TIMEOUT_MS,
  });
  return { client, chain: context.outbound(SLACK_DELIVERY_POLICY), token: new TokenHealth() };
}

/** The part of the agent desk the channel hands the agent channel's payloads to. */
interface AgentChannelReceiver {
  receiveEvent(body: unknown, context: ParseContext): Promise<SlackReceipt | undefined>;
  receiveInteraction(payload: unknown, context: ParseContext): Promise<SlackReceipt | undefined>;
}

export class SlackChannel implements Channel, SlackInboundReceiver {
  readonly name = 'slack' as const;
  readonly capabilities: ChannelCapabilities = {
    buttons: true,
    markdown: true,
    files: false, // attachments go out as links
    edits: true,
    maxTextLength: MAX_TEXT_LENGTH,
  };
  readonly #context: ChannelContext;
  readonly #client: WebClient;
  readonly #token: TokenHealth;
  readonly #chain: OutboundChain;
  #identity: SlackIdentity | undefined;
  #handler: InboundHandler | undefined;
  #socket: SocketModeClient | undefined;
  #socketConnected = false;
  #desk: AgentChannelReceiver | undefined;

  constructor(context: ChannelContext, api: SlackApi = createSlackApi(context)) {
    this.#context = context;
    this.#client = api.client;
    this.#token = api.token;
    this.#chain = api.chain;
  }

  /** Who the bot is, once started. */
  get identity(): SlackIdentity | undefined {
    return this.#identity;
  }

  /** The agent channel's events and button presses go to the desk (over HTTP and Socket Mode alike). */
  routeAgentChannelTo(desk: AgentChannelReceiver): void {
    this.#desk = desk;
  }

  /** Learns who the bot is (its own messages must never be answered), then opens Socket Mode if configured. */
  async start(handler: InboundHandler): Promise<void> {
    this.#identity = await this.#whoAmI();
    this.#handler = handler;
    const { appToken, apiUrl } = this.#context.config.slack;
    if (appToken) {
      this.#socket = await connectSocketMode({
        appToken,
        apiUrl,
        logger: this.#context.logger,
        receiver: this,
        onStateChange: (connected) => {
          this.#socketConnected = connected;
        },
      });
      this.#socketConnected = true;
    }
    this.#context.logger.info(
      { botUserId: this.#identity.botUserId, mode: appToken ? 'socket' : 'http' },
      'Slack channel started',
    );
  }

  async stopReceiving(): Promise<void> {
    await this.#socket?.disconnect();
  }

  async stop(): Promise<void> {
    await this.#chain.flush(FLUSH_ON_STOP_MS);
    await this.#chain.stop();
  }

  async send(address: Address, message: OutboundMessage): Promise<void> {
    // Slack's limit is per channel, threads included: pace on the channel, post to the thread.
    const pacing: Address = { channel: address.channel, chatId: address.chatId, userId: address.userId };
    for (const post of renderOutbound(message)) {
      void this.#chain.enqueue(pacing, message, () => this.#post(address, post));
    }
  }

  health(): ChannelHealth {
    if (!this.#identity) return { state: 'starting' };
    const refused = this.#token.problem();
    if (refused) return { state: 'down', detail: refused };
    if (this.#socket && !this.#socketConnected) return { state: 'down', detail: 'Socket Mode disconnected' };
    return {
      state: 'up',
      detail: `${this.#socket ? 'Socket Mode' : 'HTTP events'}; ${this.#chain.queued} message(s) queued`,
    };
  }

  async receiveEvent(body: unknown): Promise<SlackReceipt> {
    const context = this.#parseContext();
    const forDesk = await this.#desk?.receiveEvent(body, context);
    return forDesk ?? this.#take(parseEventEnvelope(body, context));
  }

  async receiveInteraction(payload: unknown): Promise<SlackReceipt> {
    const context = this.#parseContext();
    const forDesk = await this.#desk?.receiveInteraction(payload, context);
    return forDesk ?? this.#take(parseInteraction(payload, context));
  }

  /** Hands a parsed message to the pipeline; resolves once it is recorded (then Slack may be acked). */
  async #take(result: SlackInbound): Promise<SlackInbound> {
    if (result.kind === 'ignored') {
      this.#context.logger.debug({ reason: result.reason }, 'ignored a Slack event');
    }
    if (result.kind !== 'message') return result;
    if (!this.#handler) throw new Error('the Slack channel is not started');
    if (result.requires && !(await this.#belongsToBot(result))) {
      this.#context.logger.debug(
        { chatId: result.inbound.address.chatId, requires: result.requires },
        'ignored a channel message not addressed to the bot',
      );
      return { kind: 'ignored', reason: 'not addressed to the bot' };
    }
    await this.#handler.receive(result.inbound);
    return result;
  }

  /** In a channel: a thread the bot is talking in, or a change to a message the bot recorded. */
  async #belongsToBot({ inbound, requires }: Extract<SlackInbound, { kind: 'message' }>): Promise<boolean> {
    const { conversations } = this.#context;
    if (requires === 'known-message' && inbound.change) {
      return (
        (await conversations.findMessageRef(inbound.address, inbound.change.platformMessageId)) !== undefined
      );
    }
    return (await conversations.findOpenConversation(inbound.address)) !== undefined;
  }

  async #post(address: Address, post: SlackPost): Promise<void> {
    try {
      await this.#client.chat.postMessage({
        channel: address.chatId,
        text: post.text,
        ...(post.blocks ? { blocks: post.blocks } : {}),
        ...(address.threadId ? { thread_ts: address.threadId } : {}),
      });
      this.#token.accepted();
    } catch (error) {
      this.#token.failed(error);
      throw toDeliveryError(error);
    }
  }

  async #whoAmI(): Promise<SlackIdentity> {
    let auth: Awaited<ReturnType<WebClient['auth']['test']>>;
    try {
      auth = await this.#client.auth.test();
    } catch (error) {
      if (error instanceof WebAPIPlatformError) {
        throw new ConfigError([`SLACK_BOT_TOKEN was refused by Slack (auth.test: ${error.data.error})`]);
      }
      throw error;
    }
    if (!auth.user_id || !auth.bot_id) {
      throw new ConfigError(['SLACK_BOT_TOKEN must be a bot token: auth.test returned no bot user']);
    }
    const { agentChannel } = this.#context.config.slack;
    return {
      botUserId: auth.user_id,
      botId: auth.bot_id,
      ...(agentChannel ? { agentChannel } : {}),
      ...(auth.url ? { workspaceUrl: auth.url } : {}),
    };
  }

  #parseContext(): ParseContext {
    if (!this.#identity) throw new Error('the Slack channel is not started');
    return { ...this.#identity, receivedAt: isoNow(this.#context.clock) };
  }
}

export const slackChannelFactory: ChannelFactory = {
  name: 'slack',
  enabled: (config) => Boolean(config.slack.botToken),
  async create(context): Promise<ChannelModule> {
    const api = createSlackApi(context);
    const channel = new SlackChannel(context, api);
    const { signingSecret, appToken, agentChannel, escalationChannel } = context.config.slack;
    const desk = agentChannel
      ? new SlackDesk({
          context,
          ...api,
          agentChannel,
          ...(escalationChannel ? { escalationChannel } : {}),
          identity: () => channel.identity,
        })
      : undefined;
    if (desk) channel.routeAgentChannelTo(desk);
    const module: ChannelModule = { channel, ...(desk ? { desk } : {}) };
    if (!signingSecret) {
      context.logger.info('no SLACK_SIGNING_SECRET: Slack events come over Socket Mode only');
      return module;
    }
    if (appToken) context.logger.info('Socket Mode is on; the HTTP routes are mounted too');
    const router = slackRoutes({
      signingSecret,
      clock: context.clock,
      logger: context.logger,
      receiver: channel,
    });
    return { ...module, router };
  },
};
