import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LiveMetrics } from '../../../src/core/metrics/live-metrics.js';
import { address, SeededStore } from './seed-store.js';

let seed: SeededStore;
let live: LiveMetrics;

beforeEach(async () => {
  seed = await SeededStore.open();
  live = new LiveMetrics({ conversations: seed.conversations, clock: seed.clock });
});
afterEach(async () => {
  live.stop();
  await seed.close();
});

/** A metric's samples as flat objects; a histogram's samples carry their series name (`…_sum`). */
async function values(name: string) {
  const metric = await live.registry.getSingleMetric(`switchboard_${name}`)?.get();
  const samples = (metric?.values ?? []) as Array<{ labels: object; value: number; metricName?: string }>;
  return samples.map(({ labels, value, metricName }) => ({
    ...labels,
    value,
    ...(metricName ? { metricName } : {}),
  }));
}

describe('live Prometheus metrics', () => {
  it('counts handoffs by cause and intent, times the agent, and labels closes by outcome', async () => {
    const waiting = await seed
      .at('2024-05-01T09:00:00Z')
      .opens(address('telegram', 'bob'), 'a person please');
    await seed.after(2_000).says(waiting, 'bot', 'getting one', {}, { lastIntent: 'human.request' });
    await seed.handsOff(waiting, 'customer-request');
    await seed.after(30_000).agentJoins(waiting);
    await seed.says(waiting, 'agent', 'a note', { internal: true });
    await seed.after(60_000).says(waiting, 'agent', 'hello');
    await seed.after(60_000).closes(waiting, { resolution: 'agent' });

    const left = await seed.at('2024-05-01T10:00:00Z').opens(address('webchat', 'carol'), '???');
    await seed.handsOff(left, 'no-match');
    await seed.after(3_600_000).closes(left, { resolution: 'abandoned' });

    const answered = await seed.at('2024-05-01T11:00:00Z').opens(address('webchat', 'dan'), 'parcel');
    await seed
      .after(500)
      .says(answered, 'bot', 'here', { kbEntryId: 'order.track' }, { lastIntent: 'order.track' });
    await seed.after(60_000).closes(answered, { resolution: 'bot' });
    live.sendFailed('webchat');

    expect(await values('handoffs_total')).toEqual([
      { channel: 'telegram', intent: 'human.request', cause: 'customer-request', value: 1 },
      { channel: 'webchat', intent: 'none', cause: 'no-match', value: 1 },
    ]);
    expect(await values('conversations_closed_total')).toEqual([
      { channel: 'telegram', intent: 'human.request', outcome: 'handed-off', value: 1 },
      { channel: 'webchat', intent: 'none', outcome: 'abandoned', value: 1 },
      { channel: 'webchat', intent: 'order.track', outcome: 'bot-contained', value: 1 },
    ]);
    // Internal notes are never sent: not counted, and not the agent's first response.
    expect(await values('messages_total')).toContainEqual({
      channel: 'telegram',
      direction: 'out',
      role: 'agent',
      value: 1,
    });
    expect(await values('agent_first_response_seconds')).toContainEqual({
      channel: 'telegram',
      metricName: 'switchboard_agent_first_response_seconds_sum',
      value: 90,
    });
    expect(await values('first_response_seconds')).toContainEqual({
      channel: 'webchat',
      metricName: 'switchboard_first_response_seconds_sum',
      value: 0.5,
    });
    expect(await values('resolution_seconds')).toContainEqual({
      channel: 'webchat',
      metricName: 'switchboard_resolution_seconds_count',
      value: 2,
    });
    expect(await values('send_failures_total')).toEqual([{ channel: 'webchat', value: 1 }]);
  });
});
