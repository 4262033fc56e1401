/**
 * The Microsoft Teams customer channel (docs/channels/teams.md): Bot Framework activities in at
 * `POST /api/messages`, answers out as proactive sends from the stored ConversationReference.
 *
 *   verify (JWT, botbuilder) -> parse -> pipeline.receive -> 200      (Teams re-sends after 15 s)
 *   answer: OutboundChain -> CloudAdapter.continueConversationAsync -> Bot Connector
 *
 * The agents' channel (TEAMS_AGENT_CHANNEL) belongs to the agent desk (desk.ts): its activities
 * come in at the same route, are authenticated the same way, and are handed to the desk.
 */

import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationReference,
  TurnContext,
} from 'botbuilder';
import express, { type Request, type Response, type Router } from 'express';
import type {
  Channel,
  ChannelCapabilities,
  ChannelHealth,
  InboundHandler,
  Receipt,
} from '../../core/channel.js';
import { isoNow } from '../../core/clock.js';
import type { Config } from '../../core/config/schema.js';
import { ValidationError } from '../../core/errors.js';
import type { Address, OutboundMessage } from '../../core/model.js';
import { DEFAULT_RETRY, type DeliveryPolicy, type OutboundChain } from '../../core/outbound.js';
import type { ChannelContext, ChannelFactory } from '../registry.js';
import { createConnectorHttpClient } from './connector-http.js';
import {
  type ConnectorConversations,
  type ConnectorToken,
  type DeskTurnOutcome,
  TeamsDesk,
  type WithConnector,
} from './desk.js';
import { isFromChannel } from './desk-parse.js';
import { isLoopbackUrl, parseActivity, readActivity, type TeamsActivity } from './parse.js';
import { renderOutbound, type TeamsActivityOut } from './render.js';

export const TEAMS_POLICY: DeliveryPolicy = {
  platform: 'teams',
  // Per bot per conversation Teams allows 7 sends / 1 s, 8 / 2 s and 60 / 30 s (msteams-docs
  // bots/how-to/rate-limit.md); one send per 500 ms stays under all three.
  chatMinTimeMs: () => 500,
  // The global limit is 50 requests per second per app per tenant (same page); we keep under it
  // for all tenants together.
  globalMinTimeMs: 20,
  ...DEFAULT_RETRY,
};

type AuthenticateRequestResult = Awaited<
  ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>
>;

/** What the HTTP answer reports: the pipeline's receipt status, the desk's outcome, or that the activity was not for it. */
type TurnOutcome = Receipt['status'] | DeskTurnOutcome;

/** Bot id for proactive sends when there is no app id (emulator mode): with auth off it is only a label. */
const EMULATOR_BOT_ID = 'switchboard-emulator';

export const teamsFactory: ChannelFactory = {
  name: 'teams',
  enabled: (config) => Boolean(config.teams.appId) || config.teams.emulator,
  async create(context) {
    const channel = new TeamsChannel(context);
    const { agentChannel } = context.config.teams;
    if (!agentChannel) return { channel, router: channel.router() };
    const desk = new TeamsDesk({
      context,
      channelId: agentChannel,
      connector: channel.connector,
      connectorToken: channel.connectorToken,
      emulator: channel.emulator,
      chain: channel.chain,
    });
    channel.attachDesk(desk);
    return { channel, desk, router: channel.router() };
  },
};

export class TeamsChannel implements Channel {
  readonly name = 'teams' as const;
  readonly capabilities: ChannelCapabilities = {
    buttons: true,
    markdown: true,
    files: true,
    edits: true,
    // Longer texts are split (render.ts); this much always fits one Teams message, in any script.
    maxTextLength: 4000,
  };
  readonly #context: ChannelContext;
  readonly #auth: ConfigurationBotFrameworkAuthentication;
  readonly #adapter: CloudAdapter;
  readonly #chain: OutboundChain;
  /** Without an app id nothing proves who posted an activity (emulator mode). */
  readonly #authDisabled: boolean;
  readonly #botAppId: string;
  #handler: InboundHandler | undefined;
  #receiving = false;
  #desk: TeamsDesk | undefined;

