/**
 * The checker over a real SQLite store: alerts reach the agents' channel once per incident, survive
 * a restart without repeating, and clear with a recovery message.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertChecker, type AlertCheckerDeps } from '../../../src/core/alerts/alert-checker.js';
import { HandoffCounts } from '../../../src/core/alerts/handoff-counts.js';
import type { ChannelHealth } from '../../../src/core/channel.js';
import type { AgentDesk } from '../../../src/core/desk/agent-desk.js';
import { WaitingQueue } from '../../../src/core/desk/waiting-queue.js';
import { liveQueue } from '../../../src/core/reports/live-queue.js';
import { ConversationStore } from '../../../src/core/store/conversation-store.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { tempDir } from '../../helpers/switchboard.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const START = Date.parse('2026-03-09T10:30:00Z');
let now = START;
const clock = { now: () => now };
let kv: KeyValueStore;
let posted: string[];
let wechat: ChannelHealth;
let knowledge: { state: string; errors: string[] };
let queue: WaitingQueue;
let announce: (text: string) => Promise<void>;

const desk = {
  name: 'slack',
  health: (): ChannelHealth => ({ state: 'up' }),
  announce: (text: string) => announce(text),
} as unknown as AgentDesk;

function checker(extra: Partial<AlertCheckerDeps> = {}): AlertChecker {
  const conversations = new ConversationStore(kv, clock);
  return new AlertChecker({
    kv,
    clock,
    logger: pino({ level: 'silent' }),
    desk: () => desk,
    channels: new Map([['wechat', { health: () => wechat }]]),
    knowledge: { status: () => knowledge },
    handoffCounts: new HandoffCounts(kv, clock, 7),
    queue: () =>
      liveQueue({ conversations, queue, clock, sla: { remindAfterMs: 2 * MIN, escalateAfterMs: 10 * MIN } }),
    settings: {
      handoffRate: { factor: 2, minConversations: 10, minHandoffs: 5 },
      slaBreaches: 3,
      csat: { drop: 0.5, minRatings: 5 },
      csatBaselineDays: 7,
      channelDownMs: 2 * MIN,
    },
    ...extra,
  });
}

beforeEach(async () => {
  now = START;
  kv = await openStore(`sqlite://${join(tempDir(), 'alerts.sqlite')}`, { clock });
  posted = [];
  announce = async (text) => {
    posted.push(text);
  };
  wechat = { state: 'up' };
  knowledge = { state: 'ready', errors: [] };
  queue = new WaitingQueue(kv);
});

afterEach(async () => {
  await kv.close();
});

describe('alert checker', () => {
  it('a channel down longer than channelDownMs: one alert, none after a restart, one recovery', async () => {
    const first = checker();
    wechat = { state: 'down', detail: 'logged out; scan a new QR code' };
    await first.tick();
    now += MIN;
    await first.tick();
    expect(posted).toEqual([]); // a minute down may be a reconnect

    now += 2 * MIN;
    await first.tick();
    now += MIN;
    await first.tick();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain('wechat is down: logged out');

    const afterRestart = checker();
    now += MIN;
    expect(await afterRestart.tick()).toEqual([]);

    wechat = { state: 'up', detail: 'logged in as Shop' };
    now += MIN;
    await afterRestart.tick();
    await afterRestart.tick();
    expect(posted).toHaveLength(2);
    expect(posted[1]).toMatch(/wechat is up again.*after 6 min/);
  });

  it('a rejected knowledge edit alerts at once and recovers on the next clean reload', async () => {
    const alerts = checker();
    knowledge = { state: 'stale', errors: ['faq.yaml:4:3 entries[0].answer: required'] };
    await alerts.tick();
    await alerts.tick();
    knowledge = { state: 'ready', errors: [] };
    await alerts.tick();
    expect(posted).toEqual([
      expect.stringContaining('faq.yaml:4:3 entries[0].answer: required'),
      expect.stringContaining('knowledge base reloaded cleanly'),
    ]);
  });

  it('many conversations past the escalation time make one SLA incident', async () => {
    const alerts = checker();
    const since = new Date(now - 15 * MIN).toISOString();
    for (const id of ['c1', 'c2', 'c3'])
      await queue.add({ conversationId: id, priority: 'normal', vip: false, since });
    await queue.add({
      conversationId: 'c4',
      priority: 'normal',
      vip: false,
      since: new Date(now).toISOString(),
    });
    await alerts.tick();
    await alerts.tick();
    expect(posted).toEqual([expect.stringContaining('3 conversations have waited past the escalation time')]);
    await queue.remove('c1');
    await alerts.tick();
    expect(posted[1]).toContain('back within its SLA');
  });

  it('handoff rate: this hour against the same hour of the last 7 days', async () => {
    const counts = new HandoffCounts(kv, clock, 7);
    const at = now;
    // 10 % at this hour over the last week: 10 conversations and 1 handoff a day.
    for (let day = 1; day <= 7; day++) {
      now = at - day * DAY;
      for (let i = 0; i < 10; i++) await counts.add('conversations');
      await counts.add('handoffs');
    }
    // An hour earlier today does not count as "this hour".
    now = at - HOUR;
    for (let i = 0; i < 10; i++) await counts.add('handoffs');
    now = at;
    for (let i = 0; i < 12; i++) await counts.add('conversations');
    for (let i = 0; i < 4; i++) await counts.add('handoffs');
    const alerts = checker();
    await alerts.tick();
    expect(posted).toEqual([]); // 4 of 12 handoffs: above 2x, but below the 5-handoff minimum
    await counts.add('handoffs');
    await alerts.tick();
    expect(posted).toEqual([
      expect.stringContaining('Handoff rate is 42 % this hour (5 of 12 conversations)'),
    ]);
  });

  it('CSAT dropping, from the metrics figures', async () => {
    const calls: string[] = [];
    const alerts = checker({
      figures: async (from, to) => {
        calls.push(`${from}..${to}`);
        const recent = from === '2026-03-08';
        return { csat: recent ? { n: 6, average: 3.2 } : { n: 50, average: 4.5 } } as never;
      },
    });
    await alerts.tick();
    expect(calls.sort()).toEqual(['2026-03-01..2026-03-07', '2026-03-08..2026-03-09']);
    expect(posted).toEqual([
      expect.stringContaining('Customer satisfaction is dropping: 3.20/5 from 6 ratings'),
    ]);
  });

  it('an alert the desk cannot post is still logged and not retried every check', async () => {
    let attempts = 0;
    announce = async () => {
      attempts++;
      throw new Error('slack: token_revoked');
    };
    const alerts = checker();
    knowledge = { state: 'failed', errors: ['x'] };
    expect(await alerts.tick()).toHaveLength(1);
    expect(await alerts.tick()).toHaveLength(0);
    expect(attempts).toBe(1);
  });
});
