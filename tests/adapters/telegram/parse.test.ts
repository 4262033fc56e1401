import { describe, expect, it } from 'vitest';
import { type ParsedUpdate, parseUpdate } from '../../../src/adapters/telegram/parse.js';
import { ValidationError } from '../../../src/core/errors.js';
import { BOT_USER, type Update, update } from './telegram-kit.js';

const NOW = '2026-01-01T00:00:00.000Z';
const bot = { id: BOT_USER.id, username: BOT_USER.username };
const parse = (body: unknown) => parseUpdate(body, { bot, now: NOW });

function inbound(parsed: ParsedUpdate) {
  if (parsed.kind !== 'message') throw new Error(`skipped: ${parsed.reason}`);
  return parsed.inbound;
}

/** A fixture's message with changes, under a fresh update id. */
function message(name: string, changes: Record<string, unknown>, remove: string[] = []): Update {
  const body = update(name) as Update & { message: Record<string, unknown> };
  for (const key of remove) delete body.message[key];
  Object.assign(body.message, changes);
  return body;
}

const group = (changes: Record<string, unknown>) => message('update_group_mention', changes, ['entities']);

describe('parseUpdate', () => {
  it('a private text: address, dedupe key, ids, sender', () => {
    expect(parse(update('update_text_private'))).toEqual({
      kind: 'message',
      inbound: {
        address: { channel: 'telegram', chatId: '7527593', userId: '7527593' },
        text: 'hi, where is my order #1234?',
        attachments: [],
        dedupeKey: '100001',
        platformMessageId: '133',
        fromBot: false,
        sender: { name: 'Test User', locale: 'zh-CN' },
        receivedAt: NOW,
      },
    });
  });

  it('a group @mention: answered, with the mention taken out', () => {
    const parsed = inbound(parse(update('update_group_mention')));
    expect(parsed.text).toBe('refund please');
    expect(parsed.address).toEqual({ channel: 'telegram', chatId: '-1001234567890', userId: '7527593' });
  });

  it('group messages the bot is not addressed in are skipped', () => {
    expect(parse(group({ text: 'lunch?' })).kind).toBe('skip');
    const otherBot = group({ text: '@other_bot hi', entities: [{ type: 'mention', offset: 0, length: 10 }] });
    expect(parse(otherBot).kind).toBe('skip');
    // Until getMe names the bot, only mentions by id and replies can be recognised.
    const unnamed = parseUpdate(update('update_group_mention'), { bot: { id: BOT_USER.id }, now: NOW });
    expect(unnamed.kind).toBe('skip');
  });

  it('a group message naming the bot by text_mention, command or reply is answered', () => {
    const textMention = group({
      text: 'CS Bot where is my parcel',
      entities: [{ type: 'text_mention', offset: 0, length: 6, user: BOT_USER }],
    });
    expect(inbound(parse(textMention)).text).toBe('where is my parcel');
    const command = group({
      text: '/help@My_CS_Bot',
      entities: [{ type: 'bot_command', offset: 0, length: 15 }],
    });
    expect(inbound(parse(command)).text).toBe('/help');
    const reply = group({ text: 'thanks', reply_to_message: { message_id: 1, from: BOT_USER } });
    expect(inbound(parse(reply)).text).toBe('thanks');
  });

  it('a mention in the middle of a caption, after an emoji (UTF-16 offsets)', () => {
    const body = message('update_photo', {
      chat: { id: -100, type: 'group' },
      caption: '😀 @my_cs_bot broken',
      caption_entities: [{ type: 'mention', offset: 3, length: 10 }],
    });
    expect(inbound(parse(body)).text).toBe('😀 broken');
  });

  it('a bare mention keeps its text rather than reading as an empty message', () => {
    const bare = group({ text: '@my_cs_bot', entities: [{ type: 'mention', offset: 0, length: 10 }] });
    expect(inbound(parse(bare)).text).toBe('@my_cs_bot');
  });

  it('messages from bots are marked fromBot', () => {
    expect(inbound(parse(message('update_text_private', { from: BOT_USER }))).fromBot).toBe(true);
  });

  it('photo, document, voice, location and contact become attachments', () => {
    expect(inbound(parse(update('update_photo'))).attachments).toEqual([
      { kind: 'image', platformFileId: 'AgACAgQAAxkBAAIBhmXfake_large', size: 68234 },
    ]);
    expect(inbound(parse(update('update_document'))).text).toBe('invoice');
    expect(inbound(parse(update('update_voice'))).attachments[0]?.kind).toBe('audio');
    expect(inbound(parse(update('update_location'))).attachments).toEqual([
      { kind: 'location', latitude: 31.230416, longitude: 121.473701 },
    ]);
    expect(inbound(parse(update('update_contact'))).attachments).toEqual([
      { kind: 'contact', name: 'Test User', phone: '8613800138000' },
    ]);
  });

  it('audio, video, video notes, stickers and GIFs', () => {
    const file = { file_id: 'F', file_unique_id: 'U' };
    const kinds = (changes: Record<string, unknown>) =>
      inbound(parse(message('update_text_private', changes, ['text']))).attachments.map((a) => [
        a.kind,
        a.name,
      ]);
    expect(kinds({ audio: { ...file, title: 'Song', mime_type: 'audio/mpeg' } })).toEqual([
      ['audio', 'Song'],
    ]);
    expect(kinds({ video: file })).toEqual([['video', undefined]]);
    expect(kinds({ video_note: file })).toEqual([['video', undefined]]);
    expect(kinds({ sticker: { ...file, emoji: '👍' } })).toEqual([['sticker', '👍']]);
    // A GIF comes as both animation and document: one attachment.
    expect(kinds({ animation: file, document: file })).toEqual([['video', undefined]]);
  });

  it('a button press: its data as the action, its label as the text', () => {
    const parsed = parse(update('update_callback_query'));
    expect(parsed).toMatchObject({
      kind: 'message',
      callbackQueryId: '4382bfdwdsb323b2d9',
      inbound: {
        address: { channel: 'telegram', chatId: '7527593', userId: '7527593' },
        text: 'Talk to a human',
        action: { payload: 'handoff:request' },
        dedupeKey: '100008',
        fromBot: false,
      },
    });
  });

  it('an edit names the original message, with the same address', () => {
    const original = inbound(parse(update('update_text_private')));
    const edit = inbound(parse(update('update_edited_message')));
    expect(edit.change).toEqual({ kind: 'edit', platformMessageId: '133' });
    expect(edit.address).toEqual(original.address);
    expect(edit.text).toBe('hi, where is my order #1235? (typo fixed)');
    expect(edit.dedupeKey).toBe('100009');
  });

  it('forum topics are their own conversations', () => {
    const topic = inbound(
      parse(message('update_group_mention', { message_thread_id: 42, is_topic_message: true })),
    );
    expect(topic.address.threadId).toBe('42');
    const plainThread = inbound(parse(message('update_group_mention', { message_thread_id: 42 })));
    expect(plainThread.address.threadId).toBeUndefined();
  });

  it('a poll or dice is kept as an unsupported kind; a service message is skipped', () => {
    const poll = inbound(parse(message('update_text_private', { poll: { id: '1' } }, ['text'])));
    expect(poll).toMatchObject({ unsupportedKind: 'poll', text: '', attachments: [] });
    expect(
      inbound(parse(message('update_text_private', { dice: { emoji: '🎲', value: 3 } }, ['text']))),
    ).toMatchObject({ unsupportedKind: 'dice' });
    expect(parse(message('update_text_private', { new_chat_title: 'x' }, ['text'])).kind).toBe('skip');
  });

  it('updates the bot does not subscribe to are skipped', () => {
    expect(parse({ update_id: 1, my_chat_member: {} }).kind).toBe('skip');
  });

  it('a body that is not an update is a ValidationError naming the problem', () => {
    expect(() => parse({ message: {} })).toThrow(ValidationError);
    expect(() => parse({ update_id: 'x' })).toThrow(/update_id/);
    expect(() => parse(null)).toThrow(ValidationError);
  });
});
