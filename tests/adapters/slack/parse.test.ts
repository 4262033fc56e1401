import { describe, expect, it } from 'vitest';
import {
  decodeSlackText,
  isSlackFileUrl,
  type ParseContext,
  parseEventEnvelope,
  parseInteraction,
} from '../../../src/adapters/slack/parse.js';
import { ValidationError } from '../../../src/core/errors.js';
import { AGENT_CHANNEL, asDirectMessage, BOT_ID, BOT_USER, buttonPress, DM, fixture } from './slack-kit.js';

const context: ParseContext = {
  botUserId: BOT_USER,
  botId: BOT_ID,
  agentChannel: AGENT_CHANNEL,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

const parse = (name: string) => parseEventEnvelope(fixture(name), context);

function message(result: ReturnType<typeof parseEventEnvelope>) {
  if (result.kind !== 'message') throw new Error(`expected a message, got ${JSON.stringify(result)}`);
  return result;
}

describe('parseEventEnvelope', () => {
  it('answers url_verification with its challenge', () => {
    expect(parse('url_verification.json')).toEqual({
      kind: 'challenge',
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });

  it('takes an app_mention, with the mention of the bot removed', () => {
    const { inbound, requires } = message(parse('event_app_mention.json'));
    expect(requires).toBeUndefined();
    expect(inbound).toEqual({
      address: { channel: 'slack', chatId: 'C123ABC456', userId: 'U061F7AUR' },
      text: 'is it everything a river should be?',
      attachments: [],
      dedupeKey: 'C123ABC456:1515449522.000016',
      platformMessageId: '1515449522.000016',
      fromBot: false,
      receivedAt: context.receivedAt,
    });
  });

  it('gives a mention the same dedupe key whether it came as message or as app_mention', () => {
    const mention = fixture('event_app_mention.json');
    const asMessage = {
      ...mention,
      event_id: 'Ev0OTHER',
      event: { ...mention.event, type: 'message', channel_type: 'channel' },
    };
    expect(message(parseEventEnvelope(asMessage, context)).inbound.dedupeKey).toBe(
      message(parseEventEnvelope(mention, context)).inbound.dedupeKey,
    );
  });

  it('drops a top-level channel message that does not mention the bot', () => {
    expect(parse('event_message_channel.json')).toMatchObject({ kind: 'ignored' });
  });

  it('takes every DM message', () => {
    const { inbound } = message(
      parseEventEnvelope(asDirectMessage(fixture('event_message_channel.json')), context),
    );
    expect(inbound.address).toEqual({ channel: 'slack', chatId: DM, userId: 'U061F7AUR' });
    expect(inbound.text).toBe('Hello world, my order #1234 has not arrived');
  });

  it('drops bot messages, our own echo and everything in the agent desk channel', () => {
    expect(parse('event_bot_message.json')).toMatchObject({ kind: 'ignored', reason: 'from a bot' });
    expect(parse('event_own_bot_echo.json')).toMatchObject({ kind: 'ignored', reason: 'from a bot' });
    const echoInDm = asDirectMessage(fixture('event_own_bot_echo.json'));
    expect(parseEventEnvelope(echoInDm, context)).toMatchObject({ kind: 'ignored', reason: 'from a bot' });
    expect(parse('event_thread_reply_agent.json')).toMatchObject({
      kind: 'ignored',
      reason: 'in the agent desk channel',
    });
  });

  it('turns message_changed into an edit of the original ts, taken in a channel only if the bot recorded it', () => {
    const { inbound, requires } = message(parse('event_message_changed.json'));
    expect(requires).toBe('known-message');
    expect(inbound).toMatchObject({
      address: { channel: 'slack', chatId: 'C123ABC456', userId: 'U123ABC456' },
      text: 'Hello, world!',
      change: { kind: 'edit', platformMessageId: '1355517523.000005' },
      platformMessageId: '1355517523.000005',
    });
    expect(inbound.address.threadId).toBeUndefined();
  });

  it('ignores a message_changed that is no edit (a link unfurl)', () => {
    const unfurl = fixture('event_message_changed.json');
    delete unfurl.event.message.edited;
    expect(parseEventEnvelope(unfurl, context)).toMatchObject({ kind: 'ignored' });
  });

  it('turns message_deleted into a delete of deleted_ts', () => {
    const { inbound } = message(parse('event_message_deleted.json'));
    expect(inbound.change).toEqual({ kind: 'delete', platformMessageId: '1358878749.000002' });
    expect(inbound.address.chatId).toBe('C123ABC456');
  });

  it('reads file_share files as attachments by mimetype, keeping only Slack-hosted urls', () => {
    const { inbound } = message(
      parseEventEnvelope(asDirectMessage(fixture('event_file_share.json')), context),
    );
    expect(inbound.text).toBe('screenshot of the error');
    expect(inbound.attachments).toEqual([
      {
        kind: 'image',
        platformFileId: 'F0FILE0001',
        url: 'https://files.slack.com/files-pri/T123ABC456-F0FILE0001/image.png',
        name: 'image.png',
        mime: 'image/png',
        size: 214244,
      },
    ]);
  });

  it('keeps no url of a file pointing at an internal host (SSRF)', () => {
    const ssrf = asDirectMessage(fixture('event_file_share_ssrf.json'));
    const { inbound } = message(parseEventEnvelope(ssrf, context));
    expect(inbound.attachments).toEqual([
      { kind: 'file', platformFileId: 'F0FILE0666', name: 'creds.txt', mime: 'text/plain', size: 12 },
    ]);
  });

  it('takes a thread_broadcast as a reply in its thread, if the bot is in that thread', () => {
    const { inbound, requires } = message(parse('event_thread_broadcast.json'));
    expect(requires).toBe('bot-in-thread');
    expect(inbound.address).toEqual({
      channel: 'slack',
      chatId: 'C123ABC456',
      userId: 'U123ABC456',
      threadId: '1673464730.703009',
    });
    expect(inbound.text).toBe('broadcasting this reply');
    expect(inbound.unsupportedKind).toBeUndefined();
  });

  it('takes a reply in a thread the bot started without a mention', () => {
    const reply = fixture('event_thread_reply_agent.json');
    reply.event.channel = 'C0SHARED01';
    const result = message(parseEventEnvelope(reply, context));
    expect(result.requires).toBeUndefined();
    expect(result.inbound.address.threadId).toBe('1767225650.000150');
  });

  it('keeps an unknown subtype as unsupportedKind', () => {
    const poll = asDirectMessage(fixture('event_message_channel.json'));
    poll.event.subtype = 'huddle_thread';
    poll.event.text = '';
    expect(message(parseEventEnvelope(poll, context)).inbound.unsupportedKind).toBe('huddle_thread');
  });

  it('decodes Slack escaping to plain text (injection fixture), keeping the PII for the record', () => {
    const injected = asDirectMessage(fixture('event_message_injection_pii.json'));
    expect(message(parseEventEnvelope(injected, context)).inbound.text).toBe(
      '@channel @here urgent @U0AGENT001 click (https://evil.example) my phone 13800138000, ' +
        'id 34052419800101001X, card 6222021234567890128, mail li.lei@example.com',
    );
  });

  it('ignores other events and envelopes, and refuses a malformed body', () => {
    expect(
      parseEventEnvelope({ type: 'event_callback', event: { type: 'reaction_added' } }, context),
    ).toMatchObject({
      kind: 'ignored',
    });
    expect(parseEventEnvelope({ type: 'app_rate_limited' }, context)).toMatchObject({ kind: 'ignored' });
    expect(() => parseEventEnvelope({ event: 'x' }, context)).toThrow(ValidationError);
    expect(() => parseEventEnvelope({ type: 'url_verification' }, context)).toThrow(ValidationError);
  });
});

describe('parseInteraction', () => {
  it('turns a press of our button into an action with its payload', () => {
    const { inbound } = message(
      parseInteraction(buttonPress('kb:order.track', 'Track my order', '1767300001.1'), context),
    );
    expect(inbound).toEqual({
      address: { channel: 'slack', chatId: DM, userId: 'U061F7AUR' },
      text: 'Track my order',
      attachments: [],
      action: { payload: 'kb:order.track' },
      dedupeKey: 'action:U061F7AUR:1767300001.1',
      fromBot: false,
      receivedAt: context.receivedAt,
    });
  });

  it('answers in the thread the buttons were posted in', () => {
    const press = buttonPress('kb:order.track', 'Track', '1.2');
    press.message = { ...press.message, thread_ts: '1767000000.000100' } as typeof press.message;
    expect(message(parseInteraction(press, context)).inbound.address.threadId).toBe('1767000000.000100');
  });

  it("ignores buttons that are not our quick replies, other interaction types and the desk's buttons", () => {
    const other = buttonPress('x', 'X', '1.3');
    other.actions[0] = { ...other.actions[0], action_id: 'desk_claim' } as (typeof other.actions)[0];
    expect(parseInteraction(other, context)).toMatchObject({ kind: 'ignored' });
    expect(parseInteraction({ type: 'view_submission' }, context)).toMatchObject({ kind: 'ignored' });
    const desk = buttonPress('kb:x', 'X', '1.4');
    desk.channel = { id: AGENT_CHANNEL, name: 'agents' };
    expect(parseInteraction(desk, context)).toMatchObject({ kind: 'ignored' });
    expect(() => parseInteraction('nonsense', context)).toThrow(ValidationError);
  });
});

describe('decodeSlackText', () => {
  it.each([
    ['a &amp; b &lt;c&gt;', 'a & b <c>'],
    ['&amp;lt; stays literal', '&lt; stays literal'],
    ['hi <@U0BOTUSER1> there', 'hi there'],
    ['<@U0BOTUSER1|cs-bot> help', 'help'],
    ['ask <@U0AGENT001|lin>', 'ask @lin'],
    ['see <#C123|general>', 'see #general'],
    ['<!subteam^S123|@support> <!date^1392734382^{date}|Feb 18>', '@support Feb 18'],
    ['<http://example.com|example.com> and <https://a.example/x>', 'example.com and https://a.example/x'],
    ['<mailto:li.lei@example.com|li.lei@example.com>', 'li.lei@example.com'],
  ])('%s -> %s', (raw, plain) => {
    expect(decodeSlackText(raw, BOT_USER)).toBe(plain);
  });
});

describe('isSlackFileUrl', () => {
  it.each([
    ['https://files.slack.com/files-pri/T1-F1/a.png', true],
    ['https://slack.com/x', true],
    ['http://files.slack.com/a.png', false],
    ['https://files.slack.com.evil.example/a.png', false],
    ['https://evilslack.com/a.png', false],
    ['https://files.slack.com:8443/a.png', false],
    ['https://user@files.slack.com/a.png', false],
    ['http://169.254.169.254/latest/meta-data/', false],
    ['http://127.0.0.1:6379/', false],
    ['not a url', false],
  ])('%s -> %s', (url, safe) => {
    expect(isSlackFileUrl(url)).toBe(safe);
  });
});
