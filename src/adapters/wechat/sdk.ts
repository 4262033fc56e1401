/**
 * The wechaty side of the channel: loading the SDK without its process-level side effects, and
 * reading a wechaty Message into the plain facts parse.ts works on.
 */
import type { Contact, Message } from 'wechaty';
import type { Logger } from '../../core/logger.js';
import { MESSAGE_TYPE, type WechatMessageFacts, type WechatMessagePayload } from './parse.js';

export type WechatySdk = typeof import('wechaty');
type FileBoxModule = typeof import('file-box');

const PROCESS_EVENTS = ['unhandledRejection', 'uncaughtException'] as const;

/**
 * wechaty's config module registers process-wide unhandledRejection and uncaughtException handlers
 * at import time when its log level is verbose (WECHATY_LOG=verbose). An uncaughtException handler
 * keeps a broken process alive; only src/main.ts owns the process, so any handler the import adds
 * is taken off again. Imported lazily: a server without WeChat never loads wechaty.
 */
export async function loadWechaty(
  logger: Logger,
): Promise<{ sdk: WechatySdk; FileBox: FileBoxModule['FileBox'] }> {
  // Seen as a plain emitter: the same two calls for both events, whatever their listener types.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const [sdk, { FileBox }] = await Promise.all([import('wechaty'), import('file-box')]);
  for (const event of PROCESS_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (before.get(event)?.has(listener)) continue;
      emitter.removeListener(event, listener as (...args: unknown[]) => void);
      logger.warn({ event }, 'removed a process handler wechaty installed');
    }
  }
  return { sdk, FileBox };
}

/** Reads what parse needs; a detail the puppet cannot give is left out, never fatal. */
export async function readFacts(message: Message, self: Contact): Promise<WechatMessageFacts> {
  const selfId = self.id;
  const payload = message.payload as WechatMessagePayload | undefined;
  if (!payload) throw new Error(`wechaty message ${message.id} has no payload`);
  const talker = message.talker();
  const room = message.room();
  const facts: WechatMessageFacts = {
    payload,
    selfId,
    talker: { name: talker.name(), type: talker.type() },
  };
  if (room && payload.talkerId !== selfId && payload.type === MESSAGE_TYPE.Text) {
    facts.mentionSelf = await optional(() => message.mentionSelf());
    if (facts.mentionSelf || payload.mentionIdList?.includes(selfId)) {
      const alias = await optional(() => room.alias(self));
      facts.selfNames = [self.name(), alias].filter((name): name is string => Boolean(name));
    }
  }
  if (payload.type === MESSAGE_TYPE.Url) {
    const link = await optional(() => message.toUrlLink());
    if (link) facts.url = { url: link.url(), title: link.title() };
  } else if (payload.type === MESSAGE_TYPE.Location) {
    const location = await optional(() => message.toLocation());
    if (location) {
      facts.location = {
        latitude: location.latitude(),
        longitude: location.longitude(),
        name: location.name(),
        address: location.address(),
      };
    }
  } else if (payload.type === MESSAGE_TYPE.Contact) {
    const card = await optional(() => message.toContact());
    if (card) facts.card = { name: card.name() };
  }
  return facts;
}

async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}
