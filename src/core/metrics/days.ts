/**
 * UTC days (`yyyy-mm-dd`), the unit of every metrics range: conversations are filed under the day
 * they opened (`opened-on:<day>` in the store), and reports ask for whole days.
 */
import type { Clock } from '../clock.js';
import { ValidationError } from '../errors.js';

export const DAY_MS = 86_400_000;
/** A year and a leap day: enough for a yearly report, small enough to load in one request. */
export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 7;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface DayRange {
  from: string;
  to: string;
}

/** The UTC day of an ISO timestamp or epoch milliseconds. */
export function utcDay(at: string | number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included, oldest first. */
export function daysOf({ from, to }: DayRange): string[] {
  const days: string[] = [];
  for (let at = Date.parse(from); at <= Date.parse(to); at += DAY_MS) days.push(utcDay(at));
  return days;
}

/**
 * The range a request asks for: `from` and `to` as `yyyy-mm-dd`, both included; by default the
 * last DEFAULT_RANGE_DAYS days up to today. Throws ValidationError (a 400) for anything else.
 */
export function parseDayRange(query: { from?: unknown; to?: unknown }, clock: Clock): DayRange {
  const to = query.to === undefined ? utcDay(clock.now()) : parseDay('to', query.to);
  const from =
    query.from === undefined
      ? utcDay(Date.parse(to) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS)
      : parseDay('from', query.from);
  if (from > to) throw new ValidationError('invalid_range', `from (${from}) is after to (${to})`);
  const length = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
  if (length > MAX_RANGE_DAYS) {
    throw new ValidationError(
      'invalid_range',
      `the range covers ${length} days; ask for at most ${MAX_RANGE_DAYS}`,
    );
  }
  return { from, to };
}

function parseDay(name: string, value: unknown): string {
  // A real calendar day: 2026-02-30 parses in JavaScript (as March 2nd), so it is checked round trip.
  if (typeof value === 'string' && DAY.test(value)) {
    const at = Date.parse(`${value}T00:00:00Z`);
    if (!Number.isNaN(at) && utcDay(at) === value) return value;
  }
  throw new ValidationError('invalid_date', `${name} must be a UTC day as YYYY-MM-DD, e.g. 2026-03-01`);
}
