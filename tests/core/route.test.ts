import { describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../src/core/model.js';
import { type Decision, isKnowledgeGap, understand } from '../../src/core/route.js';
import { buildKnowledgeBase } from '../../src/knowledge/build-knowledge-base.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const knowledgeBase = buildKnowledgeBase(await loadKnowledge('config/knowledge'));

function inbound(text: string, payload?: string): InboundMessage {
  return {
    address: { channel: 'telegram', chatId: '1', userId: '1' },
    text,
    attachments: [],
    dedupeKey: text,
    fromBot: false,
    receivedAt: '2025-01-01T00:00:00.000Z',
    ...(payload ? { action: { payload } } : {}),
  };
}

describe('understand', () => {
  it('prefers the follow-ups it is given in a close call, and returns at most 3 matches', () => {
    const alone = understand(inbound('how long does it take?'), knowledgeBase);
    const after = understand(inbound('how long does it take?'), knowledgeBase, ['refund.time']);
    expect(alone[0]?.entry.id).toBe('shipping.time');
    expect(after[0]?.entry.id).toBe('refund.time');
    expect(after[0]?.confidence).toBe(alone[0]?.confidence);
    expect(after.length).toBeLessThanOrEqual(3);
  });

  it('takes a pressed button’s entry as certain', () => {
    const [match] = understand(inbound('Refund timing', 'kb:refund.time'), knowledgeBase, ['order.track']);
    expect(match).toMatchObject({ entry: { id: 'refund.time' }, confidence: 1, similarity: 1 });
  });
});

describe('isKnowledgeGap', () => {
  it('is a gap when the bot suggests or hands off for want of a match, not otherwise', () => {
    const gap = (decision: Partial<Decision>) => isKnowledgeGap({ reason: '', ...decision } as Decision);
    expect(gap({ kind: 'suggest', matches: [] })).toBe(true);
    expect(gap({ kind: 'handoff', cause: 'no-match' })).toBe(true);
    expect(gap({ kind: 'handoff', cause: 'kb-handoff' })).toBe(false);
    expect(gap({ kind: 'handoff', cause: 'customer-request' })).toBe(false);
    expect(gap({ kind: 'answer' })).toBe(false);
    expect(gap({ kind: 'hold' })).toBe(false);
  });
});
