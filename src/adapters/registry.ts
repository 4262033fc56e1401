/**
 * The customer channels Switchboard can run besides the web chat, and what each needs to start.
 * A channel turns on when its credentials are in the config (DESIGN.md, "Environment").
 */
import type { Router } from 'express';
import type { Channel } from '../core/channel.js';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config/schema.js';
import type { AgentDesk } from '../core/desk/agent-desk.js';
import type { FileStore } from '../core/files/file-store.js';
import type { Logger } from '../core/logger.js';
import type { Platform } from '../core/model.js';
import type { DeliveryPolicy, OutboundChain } from '../core/outbound.js';
import type { ConversationStore } from '../core/store/conversation-store.js';
import type { KeyValueStore } from '../core/store/key-value.js';
import { slackChannelFactory } from './slack/index.js';
import { teamsFactory } from './teams/index.js';
import { telegramFactory } from './telegram/index.js';
import { wechatChannelFactory } from './wechat/index.js';

export interface ChannelContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  kv: KeyValueStore;
  conversations: ConversationStore;
  /** Hands files on between platforms (an agent's Slack attachment to a Telegram customer). */
  files: FileStore;
  /** The platform's outbound chain; a send that finally fails is recorded on its stored message. */
  outbound(policy: DeliveryPolicy): OutboundChain;
}

export interface ChannelModule {
  channel: Channel;
  /** The agents' side on the same platform, when its agent channel is configured (Slack, Teams). */
  desk?: AgentDesk;
  /** Webhook routes, mounted before the 404 handler; they parse their own bodies (signatures need the raw bytes). */
  router?: Router;
}

export interface ChannelFactory {
  name: Platform;
  enabled(config: Config): boolean;
  create(context: ChannelContext): Promise<ChannelModule>;
}

export const CHANNEL_FACTORIES: ChannelFactory[] = [
  telegramFactory,
  wechatChannelFactory,
  slackChannelFactory,
  teamsFactory,
];
