import { describe, expect, it } from 'vitest';
import { synonymRewriter } from '../../src/knowledge/synonyms.js';

describe('synonymRewriter', () => {
  const rewrite = synonymRewriter([
    ['快递', '物流', '包裹'],
    ['parcel', 'package', 'delivery'],
  ]);

  it('rewrites every word of a group to its first word, in Chinese and English', () => {
    expect(rewrite('我的物流到哪了')).toBe('我的快递到哪了');
    expect(rewrite('我的包裹到哪了')).toBe('我的快递到哪了');
    expect(rewrite('Where is my Package?')).toBe('where is my parcel');
  });

  it('replaces English only as whole words, and folds Traditional Chinese first', () => {
    expect(rewrite('packages and deliveryman')).toBe('packages and deliveryman');
    expect(rewrite('我的快遞')).toBe('我的快递');
    expect(rewrite('我的包裹呢')).toBe('我的快递呢');
  });

  it('is plain normalisation without synonyms', () => {
    expect(synonymRewriter([])('Ｗhere is my parcel？')).toBe('where is my parcel');
  });
});

describe('synonyms in matching', () => {
  it('lets a customer word meet its synonym in the example questions', async () => {
    const { buildKnowledgeBase } = await import('../../src/knowledge/build-knowledge-base.js');
    const { parseKnowledgeFile } = await import('../../src/knowledge/load.js');
    const yaml = `entries:
  - id: order.track
    questions: [我的快递到哪了, 快递什么时候到, where is my parcel]
    answer: 在「我的订单」查看物流。
  - id: invoice.request
    questions: [怎么开发票, 我要开发票, can I get an invoice]
    answer: 在订单详情申请发票。
synonyms:
  - [快递, 物流, 包裹]
`;
    const parsed = parseKnowledgeFile(yaml, 'kb.yaml');
    const withSynonyms = buildKnowledgeBase({ entries: parsed.entries, synonyms: parsed.synonyms });
    const without = buildKnowledgeBase({ entries: parsed.entries, synonyms: [] });
    const [best] = withSynonyms.match('我的包裹到哪了');
    expect(best?.entry.id).toBe('order.track');
    expect(best?.confidence).toBeGreaterThan(0.9);
    expect(best?.confidence).toBeGreaterThan(without.match('我的包裹到哪了')[0]?.confidence ?? 0);
  });
});
