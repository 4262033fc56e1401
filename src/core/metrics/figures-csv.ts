/**
 * The per-day figures as CSV for spreadsheets: one row per day, one column per scalar figure.
 * Durations and CSAT are flattened to dotted names (`firstResponseMs.p50`, `csat.average`); an
 * empty cell is a rate or average with nothing to measure (null in JSON).
 */
import type { MetricsReport } from './build-report.js';
import { CSAT_SCORES, type Figures } from './compute-figures.js';
import type { DurationSummary } from './summarise-durations.js';

type Cell = number | string | null;

const COUNTS = [
  'conversations',
  'messagesIn',
  'messagesOut',
  'sendFailures',
  'handoffs',
  'handoffRate',
  'botContained',
  'containmentRate',
  'closed',
  'abandoned',
  'abandonmentRate',
  'fcrRate',
] as const satisfies readonly (keyof Figures)[];
const DURATIONS = ['firstResponseMs', 'agentFirstResponseMs', 'resolutionMs'] as const;
const SUMMARY = ['n', 'avg', 'p50', 'p90'] as const satisfies readonly (keyof DurationSummary)[];

export const CSV_COLUMNS: readonly string[] = [
  'date',
  ...COUNTS,
  ...DURATIONS.flatMap((name) => SUMMARY.map((part) => `${name}.${part}`)),
  'csat.n',
  'csat.average',
  ...CSAT_SCORES.map((score) => `csat.${score}`),
];

export function figuresCsv(report: MetricsReport): string {
  const rows = report.days.map(({ date, ...figures }) => [date, ...scalars(figures)]);
  return [CSV_COLUMNS, ...rows]
    .map((row) => row.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

function scalars(figures: Figures): Cell[] {
  return [
    ...COUNTS.map((name) => figures[name]),
    ...DURATIONS.flatMap((name) => SUMMARY.map((part) => figures[name][part])),
    figures.csat.n,
    figures.csat.average,
    ...CSAT_SCORES.map((score) => figures.csat.distribution[score]),
  ];
}

/** RFC 4180: every value here is a number, a day or a column name, so no quoting is ever needed. */
function cell(value: Cell): string {
  return value === null ? '' : String(value);
}
