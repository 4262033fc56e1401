import { describe, expect, it } from 'vitest';
import { synonymRewriter, synonymTable } from '../../src/knowledge/synonyms.js';

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

  it('replaces English as whole words in every form the stemmer folds, and folds Traditional Chinese first', () => {
    expect(rewrite('packages and deliveryman')).toBe('parcel and deliveryman');
    expect(rewrite('two deliveries')).toBe('two parcel');
    expect(rewrite('my parcels')).toBe('my parcels'); // the group's own word stays as written
    expect(rewrite('我的快遞')).toBe('我的快递');
    expect(rewrite('我的包裹呢')).toBe('我的快递呢');
  });

  it('replaces a Chinese synonym only where the segmented text has it as whole words', () => {
    const chinese = synonymRewriter([
      ['包裹', '件'],
      ['运单号', '单号'],
    ]);
    expect(chinese('我的件到了吗')).toBe('我的包裹到了吗');
    expect(chinese('这个文件打不开')).toBe('这个文件打不开'); // not the 件 inside 文件
    expect(chinese('单号是多少')).toBe('运单号是多少'); // 单/号: two whole words
    expect(chinese('订单号码是多少')).toBe('订单号码是多少'); // 订单/号码: 单号 would cross a word
  });

  it('treats groups that share a word as one group, named by the first word of the first', () => {
    const chained = synonymTable([
      ['快递', '物流'],
      ['包裹', '快递'],
      ['parcel', 'Packages', '包裹'],
    ]);
    expect(chained.rewrite('物流 包裹 package')).toBe('快递 快递 快递');
    expect(chained.canonicalOf('parcels')).toBe('快递');
    expect(chained.rewrite('my package包裹')).toBe('my 快递快递');
  });

  it('keeps a replaced word apart from the word next to it', () => {
    expect(synonymRewriter([['parcel', '包裹']])('iphone包裹')).toBe('iphone parcel');
  });

  it('finds the synonyms of a text by the same rule it rewrites them', () => {
    const table = synonymTable([
      ['包裹', '件'],
      ['parcel', 'package'],
    ]);
    expect([...table.keysIn('两件 packages, 一个包裹')]).toEqual(['package', '包裹']);
    expect([...table.keysIn('文件')]).toEqual([]);
  });

  it('is plain normalisation without synonyms', () => {
    expect(synonymRewriter([])('Ｗhere is my parcel？')).toBe('where is my parcel');
    expect(synonymRewriter([['🙂', '🙃']])('我的件 packages')).toBe('我的件 packages');
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

  it('meets an inflected English synonym the same way', async () => {
    const { buildKnowledgeBase } = await import('../../src/knowledge/build-knowledge-base.js');
    const { parseKnowledgeFile } = await import('../../src/knowledge/load.js');
    const parsed = parseKnowledgeFile(
      `entries:
  - id: order.track
    questions: [where is my parcel, track my parcel, when does my parcel arrive]
    answer: See your orders.
  - id: invoice.request
    questions: [can I get an invoice, I need an invoice, send me the invoice]
    answer: Ask for an invoice in the order.
synonyms:
  - [parcel, package]
`,
      'kb.yaml',
    );
    const withSynonyms = buildKnowledgeBase({ entries: parsed.entries, synonyms: parsed.synonyms });
    const without = buildKnowledgeBase({ entries: parsed.entries, synonyms: [] });
    const [best] = withSynonyms.match('where are my packages');
    expect(best?.entry.id).toBe('order.track');
    expect(best?.confidence).toBeGreaterThan(without.match('where are my packages')[0]?.confidence ?? 0);
  });
});
