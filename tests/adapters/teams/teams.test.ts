/**
 * Teams through the real route: recorded activities are posted to `POST /api/messages` of a running
 * Switchboard (emulator mode, serviceUrl pointed at a local Bot Connector recorder), and the tests
 * assert on what the bot posted back and on the store. Authentication is checked with an app id.
 */
import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Address, OutboundMessage } from '../../../src/core/model.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../../helpers/switchboard.js';
import { describeChannelContract } from '../channel-contract.js';
import { BotFrameworkIdentity, OUTBOUND_TOKEN } from './bot-framework-tokens.js';
import { ConnectorRecorder } from './connector-recorder.js';
import { type FixtureName, fixture, type RecordedActivity } from './fixtures.js';
import { readSent } from './read-sent.js';

const WAIT = { timeout: 10_000, interval: 20 };
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function post(
  server: RunningSwitchboard,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The address the adapter keeps for a recorded activity (parse.ts `addressOf`). */
function addressOf(activity: RecordedActivity): Address {
  const [chatId = '', threadId] = String(activity.conversation.id).split(';messageid=');
  return { channel: 'teams', chatId, userId: activity.from.id, ...(threadId ? { threadId } : {}) };
}

describe('Teams in emulator mode: recorded activities through POST /api/messages', () => {
  let recorder: ConnectorRecorder;
  let server: RunningSwitchboard;

  beforeEach(async () => {
    recorder = await new ConnectorRecorder().start();
    server = await startSwitchboard(testConfig({ TEAMS_EMULATOR: 'true' }));
  });

  afterEach(async () => {
    await server.close();
    await recorder.stop();
  });

  const replay = (name: FixtureName, change: (activity: RecordedActivity) => void = () => {}) => {
    const activity: RecordedActivity = { ...fixture(name), serviceUrl: recorder.url };
    change(activity);
    return activity;
  };
  const transcript = async (address: Address) => {
    const conversation = await server.conversations.findOpenConversation(address);
    return conversation ? server.conversations.listMessages(conversation) : [];
  };

  it('a personal message is recorded, acked 200, and answered by a proactive post to its conversation', async () => {
    const activity = replay('activity_personal_message', (a) => {
      a.text = 'where is my parcel?';
    });
    const answer = await post(server, activity);
    expect(answer).toEqual({ status: 200, body: { status: 'accepted' } });
    await vi.waitFor(() => expect(recorder.calls).toHaveLength(1), WAIT);
    const [call] = recorder.calls;
    expect(call?.conversationId).toBe(activity.conversation.id);
    // botbuilder's proactive send replies to its continuation activity's fresh id, never to an old message.
    expect(call?.replyToId).not.toBe(activity.id);
    expect(readSent(call?.activity ?? {}).text).toMatch(/My orders/);
    expect(call?.activity).toMatchObject({ type: 'message', textFormat: 'markdown' });

    const conversation = await server.conversations.findOpenConversation(addressOf(activity));
    expect(conversation?.address.platformRef).toMatchObject({
      serviceUrl: recorder.url,
      conversation: { id: activity.conversation.id },
      user: { id: activity.from.id },
      bot: { id: activity.recipient.id },
    });
    expect(conversation?.address.platformRef?.activityId).toBeUndefined();
    const messages = await transcript(addressOf(activity));
    expect(messages.map((m) => [m.role, m.text.slice(0, 19), m.platformMessageId])).toEqual([
      ['customer', 'where is my parcel?', '1767378504354'],
      ['bot', expect.any(String), undefined],
    ]);
  });

  it('a re-sent activity (Teams retries after 15 s) is answered once', async () => {
    const activity = replay('activity_personal_message');
    expect((await post(server, activity)).body).toEqual({ status: 'accepted' });
    expect((await post(server, activity)).body).toEqual({ status: 'duplicate' });
    await vi.waitFor(() => expect(recorder.calls).toHaveLength(1), WAIT);
    await settle();
    expect(recorder.calls).toHaveLength(1);
  });

  it('a channel post mentioning the bot opens a conversation for its thread and is answered in the thread', async () => {
    const activity = replay('activity_channel_mention_root');
    expect((await post(server, activity)).body).toEqual({ status: 'accepted' });
    await vi.waitFor(() => expect(recorder.calls).toHaveLength(1), WAIT);
    expect(recorder.calls[0]?.conversationId).toBe(activity.conversation.id); // `…;messageid=<root>`
    const [message] = await transcript(addressOf(activity));
    expect(message?.text).toBe('Hey');
    expect(addressOf(activity).threadId).toBe('1771290107407');
  });

  it('a thread reply without a mention is ignored, unless the bot was mentioned in that thread', async () => {
    const followup = replay('activity_channel_thread_followup');
    expect(await post(server, followup)).toEqual({ status: 200, body: { status: 'ignored' } });
    expect(await server.conversations.findOpenConversation(addressOf(followup))).toBeUndefined();

    const root = replay('activity_channel_mention_root', (a) => {
      a.id = '1767224924615';
      a.conversation.id = followup.conversation.id;
    });
    expect((await post(server, root)).body).toEqual({ status: 'accepted' });
    expect((await post(server, followup)).body).toEqual({ status: 'accepted' });
    const messages = await transcript(addressOf(followup));
    expect(messages.filter((m) => m.role === 'customer').map((m) => m.text)).toEqual(['Hey', 'Hi']);
  });

  it('an edit and a delete are recorded on the original message and never answered', async () => {
    const root = replay('activity_channel_mention_root', (a) => {
      a.id = '1767224924615';
      a.conversation.id = fixture('activity_channel_thread_followup').conversation.id;
    });
    await post(server, root);
    await post(server, replay('activity_channel_thread_followup'));
    await server.pipeline.drain();
    const address = addressOf(root);
    const answers = (await transcript(address)).filter((m) => m.role === 'bot').length;
    await vi.waitFor(() => expect(recorder.calls).toHaveLength(answers), WAIT);

    expect((await post(server, replay('activity_message_update_edit'))).body).toEqual({ status: 'changed' });
    expect((await post(server, replay('activity_message_delete_soft'))).body).toEqual({ status: 'changed' });
    const edited = (await transcript(address)).find((m) => m.platformMessageId === '1767224937245');
    expect(edited?.text).toBe('Hi (edited)');
    expect(edited?.edits?.map((e) => e.text)).toEqual(['Hi']);
    expect(edited?.deletedAt).toBeDefined();
    await settle();
    expect(recorder.calls).toHaveLength(answers);
  });

  it('a press on our card button answers its entry, even in a channel thread', async () => {
    const press = replay('activity_adaptive_card_submit', (a) => {
      a.value = { payload: 'kb:order.track' };
    });
    expect((await post(server, press)).body).toEqual({ status: 'accepted' });
    await vi.waitFor(() => expect(recorder.calls).toHaveLength(1), WAIT);
    const messages = await transcript(addressOf(press));
    expect(messages.map((m) => m.kbEntryId)).toEqual([undefined, 'order.track']);
  });

  it('the recorded card submit (not our payload) is ignored outside the bot’s threads, kept as unsupported inside', async () => {
    const submit = replay('activity_adaptive_card_submit');
    expect((await post(server, submit)).body).toEqual({ status: 'ignored' });
    const root = replay('activity_channel_mention_root', (a) => {
      a.id = '1767326091220';
      a.conversation.id = submit.conversation.id;
    });
    await post(server, root);
    expect((await post(server, submit)).body).toEqual({ status: 'accepted' });
    const stored = (await transcript(addressOf(submit))).find((m) => m.platformMessageId === submit.id);
    expect(stored?.unsupportedKind).toBe('cardSubmit');
  });

  it('the bot being added, and activity types it does not handle, get 200 and nothing else', async () => {
    const added = replay('activity_conversation_update_bot_added');
    expect(await post(server, added)).toEqual({ status: 200, body: { status: 'ignored' } });
    const typing = replay('activity_personal_message', (a) => {
      a.type = 'typing';
    });
    expect(await post(server, typing)).toEqual({ status: 200, body: { status: 'ignored' } });
    const invoke = replay('activity_personal_message', (a) => {
      a.type = 'invoke';
      a.name = 'adaptiveCard/action';
    });
    expect((await post(server, invoke)).status).toBe(200);
    await settle();
    expect(recorder.calls).toEqual([]);
    expect(await server.conversations.findOpenConversation(addressOf(typing))).toBeUndefined();
  });

  it('the bot’s own message is not recorded or answered', async () => {
    const echo = replay('activity_personal_message', (a) => {
      a.from = a.recipient;
    });
    expect((await post(server, echo)).body).toEqual({ status: 'ignored' });
    await settle();
    expect(recorder.calls).toEqual([]);
  });

  it('an activity whose serviceUrl is not on this machine is refused with 403: nothing stored, nothing sent', async () => {
    for (const serviceUrl of [
      'https://smba.trafficmanager.net/amer/a1b2c3d4-e5f6-7890-abcd-ef1234567890/',
      'http://169.254.169.254/latest/',
      'http://127.0.0.1.attacker.example/',
      'file:///etc/passwd',
      'not a url',
    ]) {
      const activity = { ...fixture('activity_personal_message'), serviceUrl };
      const answer = await post(server, activity);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 'service_url_not_allowed' } });
    }
    await settle();
    expect(recorder.attempts).toBe(0);
    expect(
      await server.conversations.findOpenConversation(addressOf(fixture('activity_personal_message'))),
    ).toBeUndefined();
  });

  it('a body that is not an activity gets a 400 JSON error', async () => {
    expect(await post(server, { hello: 'world' })).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_activity' } },
    });
    expect(await post(server, '{not json')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
  });

  describe('outbound', () => {
    async function openConversation() {
      const activity = replay('activity_personal_message', (a) => {
        a.text = 'where is my parcel?';
      });
      await post(server, activity);
      await vi.waitFor(() => expect(recorder.calls).toHaveLength(1), WAIT);
      const conversation = await server.conversations.findOpenConversation(addressOf(activity));
      if (!conversation) throw new Error('no conversation');
      return conversation;
    }
    const outbound = (conversationId: string, extra: Partial<OutboundMessage>): OutboundMessage => ({
      id: 'msg_teamsoutbound00000000000',
      conversationId,
      seq: 2,
      role: 'agent',
      text: 'Hello',
      quickReplies: [],
      attachments: [],
      locale: 'en',
      ...extra,
    });
    const teams = () => {
      const channel = server.channels.get('teams');
      if (!channel) throw new Error('teams channel not running');
      return channel;
    };

    it('a long message is split into posts Teams accepts, in order', async () => {
      const conversation = await openConversation();
      const text = Array.from({ length: 8000 }, (_, i) => `part${i}`).join(' ');
      await teams().send(conversation.address, outbound(conversation.id, { text }));
      const posts = () => recorder.calls.slice(1);
      await vi.waitFor(
        () =>
          expect(
            posts()
              .map((call) => readSent(call.activity).text)
              .join(' '),
          ).toBe(text),
        WAIT,
      );
      expect(posts().length).toBeGreaterThan(1);
      for (const call of posts())
        expect(Buffer.byteLength(JSON.stringify(call.activity))).toBeLessThan(28_000);
    });

    it('the chain owns retries: a 503 is retried on its backoff (the SDK would sleep out the Retry-After)', async () => {
      const conversation = await openConversation();
      const before = recorder.attempts;
      recorder.refuseNext(503, '600');
      await teams().send(conversation.address, outbound(conversation.id, {}));
      await vi.waitFor(() => expect(recorder.calls).toHaveLength(2), WAIT);
      expect(recorder.attempts - before).toBe(2);
    });

    it('a 429 asking for longer than the chain waits fails at once: the SDK does not wait on its own', async () => {
      const conversation = await openConversation();
      const before = recorder.attempts;
      recorder.refuseNext(429, '600');
      const message = outbound(conversation.id, { seq: conversation.messageCount });
      await teams().send(conversation.address, message);
      await vi.waitFor(async () => {
        const stored = await server.conversations.getMessage(conversation.id, message.seq);
        expect(stored?.delivery?.status).toBe('failed');
      }, WAIT);
      expect(recorder.attempts - before).toBe(1);
    });

    it('a 4xx is permanent: one attempt, recorded as failed', async () => {
      const conversation = await openConversation();
      const before = recorder.attempts;
      recorder.refuseNext(403);
      const message = outbound(conversation.id, { seq: conversation.messageCount });
      await teams().send(conversation.address, message);
      await vi.waitFor(async () => {
        const stored = await server.conversations.getMessage(conversation.id, message.seq);
        expect(stored?.delivery?.error).toMatch(/HTTP 403/);
      }, WAIT);
      await settle();
      expect(recorder.attempts - before).toBe(1);
    });
  });
});

