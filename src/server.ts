/**
 * Builds Switchboard from a Config: opens the store, loads the knowledge base, wires the channels
 * and the pipeline, and returns the express app with a lifecycle. It starts no listener of its own:
 * `listen` does, when `src/main.ts` (or a test) asks.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Router } from 'express';
import { CHANNEL_FACTORIES, type ChannelContext, type ChannelFactory } from './adapters/registry.js';
import { WebchatChannel } from './adapters/webchat/index.js';
import { createActionRunner } from './core/actions/create-action-runner.js';
import { Monitoring } from './core/alerts/monitoring.js';
import type { Channel } from './core/channel.js';
import { type Clock, isoNow, systemClock } from './core/clock.js';
import { Closing } from './core/closing/closing.js';
import { IdleCloser } from './core/closing/idle-closer.js';
import type { Config } from './core/config/schema.js';
import { FollowUps } from './core/csat/follow-ups.js';
import { Surveys } from './core/csat/surveys.js';
import type { AgentDesk } from './core/desk/agent-desk.js';
import { DeskService } from './core/desk/desk-service.js';
import { SlaWatch } from './core/desk/sla.js';
import { FileStore } from './core/files/file-store.js';
import { KeyedLock } from './core/keyed-lock.js';
import type { Logger } from './core/logger.js';
import { Messenger } from './core/messenger.js';
import { Metrics } from './core/metrics/metrics.js';
import type { Address, Conversation, OutboundMessage, Platform } from './core/model.js';
import { OutboundChain } from './core/outbound.js';
import { Outbox } from './core/outbox.js';
import { Pipeline } from './core/pipeline.js';
import { encryptionKeys } from './core/privacy/encryption-keys.js';
import { useExtraPatterns } from './core/privacy/mask.js';
import { type LiveQueueDeps, liveQueue } from './core/reports/live-queue.js';
import { RetentionPurge } from './core/retention/retention-purge.js';
import { ConversationStore } from './core/store/conversation-store.js';
import type { KeyValueStore } from './core/store/key-value.js';
import { openStore } from './core/store/open-store.js';
import { type Lock, StoreLock } from './core/store-lock.js';
import { startTimerJobs } from './core/timer-jobs.js';
import { createHttpApp } from './http/app.js';
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
  /** Closes idle conversations every `csat.checkSeconds`; tests call its tick() with their own clock. */
  idleCloser: IdleCloser;
  /** Follow-up tickets opened by low CSAT scores (docs/csat.md). */
  followUps: FollowUps;
  channels: ReadonlyMap<Platform, Channel>;
  /** Alerts and the daily report; tests call their tick() with their own clock. */
  monitoring: Monitoring;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops accepting, finishes in-flight work, stops channels, closes the store. */
  close(): Promise<void>;
}

