/**
 * GET /admin/api/queue on a real server: customers hand off through the web chat, one is claimed,
 * and the queue shows who waits, for how long against the SLA, and who is with whom.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveQueue } from '../../src/core/reports/live-queue.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const TOKEN = 'a-long-admin-token-for-tests';
let switchboard: RunningSwitchboard | undefined;

afterEach(async () => {
  await switchboard?.close();
  switchboard = undefined;
});

async function queue(token = TOKEN): Promise<{ status: number; body: LiveQueue }> {
  const response = await fetch(`${switchboard?.url}/admin/api/queue`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as LiveQueue };
}

describe('GET /admin/api/queue', () => {
  it('needs the admin token', async () => {
    switchboard = await startSwitchboard(testConfig({ ADMIN_TOKEN: TOKEN }));
    expect((await queue('wrong-token-but-long-enough')).status).toBe(401);
    expect((await fetch(`${switchboard.url}/admin/api/queue`)).status).toBe(401);
  });

  it('is off without ADMIN_TOKEN', async () => {
    switchboard = await startSwitchboard(testConfig());
    expect((await queue()).status).toBe(503);
  });

  it('lists waiting conversations in order with their SLA state, and claimed ones with their agent', async () => {
    let now = Date.parse('2026-03-09T10:00:00Z');
    switchboard = await startSwitchboard(testConfig({ ADMIN_TOKEN: TOKEN }), { clock: { now: () => now } });
    const first = await WebchatClient.create(switchboard.url);
    await first.ask('I want to talk to a human');
    now += 3 * 60_000;
    const second = await WebchatClient.create(switchboard.url);
    await second.ask('转人工');
    now += 60_000;

    const { status, body } = await queue();
    expect(status).toBe(200);
    expect(body.waiting).toHaveLength(2);
    expect(body.waiting[0]).toMatchObject({
      position: 1,
      channel: 'webchat',
      priority: 'normal',
      ticket: expect.stringMatching(/^[2-9A-Z]{4,6}$/),
      waitedSeconds: 240,
      sla: 'reminded', // past desk.remindAfterSeconds (120)
    });
    expect(body.waiting[1]).toMatchObject({ position: 2, waitedSeconds: 60, sla: 'ok' });
    expect(body.claimed).toEqual([]);

    now += 10 * 60_000;
    expect((await queue()).body.waiting.map((w) => w.sla)).toEqual(['breached', 'breached']);

    // An agent claims the first one (as DeskService does on a Claim press).
    const { conversations, desk } = switchboard;
    const id = body.waiting[0]?.conversationId ?? '';
    const conversation = await conversations.getConversation(id);
    if (!conversation) throw new Error('seeded conversation missing');
    await desk.queue.remove(id);
    await conversations.updateConversation(conversation, {
      status: 'agent',
      assignee: 'U024BE7LH',
      assigneeName: 'Mei',
      agentJoinedAt: new Date(now).toISOString(),
    });
    const after = (await queue()).body;
    expect(after.waiting).toHaveLength(1);
    expect(after.waiting[0]?.position).toBe(1);
    expect(after.claimed).toEqual([
      expect.objectContaining({
        conversationId: id,
        assignee: 'Mei',
        ticket: body.waiting[0]?.ticket,
        waitedSeconds: 840,
      }),
    ]);
  });
});
