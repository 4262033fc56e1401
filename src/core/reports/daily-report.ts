/**
 * The daily summary in the agents' channel (docs/alerts.md, "Daily report"): at `dailyAt` local
 * time, yesterday's figures in a few lines. Checked every few minutes rather than timed, so a
 * server that was down at 09:00 sends it when it comes back; the last day sent is kept in the
 * store, so a restart never sends it twice.
 */
import { DateTime } from 'luxon';
import type { DayFigures, FiguresSource } from '../alerts/figures.js';
import type { Clock } from '../clock.js';
import type { AgentDesk } from '../desk/agent-desk.js';
import type { Logger } from '../logger.js';
import { Periodic } from '../periodic.js';
import type { KeyValueStore } from '../store/key-value.js';

export interface DailyReportDeps {
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  desk: () => AgentDesk | undefined;
  /** Unset: the report says the figures are unavailable. */
  figures?: FiguresSource;
  settings: {
    /** Local wall-clock time, "HH:MM". */
    at: string;
    /** IANA zone the time is read in. */
    timezone: string;
  };
}

const LAST_SENT_KEY = 'reports:daily:last-sent';

export class DailyReport {
  readonly #deps: DailyReportDeps;
  readonly #periodic: Periodic;

  constructor(deps: DailyReportDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(
      () => this.tick().then(() => undefined),
      (error) => deps.logger.error({ err: error }, 'daily report failed; retrying next check'),
    );
  }

  start(intervalMs: number): void {
    this.#periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** Sends today's report if it is time and it was not sent yet; returns the text sent. */
  async tick(): Promise<string | undefined> {
    const { kv, clock, logger, desk, settings } = this.#deps;
    const now = DateTime.fromMillis(clock.now(), { zone: settings.timezone });
    const [hour, minute] = settings.at.split(':').map(Number);
    if (now < now.set({ hour, minute, second: 0, millisecond: 0 })) return undefined;
    const today = now.toISODate() ?? '';
    if ((await kv.get<string>(LAST_SENT_KEY)) === today) return undefined;
    const yesterday = now.minus({ days: 1 }).toISODate() ?? '';
    const text = dailyReportText(yesterday, await this.#figures(yesterday));
    // Marked before posting: a post that fails is logged, never repeated every check all day.
    await kv.set(LAST_SENT_KEY, today);
    logger.info({ day: yesterday }, text);
    try {
      await desk()?.announce?.(text);
    } catch (error) {
      logger.error({ err: error, day: yesterday }, "daily report not posted to the agents' channel");
    }
    return text;
  }

  async #figures(day: string): Promise<DayFigures | undefined> {
    const { figures, logger } = this.#deps;
    try {
      return await figures?.(day, day);
    } catch (error) {
      logger.warn({ err: error, day }, 'daily report: figures unreadable');
      return undefined;
    }
  }
}

export function dailyReportText(day: string, figures: DayFigures | undefined): string {
  if (!figures) return `📊 Daily report for ${day}: the figures are unavailable (see the server log).`;
  const f = figures;
  const csat =
    f.csat.n > 0 && f.csat.average !== null
      ? `${f.csat.average.toFixed(2)}/5 (${f.csat.n} ratings)`
      : 'no ratings';
  const firstResponse = f.firstResponseMs?.p50 != null ? seconds(f.firstResponseMs.p50) : '—';
  return [
    `📊 Daily report for ${day}`,
    `• ${f.conversations} conversations, ${f.messagesIn} messages in, ${f.messagesOut} out`,
    `• Bot containment ${percent(f.containmentRate)}, handoffs ${f.handoffs} (${percent(f.handoffRate)}), abandoned ${percent(f.abandonmentRate)}`,
    `• First response p50 ${firstResponse}; first-contact resolution ${percent(f.fcrRate)}`,
    `• CSAT ${csat}`,
    ...(f.sendFailures > 0 ? [`• ⚠️ ${f.sendFailures} messages could not be delivered`] : []),
    'Charts, queue and knowledge gaps: /admin/',
  ].join('\n');
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)} %`;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
}
