/**
 * The periodic jobs (SLA reminders, idle closing, retention, alerts and reports). On a shared store
 * they run on one instance at a time, the holder of `lease:timers`, or every reminder, alert and
 * report would go out once per instance; the embedded SQLite file has one process anyway.
 */
import { Lease } from './lease.js';
import type { Logger } from './logger.js';
import type { KeyValueStore } from './store/key-value.js';

export interface TimerJob {
  start(): void;
  stop(): Promise<void>;
}

export async function startTimerJobs(
  store: KeyValueStore,
  logger: Logger,
  jobs: readonly TimerJob[],
): Promise<{ stop(): Promise<void> }> {
  const start = () => {
    for (const job of jobs) job.start();
  };
  const stopJobs = async () => {
    for (const job of jobs) await job.stop();
  };
  const lease =
    store.backend === 'sqlite'
      ? undefined
      : new Lease(store, 'timers', { logger, onAcquired: start, onLost: stopJobs });
  if (lease) await lease.start();
  else start();
  return {
    async stop() {
      await lease?.stop();
      await stopJobs();
    },
  };
}
