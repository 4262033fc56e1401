import { describe, expect, it } from 'vitest';
import { features, normalize, stem } from '../../src/knowledge/features.js';

describe('normalize', () => {
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
    expect(features('🙂🙂🙂')).toEqual([]);
    expect(features('📦 where')).toContain('w:where');
  });

  it('keeps mixed Chinese and English apart even without spaces', () => {
    expect(normalize('我想退货Refund please')).toBe('我想退货refund please');
    const terms = features('iPhone怎么退货');
    expect(terms).toContain('w:iphone');
    expect(terms).toContain('b:退货');
    expect(terms.some((term) => term.includes('e怎'))).toBe(false);
    expect(features('1号')).toEqual(['w:1', 'c:号']);
  });

  it('handles empty and whitespace-only text', () => {
    expect(normalize('')).toBe('');
    expect(features(' \n\t ')).toEqual([]);
  });
});

describe('features', () => {
  it('makes Han unigrams and bigrams', () => {
    expect(features('退货')).toEqual(['c:退', 'b:退货', 'c:货']);
    expect(features('查物流')).toEqual(['c:查', 'b:查物', 'c:物', 'b:物流', 'c:流']);
    expect(features('好')).toEqual(['c:好']);
  });

  it('does not make bigrams across punctuation', () => {
    expect(features('好，的')).toEqual(['c:好', 'c:的']);
  });

  it('makes words plus character trigrams for words of four letters or more', () => {
    expect(features('the')).toEqual(['w:the']);
    expect(features('parcel')).toEqual(['w:parcel', 't:^pa', 't:par', 't:arc', 't:rce', 't:cel', 't:el$']);
  });

  it('stems plural and past forms so they meet their base form', () => {
    expect(features('parcels')).toEqual(features('parcel'));
    expect(features('refunded')).toEqual(features('refund'));
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
