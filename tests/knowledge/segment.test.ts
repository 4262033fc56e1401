import { describe, expect, it } from 'vitest';
import { chineseWords, segmentHan } from '../../src/knowledge/segment.js';

describe('Chinese word segmentation', () => {
  it('splits Simplified Chinese into dictionary words', () => {
    expect(chineseWords('我的快递到哪了')).toEqual(['我', '的', '快递', '到', '哪', '了']);
    expect(chineseWords('怎么退款')).toEqual(['怎么', '退款']);
    expect(chineseWords('信用卡还款日是哪天')).toEqual(['信用卡', '还款', '日', '是', '哪', '天']);
  });

  it('splits Traditional Chinese as its Simplified form, after the folding', () => {
    expect(chineseWords('我的快遞到哪了？')).toEqual(chineseWords('我的快递到哪了'));
    expect(chineseWords('請問包裹什麼時候到')).toEqual(['请问', '包裹', '什么', '时候', '到']);
  });

  it('takes only the Chinese of mixed Chinese and English text', () => {
    expect(chineseWords('我想退货Refund please')).toEqual(['我', '想', '退货']);
    expect(chineseWords('iPhone 15 多少钱')).toEqual(['多少', '钱']);
    expect(chineseWords('where is my parcel')).toEqual([]);
  });

  it('ignores emoji, also between Chinese words', () => {
    expect(chineseWords('📦我的包裹😀还没到👍🏽')).toEqual(['我', '的', '包裹', '还', '没', '到']);
    expect(chineseWords('🙂🙂')).toEqual([]);
  });

  it('handles full-width letters, digits and punctuation', () => {
    expect(chineseWords('ＡＢＣ１２３退款，怎么办？')).toEqual(['退款', '怎么办']);
  });

  it('puts every character of a run into exactly one word, in order', () => {
    for (const run of ['帮我查一下明天北京的天气', '我要投诉你们的客服', '退货运费谁付']) {
      expect(segmentHan(run).join('')).toBe(run);
    }
    expect(segmentHan('')).toEqual([]);
    expect(segmentHan('好')).toEqual(['好']);
  });
});
