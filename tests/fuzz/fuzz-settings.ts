/**
 * How much fuzzing a run does. `npm test` sends a few hundred cases in all, to keep the suite fast,
 * always the same ones (a fixed seed), so a red suite means a change broke something, not that the
 * dice found an old bug; `npm run fuzz` sets FUZZ_RUNS=10000 with a new seed each time.
 * FUZZ_SEED replays a run fast-check reported.
 */
const DEFAULT_RUNS = 200;
const DEFAULT_SEED = 20_261_123;
/** Below this many cases a heap trend is noise, so the memory check only reports. */
export const MEMORY_CHECK_MIN_RUNS = 2_000;

export const FUZZ_RUNS = wholeNumber('FUZZ_RUNS', DEFAULT_RUNS, 0);
export const FUZZ_SEED = process.env.FUZZ_SEED
  ? wholeNumber('FUZZ_SEED', 0, Number.MIN_SAFE_INTEGER)
  : process.env.FUZZ_RUNS
    ? undefined
    : DEFAULT_SEED;

/** A route's share of FUZZ_RUNS by its weight; at least a few cases each. */
export function runsFor(weight: number, totalWeight: number): number {
  return Math.max(3, Math.round((FUZZ_RUNS * weight) / totalWeight));
}

/** Generous: a case with a megabyte body takes tens of ms on a busy 2-core machine. */
export function timeoutFor(runs: number): number {
  return 30_000 + runs * 150;
}

function wholeNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min)
    throw new Error(`${name}=${raw}: must be a whole number ≥ ${min}`);
  return value;
}
