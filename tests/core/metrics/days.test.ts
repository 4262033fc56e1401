import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { daysOf, parseDayRange } from '../../../src/core/metrics/days.js';

const clock = { now: () => Date.parse('2024-05-10T23:59:00Z') };

describe('metrics day ranges', () => {
  it('defaults to the last 7 UTC days, today included', () => {
    expect(parseDayRange({}, clock)).toEqual({ from: '2024-05-04', to: '2024-05-10' });
    expect(parseDayRange({ to: '2024-03-02' }, clock)).toEqual({ from: '2024-02-25', to: '2024-03-02' });
  });

  it('lists every day of a range, across a month end', () => {
    expect(daysOf({ from: '2024-02-28', to: '2024-03-01' })).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
  });

  it.each([
    [{ from: '2024-5-1' }, 'invalid_date'],
    [{ from: '2023-02-29' }, 'invalid_date'],
    [{ to: ['2024-05-01', '2024-05-02'] }, 'invalid_date'],
    [{ from: '2024-05-02', to: '2024-05-01' }, 'invalid_range'],
    [{ from: '2023-01-01', to: '2024-01-02' }, 'invalid_range'],
  ])('refuses %j with %s', (query, code) => {
    expect(() => parseDayRange(query, clock)).toThrow(ValidationError);
    try {
      parseDayRange(query, clock);
    } catch (error) {
      expect((error as ValidationError).code).toBe(code);
    }
  });

  it('allows a whole leap year', () => {
    expect(parseDayRange({ from: '2024-01-01', to: '2024-12-31' }, clock)).toEqual({
      from: '2024-01-01',
      to: '2024-12-31',
    });
  });
});
