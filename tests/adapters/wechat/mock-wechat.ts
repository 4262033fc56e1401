/**
 * A Switchboard whose WeChat channel runs on wechaty-puppet-mock: a logged-in bot account, a
 * customer contact, and every send captured where it reaches the puppet (what WeChat would get).
 */
import type { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { createWechatChannel, wechatChannelFactory } from '../../../src/adapters/wechat/index.js';
import { offeredRepliesKey } from '../../../src/adapters/wechat/offered-replies.js';
import type { Address, QuickReply } from '../../../src/core/model.js';
import { DeliveryError, type DeliveryPolicy } from '../../../src/core/outbound.js';
import {
  type RunningSwitchboard,
  startSwitchboard,
  testConfig,
  withChannelFactory,
} from '../../helpers/switchboard.js';
import type { CapturedSend } from '../channel-contract.js';

/** Human pacing off: the tests check behaviour, not the ban-avoidance delays. */
const FAST = { globalMinTimeMs: 0, chatMinTimeMs: () => 0, baseDelayMs: 10, maxDelayMs: 50 };

const MESSAGE_TEXT = 7;
const CHOICE = /^(?:Reply|回复) \d+[:：] (.+)$/;

export interface Sent extends CapturedSend {
  /** The contact or room it went to. */
  to: string;
  at: number;
}

export interface MockWechat {
  switchboard: RunningSwitchboard;
  mocker: mock.Mocker;
  puppet: PuppetMock;
  bot: mock.ContactMock;
  customer: mock.ContactMock;
  address: Address;
  /** The customer's message with a fixed id (a repeat re-delivers the same event, as a puppet may). */
  deliver(payload: {
    id: string;
    text?: string;
    type?: number;
    roomId?: string;
    mentionIdList?: string[];
  }): void;
  sent(): Sent[];
  /** Texts the customer's WeChat got from the bot, as the mocker delivered them. */
  received(): string[];
  /** The next send fails the way a throttled puppet call would (see docs/channels/wechat.md). */
  throttleNextSend(seconds: number): void;
  stop(): Promise<void>;
}

export async function startMockWechat(
  options: {
    login?: boolean;
    policy?: Partial<DeliveryPolicy>;
    /** More settings (a shared STORE_URL) and a store namespace, to run several instances on one store. */
    env?: Record<string, string>;
    storeNamespace?: string;
  } = {},
): Promise<MockWechat> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const sent: Sent[] = [];
  let throttle: number | undefined;
  const capture = (to: string, entry: CapturedSend) => {
    if (throttle !== undefined) {
      const retryAfterMs = throttle * 1000;
      throttle = undefined;
      throw new DeliveryError('throttled by the puppet', { retryAfterMs });
    }
    const last = sent.at(-1);
    // WeChat cannot caption a file: the channel sends a message's files right after its text.
    if (entry.attachments > 0 && last?.to === to) last.attachments += entry.attachments;
    else sent.push({ to, at: Date.now(), ...entry });
  };
  const sendText = puppet.messageSendText.bind(puppet);
  puppet.messageSendText = async (to, text) => {
    const lines = text.split('\n');
    const buttons = lines.flatMap((line) => CHOICE.exec(line)?.[1] ?? []);
    const body = lines.filter((line) => !CHOICE.test(line)).join('\n');
    capture(to, { text: body.trim(), buttons, attachments: 0 });
    return sendText(to, text);
  };
  const sendFile = puppet.messageSendFile.bind(puppet);
  puppet.messageSendFile = async (to, file) => {
    capture(to, { text: '', buttons: [], attachments: 1 });
    return sendFile(to, file);
  };

  const switchboard = await startSwitchboard(
    testConfig({ WECHATY_PUPPET: 'wechaty-puppet-mock', ...options.env }),
    {
      ...(options.storeNamespace ? { storeNamespace: options.storeNamespace } : {}),
      channelFactories: withChannelFactory({
        ...wechatChannelFactory,
        create: (context) => createWechatChannel(context, { puppet, policy: { ...FAST, ...options.policy } }),
      }),
    },
  );
  const bot = mocker.createContact({ name: 'Shop Bot' });
  const customer = mocker.createContact({ name: 'Lin' });
  if (options.login !== false) {
    mocker.login(bot);
    await vi.waitFor(() => {
      if (switchboard.channels.get('wechat')?.health().state !== 'up') throw new Error('not logged in yet');
    });
  }
  const received: string[] = [];
  // ContactMock's event types come from typed-emitter, which is not installed: seen as a plain emitter.
  (customer as unknown as EventEmitter).on('message', (message: mock.MessageMock) => {
    if (message.payload.talkerId === bot.id) received.push(message.payload.text ?? '');
  });
  const delivered = new Set<string>();
  return {
    switchboard,
    mocker,
    puppet,
    bot,
    customer,
    address: { channel: 'wechat', chatId: customer.id, userId: customer.id },
    deliver({ id, text = '', type = MESSAGE_TEXT, roomId, mentionIdList }) {
      if (!delivered.has(id)) {
        delivered.add(id);
        mocker.MessageMock.create({
          id,
          talkerId: customer.id,
          timestamp: Date.now(),
          type,
          text,
          ...(roomId ? { roomId, mentionIdList: mentionIdList ?? [] } : { listenerId: bot.id }),
        });
      }
      puppet.emit('message', { messageId: id });
    },
    sent: () => sent,
    received: () => received,
    throttleNextSend(seconds) {
      throttle = seconds;
    },
    stop: () => switchboard.close(),
  };
}

/** The customer presses a button: types the number the bot gave it. */
export async function numberFor(switchboard: RunningSwitchboard, address: Address, payload: string) {
  const offered = (await switchboard.store.get<QuickReply[]>(offeredRepliesKey(address))) ?? [];
  const index = offered.findIndex((reply) => reply.payload === payload);
  if (index < 0) throw new Error(`no button with payload ${payload} was offered`);
  return String(index + 1);
}
