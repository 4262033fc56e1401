import { describe, expect, it } from 'vitest';
import { createEngine, createEngineKnowledgeBase } from '../../../src/knowledge/engine/create-engine.js';
import { seededRandom } from '../../../src/knowledge/engine/random.js';
import { topIndexes } from '../../../src/knowledge/engine/ranker.js';
import { softmaxInPlace } from '../../../src/knowledge/engine/softmax.js';
import { TermKind, textTerms } from '../../../src/knowledge/engine/text-features.js';
import { entry, tinyShop } from './tiny-shop.js';

describe('engine knowledge base', () => {
  it('learns the entries of a tiny KB, in both languages', () => {
    const kb = createEngineKnowledgeBase(tinyShop);
    expect(kb.match('where is my parcel')[0]?.entry.id).toBe('order.track');
    expect(kb.match('how can I get a refund')[0]?.entry.id).toBe('refund');
    expect(kb.match('你们几点开门')[0]?.entry.id).toBe('hours');
    expect(kb.match('忘记密码了怎么办')[0]?.entry.id).toBe('password');
  });

  it('tolerates typos through character n-grams', () => {
    const kb = createEngineKnowledgeBase(tinyShop);
    expect(kb.match('were is my parcell')[0]?.entry.id).toBe('order.track');
    expect(kb.match('i forgott my pasword')[0]?.entry.id).toBe('password');
  });

  it('is deterministic: two builds give identical matches', () => {
    const first = createEngineKnowledgeBase(tinyShop).match('open on sunday?');
    const second = createEngineKnowledgeBase(tinyShop).match('open on sunday?');
    expect(second.map((m) => [m.entry.id, m.confidence, m.question])).toEqual(
      first.map((m) => [m.entry.id, m.confidence, m.question]),
    );
  });

  it('returns at most `limit` matches, one per entry, best first, confidences in [0, 1]', () => {
    const kb = createEngineKnowledgeBase(tinyShop);
    const matches = kb.match('refund my parcel please', 3);
    expect(matches.length).toBeLessThanOrEqual(3);
    expect(new Set(matches.map((m) => m.entry.id)).size).toBe(matches.length);
    for (let i = 0; i < matches.length; i++) {
      const confidence = matches[i]?.confidence as number;
      expect(confidence).toBeGreaterThanOrEqual(0);
      expect(confidence).toBeLessThanOrEqual(1);
      if (i > 0) expect(confidence).toBeLessThanOrEqual(matches[i - 1]?.confidence as number);
    }
    expect(kb.match('refund', 1)).toHaveLength(1);
  });

  it('gives class probabilities that sum to at most 1', () => {
    const engine = createEngine(tinyShop);
    const candidates = engine.candidates('when do you open', 4);
    const sum = candidates.reduce((total, c) => total + c.probability, 0);
    expect(sum).toBeLessThanOrEqual(1 + 1e-9);
    expect(candidates[0]?.probability).toBeGreaterThan(0.25);
  });

  it('is less confident about off-topic text than about an example question', () => {
    const kb = createEngineKnowledgeBase(tinyShop);
    const onTopic = kb.match('reset my password')[0];
    const offTopic = kb.match('what is the capital of peru')[0];
    expect(onTopic?.question).toBe('reset my password');
    expect(onTopic?.confidence ?? 0).toBeGreaterThan((offTopic?.confidence ?? 0) + 0.2);
  });

  it('handles an empty KB and a single-entry KB', () => {
    expect(createEngineKnowledgeBase([]).match('hello')).toEqual([]);
    const single = createEngineKnowledgeBase([entry('only', ['hello there'])]);
    expect(single.match('hello there')[0]?.entry.id).toBe('only');
    expect(single.match('zebra quantum')[0]?.confidence ?? 0).toBeLessThan(0.4);
  });
});

describe('engine pure parts', () => {
  it('softmax is a probability distribution, also with a temperature', () => {
    for (const temperature of [1, 0.5, 2]) {
      const values = softmaxInPlace(Float64Array.from([1000, 999, -5]), temperature);
      const sum = values.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 12);
      expect(values[0]).toBeGreaterThan(values[1] as number);
    }
  });

  it('topIndexes returns the largest values first', () => {
    expect(topIndexes(Float64Array.from([0.1, 0.5, 0.3, 0.9, 0.2]), 3)).toEqual([3, 1, 2]);
    expect(topIndexes(Float64Array.from([0.1, 0.5]), 5)).toEqual([1, 0]);
  });

  it('seeded random repeats its sequence', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });

  it('Chinese text becomes Han n-grams and words, English words, bigrams and character n-grams', () => {
    const chinese = textTerms('怎么退款');
    expect(chinese.kinds.filter((k) => k === TermKind.han1)).toHaveLength(4);
    expect(chinese.kinds.filter((k) => k === TermKind.han2)).toHaveLength(3);
    expect(chinese.kinds.filter((k) => k === TermKind.han3)).toHaveLength(2);
    // jieba words on top of the n-grams: 怎么 | 退款.
    expect(chinese.kinds.filter((k) => k === TermKind.hanWord)).toHaveLength(2);
    expect(textTerms('怎麼退款').hashes).toEqual(chinese.hashes);
    const english = textTerms('Refunds please');
    expect(english.kinds.filter((k) => k === TermKind.word)).toHaveLength(2);
    expect(english.kinds.filter((k) => k === TermKind.wordBigram)).toHaveLength(1);
    expect(english.kinds.filter((k) => k === TermKind.char).length).toBeGreaterThan(5);
    // Light stemming: "refunds" and "refund" share their word term.
    expect(textTerms('refund').hashes[0]).toBe(english.hashes[0]);
  });
});
