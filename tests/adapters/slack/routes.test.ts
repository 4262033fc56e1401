/**
 * The recorded Slack payloads replayed through the real routes, re-signed with the current time;
 * what reaches Slack is read from the fake Web API, what is kept from the store.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/core/errors.js';
import type { Address, OutboundMessage } from '../../../src/core/model.js';
import type { RunningSwitchboard } from '../../helpers/switchboard.js';
import {
  AGENT_CHANNEL,
  asDirectMessage,
  BOT_TOKEN,
  buttonPress,
  DM,
  directMessage,
  FakeSlackApi,
  fixture,
  fixtureBytes,
  postEvent,
  postInteraction,
  postSigned,
  startSlackSwitchboard,
} from './slack-kit.js';

const WAIT = { timeout: 10_000, interval: 20 };
const CHANNEL = 'C123ABC456';

let api: FakeSlackApi;
let server: RunningSwitchboard;

beforeEach(async () => {
  api = new FakeSlackApi();
  server = await startSlackSwitchboard();
});

afterEach(async () => {
  await server.close();
  nock.cleanAll();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function transcript(address: Address) {
  const conversation = await server.conversations.findOpenConversation(address);
  return conversation ? server.conversations.listMessages(conversation) : [];
}

/** The error body every refusal carries. */
async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error: { code: string } };
  return body.error.code;
}

async function expectStatus(response: Promise<Response>, status: number) {
  const answer = await response;
  expect(answer.status).toBe(status);
  return answer;
}

function mention(text: string, options: { ts: string; user?: string; threadTs?: string }) {
  const envelope = fixture('event_app_mention.json');
  envelope.event_id = `Ev${options.ts}`;
  Object.assign(envelope.event, {
    text: `<@U0BOTUSER1> ${text}`,
    ts: options.ts,
    event_ts: options.ts,
    ...(options.user ? { user: options.user } : {}),
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  });
  return envelope;
}

function outbound(conversationId: string, text: string): OutboundMessage {
  return {
    id: 'msg_AAAAAAAAAAAAAAAAAAAAAA',
    conversationId,
    seq: 1,
    role: 'agent',
    text,
    quickReplies: [],
    attachments: [],
    locale: 'en',
  };
}

