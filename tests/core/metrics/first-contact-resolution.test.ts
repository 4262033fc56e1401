import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { computeFigures } from '../../../src/core/metrics/compute-figures.js';
import { loadRecords } from '../../../src/core/metrics/load-records.js';
import type { Address, Conversation } from '../../../src/core/model.js';
import { address, SeededStore } from './seed-store.js';

let seed: SeededStore;

beforeEach(async () => {
  seed = await SeededStore.open();
});
afterEach(async () => {
  await seed.close();
});

const wechat = address('wechat', 'wxid_zhangwei');
const telegram = address('telegram', '42');

/** A conversation the bot answered on `intent` and closed five minutes later. */
async function resolvedByBot(at: string, where: Address, intent: string): Promise<Conversation> {
  const conversation = await seed.at(at).opens(where, 'question');
  await seed.after(1_000).says(conversation, 'bot', 'answer', { kbEntryId: intent }, { lastIntent: intent });
  return seed.after(299_000).closes(conversation, { resolution: 'bot' });
}

async function fcrRate(): Promise<number | null> {
  const records = await loadRecords(seed.conversations, { from: '2024-05-01', to: '2024-05-31' });
  return computeFigures(records.filter((r) => r.conversation.openedAt.startsWith('2024-05-01'))).fcrRate;
}

describe('first-contact resolution', () => {
  it('counts a linked customer coming back on another channel, on the same intent, as not resolved', async () => {
    await resolvedByBot('2024-05-01T08:00:00Z', wechat, 'refund.time');
    await resolvedByBot('2024-05-04T08:00:00Z', telegram, 'refund.time');
    expect(await fcrRate()).toBe(1);

    // The Telegram user gives the same phone number: one person, so the first contact failed.
    const first = await seed.customer(wechat);
    const second = await seed.customer(telegram);
    await seed.conversations.mergeCustomer(second.id, first.id, 'phone');
    expect(await fcrRate()).toBe(0);
  });

  it('counts it resolved when the customer comes back on another intent, or after 7 days', async () => {
    await resolvedByBot('2024-05-01T08:00:00Z', wechat, 'refund.time');
    await resolvedByBot('2024-05-02T08:00:00Z', wechat, 'order.track');
    await resolvedByBot('2024-05-08T08:06:00Z', wechat, 'refund.time');
    expect(await fcrRate()).toBe(1);
  });

  it('counts another customer asking the same thing as no repeat', async () => {
    await resolvedByBot('2024-05-01T08:00:00Z', wechat, 'refund.time');
    await resolvedByBot('2024-05-01T09:00:00Z', address('wechat', 'wxid_other'), 'refund.time');
    expect(await fcrRate()).toBe(1);
  });
});
