/**
 * Every `checkSeconds`, gathers what the alert rules look at, evaluates them (rules.ts), and tells
 * the agents' channel about incidents that start or clear (incidents.ts) — and the log, always,
 * so an alert is never lost when no desk is configured or the desk itself is what broke.
 *
 * The incident state lives in the store (`alerts:incidents`), so an open incident is not
 * announced again after a restart, and its recovery is still announced.
 */
import type { Channel } from '../channel.js';
import type { Clock } from '../clock.js';
import type { AgentDesk } from '../desk/agent-desk.js';
import type { Logger } from '../logger.js';
import { Periodic } from '../periodic.js';
import type { LiveQueue } from '../reports/live-queue.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { FiguresSource } from './figures.js';
import type { HandoffCounts } from './handoff-counts.js';
import { advance, type IncidentState, NO_INCIDENTS, type Notice } from './incidents.js';
import { type AlertSettings, type AlertSignals, evaluate, type Ratings } from './rules.js';

export interface AlertCheckerDeps {
  kv: KeyValueStore;
  clock: Clock;
  logger: Logger;
  desk: () => AgentDesk | undefined;
  channels: ReadonlyMap<string, Pick<Channel, 'health'>>;
  knowledge: { status(): { state: string; errors: readonly string[] } };
  handoffCounts: Pick<HandoffCounts, 'window'>;
  queue: () => Promise<LiveQueue>;
  /** Unset: the CSAT rule is skipped. */
  figures?: FiguresSource;
  settings: AlertSettings & { csatBaselineDays: number };
}

const STATE_KEY = 'alerts:incidents';
const DAY_MS = 86_400_000;

export class AlertChecker {
  readonly #deps: AlertCheckerDeps;
  readonly #periodic: Periodic;

  constructor(deps: AlertCheckerDeps) {
    this.#deps = deps;
    this.#periodic = new Periodic(
      () => this.tick().then(() => undefined),
      (error) => deps.logger.error({ err: error }, 'alert check failed; retrying next time'),
    );
  }

  start(intervalMs: number): void {
    this.#periodic.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#periodic.stop();
  }

  /** One check; returns what it announced. */
  async tick(): Promise<Notice[]> {
    const { kv, clock, settings } = this.#deps;
    const before = (await kv.get<IncidentState>(STATE_KEY)) ?? NO_INCIDENTS;
    const { state, notices } = advance(before, evaluate(await this.#signals(), settings), clock.now());
    if (JSON.stringify(state) !== JSON.stringify(before)) await kv.set(STATE_KEY, state);
    for (const notice of notices) await this.#announce(notice);
    return notices;
  }

  async #signals(): Promise<AlertSignals> {
    const { channels, desk, knowledge, handoffCounts, queue } = this.#deps;
    const agentDesk = desk();
    const [handoffs, live, csat] = await Promise.all([handoffCounts.window(), queue(), this.#csat()]);
    return {
      handoffs,
      slaBreached: live.waiting.filter((w) => w.sla === 'breached').map((w) => w.ticket ?? w.conversationId),
      csat,
      health: [
        ...[...channels].map(([name, channel]) => ({ name, health: channel.health() })),
        ...(agentDesk ? [{ name: `${agentDesk.name} agent desk`, health: agentDesk.health() }] : []),
      ],
      knowledge: knowledge.status(),
    };
  }

  /** The last day's ratings against the `csatBaselineDays` before them; undefined when unreadable. */
  async #csat(): Promise<AlertSignals['csat']> {
    const { figures, clock, logger, settings } = this.#deps;
    if (!figures) return undefined;
    const now = clock.now();
    const day = (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString().slice(0, 10);
    try {
      const [recent, baseline] = await Promise.all([
        figures(day(1), day(0)),
        figures(day(1 + settings.csatBaselineDays), day(2)),
      ]);
      return { recent: ratings(recent.csat), baseline: ratings(baseline.csat) };
    } catch (error) {
      logger.warn({ err: error }, 'CSAT figures unreadable; the CSAT alert is skipped this time');
      return undefined;
    }
  }

  async #announce(notice: Notice): Promise<void> {
    const { logger, desk } = this.#deps;
    const fields = { alert: notice.key, kind: notice.kind };
    if (notice.kind === 'alert') logger.warn(fields, notice.text);
    else logger.info(fields, notice.text);
    try {
      await desk()?.announce?.(notice.text);
    } catch (error) {
      logger.error({ ...fields, err: error }, "alert not posted to the agents' channel");
    }
  }
}

function ratings({ n, average }: { n: number; average: number | null }): Ratings {
  return { n, average: n > 0 && average !== null ? average : undefined };
}