  constructor(context: ChannelContext) {
    this.#context = context;
    const { teams } = context.config;
    this.#authDisabled = !teams.appId;
    this.#botAppId = teams.appId ?? EMULATOR_BOT_ID;
    this.#auth = new ConfigurationBotFrameworkAuthentication(
      botFrameworkSettings(teams),
      undefined,
      undefined,
      undefined,
      { httpClient: createConnectorHttpClient() },
    );
    this.#adapter = new CloudAdapter(this.#auth);
    this.#chain = context.outbound(TEAMS_POLICY);
    if (this.#authDisabled) {
      context.logger.warn(
        'TEAMS EMULATOR MODE: /api/messages accepts activities WITHOUT authentication. For the Bot ' +
          'Framework Emulator and local tests only; activities are accepted only with a serviceUrl on ' +
          'this machine (loopback). Set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD in production.',
      );
    }
  }

  /** The agents' channel's activities go to `desk` (TEAMS_AGENT_CHANNEL). */
  attachDesk(desk: TeamsDesk): void {
    this.#desk = desk;
  }

  /** The outbound chain, shared with the agent desk: Teams' app-wide limit covers both. */
  get chain(): OutboundChain {
    return this.#chain;
  }

  /** Bot Connector calls for the agent desk, with the channel's credentials and one-attempt HTTP client. */
  readonly connector: WithConnector = async (reference, call) => {
    let result: Awaited<ReturnType<typeof call>> | undefined;
    await this.#adapter.continueConversationAsync(this.#botAppId, reference, async (turn) => {
      const client = turn.turnState.get(turn.adapter.ConnectorClientKey) as
        | { conversations: ConnectorConversations }
        | undefined;
      if (!client) throw new Error('botbuilder gave the turn no ConnectorClient');
      result = await call(client.conversations);
    });
    return result as Awaited<ReturnType<typeof call>>;
  };

  /** Without an app id (emulator mode) there is no token and nothing is authenticated. */
  get emulator(): boolean {
    return this.#authDisabled;
  }

  /**
   * The bearer token the Bot Connector client signs its calls to `reference`'s serviceUrl with
   * (botbuilder's AppCredentials, cached and refreshed by it), for the agent desk to fetch images
   * agents paste, which Teams keeps on the Bot Connector (file-relay.ts). None in emulator mode.
   */
  readonly connectorToken: ConnectorToken = async (reference) => {
    if (this.#authDisabled) return undefined;
    let token: string | undefined;
    await this.#adapter.continueConversationAsync(this.#botAppId, reference, async (turn) => {
      const client = turn.turnState.get(turn.adapter.ConnectorClientKey) as
        | { credentials?: { getToken?: (forceRefresh?: boolean) => Promise<string> } }
        | undefined;
      token = await client?.credentials?.getToken?.();
    });
    if (!token) throw new Error('botbuilder gave the turn no Bot Connector token');
    return token;
  };

  async start(handler: InboundHandler): Promise<void> {
    this.#handler = handler;
    this.#receiving = true;
  }

  /** Teams re-sends what we refuse with 503, to this instance or, behind a load balancer, another. */
  async stopReceiving(): Promise<void> {
    this.#receiving = false;
  }

  async stop(): Promise<void> {
    await this.#chain.flush(this.#context.config.shutdownTimeoutSeconds * 1000);
    await this.#chain.stop();
  }

  async send(address: Address, message: OutboundMessage): Promise<void> {
    const reference = referenceOf(address);
    for (const activity of renderOutbound(message)) {
      void this.#chain.enqueue(address, message, () => this.#deliver(reference, activity));
    }
  }

  health(): ChannelHealth {
    if (!this.#handler) return { state: 'starting' };
    return {
      state: this.#receiving ? 'up' : 'down',
      ...(this.#authDisabled ? { detail: 'emulator mode: inbound authentication is off' } : {}),
    };
  }

  router(): Router {
    const router = express.Router();
    // Activities are small (Teams caps a message at ~28 KB); the margin covers HTML duplicates.
    router.post('/api/messages', express.json({ limit: '256kb' }), (req, res) => this.#receive(req, res));
    return router;
  }

  async #receive(req: Request, res: Response): Promise<void> {
    if (!this.#handler || !this.#receiving) {
      res.set('Retry-After', '5');
      res
        .status(503)
        .json({ error: { code: 'not_receiving', message: 'the Teams channel is not receiving' } });
      return;
    }
    const activity = readActivity(req.body);
    if (this.#authDisabled && !isLoopbackUrl(activity.serviceUrl)) {
      // Replies go to serviceUrl: unauthenticated, any URL would let anyone make this server post
      // to any host. The emulator always runs on this machine.
      this.#context.logger.warn({ serviceUrl: activity.serviceUrl }, 'emulator mode: serviceUrl refused');
      res.status(403).json({
        error: {
          code: 'service_url_not_allowed',
          message: 'without MICROSOFT_APP_ID only activities with a serviceUrl on this machine are accepted',
        },
      });
      return;
    }
    // Validated by readActivity; the SDK reads it as its own type.
    const sdkActivity = req.body as Activity;
    const authenticated = await this.#authenticate(sdkActivity, req.get('authorization') ?? '');
    if (!authenticated) {
      res.status(401).json({
        error: { code: 'unauthorized', message: 'the Authorization header is missing or not valid' },
      });
      return;
    }
    const outcome = await this.#runTurn(authenticated, sdkActivity, (turn) =>
      this.#onActivity(activity, turn),
    );
    res.status(200).json({ status: outcome });
  }

  /**
   * botbuilder checks the token's signature (Bot Framework's OpenID keys), issuer, audience (our
   * app id) and that its serviceUrl claim matches the activity's. Undefined when it is not valid.
   */
  async #authenticate(
    activity: Activity,
    authorization: string,
  ): Promise<AuthenticateRequestResult | undefined> {
    if (!this.#authDisabled && authorization.trim() === '') {
      this.#context.logger.warn('Bot Framework activity refused: no Authorization header');
      return undefined;
    }
    try {
      return await this.#auth.authenticateRequest(activity, authorization);
    } catch (error) {
      // Whatever the reason (bad token, keys unreachable), an activity we cannot verify is refused.
      this.#context.logger.warn({ err: error }, 'Bot Framework activity refused: not authenticated');
      return undefined;
    }
  }

  /** Runs the turn in the CloudAdapter; our errors come out as thrown, not wrapped by the SDK. */
  async #runTurn(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (turn: TurnContext) => Promise<TurnOutcome>,
  ): Promise<TurnOutcome> {
    const result: { outcome?: TurnOutcome; error?: unknown } = {};
    await this.#adapter.processActivityDirect(authenticated, activity, async (turn) => {
      try {
        result.outcome = await logic(turn);
      } catch (error) {
        result.error = error ?? new Error('the Teams turn failed');
      }
    });
    if (result.error !== undefined || result.outcome === undefined) {
      throw result.error ?? new Error('the Teams turn did not run');
    }
    return result.outcome;
  }

  async #onActivity(activity: TeamsActivity, turn: TurnContext): Promise<TurnOutcome> {
    const { logger, conversations, config, clock } = this.#context;
    const handler = this.#handler;
    if (!handler) throw new Error('Teams channel is not started');
    // Kept without the message's id: the reference is then the same for every message of the chat,
    // and a proactive send goes to the conversation (or the channel thread its id names).
    const { activityId: _replyTo, ...reference } = TurnContext.getConversationReference(turn.activity);
    if (this.#desk && isFromChannel(activity, this.#desk.channelId)) {
      return this.#desk.receive(activity, reference);
    }
    const event = parseActivity(activity, {
      reference: reference as Record<string, unknown>,
      ...(config.teams.agentChannel ? { agentChannel: config.teams.agentChannel } : {}),
      now: isoNow(clock),
    });
    if (event.kind === 'ignored') {
      logger.debug({ type: activity.type, reason: event.reason }, 'Teams activity ignored');
      return 'ignored';
    }
    if (event.onlyIfThreadOpen && !(await conversations.findOpenConversation(event.inbound.address))) {
      logger.debug(
        { type: activity.type },
        'Teams channel message ignored: bot not mentioned in this thread',
      );
      return 'ignored';
    }
    return (await handler.receive(event.inbound)).status;
  }

  async #deliver(reference: Partial<ConversationReference>, activity: TeamsActivityOut): Promise<void> {
    await this.#adapter.continueConversationAsync(this.#botAppId, reference, async (turn) => {
      // A copy per attempt: the SDK writes routing fields into the activity it sends.
      await turn.sendActivity({ ...activity });
    });
  }
}

function botFrameworkSettings(teams: Config['teams']): Record<string, string> {
  return {
    ...(teams.appId ? { MicrosoftAppId: teams.appId } : {}),
    ...(teams.appPassword ? { MicrosoftAppPassword: teams.appPassword } : {}),
    ...(teams.appTenantId ? { MicrosoftAppTenantId: teams.appTenantId } : {}),
    MicrosoftAppType: teams.appType,
  };
}

function referenceOf(address: Address): Partial<ConversationReference> {
  const reference = address.platformRef as Partial<ConversationReference> | undefined;
  if (typeof reference?.serviceUrl !== 'string' || typeof reference.conversation?.id !== 'string') {
    throw new ValidationError('no_conversation_reference', 'the Teams address has no conversation reference');
  }
  return reference;
}
