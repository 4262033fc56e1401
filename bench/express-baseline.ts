/**
 * The yardstick: the same number of clients, the same client code and the same closed loop
 * against a bare express 5 JSON echo (bench/serve-express.ts) in its own process. Its req/s is what
 * this machine and node can do at the HTTP layer alone, so webchat msgs/s divided by it is a
 * figure that travels between machines better than msgs/s does.
 */
import { startServer } from './child.js';
import { postJson } from './http.js';
import { loadFigures, percentile, round, runClosedLoop } from './load.js';
import type { Benchmark } from './settings.js';

export const expressBaseline: Benchmark = {
  name: 'expressBaseline',
  async run(settings, progress) {
    const server = await startServer({
      label: 'express baseline',
      entry: 'bench/serve-express.ts',
      nodeArgs: settings.serverNodeArgs,
      verbose: settings.verbose,
    });
    try {
      progress(
        `expressBaseline: express JSON echo (pid ${server.pid}) on ${server.url}; ` +
          `${settings.customers} connections, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s`,
      );
      let counter = 0;
      const result = await runClosedLoop<number>({
        workers: settings.customers,
        warmupMs: settings.warmupSeconds * 1000,
        durationMs: settings.seconds * 1000,
        open: async (index) => index,
        step: async (index) => {
          // Shaped like a web chat message, so both servers parse and send bodies of the same size.
          const body = {
            sessionId: `ws_bench${String(index).padStart(18, '0')}`,
            clientMessageId: `bench-${++counter}`,
            text: index % 2 === 0 ? '我的快递到哪里了？' : 'where is my parcel?',
          };
          const sent = performance.now();
          const response = await postJson(`${server.url}/echo`, body, settings.timeoutMs);
          if (response.status !== 200) throw new Error(`POST /echo: ${response.status}`);
          return { latency: performance.now() - sent };
        },
        close: () => {},
        serverCpuSeconds: server.cpuSeconds,
      });
      const latency = result.samples.latency ?? [];
      const figures = {
        connections: settings.customers,
        seconds: settings.seconds,
        requests: result.ops,
        reqPerSec: round(result.opsPerSec, 1),
        p50Ms: round(percentile(latency, 50)),
        p99Ms: round(percentile(latency, 99)),
        ...loadFigures(result),
      };
      return {
        figures,
        summary: [
          `baseline  ${figures.reqPerSec} req/s   p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  ` +
            `${figures.requests} requests, ${figures.errors} errors; CPU server ${figures.serverCpuPct}% client ${figures.clientCpuPct}%`,
        ],
      };
    } finally {
      await server.stop();
    }
  },
};
