/**
 * The WeChat channel: a personal (or WeCom) account driven through wechaty and the puppet named
 * by WECHATY_PUPPET (docs/channels/wechat.md). The login lives in one process: on a shared store
 * the instances hold a lease for it, the holder runs the puppet, the others stand by (and hand
 * their sends to the holder through the outbox) and take over when the holder dies. Sends are
 * paced like a person types: fast automation gets accounts banned.
 */
import type { FileBox as FileBoxClass } from 'file-box';
import type { Message, Wechaty, WechatyOptions } from 'wechaty';
import type { Channel, ChannelCapabilities, ChannelHealth, InboundHandler } from '../../core/channel.js';
import { isoNow } from '../../core/clock.js';
import { ConfigError } from '../../core/errors.js';
import { Lease } from '../../core/lease.js';
import type { Address, OutboundMessage } from '../../core/model.js';
import {
  DEFAULT_RETRY,
  DeliveryError,
  type DeliveryPolicy,
  type OutboundChain,
} from '../../core/outbound.js';
import type { ChannelContext, ChannelFactory, ChannelModule } from '../registry.js';
import { type LoginQr, LoginState } from './login-state.js';
import { OfferedReplies } from './offered-replies.js';
import { applyChoice, numberedChoice, parseWechatMessage } from './parse.js';
import { renderWechat, WECHAT_TEXT_LIMIT, type WechatSend } from './render.js';
import { loadWechaty, readFacts, type WechatySdk } from './sdk.js';

/**
 * Tencent publishes no limit for personal accounts; puppet providers' advice and ban reports agree
 * that bursts get accounts restricted. One message per 1.5 s per chat and one per second overall
 * keeps the account looking like a person answering.
 */
export const WECHAT_POLICY: DeliveryPolicy = {
  platform: 'wechat',
  globalMinTimeMs: 1000,
  chatMinTimeMs: () => 1500,
  ...DEFAULT_RETRY,
};

/** While logged out, sends wait for the next login (up to the policy's deadline) instead of failing. */
const LOGGED_OUT_RETRY_MS = 30_000;

/** wechaty keeps the login session here (relative to the working directory), so a restart may skip the QR code. */
const SESSION_NAME = 'switchboard-wechat';

type PuppetInstance = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatChannelOptions {
  /** A puppet instance instead of the one WECHATY_PUPPET names (tests inject wechaty-puppet-mock). */
  puppet?: PuppetInstance;
  /** Pacing overrides, so tests need not wait like a person; production uses WECHAT_POLICY. */
  policy?: Partial<DeliveryPolicy>;
}

interface WechatChannelDeps {
  bot: Wechaty;
  sdk: WechatySdk;
  FileBox: typeof FileBoxClass;
  context: ChannelContext;
  policy: DeliveryPolicy;
  outbound: OutboundChain;
}

export class WechatChannel implements Channel {
  readonly name = 'wechat' as const;
  readonly capabilities: ChannelCapabilities = {
    buttons: false,
    markdown: false,
    files: true,
    // Customers can recall a message (within 2 minutes): ids are indexed so the recall finds it.
    edits: true,
    maxTextLength: WECHAT_TEXT_LIMIT,
  };
  readonly #deps: WechatChannelDeps;
  readonly #login: LoginState;
  readonly #offered: OfferedReplies;
  #handler: InboundHandler | undefined;
  #receiving = false;
  /** On a shared store: who runs the login (src/core/lease.ts); absent on the embedded store. */
  #lease: Lease | undefined;

  constructor(deps: WechatChannelDeps) {
    this.#deps = deps;
    this.#login = new LoginState(deps.context.clock);
    this.#offered = new OfferedReplies(deps.context.kv);
  }

