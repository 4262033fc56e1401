/**
 * The Telegram customer channel (docs/channels/telegram.md): a webhook at `POST /webhooks/telegram`
 * when PUBLIC_URL is set, long polling otherwise; sends through one OutboundChain at Telegram's limits.
 */
import { Agent } from 'node:https';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { Telegram, TelegramError } from 'telegraf';
import type { Channel, ChannelCapabilities, ChannelHealth, InboundHandler } from '../../core/channel.js';
import { type Clock, isoNow } from '../../core/clock.js';
import { ConfigError, ValidationError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Address, InboundMessage, OutboundMessage } from '../../core/model.js';
import { DeliveryError, type OutboundChain } from '../../core/outbound.js';
import type { KeyValueStore } from '../../core/store/key-value.js';
import type { ChannelFactory } from '../registry.js';
import { isCallbackToken } from './callback-data.js';
import { deliver, TELEGRAM_DELIVERY_POLICY } from './delivery.js';
import type { BotIdentity } from './mentions.js';
import { parseUpdate } from './parse.js';
import { Poller } from './poller.js';
import { renderOutbound } from './render.js';
import { TELEGRAM_MAX_TEXT } from './split-text.js';
import { ALLOWED_UPDATES } from './update-schema.js';
import { isGenuineDelivery, SECRET_TOKEN_HEADER } from './verify.js';

export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';

// Buttons stay in the chat history; a press months later should still mean what it said.
const CALLBACK_TOKEN_TTL_MS = 180 * 86_400_000;
const RECONNECT_MS = 30_000;

export interface TelegramChannelOptions {
  botToken: string;
  apiRoot: string;
  /** Webhook mode: Telegram posts to `<webhookUrl>` with this secret. Absent: long polling. */
  webhook?: { url: string; secret: string };
  chain: OutboundChain;
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  /** How long stop() waits for queued sends. */
  drainTimeoutMs: number;
}

export class TelegramChannel implements Channel {
  readonly name = 'telegram' as const;
  readonly capabilities: ChannelCapabilities = {
    buttons: true,
    markdown: false,
    files: true,
    edits: true,
    maxTextLength: TELEGRAM_MAX_TEXT,
  };
  readonly #options: TelegramChannelOptions;
  readonly #agent = new Agent({ keepAlive: true });
  readonly #telegram: Telegram;
  /** The id is the token's first part; the username (for @mentions) comes from getMe. */
  #bot: BotIdentity;
  #handler: InboundHandler | undefined;
  #health: ChannelHealth = { state: 'starting' };
  #poller: Poller | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #receiving = true;
  readonly #spinners = new Set<Promise<unknown>>();

