/**
 * Builds Switchboard from a Config: opens the store, loads the knowledge base, wires the channels
 * and the pipeline, and returns the express app with a lifecycle. It starts no listener of its own:
 * `listen` does, when `src/main.ts` (or a test) asks.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import { CHANNEL_FACTORIES, type ChannelContext, type ChannelFactory } from './adapters/registry.js';
import { WebchatChannel } from './adapters/webchat/index.js';
import type { Channel } from './core/channel.js';
import { type Clock, isoNow, systemClock } from './core/clock.js';
import type { Config } from './core/config/schema.js';
import type { AgentDesk } from './core/desk/agent-desk.js';
import { DeskService } from './core/desk/desk-service.js';
import { SlaWatch } from './core/desk/sla.js';
import { FileStore } from './core/files/file-store.js';
import { KeyedLock } from './core/keyed-lock.js';
import type { Logger } from './core/logger.js';
import { Messenger } from './core/messenger.js';
import type { OutboundMessage, Platform } from './core/model.js';
import { OutboundChain } from './core/outbound.js';
import { Pipeline } from './core/pipeline.js';
import { ConversationStore } from './core/store/conversation-store.js';
import type { KeyValueStore } from './core/store/key-value.js';
import { openStore } from './core/store/open-store.js';
import { adminRoutes } from './http/admin.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { fileRoutes } from './http/files.js';
import { healthRoutes } from './http/health.js';
import { KnowledgeService } from './knowledge/knowledge-service.js';
import { KnowledgeLoadError } from './knowledge/load.js';

export interface SwitchboardOptions {
  logger: Logger;
  clock?: Clock;
  /** Key prefix in the store; tests sharing one Redis or Postgres keep apart with their own. */
  storeNamespace?: string;
  /** The channels that may turn on; tests swap one for a version wired to an emulator. */
  channelFactories?: readonly ChannelFactory[];
}

export interface Switchboard {
  app: Express;
  store: KeyValueStore;
  conversations: ConversationStore;
  knowledge: KnowledgeService;
  pipeline: Pipeline;
  desk: DeskService;
  channels: ReadonlyMap<Platform, Channel>;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting, finishes in-flight work, stops channels, closes the store. */
  close(): Promise<void>;
}

