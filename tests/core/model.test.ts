import { describe, expect, it } from 'vitest';
import { InvalidIdError } from '../../src/core/errors.js';
import {
  addressKey,
  assertId,
  decodePlatformId,
  encodePlatformId,
  ID_KINDS,
  isId,
  newId,
  PLATFORMS,
} from '../../src/core/model.js';

describe('platform ids', () => {
  it.each([
    ['telegram', '123456'],
    ['telegram', '-1001234567890'],
    ['slack', 'C0123ABC.1712345678.000100'],
    ['teams', 'a:1Xz-9_abc@thread.tacv2'],
    ['wechat', 'wxid_abc123'],
    ['webchat', 'ws_0123456789abcdefABCDEF'],
  ] as const)('round-trips %s:%s', (platform, raw) => {
    const id = encodePlatformId(platform, raw);
    expect(id).toBe(`${platform}:${raw}`);
    expect(decodePlatformId(id)).toEqual({ platform, raw });
  });

  it('keeps colons inside the raw part', () => {
    expect(decodePlatformId('teams:29:1abc')).toEqual({ platform: 'teams', raw: '29:1abc' });
  });

  it('accepts a raw id of exactly 256 characters and refuses 257', () => {
    const longest = 'x'.repeat(256);
    expect(decodePlatformId(`slack:${longest}`).raw).toBe(longest);
    expect(() => decodePlatformId(`slack:${longest}x`)).toThrow(InvalidIdError);
    expect(() => encodePlatformId('slack', `${longest}x`)).toThrow(InvalidIdError);
  });

  it.each([
    ['no colon', 'telegram123'],
    ['empty string', ''],
    ['empty platform', ':123'],
    ['unknown platform', 'discord:123'],
    ['platform in the wrong case', 'Telegram:123'],
    ['empty raw id', 'telegram:'],
    ['space', 'telegram:12 34'],
    ['leading space', 'telegram: 1234'],
    ['tab', 'telegram:12\t34'],
    ['newline', 'telegram:1234\n'],
    ['NUL', 'telegram:12\u000034'],
    ['DEL', 'telegram:12\u007f34'],
    ['non-ASCII', 'wechat:张三'],
  ])('refuses a malformed id (%s)', (_, id) => {
    expect(() => decodePlatformId(id)).toThrow(InvalidIdError);
  });

  it('refuses to encode a malformed raw id', () => {
    expect(() => encodePlatformId('telegram', '')).toThrow(InvalidIdError);
    expect(() => encodePlatformId('telegram', 'a b')).toThrow(InvalidIdError);
    expect(() => encodePlatformId('telegram', 'a\nb')).toThrow(InvalidIdError);
  });

  it('keeps error messages short for very long input', () => {
    try {
      decodePlatformId(`nope:${'x'.repeat(10_000)}`);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidIdError);
      expect((error as InvalidIdError).code).toBe('invalid_id');
      expect((error as Error).message.length).toBeLessThan(200);
    }
  });

  it('builds the address key from channel, chat and thread', () => {
    expect(addressKey({ channel: 'slack', chatId: 'C1', userId: 'U1' })).toBe('slack:C1');
    expect(addressKey({ channel: 'slack', chatId: 'C1', userId: 'U1', threadId: '171.2' })).toBe(
      'slack:C1/171.2',
    );
    expect(() => addressKey({ channel: 'slack', chatId: '', userId: 'U1' })).toThrow(InvalidIdError);
  });

  it('lists every platform of DESIGN.md', () => {
    expect([...PLATFORMS].sort()).toEqual(['slack', 'teams', 'telegram', 'webchat', 'wechat']);
  });
});

describe('internal ids', () => {
  it.each(Object.keys(ID_KINDS) as Array<keyof typeof ID_KINDS>)(
    'newId(%s) makes a valid, unique id',
    (kind) => {
      const ids = new Set(Array.from({ length: 200 }, () => newId(kind)));
      expect(ids.size).toBe(200);
      for (const id of ids) {
        expect(id).toMatch(new RegExp(`^${ID_KINDS[kind]}_[A-Za-z0-9_-]{22}$`));
        expect(isId(kind, id)).toBe(true);
        expect(assertId(kind, id)).toBe(id);
      }
    },
  );

  it('tells the kinds apart', () => {
    const conversation = newId('conversation');
    expect(isId('message', conversation)).toBe(false);
    expect(isId('customer', conversation)).toBe(false);
    expect(() => assertId('message', conversation)).toThrow(InvalidIdError);
  });

  it.each([
    ['not a string', 42],
    ['undefined', undefined],
    ['null', null],
    ['no prefix', 'AAAAAAAAAAAAAAAAAAAAAA'],
    ['body too short', 'conv_AAAAAAAAAAAAAAAAAAAAA'],
    ['body too long', 'conv_AAAAAAAAAAAAAAAAAAAAAAA'],
    ['bad character', 'conv_AAAAAAAAAAAAAAAAAAAA+A'],
    ['trailing newline', 'conv_AAAAAAAAAAAAAAAAAAAAAA\n'],
    ['platform id', 'telegram:123'],
  ])('refuses %s', (_, value) => {
    expect(isId('conversation', value)).toBe(false);
    expect(() => assertId('conversation', value)).toThrow(InvalidIdError);
  });

  it('accepts a well-formed id it did not make', () => {
    expect(isId('session', 'ws_AAAAAAAAAAAAAAAAAAAA-_')).toBe(true);
  });
});
