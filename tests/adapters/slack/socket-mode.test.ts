/**
 * Socket Mode without Slack: apps.connections.open (on the fake Web API) hands out the address of
 * a local websocket server that plays Slack's side — hello, envelopes, and reading the acks.
 */
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import type { RunningSwitchboard } from '../../helpers/switchboard.js';
import {
  AGENT_CHANNEL,
  buttonPress,
  DM,
  directMessage,
  FakeSlackApi,
  fixture,
  startSlackSwitchboard,
} from './slack-kit.js';

const WAIT = { timeout: 10_000, interval: 20 };
const APP_TOKEN = 'xapp-1-A123ABC456-test';

let api: FakeSlackApi;
let slack: WebSocketServer;
let socket: WebSocket | undefined;
let server: RunningSwitchboard | undefined;
const acks: string[] = [];

beforeEach(async () => {
  acks.length = 0;
  slack = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => slack.once('listening', resolve));
  slack.on('connection', (connection) => {
    socket = connection;
    connection.on('message', (data) => acks.push(JSON.parse(String(data)).envelope_id));
    connection.send(JSON.stringify({ type: 'hello', num_connections: 1 }));
  });
  const { port } = slack.address() as AddressInfo;
  api = new FakeSlackApi({ socketUrl: `ws://127.0.0.1:${port}/link` });
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise((resolve) => slack.close(resolve));
  nock.cleanAll();
});

/** Socket Mode only: no signing secret, so no HTTP routes. */
async function start(): Promise<RunningSwitchboard> {
  server = await startSlackSwitchboard({ SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: APP_TOKEN });
  return server;
}

function envelope(id: string, type: string, payload: unknown) {
  socket?.send(
    JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: false, retry_attempt: 0 }),
  );
}

describe('Slack Socket Mode', () => {
  it('is chosen when SLACK_APP_TOKEN is set: it opens the socket with the app token and serves no HTTP route', async () => {
    const running = await start();
    const opened = api.calls.filter((call) => call.method === 'apps.connections.open');
    expect(opened.map((call) => call.authorization)).toEqual([`Bearer ${APP_TOKEN}`]);
    expect(running.channels.get('slack')?.health()).toMatchObject({
      state: 'up',
      detail: expect.stringMatching(/Socket Mode/),
    });
    const response = await fetch(`${running.url}/webhooks/slack/events`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
  });

  it('puts events through the same parse path, acks them once recorded, and answers over the Web API', async () => {
    const running = await start();
    envelope('env-1', 'events_api', directMessage('where is my parcel?', { ts: '1767300000.000001' }));
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    expect(acks).toContain('env-1');
    expect(api.posts()[0]).toMatchObject({ channel: DM });
    const conversation = await running.conversations.findOpenConversation({
      channel: 'slack',
      chatId: DM,
      userId: 'U061F7AUR',
    });
    expect(conversation?.lastIntent).toBe('order.track');

    // The same filters as HTTP: a redelivery is a duplicate, a bot's message is dropped; both are acked.
    envelope('env-2', 'events_api', directMessage('where is my parcel?', { ts: '1767300000.000001' }));
    envelope('env-3', 'events_api', fixture('event_bot_message.json'));
    await vi.waitFor(() => expect(acks).toEqual(expect.arrayContaining(['env-2', 'env-3'])), WAIT);
    expect(api.posts()).toHaveLength(1);
  });

  it('takes button presses from interactive envelopes', async () => {
    await start();
    envelope('env-4', 'interactive', buttonPress('kb:order.track', 'Track my order', '1767300003.1'));
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);
    expect(acks).toContain('env-4');
  });

  it('carries the agent desk too: a thread reply and a Claim press in the agent channel', async () => {
    const running = await start();
    envelope('env-5', 'events_api', directMessage('talk to a human', { ts: '1767300000.000005' }));
    await vi.waitFor(() => expect(api.deskPosts()).toHaveLength(1), WAIT);
    const address = { channel: 'slack' as const, chatId: DM, userId: 'U061F7AUR' };
    const threadTs = await vi.waitFor(async () => {
      const open = await running.conversations.findOpenConversation(address);
      const thread = open?.agentThread as { threadId?: string } | undefined;
      if (!thread?.threadId) throw new Error('no thread yet');
      return thread.threadId;
    }, WAIT);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT); // the handoff message
    const reply = fixture('event_thread_reply_agent.json');
    reply.event.thread_ts = threadTs;
    envelope('env-6', 'events_api', reply);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(2), WAIT);
    expect(api.posts()[1]).toMatchObject({
      channel: DM,
      text: "Hi, I'm Lin from support. I've refunded order #1234.",
    });
    const pressed = buttonPress('x', 'Claim', '1767300006.1');
    const claim = {
      ...pressed,
      channel: { id: AGENT_CHANNEL, name: 'support-desk' },
      message: { ...pressed.message, ts: threadTs },
      user: { ...pressed.user, id: 'U0AGENT002' },
      actions: pressed.actions.map((action) => ({ ...action, action_id: 'switchboard_desk_claim' })),
    };
    envelope('env-7', 'interactive', claim);
    await vi.waitFor(() => expect(api.succeeded('chat.postEphemeral')).toHaveLength(1), WAIT);
    expect(api.succeeded('chat.postEphemeral')[0]?.text).toBe('Already claimed by <@U0AGENT001>.');
    expect(acks).toEqual(expect.arrayContaining(['env-5', 'env-6', 'env-7']));
  });

  it('reports down while the socket is gone', async () => {
    const running = await start();
    socket?.terminate();
    await vi.waitFor(() => expect(running.channels.get('slack')?.health().state).toBe('down'), WAIT);
  });
});
