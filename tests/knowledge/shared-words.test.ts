import { describe, expect, it } from 'vitest';
import { sharedWords } from '../../src/knowledge/shared-words.js';

describe('sharedWords', () => {
  it('finds shared English words after stemming, once each', () => {
    expect(sharedWords('Where are my parcels?', 'where is my parcel')).toEqual(['where', 'my', 'parcels']);
  });

  it('merges shared Chinese character pairs into the longest runs, Traditional folded', () => {
    expect(sharedWords('我的快遞呢', '我的快递到哪了')).toEqual(['我的快递']);
    expect(sharedWords('退货要多久退款', '退款多久到账')).toEqual(['多久', '退款']);
  });

  it('handles mixed text and nothing in common', () => {
    expect(sharedWords('我的order到哪了', 'where is my order 我的快递到哪了')).toEqual([
      'order',
      '我的',
      '到哪了',
    ]);
    expect(sharedWords('天气', 'refund')).toEqual([]);
  });
});
