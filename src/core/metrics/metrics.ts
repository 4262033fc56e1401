/**
 * The metrics of issue 6 in one place for the server to wire: live Prometheus counters, the
 * figures for a day range (admin API and CSV), and the knowledge gaps report.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import { buildReport, type MetricsReport } from './build-report.js';
import { DAY_MS, type DayRange, utcDay } from './days.js';
import { type GapGroup, groupGaps } from './group-gaps.js';
import { KnowledgeGaps } from './knowledge-gaps.js';
import { LiveMetrics } from './live-metrics.js';
import { loadRecords } from './load-records.js';
import { registerWindowGauges, WINDOW_DAYS } from './window-gauges.js';

export interface MetricsDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  clock: Clock;
  logger: Logger;
}

export class Metrics {
  readonly live: LiveMetrics;
  readonly gaps: KnowledgeGaps;
  readonly #conversations: ConversationStore;

  constructor({ kv, conversations, clock, logger }: MetricsDeps) {
    this.#conversations = conversations;
    this.live = new LiveMetrics({ conversations, clock });
    this.gaps = new KnowledgeGaps({ kv, clock, logger });
    registerWindowGauges(this.live.registry, clock, () =>
      this.report({
        from: utcDay(clock.now() - (WINDOW_DAYS - 1) * DAY_MS),
        to: utcDay(clock.now()),
      }),
    );
  }

  async report(range: DayRange): Promise<MetricsReport> {
    return buildReport(range, await loadRecords(this.#conversations, range));
  }

  async gapGroups(range: DayRange, limit?: number): Promise<GapGroup[]> {
    return groupGaps(await this.gaps.inRange(range), limit);
  }

  stop(): void {
    this.live.stop();
  }
}