describe('Slack routes: verification', () => {
  it('answers url_verification with the challenge', async () => {
    const response = await expectStatus(postEvent(server, fixtureBytes('url_verification.json')), 200);
    expect(await response.json()).toEqual({
      challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
    });
  });

  it('refuses the recorded signature: its timestamp is stale (signing_vectors.json)', async () => {
    const [vector] = fixture('signing_vectors.json').vectors;
    const response = await fetch(`${server.url}/webhooks/slack/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Slack-Request-Timestamp': vector.x_slack_request_timestamp,
        'X-Slack-Signature': vector.x_slack_signature,
      },
      body: fixtureBytes(vector.file),
    });
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('timestamp_stale');
  });

  it('refuses a bad or missing signature on both routes, and stores nothing', async () => {
    const event = directMessage('where is my parcel?', { ts: '1767300000.000001' });
    const forged = await expectStatus(postEvent(server, event, { secret: 'someone_elses_secret_123' }), 401);
    expect(await errorCode(forged)).toBe('signature_invalid');
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    await expectStatus(postEvent(server, event, { timestamp: stale }), 401);
    const unsigned = await fetch(`${server.url}/webhooks/slack/events`, {
      method: 'POST',
      body: JSON.stringify(event),
    });
    expect(unsigned.status).toBe(401);
    expect(await errorCode(unsigned)).toBe('signature_missing');
    await expectStatus(
      postInteraction(server, buttonPress('kb:order.track', 'Track', '1.1'), {
        secret: 'someone_elses_secret_123',
      }),
      401,
    );
    await settle();
    expect(api.posts()).toEqual([]);
    expect(
      await server.conversations.findOpenConversation({ channel: 'slack', chatId: DM, userId: 'U061F7AUR' }),
    ).toBeUndefined();
  });

  it('answers a signed but unreadable body 400 and tells Slack not to retry', async () => {
    const badJson = await expectStatus(postSigned(server, '/webhooks/slack/events', '{not json'), 400);
    expect(badJson.headers.get('x-slack-no-retry')).toBe('1');
    expect(await errorCode(badJson)).toBe('invalid_json');
    const badEvent = await expectStatus(postEvent(server, { event: 'nonsense' }), 400);
    expect(badEvent.headers.get('x-slack-no-retry')).toBe('1');
    const noPayload = await expectStatus(
      postSigned(server, '/webhooks/slack/interactions', 'foo=bar', {
        contentType: 'application/x-www-form-urlencoded',
      }),
      400,
    );
    expect(await errorCode(noPayload)).toBe('invalid_request');
  });
});

describe('Slack routes: recorded events', () => {
  it('answers an app_mention in the channel, with the mention stripped from what is stored', async () => {
    await expectStatus(postEvent(server, fixtureBytes('event_app_mention.json')), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    expect(api.posts()[0]).toMatchObject({ channel: CHANNEL });
    expect(api.posts()[0]?.thread_ts).toBeUndefined();
    const [customer] = await transcript({ channel: 'slack', chatId: CHANNEL, userId: 'U061F7AUR' });
    expect(customer?.text).toBe('is it everything a river should be?');
    expect(customer?.platformMessageId).toBe('1515449522.000016');
  });

  it('answers a mention once when it arrives both as app_mention and as message', async () => {
    const asMention = fixture('event_app_mention.json');
    const asMessage = {
      ...asMention,
      event_id: 'Ev0OTHER',
      event: { ...asMention.event, type: 'message', channel_type: 'channel' },
    };
    await expectStatus(postEvent(server, asMessage), 200);
    await expectStatus(postEvent(server, asMention), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    await settle();
    expect(api.posts()).toHaveLength(1);
  });

  it('leaves alone channel messages without a mention, bot messages, its own echo and the agent desk', async () => {
    for (const name of [
      'event_message_channel.json',
      'event_bot_message.json',
      'event_own_bot_echo.json',
      'event_thread_reply_agent.json',
      'event_thread_broadcast.json',
    ]) {
      await expectStatus(postEvent(server, fixtureBytes(name)), 200);
    }
    await settle();
    expect(api.posts()).toEqual([]);
    for (const address of [
      { channel: 'slack', chatId: CHANNEL, userId: 'U061F7AUR' },
      { channel: 'slack', chatId: AGENT_CHANNEL, userId: 'U0BOTUSER1' },
      { channel: 'slack', chatId: AGENT_CHANNEL, userId: 'U0AGENT001', threadId: '1767225650.000150' },
      { channel: 'slack', chatId: CHANNEL, userId: 'U123ABC456', threadId: '1673464730.703009' },
    ] as Address[]) {
      expect(await server.conversations.findOpenConversation(address)).toBeUndefined();
    }
  });

  it('records message_changed on the original message and does not answer it', async () => {
    const original = mention('Hello', { ts: '1355517523.000005', user: 'U123ABC456' });
    await expectStatus(postEvent(server, original), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    await expectStatus(postEvent(server, fixtureBytes('event_message_changed.json')), 200);
    await settle();
    expect(api.posts()).toHaveLength(1);
    const [customer] = await transcript({ channel: 'slack', chatId: CHANNEL, userId: 'U123ABC456' });
    expect(customer?.text).toBe('Hello, world!');
    expect(customer?.edits?.map((edit) => edit.text)).toEqual(['Hello']);
  });

  it('records message_deleted on the original message', async () => {
    await expectStatus(
      postEvent(server, mention('my card number is wrong', { ts: '1358878749.000002' })),
      200,
    );
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    await expectStatus(postEvent(server, fixtureBytes('event_message_deleted.json')), 200);
    await settle();
    const [customer] = await transcript({ channel: 'slack', chatId: CHANNEL, userId: 'U061F7AUR' });
    expect(customer?.deletedAt).toBeDefined();
    expect(api.posts()).toHaveLength(1);
  });

  it('ignores an edit of a channel message the bot never recorded', async () => {
    await expectStatus(postEvent(server, fixtureBytes('event_message_changed.json')), 200);
    await settle();
    expect(
      await server.conversations.findOpenConversation({
        channel: 'slack',
        chatId: CHANNEL,
        userId: 'U123ABC456',
      }),
    ).toBeUndefined();
  });

  it('takes a thread_broadcast in a thread the bot is talking in, and answers in that thread', async () => {
    const thread = '1673464730.703009';
    await expectStatus(
      postEvent(
        server,
        mention('where is my parcel?', { ts: '1673464731.000001', user: 'U123ABC456', threadTs: thread }),
      ),
      200,
    );
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    await expectStatus(postEvent(server, fixtureBytes('event_thread_broadcast.json')), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(2), WAIT);
    expect(api.posts().map((post) => post.thread_ts)).toEqual([thread, thread]);
    const messages = await transcript({
      channel: 'slack',
      chatId: CHANNEL,
      userId: 'U123ABC456',
      threadId: thread,
    });
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual([
      'where is my parcel?',
      'broadcasting this reply',
    ]);
  });

  it('stores a shared file as an attachment and answers', async () => {
    await expectStatus(postEvent(server, asDirectMessage(fixture('event_file_share.json'))), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    const [customer] = await transcript({ channel: 'slack', chatId: DM, userId: 'U061F7AUR' });
    expect(customer?.attachments).toMatchObject([
      {
        kind: 'image',
        platformFileId: 'F0FILE0001',
        url: 'https://files.slack.com/files-pri/T123ABC456-F0FILE0001/image.png',
      },
    ]);
  });

  it('never fetches a file from an internal host, and the token goes to the Slack API only (SSRF fixture)', async () => {
    const metadata = nock('http://169.254.169.254').get(/.*/).reply(200, 'secret');
    const redis = nock('http://127.0.0.1:6379').get(/.*/).reply(200, 'secret');
    await expectStatus(postEvent(server, asDirectMessage(fixture('event_file_share_ssrf.json'))), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    await settle();
    expect(metadata.isDone()).toBe(false);
    expect(redis.isDone()).toBe(false);
    expect(api.calls.every((call) => call.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);
    const [customer] = await transcript({ channel: 'slack', chatId: DM, userId: 'U061F7AUR' });
    expect(customer?.attachments).toEqual([
      { kind: 'file', platformFileId: 'F0FILE0666', name: 'creds.txt', mime: 'text/plain', size: 12 },
    ]);
    expect(JSON.stringify(customer)).not.toMatch(/169\.254|127\.0\.0\.1/);
  });

  it('answers once however often Slack retries (headers_retry.json)', async () => {
    const headers = fixture('headers_retry.json');
    const body = JSON.stringify(directMessage('where is my parcel?', { ts: '1767300000.000009' }));
    for (const name of ['first_delivery', 'retry_timeout', 'retry_http_error']) {
      const { 'X-Slack-Retry-Num': num, 'X-Slack-Retry-Reason': reason } = headers[name];
      const retry: Record<string, string> = num
        ? { 'X-Slack-Retry-Num': num, 'X-Slack-Retry-Reason': reason }
        : {};
      await expectStatus(postEvent(server, Buffer.from(body), { headers: retry }), 200);
    }
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    await settle();
    expect(api.posts()).toHaveLength(1);
    expect(await transcript({ channel: 'slack', chatId: DM, userId: 'U061F7AUR' })).toHaveLength(2);
  });

  it('stores injected Slack markup as plain text and never sends it back as markup (injection fixture)', async () => {
    const injected = asDirectMessage(fixture('event_message_injection_pii.json'));
    await expectStatus(postEvent(server, injected), 200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    const address: Address = { channel: 'slack', chatId: DM, userId: 'U061F7AUR' };
    const [customer] = await transcript(address);
    expect(customer?.text).toMatch(/^@channel @here urgent @U0AGENT001 click \(https:\/\/evil\.example\)/);

    // An agent (or a knowledge answer) quoting the raw markup must not ping anyone.
    const conversation = await server.conversations.findOpenConversation(address);
    await server.channels.get('slack')?.send(address, outbound(conversation?.id ?? '', injected.event.text));
    await vi.waitFor(() => expect(api.posts()).toHaveLength(2), WAIT);
    for (const post of api.posts()) expect(post.text).not.toMatch(/<[!@#]|<https?:/);
    expect(api.posts()[1]?.text).toContain('&lt;!channel&gt; &lt;!here&gt; urgent &lt;@U0AGENT001&gt;');
  });

  it('ignores buttons that are not our quick replies', async () => {
    const press = buttonPress('x', 'X', '1767300002.1');
    press.actions[0] = { ...press.actions[0], action_id: 'desk_claim' } as (typeof press.actions)[0];
    await expectStatus(postInteraction(server, press), 200);
    await settle();
    expect(api.posts()).toEqual([]);
  });
});

describe('Slack channel: sending', () => {
  const address: Address = { channel: 'slack', chatId: DM, userId: 'U061F7AUR' };

  async function openConversation(): Promise<string> {
    await expectStatus(
      postEvent(server, directMessage('where is my parcel?', { ts: '1767300000.000020' })),
      200,
    );
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    const conversation = await server.conversations.findOpenConversation(address);
    if (!conversation) throw new Error('no conversation');
    return conversation.id;
  }

  it('records a permanent error (channel_not_found) on the message after one attempt', async () => {
    const conversationId = await openConversation();
    const [, answer] = await transcript(address);
    if (!answer) throw new Error('no answer stored');
    api.failNext(200, { ok: false, error: 'channel_not_found' });
    await server.channels
      .get('slack')
      ?.send(address, { ...outbound(conversationId, 'hello'), id: answer.id, seq: answer.seq });
    await vi.waitFor(
      async () => expect((await transcript(address))[1]?.delivery?.status).toBe('failed'),
      WAIT,
    );
    expect((await transcript(address))[1]?.delivery?.error).toContain('channel_not_found');
    expect(api.calls.filter((call) => call.method === 'chat.postMessage' && !call.ok)).toHaveLength(1);
  });

  it('reports itself down when Slack refuses the bot token, and up again once a post goes through', async () => {
    const conversationId = await openConversation();
    const [, answer] = await transcript(address);
    if (!answer) throw new Error('no answer stored');
    const slack = server.channels.get('slack');
    api.failNext(200, { ok: false, error: 'token_revoked' });
    await slack?.send(address, { ...outbound(conversationId, 'hello'), id: answer.id, seq: answer.seq });
    await vi.waitFor(() => expect(slack?.health()).toMatchObject({ state: 'down' }), WAIT);
    expect(slack?.health().detail).toContain('Slack refused the bot token (token_revoked)');
    await slack?.send(address, { ...outbound(conversationId, 'again'), id: answer.id, seq: answer.seq });
    await vi.waitFor(() => expect(slack?.health()).toMatchObject({ state: 'up' }), WAIT);
  });

  it('splits a message over 40,000 characters into posts sent in order', async () => {
    const conversationId = await openConversation();
    const text = `${'a'.repeat(39_999)} ${'b'.repeat(100)}`;
    await server.channels.get('slack')?.send(address, outbound(conversationId, text));
    await vi.waitFor(() => expect(api.posts()).toHaveLength(3), WAIT);
    expect(
      api
        .posts()
        .slice(1)
        .map((post) => post.text?.slice(0, 1)),
    ).toEqual(['a', 'b']);
  });

  it('is up once auth.test named the bot', () => {
    expect(server.channels.get('slack')?.health()).toMatchObject({ state: 'up' });
  });
});

describe('Slack channel: startup', () => {
  it('stops the server with a message naming SLACK_BOT_TOKEN when Slack refuses it', async () => {
    nock.cleanAll();
    new FakeSlackApi({ authError: 'invalid_auth' });
    const failed = startSlackSwitchboard();
    await expect(failed).rejects.toBeInstanceOf(ConfigError);
    await expect(failed).rejects.toThrow(/SLACK_BOT_TOKEN was refused by Slack \(auth\.test: invalid_auth\)/);
  });
});
