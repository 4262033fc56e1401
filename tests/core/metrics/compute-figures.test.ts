import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/core/metrics/build-report.js';
import { computeFigures } from '../../../src/core/metrics/compute-figures.js';
import { loadRecords } from '../../../src/core/metrics/load-records.js';
import { address, SeededStore } from './seed-store.js';

let seed: SeededStore;

beforeEach(async () => {
  seed = await SeededStore.open();
});
afterEach(async () => {
  await seed.close();
});

/**
 * Five conversations whose figures are worked out by hand:
 *   A webchat  bot answers in 2 s, closed by the bot after 10 min, CSAT 5 (repeated by E)
 *   B telegram bot answers in 4 s and hands off (customer-request); an agent writes 120 s later;
 *              closed by the agent after 30 min, CSAT 2
 *   C webchat  bot answers in 1 s (delivery failed), hands off (no-match), nobody joins, abandoned after 1 h
 *   D telegram bot answers in 3 s, still open
 *   E webchat  the next day, customer A again on the same intent: contained, closed after 5 min
 */
async function seedFiveConversations() {
  const a = await seed.at('2024-05-01T08:00:00Z').opens(address('webchat', 'alice'), 'where is my parcel');
  await seed.after(2_000).says(
    a,
    'bot',
    'in your orders',
    { kbEntryId: 'order.track', confidence: 0.9 },
    {
      lastIntent: 'order.track',
    },
  );
  await seed.after(598_000).closes(a, { resolution: 'bot', csat: 5 });

  const b = await seed.at('2024-05-01T09:00:00Z').opens(address('telegram', 'bob'), 'talk to a human');
  await seed.after(4_000).says(b, 'bot', 'getting a person', {}, { lastIntent: 'human.request' });
  await seed.handsOff(b, 'customer-request');
  await seed.after(60_000).agentJoins(b);
  await seed.says(b, 'agent', 'internal: VIP', { internal: true });
  await seed.after(60_000).says(b, 'agent', 'hello, I am Li');
  await seed.after(1_000).says(b, 'customer', 'thanks');
  await seed.at('2024-05-01T09:30:00Z').closes(b, { resolution: 'agent', csat: 2 });

  const c = await seed.at('2024-05-01T10:00:00Z').opens(address('webchat', 'carol'), 'bitcoin?');
  await seed.after(1_000).says(c, 'bot', 'not sure', {
    delivery: { status: 'failed', error: 'gone', at: '2024-05-01T10:00:02Z' },
  });
  await seed.handsOff(c, 'no-match');
  await seed.at('2024-05-01T11:00:01Z').closes(c, {});

  const d = await seed.at('2024-05-01T11:00:00Z').opens(address('telegram', 'dave'), 'hi');
  await seed.after(3_000).says(d, 'bot', 'hello', {}, { lastIntent: 'greeting' });

  const e = await seed.at('2024-05-02T12:00:00Z').opens(address('webchat', 'alice'), 'parcel again');
  await seed.after(2_000).says(
    e,
    'bot',
    'in your orders',
    { kbEntryId: 'order.track' },
    {
      lastIntent: 'order.track',
    },
  );
  await seed.after(298_000).closes(e, { resolution: 'bot' });
}

describe('figures from a seeded store', () => {
  it('computes every figure with the answers worked out by hand', async () => {
    await seedFiveConversations();
    const records = await loadRecords(seed.conversations, { from: '2024-05-01', to: '2024-05-02' });
    expect(computeFigures(records)).toEqual({
      conversations: 5,
      messagesIn: 6,
      messagesOut: 6,
      sendFailures: 1,
      handoffs: 2,
      handoffRate: 0.4,
      handoffReasons: { 'customer-request': 1, 'no-match': 1 },
      botContained: 2,
      containmentRate: 0.5,
      closed: 4,
      abandoned: 1,
      abandonmentRate: 0.25,
      // A is repeated by E within 7 days; B and E are not; C has no intent and is not counted.
      fcrRate: 0.6667,
      firstResponseMs: { n: 5, avg: 2400, p50: 2000, p90: 4000 },
      agentFirstResponseMs: { n: 1, avg: 120_000, p50: 120_000, p90: 120_000 },
      resolutionMs: { n: 4, avg: 1_575_250, p50: 600_000, p90: 3_601_000 },
      csat: { n: 2, average: 3.5, distribution: { '1': 0, '2': 1, '3': 0, '4': 0, '5': 1 } },
    });
  });

  it('splits the figures by day, channel and intent', async () => {
    await seedFiveConversations();
    const range = { from: '2024-04-30', to: '2024-05-02' };
    const report = buildReport(range, await loadRecords(seed.conversations, range));
    expect(report.days.map(({ date, conversations }) => [date, conversations])).toEqual([
      ['2024-04-30', 0],
      ['2024-05-01', 4],
      ['2024-05-02', 1],
    ]);
    expect(report.days[0]).toMatchObject({ handoffRate: null, fcrRate: null, csat: { average: null } });
    expect(Object.keys(report.byChannel)).toEqual(['telegram', 'webchat']);
    expect(report.byChannel.webchat).toMatchObject({ conversations: 3, handoffs: 1, sendFailures: 1 });
    expect(report.byChannel.telegram).toMatchObject({ conversations: 2, closed: 1, containmentRate: 0 });
    expect(Object.keys(report.byIntent)).toEqual(['greeting', 'human.request', 'order.track']);
    expect(report.byIntent['order.track']).toMatchObject({ conversations: 2, fcrRate: 0.5, botContained: 2 });
  });

  it('reads only the days asked for', async () => {
    await seedFiveConversations();
    const records = await loadRecords(seed.conversations, { from: '2024-05-02', to: '2024-05-02' });
    expect(records.map((r) => r.conversation.openedAt)).toEqual(['2024-05-02T12:00:00.000Z']);
    // The look-ahead for first-contact resolution still sees the customer's whole history.
    expect(records[0]?.customerConversations).toHaveLength(2);
  });
});