export async function createSwitchboard(config: Config, options: SwitchboardOptions): Promise<Switchboard> {
  const { logger } = options;
  useExtraPatterns(config.privacy.extraPatterns);
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
    encryption: encryptionKeys(config.storeEncryption),
  });
  const conversations = new ConversationStore(store, clock);
  const retention = config.retention.days
    ? new RetentionPurge({ kv: store, conversations, clock, logger, days: config.retention.days })
    : undefined;
  const metrics = new Metrics({ kv: store, conversations, clock, logger });

  const webchat = new WebchatChannel({
    conversations,
    kv: store,
    clock,
    maxTextLength: config.webchat.maxTextLength,
  });
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
  const outbox = new Outbox(store, {
    logger: logger.child({ component: 'outbox' }),
    exclusive: store.backend === 'sqlite',
  });
  const context: ChannelContext = {
    config,
    logger,
    clock,
    kv: store,
    conversations,
    files,
    outbound: (policy) => {
      // Sends on a chain are tracked by the outbox until they settle (src/core/outbox.ts).
      outbox.cover(policy.platform);
      return new OutboundChain({
        policy,
        logger,
        onFailed: recordFailedSend,
        onSettled: (message) => outbox.settled(message.id),
        // On Redis the platforms' rate limits are shared by every instance.
        ...(store.backend === 'redis'
          ? {
              shared: {
                redisUrl: config.storeUrl,
                prefix: `${options.storeNamespace ?? 'switchboard'}:limits`,
              },
            }
          : {}),
      });
    },
  };
  async function recordFailedSend(address: Address, message: OutboundMessage, error: Error): Promise<void> {
    metrics.live.sendFailed(address.channel);
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
  // The embedded SQLite file belongs to this process alone; a shared store needs leases in it.
  const lock: Lock = store.backend === 'sqlite' ? new KeyedLock() : new StoreLock(store, { logger });
  const messenger = new Messenger({
    conversations,
    channel: (name) => channels.get(name),
    clock,
    logger,
    outbox,
  });
  const csatLogger = logger.child({ component: 'csat' });
  const followUps = new FollowUps({
    kv: store,
    conversations,
    desk: () => desk,
    // The desk service is made below; a follow-up only opens once both exist.
    threads: {
      ensureThread: (conversation): Promise<Conversation> => deskService.ensureThread(conversation),
    },
    clock,
    logger: csatLogger,
  });
  const surveys = config.csat.enabled
    ? new Surveys({
        kv: store,
        conversations,
        messenger,
        followUps,
        logger: csatLogger,
        settings: {
          lowScore: config.csat.lowScore,
          nps: config.csat.nps,
          answerWithinMs: config.csat.answerWithinMinutes * 60_000,
        },
      })
    : undefined;
  const afterClose = new Closing({
    conversations,
    knowledge,
    desk: () => desk,
    ...(surveys ? { surveys } : {}),
    logger: csatLogger,
    defaultLocale: config.defaultLocale,
  });
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
    closing: afterClose,
    ...(config.routing.businessHours ? { businessHours: config.routing.businessHours } : {}),
  });
  const queueView: LiveQueueDeps = {
    conversations,
    queue: deskService.queue,
    clock,
    sla: {
      remindAfterMs: config.desk.remindAfterSeconds * 1000,
      escalateAfterMs: config.desk.escalateAfterSeconds * 1000,
    },
    ...(config.routing.businessHours ? { businessHours: config.routing.businessHours } : {}),
  };
  const sla = new SlaWatch({
    kv: store,
    conversations,
    queue: deskService.queue,
    messenger,
    lock,
    desk: () => desk,
    clock,
    logger: logger.child({ component: 'sla' }),
    settings: queueView.sla,
    card: (id) => deskService.cardFor(id),
    ...(config.routing.businessHours ? { businessHours: config.routing.businessHours } : {}),
  });
  const monitoring = new Monitoring({
    config,
    kv: store,
    conversations,
    clock,
    logger,
    desk: () => desk,
    channels,
    knowledge,
    queue: () => liveQueue(queueView),
    figures: async (from, to) => (await metrics.report({ from, to })).totals,
  });
  const idleCloser = new IdleCloser({
    conversations,
    closing: afterClose,
    lock,
    queue: deskService.queue,
    desk: () => desk,
    card: (id) => deskService.cardFor(id),
    clock,
    logger: csatLogger,
    settings: {
      closeIdleMs: config.csat.closeIdleMinutes * 60_000,
      abandonAfterMs: config.csat.abandonAfterMinutes * 60_000,
    },
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
    gaps: metrics.gaps,
    ...(surveys ? { surveys } : {}),
    actions: createActionRunner(config, knowledge, clock, logger),
    settings: {
      routing: { ...config.knowledge, ...config.routing },
      defaultLocale: config.defaultLocale,
      dedupeTtlMs: config.dedupe.ttlSeconds * 1000,
    },
  });
  for (const channel of channels.values()) await channel.start(pipeline);
  if (desk) await desk.start(deskService);
  // What a crash left unsent goes out now, and an instance that dies later is taken over.
  await outbox.start((entry) => messenger.resend(entry));
  for (const channel of channels.values()) {
    // A platform whose connection one instance runs (WeChat): that one sends what others hand over.
    if (channel.sendsHere) {
      outbox.serve(
        channel.name,
        () => channel.sendsHere?.() ?? true,
        (entry) => messenger.resend(entry),
      );
    }
  }
  const timers = await startTimerJobs(store, logger, [
    { start: () => sla.start(config.desk.slaCheckSeconds * 1000), stop: () => sla.stop() },
    { start: () => idleCloser.start(config.csat.checkSeconds * 1000), stop: () => idleCloser.stop() },
    ...(retention
      ? [
          {
            start: () => retention.start(config.retention.checkMinutes * 60_000),
            stop: () => retention.stop(),
          },
        ]
      : []),
    monitoring,
  ]);

  const app = createHttpApp({
    embedOrigins: config.webchat.embedOrigins,
    adminToken: config.adminToken,
    customerRouters: [webchat.router(), ...channelRouters],
    store,
    knowledge,
    channels,
    desk,
    metrics,
    files,
    queueView,
    clock,
    logger,
  });

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
            'knowledge base not reloaded (an invalid edit or a missing folder); still serving the last good version',
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
    idleCloser,
    followUps,
    channels,
    monitoring,
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
        await timers.stop();
        for (const channel of channels.values()) await channel.stopReceiving();
        await stopped; // every request answered, so every message is in the pipeline
        await pipeline.drain();
        // Every answer is queued now; the channels deliver what they hold, then disconnect.
        await desk?.stop();
        for (const channel of channels.values()) await channel.stop();
        await outbox.stop();
        knowledge.stopWatching();
        metrics.stop();
        await store.close();
      })();
      return closing;
    },
  };
}
