/**
 * Every public route fed generated hostile requests (fast-check): never a 5xx, a 4xx is always
 * JSON with an error code, the server stays up, nothing pollutes Object.prototype, and the heap
 * stays flat. `npm test` sends FUZZ_RUNS (200) cases in all; `npm run fuzz` sends 10,000 and
 * prints the figures. A failing case is printed by fast-check, shrunk, with the seed to replay it
 * (FUZZ_SEED=<seed>).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf, problemWith } from './check-answer.js';
import { ADMIN_TOKEN, type FuzzServers, startFuzzServers } from './fuzz-servers.js';
import { FUZZ_RUNS, FUZZ_SEED, MEMORY_CHECK_MIN_RUNS, runsFor, timeoutFor } from './fuzz-settings.js';
import { type RawRequest, send } from './raw-http.js';
import { adminRoutes } from './routes/admin.js';
import { publicRoutes } from './routes/public.js';
import type { FuzzContext, FuzzRoute } from './routes/route.js';
import { slackRoutes } from './routes/slack.js';
import { teamsRoutes } from './routes/teams.js';
import { telegramRoutes } from './routes/telegram.js';
import { webchatRoutes } from './routes/webchat.js';
import { type Memory, measureMemory, shortened, Tally } from './tally.js';

const ROUTES: FuzzRoute[] = [
  ...webchatRoutes,
  ...telegramRoutes,
  ...slackRoutes,
  ...teamsRoutes,
  ...adminRoutes,
  ...publicRoutes,
];
const TOTAL_WEIGHT = ROUTES.reduce((sum, route) => sum + route.weight, 0);
/** Every route answers in milliseconds; a case still waiting after this is a hang. */
const REQUEST_TIMEOUT_MS = 5_000;
/** Heap growth over a full run that still counts as flat: caches and JIT code settle well below it. */
const FLAT_HEAP_GROWTH_MB = 48;

/** fast-check prints a failing case with this: megabyte bodies shortened. */
function printable(req: RawRequest): RawRequest {
  return { ...req, [fc.toStringMethod]: () => JSON.stringify(shortened(req)) } as RawRequest;
}

describe(`fuzzing every public route (${FUZZ_RUNS} cases)`, () => {
  let servers: FuzzServers;
  let context: FuzzContext;
  const tally = new Tally();
  let before: Memory;
  let after: Memory;
  let started = 0;

  const urlOf = (route: FuzzRoute) => (route.server === 'main' ? servers.main.url : servers.teamsAppId.url);

  async function check(route: FuzzRoute, req: RawRequest): Promise<boolean> {
    tally.count(route.name);
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(urlOf(route), req, REQUEST_TIMEOUT_MS);
    } catch (error) {
      tally.record(route.name, `no answer: ${(error as Error).message}`, req, false);
      return false;
    }
    const problem = problemWith(req, answer);
    if (problem) tally.record(route.name, problem.problem, req, problem.serverError);
    return problem === undefined;
  }

  beforeAll(async () => {
    servers = await startFuzzServers();
    const created = await send(
      servers.main.url,
      { method: 'POST', path: '/webchat/sessions', headers: {} },
      REQUEST_TIMEOUT_MS,
    );
    context = {
      knownSessionId: (JSON.parse(created.text) as { sessionId: string }).sessionId,
      stubUrl: servers.stubUrl,
      identity: servers.identity,
    };
    // A few cases per route first, so lazily loaded code and first-use caches are in the baseline.
    for (const route of ROUTES) {
      for (const req of fc.sample(route.requests(context), { numRuns: 3, seed: 1 })) await check(route, req);
    }
    before = measureMemory();
    started = performance.now();
  }, 60_000);

  afterAll(async () => {
    after = measureMemory();
    console.log(tally.report(before, after, (performance.now() - started) / 1000));
    await servers?.close();
  }, 60_000);

  for (const route of ROUTES) {
    const runs = runsFor(route.weight, TOTAL_WEIGHT);
    it(
      `${route.name}: ${runs} cases, no 5xx, 4xx as JSON error codes`,
      async () => {
        await fc.assert(
          fc.asyncProperty(route.requests(context).map(printable), (req) => check(route, req)),
          { numRuns: runs, ...(FUZZ_SEED !== undefined ? { seed: FUZZ_SEED } : {}) },
        );
      },
      timeoutFor(runs),
    );
  }

  it('both servers are still up and nothing polluted Object.prototype', async () => {
    for (const url of [servers.main.url, servers.teamsAppId.url]) {
      const health = await send(url, { method: 'GET', path: '/healthz', headers: {} }, REQUEST_TIMEOUT_MS);
      expect(health.status).toBe(200);
    }
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(tally.serverErrors).toBe(0);
  });

  it.runIf(FUZZ_RUNS >= MEMORY_CHECK_MIN_RUNS)(`the heap grows less than ${FLAT_HEAP_GROWTH_MB} MB`, () => {
    const now = measureMemory();
    expect(now.heapUsedMb - before.heapUsedMb).toBeLessThan(FLAT_HEAP_GROWTH_MB);
  });

  it('admin errors use the common { error: { code, message } } shape', async () => {
    const answer = await send(
      servers.main.url,
      { method: 'GET', path: '/admin/api/channels', headers: { authorization: `Bearer not-${ADMIN_TOKEN}` } },
      REQUEST_TIMEOUT_MS,
    );
    expect(answer.status).toBe(401);
    expect(errorCodeOf(answer.text)).toBe('unauthorized');
  });
});
