import { describe, expect, it } from 'vitest';
import { readMood } from '../../../src/core/routing/sentiment.js';

describe('readMood', () => {
  it('reads anger from words and shouting, with the cues', () => {
    expect(readMood('你们就是骗子！！！').anger).toBeGreaterThanOrEqual(0.6);
    expect(readMood('你们就是骗子！！！').cues).toEqual(['骗子', '!!!']);
    expect(readMood('THIS IS RIDICULOUS, WHERE IS MY ORDER').anger).toBeGreaterThanOrEqual(0.6);
    expect(readMood('this is a scam, I will call my lawyer').anger).toBeGreaterThanOrEqual(0.6);
  });

  it('stays calm on calm messages and on words inside other words', () => {
    expect(readMood('where is my parcel?')).toEqual({ anger: 0, urgency: 0, cues: [] });
    expect(readMood('I need to issue a lawsuit-free return? no: just a return').anger).toBeLessThan(0.6);
    expect(readMood('My name is SUE and my order is late').anger).toBe(0);
    expect(readMood('NASA').anger).toBe(0);
  });

  it('reads urgency', () => {
    expect(readMood('急！订单马上要用').urgency).toBeGreaterThanOrEqual(0.4);
    expect(readMood('urgent: need this asap').urgency).toBeGreaterThanOrEqual(0.8);
  });
});
