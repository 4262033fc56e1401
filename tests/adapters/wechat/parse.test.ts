import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  applyChoice,
  MESSAGE_TYPE,
  numberedChoice,
  parseWechatMessage,
  type WechatMessageFacts,
  type WechatMessagePayload,
} from '../../../src/adapters/wechat/parse.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const fixture = (name: string): WechatMessagePayload =>
  JSON.parse(readFileSync(`${FIXTURES}/wechaty_payload_${name}.json`, 'utf8'));

const NOW = '2026-01-01T00:00:00.000Z';
const BOT = 'wxid_cs_bot';
const customer = { name: '林小姐', type: 1 };

function parse(payload: WechatMessagePayload, extra: Partial<WechatMessageFacts> = {}) {
  return parseWechatMessage({ payload, selfId: BOT, talker: customer, ...extra }, { now: NOW });
}

function message(payload: WechatMessagePayload, extra: Partial<WechatMessageFacts> = {}) {
  const parsed = parse(payload, extra);
  if (parsed.kind !== 'message') throw new Error(`dropped: ${parsed.reason}`);
  return parsed.message;
}

const text = (overrides: Partial<WechatMessagePayload> = {}): WechatMessagePayload => ({
  id: 'msg-1',
  talkerId: 'wxid_customer_001',
  listenerId: BOT,
  text: 'where is my parcel?',
  timestamp: 1767224888000,
  type: MESSAGE_TYPE.Text,
  ...overrides,
});

describe('parseWechatMessage', () => {
  it('a one-to-one text: chat and user are the customer, the message id dedupes', () => {
    expect(message(text())).toEqual({
      address: { channel: 'wechat', chatId: 'wxid_customer_001', userId: 'wxid_customer_001' },
      text: 'where is my parcel?',
      attachments: [],
      dedupeKey: 'msg-1',
      platformMessageId: 'msg-1',
      fromBot: false,
      sender: { name: '林小姐' },
      receivedAt: '2025-12-31T23:48:08.000Z',
    });
  });

  it('a room message that mentions the bot: the room is the chat, the mention is stripped', () => {
    const parsed = message(fixture('room_text'), { selfNames: ['客服机器人'] });
    expect(parsed.address).toEqual({
      channel: 'wechat',
      chatId: '12345678901@chatroom',
      userId: 'wxid_customer_001',
    });
    expect(parsed.text).toBe('我要退款');
  });

  it('strips a mention written with WeChat’s U+2005 separator, even under an unknown name', () => {
    const payload = text({ roomId: 'r1@chatroom', text: '@Shop Bot\u2005where is my parcel?' });
    expect(message(payload, { mentionSelf: true }).text).toBe('where is my parcel?');
    expect(message(payload, { mentionSelf: true, selfNames: ['Shop Bot'] }).text).toBe('where is my parcel?');
  });

  it('drops a room message that does not mention the bot', () => {
    expect(parse(text({ roomId: 'r1@chatroom' }))).toEqual({
      kind: 'drop',
      reason: 'group message not addressed to the bot',
    });
  });

  it('marks the account’s own echo fromBot, in the chat of the customer it went to', () => {
    const echo = message(fixture('self_echo'), { talker: { name: 'Bot', type: 1 } });
    expect(echo.fromBot).toBe(true);
    expect(echo.address.chatId).toBe('wxid_customer_001');
  });

  it('marks official accounts fromBot, not WeCom users or unclassified room members', () => {
    expect(message(text(), { talker: { name: 'Shop News', type: 2 } }).fromBot).toBe(true);
    expect(message(text(), { talker: { name: 'Wang (WeCom)', type: 3 } }).fromBot).toBe(false);
    expect(message(text(), { talker: { type: 0 } }).fromBot).toBe(false);
  });

  it('an image (timestamp in seconds) is an attachment to download later by message id', () => {
    const image = message(fixture('contact_image'));
    expect(image.attachments).toEqual([
      { kind: 'image', platformFileId: 'ckx0000000000000000000002', name: 'photo.jpg' },
    ]);
    expect(image.text).toBe('');
    expect(image.receivedAt).toBe('2025-12-31T23:48:20.000Z');
  });

  it.each([
    [MESSAGE_TYPE.Emoticon, 'sticker'],
    [MESSAGE_TYPE.Attachment, 'file'],
    [MESSAGE_TYPE.Audio, 'audio'],
    [MESSAGE_TYPE.Video, 'video'],
  ])('type %i is a %s attachment', (type, kind) => {
    expect(message(text({ type, text: '' })).attachments.map((a) => a.kind)).toEqual([kind]);
  });

  it('a location, a contact card and a link', () => {
    const location = message(text({ type: MESSAGE_TYPE.Location, text: '' }), {
      location: { latitude: 39.99, longitude: 116.33, name: '成府路45号' },
    });
    expect(location.attachments).toEqual([
      { kind: 'location', latitude: 39.99, longitude: 116.33, name: '成府路45号' },
    ]);
    const card = message(text({ type: MESSAGE_TYPE.Contact, text: '' }), { card: { name: '王先生' } });
    expect(card.attachments).toEqual([{ kind: 'contact', name: '王先生' }]);
    const link = message(text({ type: MESSAGE_TYPE.Url, text: '<xml/>' }), {
      url: { url: 'https://shop.example/o/1', title: 'Order 1' },
    });
    expect(link.text).toBe('Order 1\nhttps://shop.example/o/1');
  });

  it('a recall deletes the recalled message, in a room too (a recall carries no mention)', () => {
    const recall = message(
      text({ id: 'msg-9', roomId: 'r1@chatroom', type: MESSAGE_TYPE.Recalled, text: 'msg-1' }),
    );
    expect(recall.change).toEqual({ kind: 'delete', platformMessageId: 'msg-1' });
    expect(recall.address.chatId).toBe('r1@chatroom');
  });

  it('kinds Switchboard cannot read are kept as unsupported', () => {
    expect(message(text({ type: MESSAGE_TYPE.RedEnvelope, text: '' })).unsupportedKind).toBe('red-envelope');
    expect(message(text({ type: MESSAGE_TYPE.MiniProgram, text: '' })).unsupportedKind).toBe('mini-program');
    expect(message(text({ type: MESSAGE_TYPE.Recalled, text: 'not an id' })).unsupportedKind).toBe(
      'recalled',
    );
  });

  it('drops an event without a talker', () => {
    expect(parse(text({ talkerId: '' })).kind).toBe('drop');
  });
});

describe('numbered replies', () => {
  const offered = [
    { label: 'Track my order', payload: 'kb:order.track' },
    { label: 'Talk to a person', payload: 'handoff:request' },
  ];

  it.each([
    ['1', 1],
    [' 2 ', 2],
    ['２', 2],
    ['1.', 1],
    ['3。', 3],
    ['0', undefined],
    ['12 items', undefined],
    ['100', undefined],
  ])('%j -> %s', (typed, choice) => {
    expect(numberedChoice(typed)).toBe(choice);
  });

  it('a bare number becomes the offered button’s press', () => {
    const inbound = message(text({ text: '2' }));
    expect(applyChoice(inbound, offered)).toMatchObject({
      text: 'Talk to a person',
      action: { payload: 'handoff:request' },
    });
  });

  it('a number with no such choice stays text', () => {
    const inbound = message(text({ text: '3' }));
    expect(applyChoice(inbound, offered)).toBe(inbound);
    expect(applyChoice(inbound, [])).toBe(inbound);
  });
});
