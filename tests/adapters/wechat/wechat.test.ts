import { afterEach, describe, expect, it, vi } from 'vitest';
import { WECHAT_POLICY, type WechatChannel } from '../../../src/adapters/wechat/index.js';
import { startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { type ContractHarness, describeChannelContract } from '../channel-contract.js';
import { type MockWechat, numberFor, startMockWechat } from './mock-wechat.js';

const WAIT = { timeout: 5_000, interval: 20 };
const IMAGE = 6;
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

let sequence = 0;
const nextId = () => `mock-msg-${++sequence}`;

describeChannelContract('wechat', async (): Promise<ContractHarness> => {
  const wechat = await startMockWechat();
  return {
    switchboard: wechat.switchboard,
    address: wechat.address,
    async customerSays(text, options) {
      wechat.deliver({ id: options?.deliveryId ?? nextId(), text });
    },
    async customerPresses(payload) {
      const number = await numberFor(wechat.switchboard, wechat.address, payload);
      wechat.deliver({ id: nextId(), text: number });
    },
    async customerSendsImage() {
      wechat.deliver({ id: nextId(), type: IMAGE });
    },
    async botEchoes(text) {
      wechat.bot.say(text).to(wechat.customer);
    },
    // No inbound request to forge: puppet events come over the puppet's own connection.
    sent: () => wechat.sent(),
    // WeChat has no 429: the puppet call throws a DeliveryError with retryAfterMs instead.
    rateLimitNextSend: (seconds) => wechat.throttleNextSend(seconds),
    stop: () => wechat.stop(),
  };
});

describe('wechat channel on wechaty-puppet-mock', () => {
  let wechat: MockWechat;
  afterEach(async () => {
    await wechat?.stop();
  });

  const channel = () => wechat.switchboard.channels.get('wechat') as WechatChannel;
  const transcript = async (address = wechat.address) => {
    const open = await wechat.switchboard.conversations.findOpenConversation(address);
    return open ? wechat.switchboard.conversations.listMessages(open) : [];
  };

  it('answers a customer: the reply reaches the customer in the mock and the store has both', async () => {
    wechat = await startMockWechat();
    wechat.customer.say('where is my parcel?').to(wechat.bot);
    await vi.waitFor(() => expect(wechat.received()).toHaveLength(1), WAIT);
    expect(wechat.received()[0]).toMatch(/^Open "My orders"[\s\S]*\n\nReply 1: /);
    const messages = await transcript();
    expect(messages.map((m) => [m.role, m.text.slice(0, 20)])).toEqual([
      ['customer', 'where is my parcel?'],
      ['bot', 'Open "My orders" and'],
    ]);
    // The bot's own reply came back as a message event: it was not answered (no loop).
    await settle();
    expect(wechat.sent()).toHaveLength(1);
    expect(await transcript()).toHaveLength(2);
  });

  it('a numbered reply "1" is the first button’s press', async () => {
    wechat = await startMockWechat();
    wechat.deliver({ id: 'm1', text: 'where is my parcel?' });
    await vi.waitFor(() => expect(wechat.sent()).toHaveLength(1), WAIT);
    expect(wechat.sent()[0]?.buttons[0]).toBe('Delivery times');
    wechat.deliver({ id: 'm2', text: '1' });
    await vi.waitFor(() => expect(wechat.sent()).toHaveLength(2), WAIT);
    const [, , pressed, answer] = await transcript();
    expect(pressed?.text).toBe('Delivery times');
    expect(answer?.kbEntryId).toBe('shipping.time');
  });

  it('a duplicate message id gets one answer', async () => {
    wechat = await startMockWechat();
    wechat.deliver({ id: 'dup', text: 'where is my parcel?' });
    wechat.deliver({ id: 'dup', text: 'where is my parcel?' });
    await vi.waitFor(() => expect(wechat.sent()).toHaveLength(1), WAIT);
    await settle();
    expect(wechat.sent()).toHaveLength(1);
    expect(await transcript()).toHaveLength(2);
  });

  it('in a room: nothing without a mention; a mention is answered in the room, mention stripped', async () => {
    wechat = await startMockWechat();
    const room = wechat.mocker.createRoom({
      topic: 'VIP customers',
      memberIdList: [wechat.bot.id, wechat.customer.id],
    });
    const address = { channel: 'wechat' as const, chatId: room.id, userId: wechat.customer.id };
    wechat.customer.say('where is my parcel?').to(room);
    await settle();
    expect(wechat.sent()).toEqual([]);
    expect(await transcript(address)).toEqual([]);

    wechat.customer.say('@Shop Bot\u2005where is my parcel?', [wechat.bot]).to(room);
    await vi.waitFor(() => expect(wechat.sent()).toHaveLength(1), WAIT);
    expect(wechat.sent()[0]?.to).toBe(room.id);
    const [question, answer] = await transcript(address);
    expect(question?.text).toBe('where is my parcel?');
    expect(answer?.kbEntryId).toBe('order.track');
  });

  it('a recalled message is marked deleted, not answered', async () => {
    wechat = await startMockWechat();
    wechat.deliver({ id: 'oops', text: 'where is my parcel?' });
    await vi.waitFor(() => expect(wechat.sent()).toHaveLength(1), WAIT);
    wechat.deliver({ id: 'recall-1', type: 13, text: 'oops' });
    await vi.waitFor(async () => expect((await transcript())[0]?.deletedAt).toBeDefined(), WAIT);
    await settle();
    expect(wechat.sent()).toHaveLength(1);
  });

  it('health follows the login: starting with a QR code for admins, up after login, down after logout', async () => {
    wechat = await startMockWechat({ login: false });
    expect(channel().health().state).toBe('starting');
    wechat.mocker.scan('https://login.weixin.qq.com/l/abc123', 2);
    await vi.waitFor(() => expect(channel().loginQr()?.status).toBe('waiting'), WAIT);
    expect(channel().loginQr()?.imageUrl).toBe(
      `https://wechaty.js.org/qrcode/${encodeURIComponent('https://login.weixin.qq.com/l/abc123')}`,
    );
    // /readyz is public: the code that logs an account in is only in the admin details.
    expect(JSON.stringify(channel().health())).not.toContain('abc123');
    expect(channel().adminDetails()).toMatchObject({
      loginQr: { qrcode: 'https://login.weixin.qq.com/l/abc123' },
    });

    wechat.mocker.login(wechat.bot);
    await vi.waitFor(
      () => expect(channel().health()).toEqual({ state: 'up', detail: 'logged in as Shop Bot' }),
      WAIT,
    );
    expect(channel().loginQr()).toBeUndefined();

    await wechat.puppet.logout('kicked out by another device');
    await vi.waitFor(() => expect(channel().health().state).toBe('down'), WAIT);
    expect(channel().health().detail).toContain('kicked out by another device');
  });

  it('a long answer goes out in parts, spaced like a person typing', async () => {
    wechat = await startMockWechat({ policy: { chatMinTimeMs: () => 300 } });
    const open = await wechat.switchboard.conversations.openConversation(
      await wechat.switchboard.conversations.createCustomer(`wechat:${wechat.customer.id}`),
      wechat.address,
      'en',
    );
    const paragraph = 'word '.repeat(300).trim();
    await channel().send(wechat.address, {
      id: 'msg_long',
      conversationId: open.id,
      seq: 1,
      role: 'agent',
      text: `${paragraph}\n\n${paragraph}`,
      quickReplies: [],
      attachments: [],
      locale: 'en',
    });
    await vi.waitFor(() => expect(wechat.sent()).toHaveLength(2), WAIT);
    const [first, second] = wechat.sent();
    expect(first?.text).toBe(paragraph);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(290);
  });

  it('a puppet that is not installed stops startup, naming WECHATY_PUPPET', async () => {
    await expect(
      startSwitchboard(testConfig({ WECHATY_PUPPET: 'wechaty-puppet-not-installed' })),
    ).rejects.toThrow(/WECHATY_PUPPET: cannot load the puppet "wechaty-puppet-not-installed"/);
  });
});

describe('wechat production pacing', () => {
  it('one message per 1.5 s per chat and one per second overall', () => {
    expect(WECHAT_POLICY.chatMinTimeMs({ channel: 'wechat', chatId: 'a', userId: 'a' })).toBe(1500);
    expect(WECHAT_POLICY.globalMinTimeMs).toBe(1000);
  });
});
