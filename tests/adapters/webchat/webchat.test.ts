/**
 * The web chat as a customer meets it: real HTTP against a running Switchboard with the embedded
 * store, asserting on what the customer sees and on what the store holds.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEvents } from '../../helpers/sse-reader.js';
import { type RunningSwitchboard, startSwitchboard } from '../../helpers/switchboard.js';
import { WebchatClient } from '../../helpers/webchat-client.js';

let server: RunningSwitchboard;

beforeEach(async () => {
  server = await startSwitchboard();
});

afterEach(async () => {
  await server.close();
});

const HAN = /\p{Script=Han}/u;

async function storedConversation(client: WebchatClient) {
  const view = await client.session();
  if (!view.conversation) throw new Error('no conversation');
  const conversation = await server.conversations.getConversation(view.conversation.id);
  if (!conversation) throw new Error('conversation not in the store');
  return { conversation, messages: await server.conversations.listMessages(conversation) };
}

describe('web chat conversation', () => {
  it('answers an English question from the knowledge base, in English', async () => {
    const client = await WebchatClient.create(server.url);
    const answer = await client.ask('where is my parcel?');
    expect(answer.text).toMatch(/My orders/);
    expect(answer.text).not.toMatch(HAN);
    expect(answer.quickReplies.length).toBeGreaterThan(0);
    const { conversation, messages } = await storedConversation(client);
    expect(conversation.status).toBe('bot');
    expect(conversation.lastIntent).toBe('order.track');
    expect(conversation.firstResponseAt).toBeDefined();
    expect(messages.map((m) => [m.role, m.kbEntryId])).toEqual([
      ['customer', undefined],
      ['bot', 'order.track'],
    ]);
  });

  it('answers a Chinese question from the knowledge base, in Chinese', async () => {
    const client = await WebchatClient.create(server.url);
    const answer = await client.ask('我的快递到哪了');
    expect(answer.text).toMatch(/我的订单/);
    const { messages } = await storedConversation(client);
    expect(messages.at(-1)?.kbEntryId).toBe('order.track');
  });

  it('answers in the language the customer switches to', async () => {
    const client = await WebchatClient.create(server.url);
    expect((await client.ask('where is my parcel?')).text).not.toMatch(HAN);
    expect((await client.ask('我的快递到哪了')).text).toMatch(HAN);
  });

  it('says honestly that a person will help when the knowledge base has no answer, and marks the conversation waiting', async () => {
    const client = await WebchatClient.create(server.url);
    const answer = await client.ask('Tell me a joke about penguins');
    expect(answer.text).toMatch(/get a person/i);
    const { conversation } = await storedConversation(client);
    expect(conversation.status).toBe('waiting');
    expect(conversation.handoffReason).toMatch(/no confident knowledge-base match/);
    expect(conversation.handedOffAt).toBeDefined();
    expect((await client.session()).conversation?.status).toBe('waiting');
  });

  it('stays silent while waiting for a person, but records what the customer writes', async () => {
    const client = await WebchatClient.create(server.url);
    await client.ask('Tell me a joke about penguins');
    const sent = await client.post('hello? where is my parcel?');
    expect(sent.status).toBe(202);
    await server.pipeline.drain();
    const { messages } = await storedConversation(client);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot', 'customer']);
    expect(messages.at(-1)?.text).toBe('hello? where is my parcel?');
  });

  it('hands off when the customer asks for a person', async () => {
    const client = await WebchatClient.create(server.url);
    await client.ask('转人工');
    const { conversation } = await storedConversation(client);
    expect(conversation.status).toBe('waiting');
    expect(conversation.handoffReason).toBe('the customer asked for a person');
  });

  it('gives a ticket number at handoff, and the ticket status when asked, even while waiting', async () => {
    const client = await WebchatClient.create(server.url);
    const handoff = await client.ask('I want to talk to a human');
    const ticket = /ticket number is ([2-9A-Z]{4})/.exec(handoff.text)?.[1];
    expect(ticket).toBeDefined();
    const status = await client.ask(`what's the status of ticket ${ticket}?`);
    expect(status.text).toBe(`Ticket ${ticket} is waiting for a member of our team: number 1 in the queue.`);
    const other = await WebchatClient.create(server.url);
    expect((await other.ask('ticket ZZZZ status?')).text).toMatch(/can't find ticket ZZZZ/);
  });

  it('answers the entry a quick reply names, and hands off on the "talk to a person" button', async () => {
    const client = await WebchatClient.create(server.url);
    const first = await client.ask('where is my parcel?');
    const button = first.quickReplies[0];
    if (!button) throw new Error('no quick reply');
    expect(button.payload).toMatch(/^kb:/);
    const sent = await client.post(button.label, { payload: button.payload });
    expect(sent.status).toBe(202);
    const view = await client.waitForBotMessages(2);
    const { messages } = await storedConversation(client);
    expect(messages.at(-1)?.kbEntryId).toBe(button.payload.slice(3));
    expect(messages.at(-1)?.confidence).toBe(1);
    expect(view.messages.at(-1)?.role).toBe('bot');

    await client.post('Talk to a person', { payload: 'handoff:request' });
    await server.pipeline.drain();
    expect((await storedConversation(client)).conversation.status).toBe('waiting');
  });

  it('answers a quick reply sent without text', async () => {
    const client = await WebchatClient.create(server.url);
    const sent = await fetch(`${server.url}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        sessionId: client.sessionId,
        clientMessageId: 'qr-1',
        payload: 'kb:order.track',
      }),
    });
    expect(sent.status).toBe(202);
    await client.waitForBotMessages(1);
    const { conversation, messages } = await storedConversation(client);
    expect(conversation.status).toBe('bot');
    expect(messages.at(-1)?.kbEntryId).toBe('order.track');
  });

  it('offers "did you mean…?" for a near miss, then hands off if the next message misses too', async () => {
    const client = await WebchatClient.create(server.url);
    const suggestion = await client.ask('what is the capital of France');
    expect(suggestion.text).toMatch(/Did you mean/);
    expect(suggestion.quickReplies.at(-1)).toEqual({ label: 'Talk to a person', payload: 'handoff:request' });
    expect((await storedConversation(client)).conversation).toMatchObject({ status: 'bot', misses: 1 });
    const handoff = await client.ask('Tell me a joke about penguins');
    expect(handoff.text).toMatch(/get a person/i);
    const { conversation } = await storedConversation(client);
    expect(conversation.status).toBe('waiting');
    expect(conversation.handoffReason).toMatch(/2 times in a row/);
  });

  it('answers a retried POST (same clientMessageId) once, and tells the client it was a duplicate', async () => {
    const client = await WebchatClient.create(server.url);
    const body = JSON.stringify({
      sessionId: client.sessionId,
      clientMessageId: 'retry-1',
      text: 'where is my parcel?',
    });
    const post = () =>
      fetch(`${server.url}/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const first = await post();
    const second = await post();
    const [third, fourth] = await Promise.all([post(), post()]); // retries racing each other
    expect(first.status).toBe(202);
    const firstBody = (await first.json()) as { messageId: string; duplicate: boolean };
    expect(firstBody.duplicate).toBe(false);
    for (const response of [second, third, fourth]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ messageId: firstBody.messageId, duplicate: true });
    }
    await server.pipeline.drain();
    const { messages } = await storedConversation(client);
    expect(messages.map((m) => m.role)).toEqual(['customer', 'bot']);
  });

  it('keeps the conversation across page loads: the session view returns the history', async () => {
    const client = await WebchatClient.create(server.url);
    await client.ask('where is my parcel?');
    const reloaded = new WebchatClient(server.url, client.sessionId); // a new page with the stored id
    const view = await reloaded.session();
    expect(view.messages.map((m) => m.role)).toEqual(['customer', 'bot']);
    expect(view.messages[0]).toMatchObject({ text: 'where is my parcel?', role: 'customer' });
    expect(view.messages[0]?.clientMessageId).toBeDefined();
  });

  it("never shows an agent's internal note to the customer", async () => {
    const client = await WebchatClient.create(server.url);
    await client.ask('where is my parcel?');
    const { conversation } = await storedConversation(client);
    await server.conversations.appendMessage(conversation, {
      direction: 'out',
      role: 'agent',
      text: 'customer is a reseller, check the contract',
      attachments: [],
      quickReplies: [],
      internal: true,
    });
    const view = await client.session();
    expect(view.messages.map((m) => m.text)).not.toContain('customer is a reseller, check the contract');
    expect(view.messages).toHaveLength(2);
  });
});

describe('web chat stream', () => {
  it('streams the customer echo, the answer and status changes', async () => {
    const client = await WebchatClient.create(server.url);
    const streamUrl = `${server.url}/webchat/sessions/${client.sessionId}/stream`;
    const reading = readEvents(streamUrl, {}, 2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the stream subscribe
    await client.post('where is my parcel?');
    const events = await reading;
    expect(events.map((e) => [e.event, e.data.role])).toEqual([
      ['message', 'customer'],
      ['message', 'bot'],
    ]);
    expect(events[1]?.id).toBe(events[1]?.data.id);
  });

  it('forgets a stream whose client left while the session was being checked', async () => {
    const client = await WebchatClient.create(server.url);
    const get = server.store.get.bind(server.store);
    server.store.get = async (key) => {
      await new Promise((resolve) => setTimeout(resolve, 100)); // a slow store widens the window
      return get(key);
    };
    const webchat = server.channels.get('webchat');
    for (let i = 0; i < 5; i++) {
      const controller = new AbortController();
      const request = fetch(`${server.url}/webchat/sessions/${client.sessionId}/stream`, {
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 20);
      await request.catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.store.get = get;
    expect(webchat?.health().detail).toBe('0 open stream(s)');
  });

  it('replays what was missed after Last-Event-ID, in order', async () => {
    const client = await WebchatClient.create(server.url);
    await client.ask('where is my parcel?');
    await client.ask('我的快递到哪了');
    const view = await client.session();
    const firstAnswer = view.messages[1];
    if (!firstAnswer) throw new Error('no answer');
    const streamUrl = `${server.url}/webchat/sessions/${client.sessionId}/stream`;
    const replayed = await readEvents(streamUrl, { 'Last-Event-ID': firstAnswer.id }, 2);
    expect(replayed.map((e) => e.data.id)).toEqual(view.messages.slice(2).map((m) => m.id));
    const viaQuery = await readEvents(`${streamUrl}?after=${view.messages[2]?.id}`, {}, 1);
    expect(viaQuery.map((e) => e.data.id)).toEqual([view.messages[3]?.id]);
  });
});

describe('web chat bad input', () => {
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  async function expectError(response: Response, status: number, code: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(5);
  }

  it('rejects each bad message with a 4xx and a clear JSON error, stores nothing, and keeps serving', async () => {
    const client = await WebchatClient.create(server.url);
    const valid = { sessionId: client.sessionId, clientMessageId: 'bad-1' };
    await expectError(await post(JSON.stringify({ ...valid, text: '' })), 400, 'text_required');
    await expectError(await post(JSON.stringify({ ...valid, text: ' \n\t ' })), 400, 'text_required');
    await expectError(await post(JSON.stringify({ ...valid, text: 'x'.repeat(4001) })), 400, 'text_too_long');
    await expectError(
      await post(JSON.stringify({ ...valid, text: '📦'.repeat(4001) })),
      400,
      'text_too_long',
    );
    await expectError(await post('{"sessionId": "ws_', 'application/json'), 400, 'invalid_json');
    await expectError(
      await post(JSON.stringify({ ...valid, text: 'hi' }), 'text/plain'),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await post(`sessionId=${client.sessionId}&text=hi`, 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await post(JSON.stringify({ ...valid, text: 'x'.repeat(70_000) })),
      413,
      'payload_too_large',
    );
    await expectError(
      await post(JSON.stringify({ sessionId: client.sessionId, text: 'hi' })),
      400,
      'invalid_request',
    );
    await expectError(
      await post(JSON.stringify({ ...valid, clientMessageId: 'has space', text: 'hi' })),
      400,
      'invalid_request',
    );
    await expectError(await post(JSON.stringify([1, 2, 3])), 400, 'invalid_request');
    await expectError(await post(JSON.stringify({ ...valid, payload: '' })), 400, 'invalid_request');
    await expectError(await post('null'), 400, 'invalid_json'); // strict JSON: objects and arrays only
    await expectError(
      await post(JSON.stringify({ ...valid, sessionId: '../../etc/passwd', text: 'hi' })),
      400,
      'invalid_session_id',
    );
    await expectError(
      await post(JSON.stringify({ ...valid, sessionId: 42, text: 'hi' })),
      400,
      'invalid_request',
    );
    await expectError(
      await post(JSON.stringify({ ...valid, sessionId: 'ws_AAAAAAAAAAAAAAAAAAAAAA', text: 'hi' })),
      404,
      'session_not_found',
    );
    // Nothing was stored half-way: the session still has no conversation.
    expect((await client.session()).conversation).toBeNull();
    // The 4,000-character limit itself is accepted.
    expect(
      (await post(JSON.stringify({ ...valid, clientMessageId: 'ok-1', text: 'x'.repeat(4000) }))).status,
    ).toBe(202);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('rejects malformed and unknown session ids on the read routes', async () => {
    await expectError(await fetch(`${server.url}/webchat/sessions/nope`), 400, 'invalid_session_id');
    await expectError(
      await fetch(`${server.url}/webchat/sessions/ws_AAAAAAAAAAAAAAAAAAAAAA`),
      404,
      'session_not_found',
    );
    await expectError(
      await fetch(`${server.url}/webchat/sessions/ws_AAAAAAAAAAAAAAAAAAAAAA/stream`),
      404,
      'session_not_found',
    );
    await expectError(await fetch(`${server.url}/webchat/sessions/%E0%A4%A`), 400, 'invalid_request');
  });

  it('validates session creation and answers unknown routes with JSON 404', async () => {
    const create = (body: string) =>
      fetch(`${server.url}/webchat/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    await expectError(await create(JSON.stringify({ locale: 'fr' })), 400, 'invalid_request');
    expect((await create(JSON.stringify({ locale: 'en' }))).status).toBe(201);
    expect((await fetch(`${server.url}/webchat/sessions`, { method: 'POST' })).status).toBe(201);
    await expectError(await fetch(`${server.url}/no/such/route`), 404, 'not_found');
  });

  it('answers 503 store_unavailable with Retry-After when the store is gone, and a retry later is not lost', async () => {
    const client = await WebchatClient.create(server.url);
    const original = server.store.setIfAbsent.bind(server.store);
    server.store.setIfAbsent = async () => {
      throw new (await import('../../../src/core/errors.js')).StoreUnavailableError('simulated outage');
    };
    const body = JSON.stringify({
      sessionId: client.sessionId,
      clientMessageId: 'outage-1',
      text: 'where is my parcel?',
    });
    const failed = await post(body);
    await expectError(failed, 503, 'store_unavailable');
    expect(failed.headers.get('retry-after')).toBe('2');
    server.store.setIfAbsent = original;
    expect((await post(body)).status).toBe(202);
    const view = await client.waitForBotMessages(1);
    expect(view.messages.map((m) => m.role)).toEqual(['customer', 'bot']);
  });
});

describe('health', () => {
  it('reports liveness and readiness with store, knowledge and channel state', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      store: { ok: true, backend: 'sqlite' },
      knowledge: { state: 'ready', errors: [] },
      channels: { webchat: { state: 'up' } },
    });
  });

  it('fails liveness when the store can never work again in this process, so the container restarts', async () => {
    server.store.fatalError = () => new Error('the SQLite worker stopped (exit code 1)');
    const live = await fetch(`${server.url}/healthz`);
    expect(live.status).toBe(503);
    expect(await live.json()).toEqual({
      status: 'failed',
      error: 'store: the SQLite worker stopped (exit code 1)',
    });
  });

  it('is not ready when the store does not answer', async () => {
    server.store.ping = async () => {
      throw new Error('down');
    };
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', store: { ok: false, error: 'down' } });
  });

  it('serves the chat page at / with a strict content security policy', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/webchat/chat.js');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect((await fetch(`${server.url}/webchat/chat.js`)).status).toBe(200);
  });
});
