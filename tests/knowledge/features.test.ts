import { describe, expect, it } from 'vitest';
import { normalize, stem } from '../../src/knowledge/features.js';

describe('normalize', () => {
  it('folds Traditional Chinese into Simplified, so both scripts are the same text', () => {
    expect(normalize('我的快遞到哪了？')).toBe(normalize('我的快递到哪了？'));
    expect(normalize('請問退貨運費誰付')).toBe('请问退货运费谁付');
    expect(normalize('My 訂單 ＩＤ')).toBe('my 订单 id');
  });

  it('folds full-width letters and digits to plain lowercase', () => {
    expect(normalize('ＡＢＣ１２３')).toBe('abc123');
    expect(normalize('Ｉ　ＷＡＮＴ　Ａ　ＲＥＦＵＮＤ')).toBe('i want a refund');
  });

  it('turns punctuation and symbols, Chinese and English, into single spaces', () => {
    expect(normalize('你好，请问：我的快递到哪了？！')).toBe('你好 请问 我的快递到哪了');
    expect(normalize('  Where is my parcel?!  ')).toBe('where is my parcel');
    expect(normalize('「我的订单」—— 在哪里…')).toBe('我的订单 在哪里');
    expect(normalize('price: $5 + tax')).toBe('price 5 tax');
  });

  it('does not crash on emoji and drops them', () => {
    expect(normalize('📦 where 😀 is it 👍🏽')).toBe('where is it');
    expect(normalize('🙂🙂🙂')).toBe('');
  });

  it('keeps mixed Chinese and English apart even without spaces', () => {
    expect(normalize('我想退货Refund please')).toBe('我想退货refund please');
  });

  it('handles empty and whitespace-only text', () => {
    expect(normalize('')).toBe('');
  });
});

describe('stem', () => {
  it.each([
    ['parcels', 'parcel'],
    ['refunded', 'refund'],
    ['tracking', 'track'],
    ['deliveries', 'delivery'],
    ['applied', 'apply'],
    ['address', 'address'],
    ['is', 'is'],
    ['bus', 'bus'],
    ['ring', 'ring'],
    ['used', 'used'],
  ])('%s -> %s', (word, stemmed) => {
    expect(stem(word)).toBe(stemmed);
  });
});
