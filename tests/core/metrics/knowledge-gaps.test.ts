import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { groupGaps } from '../../../src/core/metrics/group-gaps.js';
import { GAPS_PER_DAY, type KnowledgeGap, KnowledgeGaps } from '../../../src/core/metrics/knowledge-gaps.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { knowledgeFileSchema } from '../../../src/knowledge/schema.js';

let kv: KeyValueStore;
let now = Date.parse('2024-05-01T08:00:00Z');
let gaps: KnowledgeGaps;

beforeEach(async () => {
  kv = await openStore('sqlite://:memory:');
  gaps = new KnowledgeGaps({ kv, clock: { now: () => now }, logger: pino({ level: 'silent' }) });
});
afterEach(async () => {
  await kv.close();
});

function gap(text: string, extra: Partial<KnowledgeGap> = {}): KnowledgeGap {
  now += 1_000;
  return { at: new Date(now).toISOString(), conversationId: 'conv_x', channel: 'webchat', text, ...extra };
}

describe('knowledge gaps', () => {
  it('keeps each day’s gaps, up to a cap, and reads them back by range', async () => {
    await gaps.record({
      conversationId: 'conv_1',
      channel: 'telegram',
      text: 'do you take [phone]',
      bestEntry: 'payment.methods',
      bestScore: 0.31,
    });
    now = Date.parse('2024-05-02T08:00:00Z');
    for (let i = 0; i < GAPS_PER_DAY + 5; i++)
      await gaps.record({ conversationId: 'conv_2', channel: 'webchat', text: `q${i}` });
    const firstDay = await gaps.inRange({ from: '2024-05-01', to: '2024-05-01' });
    expect(firstDay).toEqual([
      {
        at: '2024-05-01T08:00:00.000Z',
        conversationId: 'conv_1',
        channel: 'telegram',
        text: 'do you take [phone]',
        bestEntry: 'payment.methods',
        bestScore: 0.31,
      },
    ]);
    expect(await gaps.inRange({ from: '2024-05-01', to: '2024-05-03' })).toHaveLength(1 + GAPS_PER_DAY);
  });

  it('groups similar questions, ranks them by count, and offers a valid knowledge entry', () => {
    const groups = groupGaps([
      gap('Can I pay with Bitcoin?', { bestEntry: 'payment.methods', bestScore: 0.4 }),
      gap('can i pay with bitcoin', { bestEntry: 'payment.methods', bestScore: 0.45, channel: 'telegram' }),
      gap('Can I pay with bitcoins please', { bestEntry: 'payment.methods', bestScore: 0.3 }),
      gap('可以用比特币付款吗'),
      gap('可以用比特币付款吗？'),
      gap('do you sell gift cards'),
      // Same words, but the knowledge base leaned elsewhere: another group.
      gap('can I pay with bitcoin', { bestEntry: 'refund.time', bestScore: 0.2 }),
    ]);
    expect(groups.map(({ text, count }) => [text, count])).toEqual([
      ['Can I pay with Bitcoin?', 3],
      ['可以用比特币付款吗', 2],
      ['can I pay with bitcoin', 1],
      ['do you sell gift cards', 1],
    ]);
    expect(groups[0]).toMatchObject({
      examples: ['Can I pay with Bitcoin?', 'can i pay with bitcoin', 'Can I pay with bitcoins please'],
      bestEntry: 'payment.methods',
      bestScore: 0.45,
      channels: { webchat: 2, telegram: 1 },
    });
    for (const group of groups) {
      const entries = parse(group.yaml);
      const file = knowledgeFileSchema.safeParse({ entries });
      expect(file.success, JSON.stringify(file.error?.issues)).toBe(true);
      expect(entries[0].questions).toEqual(group.examples);
    }
    expect(parse(groups[0]?.yaml ?? '')[0].id).toBe('gap.can-i-pay-with');
    expect(parse(groups[1]?.yaml ?? '')[0].id).toMatch(/^gap\.[0-9a-f]{8}$/);
  });

  it('gives the same groups whatever order the gaps come in', () => {
    const list = [gap('where is the shop'), gap('shop address?'), gap('where is your shop located')];
    expect(groupGaps([...list].reverse())).toEqual(groupGaps(list));
    expect(groupGaps(list, 1)).toHaveLength(1);
  });
});
