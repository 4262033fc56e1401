/**
 * Whether the team is at work, in the company's own time zone, and when it next will be. Pure:
 * the time is passed in. Weekly hours are local wall-clock intervals ("09:00-18:00"), holidays
 * local dates; luxon does the time-zone arithmetic, daylight-saving changes included.
 */
import { DateTime } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  /** IANA zone, e.g. Asia/Shanghai. */
  timezone: string;
  /** Open intervals per weekday, "HH:MM-HH:MM"; a day left out is closed. */
  weekly: Partial<Record<Weekday, string[]>>;
  /** Local dates the team is off, "YYYY-MM-DD". */
  holidays: string[];
}

export type OpeningState =
  /** `openedAt`: when the current stretch of work began (waits are counted from there). */
  { open: true; openedAt: DateTime } | { open: false; opensAt: DateTime | undefined };

/** How far ahead to look for the next opening: two weeks covers any holiday season. */
const LOOKAHEAD_DAYS = 14;
export const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

export function openingState(hours: BusinessHours, now: number): OpeningState {
  const local = DateTime.fromMillis(now, { zone: hours.timezone });
  for (let offset = 0; offset <= LOOKAHEAD_DAYS; offset++) {
    const day = local.startOf('day').plus({ days: offset });
    if (hours.holidays.includes(day.toISODate() ?? '')) continue;
    const weekday = WEEKDAYS[day.weekday - 1] as Weekday;
    for (const interval of intervalsOf(hours.weekly[weekday] ?? [], day)) {
      if (offset === 0 && interval.start <= local && local < interval.end) {
        return { open: true, openedAt: interval.start };
      }
      if (interval.start > local) return { open: false, opensAt: interval.start };
    }
  }
  return { open: false, opensAt: undefined };
}

function intervalsOf(specs: string[], day: DateTime): { start: DateTime; end: DateTime }[] {
  return specs
    .map((spec) => {
      const [, h1, m1, h2, m2] = INTERVAL.exec(spec) ?? [];
      return {
        start: day.set({ hour: Number(h1), minute: Number(m1) }),
        end: day.plus({ minutes: Number(h2) * 60 + Number(m2) }),
      };
    })
    .sort((a, b) => a.start.toMillis() - b.start.toMillis());
}

/** "周一 09:00" / "Mon 09:00", in the company's zone, for telling the customer when to expect a reply. */
export function describeOpening(opensAt: DateTime, locale: 'zh-CN' | 'en'): string {
  return opensAt.setLocale(locale === 'zh-CN' ? 'zh-CN' : 'en-GB').toFormat('ccc HH:mm');
}