export async function createSwitchboard(config: Config, options: SwitchboardOptions): Promise<Switchboard> {
  const { logger } = options;
  const clock = options.clock ?? systemClock;

  const knowledge = new KnowledgeService(config.knowledge.dir, clock);
  const problems = await knowledge.reload();
  if (problems.length > 0) throw new KnowledgeLoadError(problems);
  const logWarnings = () => {
    const { warnings } = knowledge.status();
    if (warnings.length > 0) logger.warn({ warnings }, `knowledge base has ${warnings.length} warning(s)`);
  };
  logWarnings();

  const store = await openStore(config.storeUrl, {
    clock,
    onError: (error) => logger.warn({ err: error }, 'store connection error (reconnecting)'),
    ...(options.storeNamespace ? { namespace: options.storeNamespace } : {}),
  });
  const conversations = new ConversationStore(store, clock);

  const webchat = new WebchatChannel({ conversations, clock, maxTextLength: config.webchat.maxTextLength });
  const channels = new Map<Platform, Channel>([[webchat.name, webchat]]);
  const channelRouters: Router[] = [];
  const files = new FileStore({
    dir: config.files.dir,
    kv: store,
    clock,
    publicUrl: config.publicUrl,
    maxBytes: config.files.maxMegabytes * 1024 * 1024,
    ttlMs: config.files.ttlDays * 86_400_000,
  });
  const context: ChannelContext = {
    config,
    logger,
    clock,
    kv: store,
    conversations,
    files,
    outbound: (policy) => new OutboundChain({ policy, logger, onFailed: recordFailedSend }),
  };
  async function recordFailedSend(_address: unknown, message: OutboundMessage, error: Error): Promise<void> {
    await conversations.updateMessage(message, () => ({
      delivery: { status: 'failed', error: error.message, at: isoNow(clock) },
    }));
  }
  const desks: AgentDesk[] = [];
  for (const factory of options.channelFactories ?? CHANNEL_FACTORIES) {
    if (!factory.enabled(config)) continue;
    const module = await factory.create({ ...context, logger: logger.child({ channel: factory.name }) });
    channels.set(factory.name, module.channel);
    if (module.router) channelRouters.push(module.router);
    if (module.desk) desks.push(module.desk);
  }
  // One agents' channel at a time: Slack's when both are configured (docs/desk.md).
  const desk = desks.find((d) => d.name === 'slack') ?? desks[0];
  const lock = new KeyedLock();
  const messenger = new Messenger({ conversations, channel: (name) => channels.get(name), clock, logger });
  const deskService = new DeskService({
    kv: store,
    conversations,
    messenger,
    knowledge,
    lock,
    clock,
    logger: logger.child({ component: 'desk' }),
    defaultLocale: config.defaultLocale,
    desk: () => desk,
    notePrefixes: config.desk.notePrefixes,
    ...(config.routing.businessHours ? { businessHours: config.routing.businessHours } : {}),
  });
  const sla = new SlaWatch({
    kv: store,
    conversations,
    queue: deskService.queue,
    messenger,
    lock,
    desk: () => desk,
    clock,
    logger: logger.child({ component: 'sla' }),
    settings: {
      remindAfterMs: config.desk.remindAfterSeconds * 1000,
      escalateAfterMs: config.desk.escalateAfterSeconds * 1000,
    },
    card: (id) => deskService.cardFor(id),
    ...(config.routing.businessHours ? { businessHours: config.routing.businessHours } : {}),
  });

  const pipeline = new Pipeline({
    kv: store,
    conversations,
    knowledge,
    channel: (name) => channels.get(name),
    clock,
    logger,
    lock,
    messenger,
    handoffs: deskService,
    settings: {
      routing: { ...config.knowledge, ...config.routing },
      defaultLocale: config.defaultLocale,
      dedupeTtlMs: config.dedupe.ttlSeconds * 1000,
    },
  });
  for (const channel of channels.values()) await channel.start(pipeline);
  if (desk) await desk.start(deskService);
  sla.start(config.desk.slaCheckSeconds * 1000);

  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached; hashing every body for an ETag cost ~1 % of CPU per message.
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The page loads only its own script and style; the stream and API are same-origin.
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // Companies embed the chat in their own site: frame-ancestors names who may.
          frameAncestors: ["'self'", ...config.webchat.embedOrigins],
          // A plain-http install on a LAN address must still load its own script and style.
          upgradeInsecureRequests: null,
        },
      },
      // X-Frame-Options cannot name other sites; frame-ancestors above replaces it.
      frameguard: false,
    }),
  );
  app.use(healthRoutes({ store, knowledge, channels, desk }));
  app.use(fileRoutes(files));
  app.use(adminRoutes({ adminToken: config.adminToken, channels, knowledge }));
  app.use(webchat.router());
  for (const router of channelRouters) app.use(router);
  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  // Watch only once everything else started: a failed start leaves no watcher behind.
  if (config.knowledge.watch) {
    knowledge.watch(
      (reloadProblems) => {
        const status = knowledge.status();
        if (reloadProblems.length === 0) {
          logger.info({ entries: status.entries, indexMs: status.indexMs }, 'knowledge base reloaded');
          logWarnings();
        } else {
          logger.error(
            { problems: status.errors },
            'knowledge base edit rejected; still serving the last good version',
          );
        }
      },
      (error) => logger.error({ err: error }, 'knowledge folder cannot be watched or read'),
    );
  }

  let server: Server | undefined;
  let closing: Promise<void> | undefined;

  return {
    app,
    store,
    conversations,
    knowledge,
    pipeline,
    desk: deskService,
    channels,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        const listening = app.listen(port, host, (error?: Error) => {
          if (error) return reject(error);
          server = listening;
          resolve((listening.address() as AddressInfo).port);
        });
      });
    },
    close() {
      closing ??= (async () => {
        const stopped = server
          ? new Promise<void>((resolve) => server?.close(() => resolve()))
          : Promise.resolve();
        server?.closeIdleConnections();
        // Streams never end by themselves and pollers never stop by themselves: the channels end them.
        await sla.stop();
        for (const channel of channels.values()) await channel.stopReceiving();
        await stopped; // every request answered, so every message is in the pipeline
        await pipeline.drain();
        // Every answer is queued now; the channels deliver what they hold, then disconnect.
        await desk?.stop();
        for (const channel of channels.values()) await channel.stop();
        knowledge.stopWatching();
        await store.close();
      })();
      return closing;
    },
  };
}
