/**
 * A closed-loop load generator: each of N workers does one operation, waits for it to finish,
 * then starts the next, until the time is up. Closed loop is how people chat (one question, read
 * the answer, ask again), and it keeps a slow server from being buried under a growing queue.
 *
 * Only operations that finish inside the measured window count, and the rate divides by the
 * window's length; operations still in flight at its end are awaited (each is bounded by its own
 * timeout) but not counted.
 */

/** Named durations of one operation in ms, e.g. `{ ack: 3.2, answer: 11.8 }`. */
export type Timings = Record<string, number>;

export interface LoadOptions<W> {
  workers: number;
  warmupMs: number;
  durationMs: number;
  /** Prepares worker `index` (a session, an open stream) before any clock starts. */
  open(index: number): Promise<W>;
  /** One operation; throws on any failure, which is counted as an error. */
  step(worker: W, index: number): Promise<Timings>;
  /** After a failed step: returns the worker to use from now on (e.g. a fresh session). */
  recover?(worker: W, index: number): Promise<W>;
  close(worker: W): Promise<void> | void;
  /** CPU seconds the server has used so far, read at the window's start and end. */
  serverCpuSeconds?: () => number | undefined;
}

export interface LoadResult {
  /** Operations that finished without error inside the measured window. */
  ops: number;
  opsPerSec: number;
  windowMs: number;
  errors: number;
  /** Error messages and how often each happened, warm-up included (`errors` counts from the window's start). */
  errorKinds: Record<string, number>;
  /** Per timing name, its durations in the window, sorted ascending. */
  samples: Record<string, number[]>;
  /** Share of one core the load generator (this process) used in the window, in %. */
  clientCpuPct: number;
  /** Share of one core the server used in the window, in %, when it could be read. */
  serverCpuPct: number | undefined;
}

const ERROR_PAUSE_MS = 50; // after a failure, so a dead server does not turn into a hot loop

export async function runClosedLoop<W>(options: LoadOptions<W>): Promise<LoadResult> {
  const opened = await Promise.allSettled(Array.from({ length: options.workers }, (_, i) => options.open(i)));
  const workers: W[] = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = opened.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.allSettled(workers.map((worker) => options.close(worker)));
    throw new Error(`opening ${options.workers - workers.length} of ${options.workers} workers failed`, {
      cause: failed.reason,
    });
  }
  const samples: Record<string, number[]> = {};
  const errorKinds: Record<string, number> = {};
  let ops = 0;
  let errors = 0;

  const start = performance.now();
  const windowStart = start + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;
  let clientCpuAtStart = process.cpuUsage();
  let serverCpuAtStart = options.serverCpuSeconds?.();
  let cpu: { clientMicros: number; serverSeconds: number | undefined } | undefined;
  const startWindow = () => {
    clientCpuAtStart = process.cpuUsage();
    serverCpuAtStart = options.serverCpuSeconds?.();
  };
  const endWindow = () => {
    if (cpu) return;
    const used = process.cpuUsage(clientCpuAtStart);
    const serverNow = options.serverCpuSeconds?.();
    cpu = {
      clientMicros: used.user + used.system,
      serverSeconds:
        serverNow !== undefined && serverCpuAtStart !== undefined ? serverNow - serverCpuAtStart : undefined,
    };
  };
  // Timers, not the workers, take the CPU readings, so they fall on the window's edges.
  const windowStarted = setTimeout(startWindow, options.warmupMs);
  const windowEnded = setTimeout(endWindow, options.warmupMs + options.durationMs);

  const countError = (error: unknown) => {
    if (performance.now() >= windowStart) errors++;
    const kind = describe(error);
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };

  const loop = async (index: number) => {
    let worker = workers[index] as W;
    try {
      while (performance.now() < windowEnd) {
        try {
          const timings = await options.step(worker, index);
          const finished = performance.now();
          if (finished >= windowStart && finished <= windowEnd) {
            ops++;
            for (const [name, ms] of Object.entries(timings)) {
              const list = samples[name] ?? [];
              list.push(ms);
              samples[name] = list;
            }
          }
        } catch (error) {
          countError(error);
          await sleep(ERROR_PAUSE_MS);
          if (options.recover && performance.now() < windowEnd) {
            try {
              await options.close(worker);
              worker = await options.recover(worker, index);
            } catch (recoverError) {
              // Keep the broken worker: its next step fails fast and recovery is tried again.
              countError(recoverError);
            }
          }
        }
      }
    } finally {
      workers[index] = worker;
    }
  };

  try {
    await Promise.all(workers.map((_, index) => loop(index)));
    // The last worker can see the window close before the timer's turn comes: read now, late by
    // at most one event-loop turn.
    endWindow();
  } finally {
    clearTimeout(windowStarted);
    clearTimeout(windowEnded);
    await Promise.allSettled(workers.map((worker) => options.close(worker)));
  }

  for (const list of Object.values(samples)) list.sort((a, b) => a - b);
  const windowMs = options.durationMs;
  return {
    ops,
    opsPerSec: ops / (windowMs / 1000),
    windowMs,
    errors,
    errorKinds,
    samples,
    clientCpuPct: ((cpu?.clientMicros ?? Number.NaN) / 1000 / windowMs) * 100,
    serverCpuPct:
      cpu?.serverSeconds === undefined ? undefined : ((cpu.serverSeconds * 1000) / windowMs) * 100,
  };
}

/**
 * The figures every load run reports besides its own: errors and where the CPU went. `serverCpuMsPerOp`
 * is server CPU time (all threads) per operation: unlike throughput, it barely moves when other
 * processes share the machine, so it compares two servers more steadily.
 */
export function loadFigures(result: LoadResult) {
  const cpuMsPerOp =
    result.serverCpuPct === undefined || result.opsPerSec <= 0
      ? undefined
      : (result.serverCpuPct / 100) * (1000 / result.opsPerSec);
  return {
    errors: result.errors,
    ...(Object.keys(result.errorKinds).length > 0 ? { errorKinds: result.errorKinds } : {}),
    serverCpuPct: round(result.serverCpuPct, 0),
    clientCpuPct: round(result.clientCpuPct, 0),
    ...(cpuMsPerOp === undefined ? {} : { serverCpuMsPerOp: round(cpuMsPerOp, 3) }),
  };
}

/** What every message benchmark reports: its setup, throughput and acknowledgement times. */
export function messageFigures(
  settings: { customers: number; seconds: number },
  storeUrl: string,
  result: LoadResult,
) {
  const ack = result.samples.ack ?? [];
  return {
    customers: settings.customers,
    seconds: settings.seconds,
    store: storeUrl.slice(0, storeUrl.indexOf(':')),
    messages: result.ops,
    msgsPerSec: round(result.opsPerSec, 1),
    ackP50Ms: round(percentile(ack, 50)),
    ackP99Ms: round(percentile(ack, 99)),
  };
}

/** Nearest-rank percentile of ascending `sorted` values; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Rounds for the report: figures are noisy well before the third decimal. */
export function round(value: number | undefined, digits = 2): number | null {
  if (value === undefined || !Number.isFinite(value)) return null;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.slice(0, 120) ?? 'unknown error';
}