describe('Teams with an app id: unverifiable deliveries (OpenID key fetch refused by nock)', () => {
  const APP_ID = '00000000-aaaa-bbbb-cccc-000000000001';
  let server: RunningSwitchboard;

  beforeEach(async () => {
    server = await startSwitchboard(
      testConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'test-password-not-real' }),
    );
  });

  afterEach(async () => {
    await server.close();
  });

  const activity = fixture('activity_personal_message');
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  // Well-formed, right issuer and audience, signed by no key Bot Framework publishes: validating it
  // needs the OpenID keys, whose fetch nock refuses (no network in tests).
  const forgedToken = [
    base64url({ alg: 'RS256', typ: 'JWT', kid: 'not-a-bot-framework-key' }),
    base64url({
      iss: 'https://api.botframework.com',
      aud: APP_ID,
      serviceUrl: activity.serviceUrl,
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
    'c2lnbmF0dXJl',
  ].join('.');

  it.each([
    ['no Authorization header', {}],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-token' }],
    ['a basic credential', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a forged token with the right claims', { authorization: `Bearer ${forgedToken}` }],
  ])('%s -> 401 JSON, nothing stored', async (_name, headers: Record<string, string>) => {
    const answer = await post(server, activity, headers);
    expect(answer).toEqual({
      status: 401,
      body: { error: { code: 'unauthorized', message: expect.any(String) } },
    });
    expect(await server.conversations.findOpenConversation(addressOf(activity))).toBeUndefined();
  });

  it('the real Teams serviceUrl is not refused before authentication (only emulator mode limits it)', async () => {
    expect((await post(server, activity)).status).toBe(401);
  });
});

describe('Teams with an app id: signed Bot Framework tokens, end to end', () => {
  const APP_ID = '00000000-aaaa-bbbb-cccc-000000000002';
  const identity = new BotFrameworkIdentity();
  let recorder: ConnectorRecorder;
  let server: RunningSwitchboard;

  beforeEach(async () => {
    identity.mockEndpoints();
    recorder = await new ConnectorRecorder().start();
    server = await startSwitchboard(
      testConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'test-password-not-real' }),
    );
  });

  afterEach(async () => {
    await server.close();
    await recorder.stop();
    nock.cleanAll();
  });

  const message = (): RecordedActivity => ({
    ...fixture('activity_personal_message'),
    text: 'where is my parcel?',
    serviceUrl: recorder.url,
  });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('a validly signed activity is recorded and answered with the bot’s own Entra token', async () => {
    const activity = message();
    const answer = await post(server, activity, bearer(identity.token(APP_ID, recorder.url)));
    expect(answer).toEqual({ status: 200, body: { status: 'accepted' } });
    await vi.waitFor(() => expect(recorder.calls).toHaveLength(1), WAIT);
    expect(recorder.calls[0]?.authorization).toBe(`Bearer ${OUTBOUND_TOKEN}`);
    expect(readSent(recorder.calls[0]?.activity ?? {}).text).toMatch(/My orders/);
  });

  it.each([
    ['audience of another app', { aud: 'another-app-id' }],
    ['serviceUrl claim not the activity’s', { serviceurl: 'https://smba.trafficmanager.net/emea/' }],
    ['issuer not Bot Framework', { iss: 'https://evil.example' }],
    ['expired beyond the 5 minute tolerance', { exp: Math.floor(Date.now() / 1000) - 600 }],
  ])('a token with %s -> 401, nothing stored or sent', async (_name, claims) => {
    const activity = message();
    const answer = await post(server, activity, bearer(identity.token(APP_ID, recorder.url, claims)));
    expect(answer.status).toBe(401);
    expect(await server.conversations.findOpenConversation(addressOf(activity))).toBeUndefined();
    await settle();
    expect(recorder.attempts).toBe(0);
  });

  it('a token signed with a key Bot Framework does not publish -> 401', async () => {
    const other = new BotFrameworkIdentity();
    const answer = await post(server, message(), bearer(other.token(APP_ID, recorder.url)));
    expect(answer.status).toBe(401);
  });
});

