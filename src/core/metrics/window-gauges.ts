/**
 * The figures Prometheus cannot count live, read from the store when it scrapes: CSAT (rated after
 * the close, with no event of its own) and first-contact resolution (known only when no repeat
 * comes within 7 days). Both cover the conversations opened in the last WINDOW_DAYS UTC days, per
 * channel. The report is cached for a minute, so frequent scrapes cost one store read a minute.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { MetricsReport } from './build-report.js';
import { CSAT_SCORES } from './compute-figures.js';
import { PREFIX } from './live-metrics.js';

export const WINDOW_DAYS = 7;
const CACHE_MS = 60_000;

export function registerWindowGauges(
  registry: Registry,
  clock: Clock,
  report: () => Promise<MetricsReport>,
): void {
  const recent = cached(clock, report);
  new Gauge({
    name: `${PREFIX}csat_ratings`,
    help: `CSAT ratings given, by score, for conversations opened in the last ${WINDOW_DAYS} days`,
    labelNames: ['channel', 'score'],
    registers: [registry],
    async collect() {
      const { byChannel } = await recent();
      this.reset();
      for (const [channel, figures] of Object.entries(byChannel))
        for (const score of CSAT_SCORES) this.set({ channel, score }, figures.csat.distribution[score]);
    },
  });
  new Gauge({
    name: `${PREFIX}csat_average`,
    help: `Average CSAT (1-5) of conversations opened in the last ${WINDOW_DAYS} days`,
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const { byChannel } = await recent();
      this.reset();
      for (const [channel, { csat }] of Object.entries(byChannel))
        if (csat.average !== null) this.set({ channel }, csat.average);
    },
  });
  new Gauge({
    name: `${PREFIX}first_contact_resolution_ratio`,
    help: `Share of closed conversations with an intent not followed by another on the same intent within 7 days (opened in the last ${WINDOW_DAYS} days)`,
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      const { byChannel } = await recent();
      this.reset();
      for (const [channel, { fcrRate }] of Object.entries(byChannel))
        if (fcrRate !== null) this.set({ channel }, fcrRate);
    },
  });
}

/** One report shared by every gauge of a scrape, and by scrapes within CACHE_MS. */
function cached(clock: Clock, load: () => Promise<MetricsReport>): () => Promise<MetricsReport> {
  let value: { at: number; report: Promise<MetricsReport> } | undefined;
  return () => {
    const now = clock.now();
    if (!value || now - value.at >= CACHE_MS) {
      const report = load();
      value = { at: now, report };
      // A failed read is not kept: the next scrape tries again.
      report.catch(() => {
        if (value?.report === report) value = undefined;
      });
    }
    return value.report;
  };
}
