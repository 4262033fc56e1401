/**
 * Redis stopped mid-run (a private redis-server on this machine, skipped without the binary):
 * webhooks get a retryable 503 instead of a guess, nothing is answered twice, the bot never talks
 * over an agent, and the platform's retry is handled once Redis is back.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import nock from 'nock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CUSTOMER,
  DM,
  directMessage,
  FakeSlackApi,
  postEvent,
  SLACK_ENV,
} from '../adapters/slack/slack-kit.js';
import { type RunningSwitchboard, startSwitchboard, tempDir, testConfig } from '../helpers/switchboard.js';

const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;
const WAIT = { timeout: 15_000, interval: 50 };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A redis-server of our own, persisting to an append-only file so a restart keeps the data. */
class PrivateRedis {
  process: ChildProcess | undefined;
  readonly dir = tempDir('redis-');
  constructor(readonly port: number) {}

  async start(): Promise<void> {
    this.process = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--appendonly',
        'yes',
        '--save',
        '',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    while (
      spawnSync('redis-cli', ['-p', String(this.port), 'ping'])
        .stdout?.toString()
        .trim() !== 'PONG'
    ) {
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.process?.once('exit', resolve));
    this.process?.kill('SIGTERM');
    await exited;
  }
}

let redis: PrivateRedis | undefined;
let server: RunningSwitchboard | undefined;

afterEach(async () => {
  await server?.close().catch(() => {});
  await redis?.stop().catch(() => {});
  nock.cleanAll();
});

describe.skipIf(!HAS_REDIS)('Redis outage', () => {
  it('answers 503 while Redis is down, handles the retry once when it is back, and never talks over an agent', async () => {
    const api = new FakeSlackApi();
    redis = new PrivateRedis(await freePort());
    await redis.start();
    server = await startSwitchboard(
      testConfig({ ...SLACK_ENV, STORE_URL: `redis://127.0.0.1:${redis.port}` }),
    );

    expect(
      (await postEvent(server, directMessage('where is my parcel?', { ts: '1767400001.000100' }))).status,
    ).toBe(200);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(1), WAIT);

    await redis.stop();
    const during = directMessage('how long does a refund take?', { ts: '1767400002.000100' });
    const refused = await postEvent(server, during);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBeTruthy();

    await redis.start();
    // Slack retries the event (same event_id, X-Slack-Retry-Num); the store is back.
    await vi.waitFor(async () => {
      const retried = await postEvent(server as RunningSwitchboard, during, {
        headers: { 'X-Slack-Retry-Num': '1' },
      });
      expect(retried.status).toBe(200);
    }, WAIT);
    await vi.waitFor(() => expect(api.posts()).toHaveLength(2), WAIT);
    // A second retry of the same event is recognised: still two answers.
    expect((await postEvent(server, during, { headers: { 'X-Slack-Retry-Num': '2' } })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.posts()).toHaveLength(2);

    // A person takes over; Redis goes away again while the customer writes to them.
    expect(
      (await postEvent(server, directMessage('I want to talk to a person', { ts: '1767400003.000100' })))
        .status,
    ).toBe(200);
    const conversation = await vi.waitFor(async () => {
      const open = await server?.conversations.findOpenConversation({
        channel: 'slack',
        chatId: DM,
        userId: CUSTOMER,
      });
      if (!open?.agentThread) throw new Error('no agent thread yet');
      return open;
    }, WAIT);
    await server.conversations.updateConversation(conversation, { status: 'agent', assignee: 'U0AGENT001' });
    // The customer has the handoff reply; from here on only the agent may answer.
    await vi.waitFor(() => expect(api.posts()).toHaveLength(3), WAIT);
    await redis.stop();
    const toAgent = directMessage('are you still there?', { ts: '1767400004.000100' });
    expect((await postEvent(server, toAgent)).status).toBe(503);
    await redis.start();
    await vi.waitFor(async () => {
      const retried = await postEvent(server as RunningSwitchboard, toAgent, {
        headers: { 'X-Slack-Retry-Num': '1' },
      });
      expect(retried.status).toBe(200);
    }, WAIT);
    // The message reaches the agents' thread; the bot never answers over the agent.
    await vi.waitFor(() => expect(JSON.stringify(api.deskPosts())).toContain('are you still there?'), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.posts()).toHaveLength(3);
  }, 60_000);
});
