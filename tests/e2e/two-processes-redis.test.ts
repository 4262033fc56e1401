/**
 * Two Switchboard server processes on one real Redis (run when REDIS_URL is set; `.ci/run` sets
 * it), Slack's Web API stood in by a local stub: any instance can take any webhook. The same
 * Slack event delivered to both at once is answered once, and two agents claiming at once on
 * different instances get one owner.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from '@redis/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PlatformStub, startPlatformStub } from '../../bench/platform-stub.js';
import type { KeyValueStore } from '../../src/core/store/key-value.js';
import { openStore } from '../../src/core/store/open-store.js';
import {
  AGENT_CHANNEL,
  cardPress,
  directMessage,
  postEvent,
  postInteraction,
  SLACK_ENV,
} from '../adapters/slack/slack-kit.js';
import type { RunningSwitchboard } from '../helpers/switchboard.js';

const REDIS_URL = process.env.REDIS_URL;
const WAIT = { timeout: 15_000, interval: 50 };

interface Instance {
  process: ChildProcess;
  url: string;
}

let stub: PlatformStub;
/** The processes' store, read directly to know when they have written something. */
let store: KeyValueStore;
let instances: Instance[] = [];
/** Every Web API call in arrival order; the stub's ts for call n is 1700000000.<n>. */
const calls: Array<{ method: string; body: Record<string, unknown> }> = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startInstance(env: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await vi.waitFor(async () => expect((await fetch(`${url}/healthz`)).ok).toBe(true), {
    timeout: 30_000,
    interval: 100,
  });
  return { process: child, url };
}

/** postEvent and friends take a running server; an instance is one by its URL. */
const asServer = (instance: Instance | undefined) => ({ url: instance?.url ?? '' }) as RunningSwitchboard;

describe.skipIf(!REDIS_URL)('two server processes on one Redis', () => {
  beforeAll(async () => {
    stub = await startPlatformStub();
    stub.onCall((method, body) => void calls.push({ method, body }));
    // Database 5 keeps these processes' default namespace apart from other users of the server.
    const storeUrl = new URL(REDIS_URL ?? '');
    storeUrl.pathname = '/5';
    // The database is this test's alone: start it empty (earlier runs' dedupe claims and threads).
    const admin = createClient({ url: storeUrl.href });
    await admin.connect();
    await admin.flushDb();
    admin.destroy();
    store = await openStore(storeUrl.href);
    const env = { ...SLACK_ENV, SLACK_API_URL: `${stub.url}/api/`, STORE_URL: storeUrl.href };
    instances = await Promise.all([startInstance(env), startInstance(env)]);
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) instance.process.kill('SIGTERM');
    await Promise.all(instances.map((i) => new Promise((resolve) => i.process.once('exit', resolve))));
    await stub?.close();
    await store?.close();
  });

  // A DM channel of its own each run: the store outlives the test.
  const dm = () => `D${randomBytes(5).toString('hex').toUpperCase()}`;
  const ts = () => `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}`;
  const postsTo = (channel: string) =>
    calls.filter((call) => call.method === 'chat.postMessage' && call.body.channel === channel);

  it('answers the same Slack event once when both processes get it at the same moment', async () => {
    const channel = dm();
    const event = directMessage('where is my parcel?', { ts: ts(), extra: { channel } });
    const answers = await Promise.all(instances.map((instance) => postEvent(asServer(instance), event)));
    expect(answers.map((response) => response.status)).toEqual([200, 200]);
    await vi.waitFor(() => expect(postsTo(channel)).toHaveLength(1), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(postsTo(channel)).toHaveLength(1);
  }, 30_000);

  it('gives a conversation one owner when two agents claim it on different processes at once', async () => {
    const channel = dm();
    const [first, second] = instances;
    const before = calls.length;
    expect(
      (
        await postEvent(
          asServer(first),
          directMessage('I want to talk to a person', { ts: ts(), extra: { channel } }),
        )
      ).status,
    ).toBe(200);
    await vi.waitFor(
      () =>
        expect(
          calls
            .slice(before)
            .some((c) => c.method === 'chat.postMessage' && c.body.channel === AGENT_CHANNEL),
        ).toBe(true),
      WAIT,
    );
    const cardIndex = calls.findIndex(
      (c, i) => i >= before && c.method === 'chat.postMessage' && c.body.channel === AGENT_CHANNEL,
    );
    const cardTs = `1700000000.${String(cardIndex + 1).padStart(6, '0')}`;
    // The thread is stored once the card's post returned: wait until the shared store has it.
    await vi.waitFor(
      async () => expect(await store.get(`thread:slack:${AGENT_CHANNEL}:${cardTs}`)).toBeDefined(),
      WAIT,
    );
    const presses = await Promise.all([
      postInteraction(
        asServer(first),
        cardPress('switchboard_desk_claim', { cardTs, user: 'U0AGENT001', actionTs: ts(), value: 'claim' }),
      ),
      postInteraction(
        asServer(second),
        cardPress('switchboard_desk_claim', { cardTs, user: 'U0AGENT002', actionTs: ts(), value: 'claim' }),
      ),
    ]);
    expect(presses.map((response) => response.status)).toEqual([200, 200]);
    await vi.waitFor(
      () =>
        expect(
          calls.filter((c) => c.method === 'chat.postEphemeral' && c.body.thread_ts === cardTs),
        ).toHaveLength(1),
      WAIT,
    );
    const refusal = calls.find((c) => c.method === 'chat.postEphemeral' && c.body.thread_ts === cardTs);
    expect(String(refusal?.body.text)).toMatch(/^Already claimed by <@U0AGENT00[12]>\.$/);
  }, 40_000);
});