  constructor(options: TelegramChannelOptions) {
    this.#options = options;
    this.#bot = { id: Number(options.botToken.split(':')[0]) };
    // webhookReply off: every call is a real request whose result and errors we see.
    this.#telegram = new Telegram(options.botToken, {
      apiRoot: options.apiRoot,
      agent: this.#agent,
      webhookReply: false,
    });
  }

  get mode(): 'webhook' | 'polling' {
    return this.#options.webhook ? 'webhook' : 'polling';
  }

  /** Learns the bot's name, then registers the webhook or starts polling; retries in the background if Telegram is unreachable. */
  async start(handler: InboundHandler): Promise<void> {
    this.#handler = handler;
    await this.#connect();
  }

  async stopReceiving(): Promise<void> {
    this.#receiving = false;
    clearTimeout(this.#reconnect);
    await this.#poller?.stop();
  }

  async stop(): Promise<void> {
    const { chain, drainTimeoutMs, logger } = this.#options;
    if (!(await chain.flush(drainTimeoutMs))) {
      logger.warn({ queued: chain.queued }, 'telegram sends still queued at shutdown');
    }
    await chain.stop();
    await Promise.allSettled([...this.#spinners]);
    this.#agent.destroy();
  }

  async send(address: Address, message: OutboundMessage): Promise<void> {
    const { calls, callbackTokens } = renderOutbound(message, address);
    if (calls.length === 0) {
      throw new DeliveryError('nothing Telegram can show: no text and no sendable attachment', {
        permanent: true,
      });
    }
    const { chain, kv } = this.#options;
    await Promise.all(
      callbackTokens.map(({ token, payload }) =>
        kv.set(callbackTokenKey(token), payload, CALLBACK_TOKEN_TTL_MS),
      ),
    );
    // One queue entry per call: a retry repeats only the part that failed, never an earlier one.
    for (const call of calls) void chain.enqueue(address, message, () => deliver(this.#telegram, call));
  }

  health(): ChannelHealth {
    return this.#health;
  }

  router(): Router {
    const router = express.Router();
    router.post(
      TELEGRAM_WEBHOOK_PATH,
      (req, res, next) => this.#verify(req, res, next),
      express.json({ limit: '1mb' }),
      async (req: Request, res: Response) => {
        await this.#accept(req.body);
        res.json({ ok: true });
      },
    );
    return router;
  }

  #verify(req: Request, res: Response, next: NextFunction): void {
    const secret = this.#options.webhook?.secret;
    if (secret && isGenuineDelivery(secret, req.get(SECRET_TOKEN_HEADER))) {
      next();
      return;
    }
    this.#options.logger.warn({ ip: req.ip }, 'telegram webhook refused: wrong or missing secret token');
    res.status(403).json({
      error: {
        code: 'forbidden',
        message: `${SECRET_TOKEN_HEADER} does not match TELEGRAM_WEBHOOK_SECRET`,
      },
    });
  }

  /** Parses one update and hands it to the pipeline; resolves once it is recorded (or skipped). */
  async #accept(body: unknown): Promise<void> {
    const handler = this.#handler;
    if (!handler) throw new Error('telegram channel is not started');
    const parsed = parseUpdate(body, { bot: this.#bot, now: isoNow(this.#options.clock) });
    if (parsed.kind === 'skip') {
      this.#options.logger.debug({ updateId: updateIdOf(body), reason: parsed.reason }, 'update skipped');
      return;
    }
    await handler.receive(await this.#resolvePayload(parsed.inbound));
    if (parsed.callbackQueryId) this.#stopSpinner(parsed.callbackQueryId);
  }

  /** A long payload travels as a token; an unknown token (expired) leaves the button's label as text. */
  async #resolvePayload(inbound: InboundMessage): Promise<InboundMessage> {
    const data = inbound.action?.payload;
    if (data === undefined || !isCallbackToken(data)) return inbound;
    const payload = await this.#options.kv.get<string>(callbackTokenKey(data));
    if (payload !== undefined) return { ...inbound, action: { payload } };
    const { action: _expired, ...rest } = inbound;
    return rest;
  }

  /** The pressed button spins until answered (Bot API, answerCallbackQuery); not worth queueing behind sends. */
  #stopSpinner(callbackQueryId: string): void {
    const call = this.#telegram
      .answerCbQuery(callbackQueryId)
      .catch((error: unknown) =>
        this.#options.logger.warn({ err: error, callbackQueryId }, 'answerCallbackQuery failed'),
      );
    this.#spinners.add(call);
    void call.finally(() => this.#spinners.delete(call));
  }

  async #connect(): Promise<void> {
    const { webhook, logger } = this.#options;
    try {
      const me = await this.#telegram.getMe();
      this.#bot = { id: me.id, username: me.username };
      if (!this.#receiving) return; // shut down while Telegram was answering
      if (webhook) {
        await this.#telegram.setWebhook(webhook.url, {
          secret_token: webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
      } else {
        // getUpdates is refused (409) while a webhook is set, e.g. after running in webhook mode.
        await this.#telegram.deleteWebhook();
        this.#startPolling();
      }
      this.#health = { state: 'up', detail: `${this.mode} as @${me.username}` };
      logger.info({ mode: this.mode, bot: me.username }, 'telegram channel connected');
    } catch (error) {
      if (error instanceof TelegramError && (error.code === 401 || error.code === 404)) {
        throw new ConfigError([`TELEGRAM_BOT_TOKEN: Telegram refused the token (${error.message})`]);
      }
      this.#health = { state: 'down', detail: `${this.mode}: ${(error as Error).message}` };
      logger.error({ err: error }, `telegram unreachable; retrying in ${RECONNECT_MS / 1000} s`);
      if (this.#receiving) this.#reconnect = setTimeout(() => this.#retryConnect(), RECONNECT_MS).unref();
    }
  }

  /** In the background nothing can stop the server any more: a refused token is reported, not thrown. */
  #retryConnect(): void {
    this.#connect().catch((error: unknown) => {
      this.#health = { state: 'down', detail: (error as Error).message };
      this.#options.logger.error({ err: error }, 'telegram channel stopped trying');
    });
  }

  #startPolling(): void {
    const { logger } = this.#options;
    this.#poller = new Poller({
      telegram: this.#telegram,
      onUpdate: async (update) => {
        try {
          await this.#accept(update);
        } catch (error) {
          // An update that can never parse is skipped; anything else (the store) is fetched again.
          if (!(error instanceof ValidationError)) throw error;
          logger.warn({ err: error, updateId: update.update_id }, 'unreadable telegram update skipped');
        }
      },
      onPoll: (error) => {
        this.#health = error
          ? { state: 'down', detail: `polling: ${error.message}` }
          : { state: 'up', detail: `polling as @${this.#bot.username}` };
        if (error) logger.warn({ err: error }, 'telegram getUpdates failed');
      },
    });
    this.#poller.start();
  }
}

function callbackTokenKey(token: string): string {
  return `telegram:callback:${token}`;
}

function updateIdOf(body: unknown): unknown {
  return (body as { update_id?: unknown } | undefined)?.update_id;
}

export const telegramFactory: ChannelFactory = {
  name: 'telegram',
  enabled: (config) => Boolean(config.telegram.botToken),
  async create({ config, logger, clock, kv, outbound }) {
    const { botToken, webhookSecret, apiRoot } = config.telegram;
    if (!botToken) throw new ConfigError(['TELEGRAM_BOT_TOKEN is required for the Telegram channel']);
    // The config schema requires the secret whenever PUBLIC_URL is set.
    const webhook =
      config.publicUrl && webhookSecret
        ? { url: `${config.publicUrl.replace(/\/+$/, '')}${TELEGRAM_WEBHOOK_PATH}`, secret: webhookSecret }
        : undefined;
    const channel = new TelegramChannel({
      botToken,
      apiRoot,
      ...(webhook ? { webhook } : {}),
      chain: outbound(TELEGRAM_DELIVERY_POLICY),
      kv,
      clock,
      logger,
      drainTimeoutMs: config.shutdownTimeoutSeconds * 1000,
    });
    return { channel, ...(webhook ? { router: channel.router() } : {}) };
  },
};
