/**
 * The web chat benchmark: N customers, each with a session and an open event stream, ask
 * questions from the sample knowledge base in a closed loop against a real Switchboard in its own
 * process. Half the customers write Chinese and half English, each keeping to one language as
 * people do (switching would add a locale update to every message).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './child.js';
import { loadFigures, messageFigures, percentile, round, runClosedLoop } from './load.js';
import { loadQuestions } from './questions.js';
import type { Benchmark } from './settings.js';
import { type Locale, WebchatCustomer } from './webchat-customer.js';

interface Worker {
  customer: WebchatCustomer;
  locale: Locale;
  asked: number;
}

export const webchat: Benchmark = {
  name: 'webchat',
  async run(settings, progress) {
    const questions = await loadQuestions();
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
    const storeUrl = settings.storeUrl ?? `sqlite://${join(dir, 'bench.sqlite')}`;
    // Also on Ctrl-C, when run.ts exits without unwinding to the `finally` below.
    const removeDir = () => rmSync(dir, { recursive: true, force: true });
    process.once('exit', removeDir);
    try {
      const server = await startServer({
        label: 'webchat server',
        entry: 'bench/serve-switchboard.ts',
        env: { STORE_URL: storeUrl, LOG_LEVEL: settings.verbose ? 'info' : 'silent' },
        nodeArgs: settings.serverNodeArgs,
        verbose: settings.verbose,
      });
      try {
        progress(
          `webchat: Switchboard (pid ${server.pid}, ${storeUrl.replace(/\/\/.*@/, '//***@')}) on ${server.url}; ` +
            `${settings.customers} customers, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s`,
        );
        const open = async (index: number): Promise<Worker> => {
          const locale: Locale = index % 2 === 0 ? 'zh-CN' : 'en';
          return {
            customer: await WebchatCustomer.open(server.url, locale, settings.timeoutMs),
            locale,
            // Customers start at different questions, so the server sees a mix at every moment.
            asked: index * 7,
          };
        };
        const result = await runClosedLoop<Worker>({
          workers: settings.customers,
          warmupMs: settings.warmupSeconds * 1000,
          durationMs: settings.seconds * 1000,
          open,
          step: (worker) => {
            const list = questions[worker.locale];
            const text = list[worker.asked++ % list.length] as string;
            return worker.customer.ask(text);
          },
          // After a failure the conversation's state is unknown (a timed-out answer may still
          // arrive), so the customer starts over with a new session.
          recover: (_worker, index) => open(index),
          close: (worker) => worker.customer.close(),
          serverCpuSeconds: server.cpuSeconds,
        });
        const answer = result.samples.answer ?? [];
        const figures = {
          ...messageFigures(settings, storeUrl, result),
          answerP50Ms: round(percentile(answer, 50)),
          answerP99Ms: round(percentile(answer, 99)),
          ...loadFigures(result),
        };
        return {
          figures,
          summary: [
            `webchat   ${figures.msgsPerSec} msgs/s  answer p50 ${figures.answerP50Ms} ms  p99 ${figures.answerP99Ms} ms` +
              `  (ack p50 ${figures.ackP50Ms} ms  p99 ${figures.ackP99Ms} ms)  ${figures.messages} answered, ` +
              `${figures.errors} errors; CPU server ${figures.serverCpuPct}% client ${figures.clientCpuPct}%`,
          ],
        };
      } finally {
        await server.stop();
      }
    } finally {
      process.off('exit', removeDir);
      removeDir();
    }
  },
};
