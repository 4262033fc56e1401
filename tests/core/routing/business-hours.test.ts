import { describe, expect, it } from 'vitest';
import {
  type BusinessHours,
  describeOpening,
  openingState,
} from '../../../src/core/routing/business-hours.js';

const hours: BusinessHours = {
  timezone: 'Asia/Shanghai',
  weekly: { mon: ['09:00-12:00', '13:00-18:00'], tue: ['09:00-18:00'], fri: ['09:00-18:00'] },
  holidays: ['2026-11-24'],
};
// 2026-11-23 is a Monday. Shanghai is UTC+8.
const at = (iso: string) => Date.parse(iso);

describe('openingState', () => {
  it('is open inside an interval, in the company zone', () => {
    const state = openingState(hours, at('2026-11-23T02:00:00Z')); // Mon 10:00
    expect(state.open && state.openedAt.toISO()).toBe('2026-11-23T09:00:00.000+08:00');
  });

  it('gives the next opening: after lunch, after a holiday, over the weekend', () => {
    const lunch = openingState(hours, at('2026-11-23T04:30:00Z')); // Mon 12:30
    expect(lunch.open === false && lunch.opensAt?.toISO()).toBe('2026-11-23T13:00:00.000+08:00');
    const evening = openingState(hours, at('2026-11-23T11:00:00Z')); // Mon 19:00; Tue is a holiday
    expect(evening.open === false && evening.opensAt?.toISO()).toBe('2026-11-27T09:00:00.000+08:00');
    const weekend = openingState(hours, at('2026-11-28T02:00:00Z')); // Sat
    expect(weekend.open === false && weekend.opensAt?.toISO()).toBe('2026-11-30T09:00:00.000+08:00');
  });

  it('says when, in the customer language', () => {
    const state = openingState(hours, at('2026-11-28T02:00:00Z'));
    if (state.open || !state.opensAt) throw new Error('expected closed');
    expect(describeOpening(state.opensAt, 'en')).toBe('Mon 09:00');
    expect(describeOpening(state.opensAt, 'zh-CN')).toBe('周一 09:00');
  });

  it('with no hours at all there is no next opening', () => {
    expect(openingState({ timezone: 'UTC', weekly: {}, holidays: [] }, Date.now())).toEqual({
      open: false,
      opensAt: undefined,
    });
  });
});