describeChannelContract('teams (emulator mode, Bot Connector recorder)', async () => {
  const recorder = await new ConnectorRecorder().start();
  const switchboard = await startSwitchboard(testConfig({ TEAMS_EMULATOR: 'true' }));
  const base = fixture('activity_personal_message');
  const activity = (extra: RecordedActivity): RecordedActivity => ({
    ...base,
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    serviceUrl: recorder.url,
    ...extra,
  });
  const deliver = async (body: RecordedActivity) => {
    const { status } = await post(switchboard, body);
    if (status !== 200) throw new Error(`POST /api/messages answered ${status}`);
  };
  return {
    switchboard,
    address: {
      ...addressOf(base),
      platformRef: {
        user: base.from,
        bot: base.recipient,
        conversation: base.conversation,
        channelId: base.channelId,
        serviceUrl: recorder.url,
      },
    },
    customerSays: (text, options) =>
      deliver(activity({ text, ...(options?.deliveryId ? { id: options.deliveryId } : {}) })),
    customerPresses: (payload) => deliver(activity({ text: undefined, value: { payload } })),
    customerSendsImage: () =>
      deliver(
        activity({
          text: undefined,
          attachments: [{ contentType: 'image/png', contentUrl: 'https://files.example/photo.png' }],
        }),
      ),
    botEchoes: (text) => deliver(activity({ text, from: base.recipient })),
    // Without an app id the one thing checked is where replies would go: elsewhere is refused.
    forgedDelivery: async (text) =>
      (await post(switchboard, activity({ text, serviceUrl: 'https://attacker.example/' }))).status,
    sent: () => recorder.calls.map((call) => readSent(call.activity)),
    rateLimitNextSend: (seconds) => recorder.refuseNext(429, String(seconds)),
    stop: async () => {
      await switchboard.close();
      await recorder.stop();
    },
  };
});
