/**
 * `npm run bench`: runs each benchmark in turn and ends with ONE line of JSON combining their
 * figures (DESIGN.md: "each prints, as its last line, one JSON object of its figures"), e.g.
 *
 *   {"webchat":{"msgsPerSec":...},"expressBaseline":{"reqPerSec":...},"ratio":0.52,...}
 *
 * Progress goes to stderr and a readable summary to stdout before the JSON, so
 * `npm run bench --silent | tail -n 1` is machine-readable. Settings: bench/settings.ts
 * (BENCH_CUSTOMERS, BENCH_SECONDS, …); BENCH_ONLY=webchat,… runs a subset.
 * A new benchmark is a module exporting a Benchmark, added to BENCHMARKS below.
 */
import { availableParallelism } from 'node:os';
import { killAllChildren } from './child.js';
import { expressBaseline } from './express-baseline.js';
import { round } from './load.js';
import { type Benchmark, type Figures, readSettings } from './settings.js';
import { webchat } from './webchat.js';
import { slackEvents, telegramWebhook } from './webhooks.js';

const BENCHMARKS: Benchmark[] = [webchat, expressBaseline, telegramWebhook, slackEvents];

/** From the issue: web chat msgs/s at least 0.4 × bare express req/s on 2 cores with SQLite. */
const RATIO_TARGET = 0.4;

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<number> {
  let settings: ReturnType<typeof readSettings>;
  try {
    settings = readSettings();
  } catch (error) {
    progress(`bench: ${(error as Error).message}`);
    return 2;
  }
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const unknown = only.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: no benchmark named ${unknown.join(', ')}`);
  const selected = only.length > 0 ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;

  // Every await below is bounded on its own; this is the backstop should one of them not be.
  const perBenchmarkMs = (settings.warmupSeconds + settings.seconds) * 1000 + 3 * settings.timeoutMs + 60_000;
  const watchdog = setTimeout(() => {
    progress(
      `bench: still running after ${Math.round((selected.length * perBenchmarkMs) / 1000)} s; giving up`,
    );
    killAllChildren();
    process.exit(2);
  }, selected.length * perBenchmarkMs);
  watchdog.unref();

  const results: Record<string, Figures> = {};
  const failed: Record<string, string> = {};
  const summary: string[] = [];
  for (const benchmark of selected) {
    progress(`bench: ${benchmark.name}…`);
    try {
      const result = await benchmark.run(settings, progress);
      results[benchmark.name] = result.figures;
      summary.push(...result.summary);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // The JSON line stays one short line; the summary keeps the whole story (e.g. a child's stderr).
      failed[benchmark.name] = message.replace(/\s+/g, ' ').slice(0, 300);
      summary.push(`${benchmark.name}: FAILED: ${message}`);
    }
  }
  clearTimeout(watchdog);

  const ratio = ratioOf(results, 'webchat');
  if (ratio !== undefined) {
    summary.push(
      `ratio     ${ratio} (webchat msgs/s ÷ express req/s; target ≥ ${RATIO_TARGET}: ${ratio >= RATIO_TARGET ? 'met' : 'NOT met'})`,
    );
  }
  // Throughput swings with whatever else runs on a shared VM; CPU time per operation barely does.
  const cpuRatio = cpuRatioOf(results);
  if (cpuRatio !== undefined) {
    summary.push(
      `cpu ratio ${cpuRatio} (server CPU per express request ÷ per web chat message: the same comparison, steadier on a busy machine)`,
    );
  }
  // The webhook runs against the same ceiling: how much of bare express a platform's route keeps.
  const webhookRatios = Object.fromEntries(
    ['telegramWebhook', 'slackEvents'].flatMap((name) => {
      const value = ratioOf(results, name);
      if (value === undefined) return [];
      summary.push(`ratio     ${value} (${name} msgs/s ÷ express req/s)`);
      return [[`${name}Ratio`, value]];
    }),
  );
  const combined = {
    ...results,
    ...(ratio !== undefined ? { ratio, ratioTarget: RATIO_TARGET } : {}),
    ...(cpuRatio !== undefined ? { cpuRatio } : {}),
    ...webhookRatios,
    ...(Object.keys(failed).length > 0 ? { failed } : {}),
    machine: { node: process.version, cpus: availableParallelism(), platform: process.platform },
  };
  process.stdout.write(`${summary.join('\n')}\n${JSON.stringify(combined)}\n`);
  return Object.keys(failed).length > 0 ? 1 : 0;
}

function ratioOf(results: Record<string, Figures>, name: string): number | undefined {
  const messages = results[name]?.msgsPerSec;
  const requests = results.expressBaseline?.reqPerSec;
  if (typeof messages !== 'number' || typeof requests !== 'number' || requests <= 0) return undefined;
  return round(messages / requests, 3) ?? undefined;
}

function cpuRatioOf(results: Record<string, Figures>): number | undefined {
  const perMessage = results.webchat?.serverCpuMsPerOp;
  const perRequest = results.expressBaseline?.serverCpuMsPerOp;
  if (typeof perMessage !== 'number' || typeof perRequest !== 'number' || perMessage <= 0) return undefined;
  return round(perRequest / perMessage, 3) ?? undefined;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

main().then(
  (code) => {
    killAllChildren();
    process.exitCode = code;
  },
  (error: unknown) => {
    killAllChildren();
    progress(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
