/**
 * What every benchmark shares: the settings read from the environment once, and the shape of a
 * benchmark module, so bench/run.ts can run a list of them in order and combine their figures.
 */

export interface BenchSettings {
  /** Concurrent clients (web chat customers, baseline connections): BENCH_CUSTOMERS. */
  customers: number;
  /** Measured seconds per benchmark: BENCH_SECONDS. */
  seconds: number;
  /** Unmeasured seconds before that, so both servers are JIT-warm when measuring: BENCH_WARMUP_SECONDS. */
  warmupSeconds: number;
  /** Upper bound on any single request or awaited answer: BENCH_TIMEOUT_MS. */
  timeoutMs: number;
  /** Extra node flags for the server child processes, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": BENCH_SERVER_NODE_ARGS. */
  serverNodeArgs: string[];
  /** Store for the Switchboard under test; a fresh temporary SQLite file when unset: BENCH_STORE_URL. */
  storeUrl: string | undefined;
  /** Forward the children's output to stderr: BENCH_VERBOSE=1. */
  verbose: boolean;
}

export type Figures = Record<string, unknown>;

export interface BenchResult {
  /** Goes into the final JSON line under the benchmark's name. */
  figures: Figures;
  /** One or more human-readable lines for the summary. */
  summary: string[];
}

export interface Benchmark {
  /** Key in the final JSON object, e.g. "webchat". */
  readonly name: string;
  run(settings: BenchSettings, progress: (line: string) => void): Promise<BenchResult>;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  return {
    customers: integer(env, 'BENCH_CUSTOMERS', 50, 1, 2_000),
    seconds: integer(env, 'BENCH_SECONDS', 10, 1, 600),
    warmupSeconds: integer(env, 'BENCH_WARMUP_SECONDS', 2, 0, 60),
    timeoutMs: integer(env, 'BENCH_TIMEOUT_MS', 10_000, 100, 120_000),
    serverNodeArgs: (env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    storeUrl: env.BENCH_STORE_URL || undefined,
    verbose: env.BENCH_VERBOSE === '1' || env.BENCH_VERBOSE === 'true',
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${raw}: must be a whole number from ${min} to ${max}`);
  }
  return value;
}
