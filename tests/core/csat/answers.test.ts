/** Survey replies on every channel end up here: a button's payload, or what the customer typed. */
import { describe, expect, it } from 'vitest';
import { isSkip, parseNps, parseRating } from '../../../src/core/csat/answers.js';

describe('parseRating', () => {
  it.each([
    // Buttons: web chat, Telegram, Slack and Teams send the payload; WeChat maps a typed "4" to it.
    [{ text: '4 · Good', payload: 'csat:4' }, 4],
    [{ text: '', payload: 'csat:1' }, 1],
    // Typed digits, full-width digits, units and scales.
    [{ text: '5' }, 5],
    [{ text: ' 3 ' }, 3],
    [{ text: '４' }, 4],
    [{ text: '4分' }, 4],
    [{ text: '5星' }, 5],
    [{ text: '4/5' }, 4],
    [{ text: '2 stars' }, 2],
    [{ text: '5!' }, 5],
    [{ text: '四分' }, 4],
    // Stars, with and without the emoji variation selector.
    [{ text: '★★★' }, 3],
    [{ text: '⭐️⭐️⭐️⭐️⭐️' }, 5],
    // Words, and a label typed out.
    [{ text: '非常满意' }, 5],
    [{ text: '满意' }, 4],
    [{ text: '一般' }, 3],
    [{ text: '不满意' }, 2],
    [{ text: '非常不满意' }, 1],
    [{ text: 'Excellent' }, 5],
    [{ text: 'very poor' }, 1],
    [{ text: '4 满意' }, 4],
    [{ text: '2 - poor' }, 2],
  ])('%j is a %i', (reply, score) => {
    expect(parseRating(reply)).toBe(score);
  });

  it.each([
    [{ text: '0' }],
    [{ text: '6' }],
    [{ text: '4 items are missing from my order' }],
    [{ text: 'where is my parcel' }],
    [{ text: '★★★★★★' }],
    [{ text: '' }],
    // Another button: not a rating, whatever its label says.
    [{ text: '5', payload: 'kb:order.track' }],
    [{ text: '5', payload: 'csat:skip' }],
    [{ text: '', payload: 'csat:9' }],
  ])('%j is not a rating', (reply) => {
    expect(parseRating(reply)).toBeUndefined();
  });
});

describe('parseNps', () => {
  it.each([
    [{ text: '0' }, 0],
    [{ text: '10' }, 10],
    [{ text: '７' }, 7],
    [{ text: '9分' }, 9],
    [{ text: '8/10' }, 8],
    [{ text: '十' }, 10],
  ])('%j is %i', (reply, score) => {
    expect(parseNps(reply)).toBe(score);
  });

  it.each([[{ text: '11' }], [{ text: 'maybe' }], [{ text: '10', payload: 'csat:5' }]])(
    '%j is not a score',
    (reply) => {
      expect(parseNps(reply)).toBeUndefined();
    },
  );
});

describe('isSkip', () => {
  it('takes the Skip button and the words for "nothing to add"', () => {
    expect(isSkip({ text: 'Skip', payload: 'csat:skip' })).toBe(true);
    expect(isSkip({ text: '跳过' })).toBe(true);
    expect(isSkip({ text: '没有了。' })).toBe(true);
    expect(isSkip({ text: 'No thanks!' })).toBe(true);
    expect(isSkip({ text: 'no, the courier was rude' })).toBe(false);
  });
});
