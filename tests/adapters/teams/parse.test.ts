/** Recorded Teams activities -> InboundMessage, with no server and no SDK (parse.ts is pure). */
import { describe, expect, it } from 'vitest';
import { parseActivity, readActivity, type TeamsEvent } from '../../../src/adapters/teams/parse.js';
import { plainText } from '../../../src/adapters/teams/plain-text.js';
import { ValidationError } from '../../../src/core/errors.js';
import { type FixtureName, fixture, type RecordedActivity } from './fixtures.js';

const NOW = '2026-01-01T00:00:00.000Z';
const REFERENCE = { conversation: { id: 'ref' }, serviceUrl: 'http://127.0.0.1:1/' };

function parse(activity: RecordedActivity, agentChannel?: string): TeamsEvent {
  return parseActivity(readActivity(activity), {
    reference: REFERENCE,
    now: NOW,
    ...(agentChannel ? { agentChannel } : {}),
  });
}

function inbound(activity: RecordedActivity) {
  const event = parse(activity);
  if (event.kind !== 'inbound') throw new Error(`ignored: ${event.reason}`);
  return event;
}

const load = (name: FixtureName) => fixture(name);

describe('Teams activities -> InboundMessage', () => {
  it('a personal message: text, address with the reference, dedupe on conversation + activity id', () => {
    const activity = load('activity_personal_message');
    const { inbound: message, onlyIfThreadOpen } = inbound(activity);
    expect(onlyIfThreadOpen).toBe(false);
    expect(message).toMatchObject({
      text: 'Hey',
      attachments: [],
      fromBot: false,
      platformMessageId: '1767378504354',
      dedupeKey: `${activity.conversation.id}:1767378504354`,
      sender: { name: 'Test User' },
      receivedAt: NOW,
      address: {
        channel: 'teams',
        chatId: activity.conversation.id,
        userId: activity.from.id,
        platformRef: REFERENCE,
      },
    });
    expect(message.address.threadId).toBeUndefined();
  });

  it('a channel post mentioning the bot: the mention is stripped, the thread is the post itself', () => {
    const { inbound: message, onlyIfThreadOpen } = inbound(load('activity_channel_mention_root'));
    expect(message.text).toBe('Hey');
    expect(onlyIfThreadOpen).toBe(false);
    expect(message.address).toMatchObject({
      chatId: '19:d441d38c655c47a085215b2726e76927@thread.tacv2',
      threadId: '1771290107407',
    });
    expect(message.sender).toEqual({ name: 'Test User', locale: 'en' });
  });

  it('a thread reply without a mention counts only in a thread the bot is already in', () => {
    const { inbound: message, onlyIfThreadOpen } = inbound(load('activity_channel_thread_followup'));
    expect(onlyIfThreadOpen).toBe(true);
    expect(message.text).toBe('Hi');
    expect(message.address.threadId).toBe('1767224924615');
  });

  it('a group message neither mentioning the bot nor in a thread is ignored', () => {
    const activity = load('activity_personal_message');
    activity.conversation = { id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true };
    expect(parse(activity)).toEqual({ kind: 'ignored', reason: 'group message not addressed to the bot' });
  });

  it('another person mentioned keeps their name; HTML and markdown become plain text', () => {
    const activity = load('activity_channel_mention_root');
    activity.text =
      '<at>Chat SDK Demo</at> <p>ask <at>Ann</at> about <strong>order</strong>&nbsp;&amp; **refund**</p>';
    expect(inbound(activity).inbound.text).toBe('ask Ann about order & refund');
  });

  it('a press on our card button is an action, wherever the card is', () => {
    const activity = load('activity_adaptive_card_submit');
    activity.value = { payload: 'kb:order.track' };
    const { inbound: message, onlyIfThreadOpen } = inbound(activity);
    expect(message.action).toEqual({ payload: 'kb:order.track' });
    expect(onlyIfThreadOpen).toBe(false);
    expect(message.unsupportedKind).toBeUndefined();
  });

  it('a card submit without our payload (the recorded one) is kept as unsupported, in an open thread only', () => {
    const { inbound: message, onlyIfThreadOpen } = inbound(load('activity_adaptive_card_submit'));
    expect(message.action).toBeUndefined();
    expect(message.unsupportedKind).toBe('cardSubmit');
    expect(onlyIfThreadOpen).toBe(true);
  });

  it('an edit changes the message with the same id, in the same address', () => {
    const original = inbound(load('activity_channel_thread_followup')).inbound;
    const { inbound: edit } = inbound(load('activity_message_update_edit'));
    expect(edit.change).toEqual({ kind: 'edit', platformMessageId: original.platformMessageId });
    expect(edit.text).toBe('Hi (edited)');
    expect(edit.address).toEqual(original.address);
    expect(edit.dedupeKey).not.toBe(original.dedupeKey);
  });

  it('a delete names the deleted message', () => {
    const original = inbound(load('activity_channel_thread_followup')).inbound;
    const { inbound: deletion, onlyIfThreadOpen } = inbound(load('activity_message_delete_soft'));
    expect(deletion.change).toEqual({ kind: 'delete', platformMessageId: original.platformMessageId });
    expect(deletion.address).toEqual(original.address);
    expect(onlyIfThreadOpen).toBe(false);
  });

  it('the bot added to a team, typing and undeletes are ignored', () => {
    expect(parse(load('activity_conversation_update_bot_added'))).toEqual({
      kind: 'ignored',
      reason: 'conversationUpdate',
    });
    expect(parse({ ...load('activity_personal_message'), type: 'typing' }).kind).toBe('ignored');
    const undelete = load('activity_message_update_edit');
    undelete.channelData.eventType = 'undeleteMessage';
    expect(parse(undelete).kind).toBe('ignored');
  });

  it("the bot's own messages and other bots' are marked fromBot", () => {
    const own = load('activity_personal_message');
    own.from = own.recipient;
    expect(inbound(own).inbound.fromBot).toBe(true);
    const other = load('activity_personal_message');
    other.from = { id: '28:other-bot', name: 'Other', role: 'bot' };
    expect(inbound(other).inbound.fromBot).toBe(true);
  });

  it('activities in the agents channel are left to the agent desk', () => {
    const event = parse(
      load('activity_channel_mention_root'),
      '19:d441d38c655c47a085215b2726e76927@thread.tacv2',
    );
    expect(event).toEqual({ kind: 'ignored', reason: 'agent channel (agent desk)' });
  });

  it('images and files are attachments; the text/html copy is not', () => {
    const activity = load('activity_personal_message');
    activity.text = '';
    activity.attachments = [
      { contentType: 'text/html', content: '<p>x</p>' },
      { contentType: 'image/*', contentUrl: 'https://smba.example/v3/attachments/1/views/original' },
      { contentType: 'image/png', contentUrl: 'https://files.example/a.png', name: 'a.png' },
      {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        contentUrl: 'https://contoso.sharepoint.com/invoice.pdf',
        name: 'invoice.pdf',
        content: { downloadUrl: 'https://download.example/invoice.pdf', uniqueId: 'F1', fileType: 'pdf' },
      },
      { contentType: 'video/mp4', contentUrl: 'https://files.example/v.mp4' },
    ];
    expect(inbound(activity).inbound.attachments).toEqual([
      { kind: 'image', url: 'https://smba.example/v3/attachments/1/views/original' },
      { kind: 'image', url: 'https://files.example/a.png', name: 'a.png', mime: 'image/png' },
      {
        kind: 'file',
        url: 'https://download.example/invoice.pdf',
        platformFileId: 'F1',
        name: 'invoice.pdf',
      },
      { kind: 'video', url: 'https://files.example/v.mp4', mime: 'video/mp4' },
    ]);
  });

  it('content it cannot read is kept as unsupported, named by its content type', () => {
    const activity = load('activity_personal_message');
    activity.text = '';
    activity.attachments = [{ contentType: 'application/vnd.microsoft.card.hero', content: {} }];
    expect(inbound(activity).inbound.unsupportedKind).toBe('application/vnd.microsoft.card.hero');
  });

  it('a body that is not an activity, or a message without id, is a 400', () => {
    expect(() => readActivity({ text: 'hi' })).toThrow(ValidationError);
    expect(() => readActivity(null)).toThrow(ValidationError);
    const noId = load('activity_personal_message');
    delete noId.id;
    expect(() => parse(noId)).toThrow(/needs an id/);
  });
});

describe('plainText', () => {
  it('keeps what is not formatting', () => {
    expect(plainText('snake_case 2*3 a_b_c')).toBe('snake_case 2*3 a_b_c');
    expect(plainText('line one<br>line two')).toBe('line one\nline two');
    expect(plainText('`code` and _em_ and ~~gone~~ &#128512; &unknown;')).toBe(
      'code and em and gone 😀 &unknown;',
    );
  });
});
