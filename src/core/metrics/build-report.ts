/**
 * The admin API's metrics answer: the figures for a day range in total, per day (by the day each
 * conversation opened), per channel and per intent (the knowledge entry it ended on).
 */

import { type FactsOf, type Figures, figuresOf } from './compute-figures.js';
import { conversationFacts } from './conversation-facts.js';
import type { ConversationRecord } from './conversation-record.js';
import { type DayRange, daysOf, utcDay } from './days.js';

export interface MetricsReport extends DayRange {
  totals: Figures;
  days: Array<{ date: string } & Figures>;
  byChannel: Record<string, Figures>;
  byIntent: Record<string, Figures>;
}

export function buildReport(range: DayRange, records: readonly ConversationRecord[]): MetricsReport {
  const rows: FactsOf[] = records.map((record) => ({ record, facts: conversationFacts(record) }));
  const byDay = groupBy(rows, (row) => utcDay(row.record.conversation.openedAt));
  return {
    ...range,
    totals: figuresOf(rows),
    // Every day of the range, quiet ones too, so a chart's axis has no holes.
    days: daysOf(range).map((date) => ({ date, ...figuresOf(byDay.get(date) ?? []) })),
    byChannel: figuresBy(rows, (row) => row.record.conversation.address.channel),
    byIntent: figuresBy(rows, (row) => row.record.conversation.lastIntent),
  };
}

function figuresBy(
  rows: readonly FactsOf[],
  key: (row: FactsOf) => string | undefined,
): Record<string, Figures> {
  const groups = [...groupBy(rows, key)].sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(groups.map(([name, group]) => [name, figuresOf(group)]));
}

/** Rows by key; rows whose key is undefined are left out. */
function groupBy<T>(rows: readonly T[], key: (row: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const name = key(row);
    if (name === undefined) continue;
    const group = groups.get(name);
    if (group) group.push(row);
    else groups.set(name, [row]);
  }
  return groups;
}
