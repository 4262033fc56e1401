/**
 * Alerts and the daily report, built from the settings (`alerts:`, `reports:`) and run on their
 * own timers next to the SLA watch. One place for the server to start and stop them.
 */
import type { Channel } from '../channel.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { AgentDesk } from '../desk/agent-desk.js';
import type { Logger } from '../logger.js';
import { DailyReport } from '../reports/daily-report.js';
import type { LiveQueue } from '../reports/live-queue.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import { AlertChecker } from './alert-checker.js';
import type { FiguresSource } from './figures.js';
import { HandoffCounts } from './handoff-counts.js';

export interface MonitoringDeps {
  config: Config;
  kv: KeyValueStore;
  conversations: ConversationStore;
  clock: Clock;
  logger: Logger;
  desk: () => AgentDesk | undefined;
  channels: ReadonlyMap<string, Pick<Channel, 'health'>>;
  knowledge: { status(): { state: string; errors: readonly string[] } };
  queue: () => Promise<LiveQueue>;
  /** The metrics module's totals for a day range. */
  figures: FiguresSource;
}

/** The daily report is due at most this late after its time. */
const REPORT_CHECK_MS = 60_000;

export class Monitoring {
  readonly alerts: AlertChecker;
  readonly dailyReport: DailyReport;
  readonly #config: Config;

  constructor(deps: MonitoringDeps) {
    const { config, kv, conversations, clock, logger, desk, figures } = deps;
    this.#config = config;
    const alertSettings = config.alerts;
    const handoffCounts = new HandoffCounts(kv, clock, alertSettings.handoffRate.baselineDays);
    if (alertSettings.enabled) handoffCounts.listen(conversations, logger);
    this.alerts = new AlertChecker({
      ...deps,
      logger: logger.child({ component: 'alerts' }),
      handoffCounts,
      settings: {
        handoffRate: alertSettings.handoffRate,
        slaBreaches: alertSettings.slaBreaches,
        csat: alertSettings.csat,
        csatBaselineDays: alertSettings.csat.baselineDays,
        channelDownMs: alertSettings.channelDownSeconds * 1000,
      },
    });
    this.dailyReport = new DailyReport({
      kv,
      clock,
      logger: logger.child({ component: 'daily-report' }),
      desk,
      figures,
      settings: {
        at: config.reports.dailyAt,
        timezone: config.reports.timezone ?? config.routing.businessHours?.timezone ?? 'UTC',
      },
    });
  }

  start(): void {
    if (this.#config.alerts.enabled) this.alerts.start(this.#config.alerts.checkSeconds * 1000);
    if (this.#config.reports.enabled) this.dailyReport.start(REPORT_CHECK_MS);
  }

  async stop(): Promise<void> {
    await Promise.all([this.alerts.stop(), this.dailyReport.stop()]);
  }
}