  async start(handler: InboundHandler): Promise<void> {
    const { bot, sdk, context } = this.#deps;
    const { logger, kv } = context;
    this.#handler = handler;
    this.#receiving = true;
    bot
      .on('scan', (qrcode, status) => {
        const qr = this.#login.scan(qrcode, status, sdk.qrcodeValueToImageUrl(qrcode));
        // The operator scans this with the account's phone; admins also see it in the admin API.
        logger.info({ status: qr.status, qrImageUrl: qr.imageUrl }, 'WeChat login: scan the QR code');
      })
      .on('login', (user) => {
        this.#login.login(user.name());
        logger.info({ user: user.name() }, 'WeChat logged in');
      })
      .on('logout', (user, reason) => {
        this.#login.logout(reason);
        logger.warn({ user: user.name(), reason }, 'WeChat logged out');
      })
      .on('error', (error) => {
        this.#login.error(error.message);
        logger.error({ err: error }, 'WeChat puppet error');
      })
      .on('message', (message) => void this.#onMessage(message));
    if (kv.backend === 'sqlite') {
      await this.#startBot();
      return;
    }
    this.#login.standby();
    this.#lease = new Lease(kv, 'wechat-login', {
      logger,
      onAcquired: () => this.#startBot(),
      onLost: () => this.#stopBot(true),
    });
    await this.#lease.start();
  }

  sendsHere(): boolean {
    return this.#lease === undefined || this.#lease.held;
  }

  async #startBot(): Promise<void> {
    // wechaty bounds the puppet's start at 15 s and reports failures as 'error' events.
    try {
      await this.#deps.bot.start();
    } catch (error) {
      this.#login.error((error as Error).message);
      this.#deps.context.logger.error({ err: error }, 'WeChat puppet did not start');
    }
  }

  /** `standby`: the lease went to another instance, which runs the login from now on. */
  async #stopBot(standby: boolean): Promise<void> {
    try {
      await this.#deps.bot.stop();
    } catch (error) {
      this.#deps.context.logger.warn({ err: error }, 'WeChat puppet did not stop cleanly');
    }
    if (standby) this.#login.standby();
    else this.#login.stopped();
  }

  async stopReceiving(): Promise<void> {
    this.#receiving = false;
  }

  async stop(): Promise<void> {
    const { context, outbound } = this.#deps;
    await outbound.flush(context.config.shutdownTimeoutSeconds * 1000);
    await outbound.stop();
    if (this.#lease) await this.#lease.stop();
    if (this.sendsHere() || !this.#lease) await this.#stopBot(false);
    else this.#login.stopped();
  }

  async send(address: Address, message: OutboundMessage): Promise<void> {
    await this.#offered.remember(address, message.quickReplies);
    const parts = renderWechat(message);
    if (parts.length === 0) return;
    // One job per message, so a failure is recorded once; `delivered` survives the chain's retries,
    // so a retry resumes at the part that failed and never repeats one the customer already has.
    let delivered = 0;
    void this.#deps.outbound.enqueue(address, message, async () => {
      const target = await this.#target(address);
      for (const [index, part] of parts.slice(delivered).entries()) {
        if (index > 0) await sleep(this.#deps.policy.chatMinTimeMs(address));
        await target.say(this.#sayable(part));
        delivered++;
      }
    });
  }

  health(): ChannelHealth {
    return this.#login.health();
  }

  adminDetails(): Record<string, unknown> {
    return { loginQr: this.loginQr() ?? null };
  }

  /** The QR code to scan while waiting for a login; undefined once logged in. */
  loginQr(): LoginQr | undefined {
    return this.#login.loginQr();
  }

  async #onMessage(message: Message): Promise<void> {
    const { bot, context } = this.#deps;
    const { logger } = context;
    if (!this.#receiving || !this.#handler) return;
    try {
      const facts = await readFacts(message, bot.currentUser);
      const parsed = parseWechatMessage(facts, { now: isoNow(context.clock) });
      if (parsed.kind === 'drop') {
        logger.debug({ messageId: message.id, reason: parsed.reason }, 'WeChat message dropped');
        return;
      }
      let inbound = parsed.message;
      if (!inbound.fromBot && numberedChoice(inbound.text) !== undefined) {
        inbound = applyChoice(inbound, await this.#offered.offered(inbound.address));
      }
      await this.#handler.receive(inbound);
    } catch (error) {
      logger.error({ err: error, messageId: message.id }, 'WeChat message could not be handled');
    }
  }

  async #target(address: Address) {
    const { bot } = this.#deps;
    if (!bot.isLoggedIn) {
      throw new DeliveryError('WeChat is not logged in', { retryAfterMs: LOGGED_OUT_RETRY_MS });
    }
    // A one-to-one chat's id is the customer's own id (parse.ts); a group's is the room's.
    const target =
      address.chatId === address.userId
        ? await bot.Contact.find({ id: address.chatId })
        : await bot.Room.find({ id: address.chatId });
    if (!target) throw new DeliveryError(`WeChat chat ${address.chatId} not found`, { permanent: true });
    return target;
  }

  #sayable(part: WechatSend): string | FileBoxClass {
    if (part.kind === 'text') return part.text;
    return this.#deps.FileBox.fromUrl(part.url, part.name ? { name: part.name } : {});
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Builds the channel; the factory passes no options, tests pass a mock puppet and fast pacing. */
export async function createWechatChannel(
  context: ChannelContext,
  options: WechatChannelOptions = {},
): Promise<ChannelModule> {
  const { sdk, FileBox } = await loadWechaty(context.logger);
  const bot = options.puppet
    ? sdk.WechatyBuilder.build({ puppet: options.puppet })
    : sdk.WechatyBuilder.build(await puppetByName(context));
  const policy = { ...WECHAT_POLICY, ...options.policy };
  const outbound = context.outbound(policy);
  return { channel: new WechatChannel({ bot, sdk, FileBox, context, policy, outbound }) };
}

async function puppetByName(context: ChannelContext): Promise<WechatyOptions> {
  const { puppet, puppetToken } = context.config.wechat;
  if (!puppet) throw new ConfigError(['WECHATY_PUPPET is required for the WeChat channel']);
  try {
    // wechaty would only find out at start, deep in its logs: say it at startup, naming the setting.
    await import(puppet);
  } catch (error) {
    throw new ConfigError([
      `WECHATY_PUPPET: cannot load the puppet "${puppet}" (${(error as Error).message}); install it with npm install ${puppet}`,
    ]);
  }
  return {
    name: SESSION_NAME,
    puppet: puppet as Extract<WechatyOptions['puppet'], string>,
    puppetOptions: puppetToken ? { token: puppetToken } : {},
  };
}

export const wechatChannelFactory: ChannelFactory = {
  name: 'wechat',
  enabled: (config) => Boolean(config.wechat.puppet),
  create: (context) => createWechatChannel(context),
};
