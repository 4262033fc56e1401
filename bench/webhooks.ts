/**
 * Webhook benchmarks: N customers, each in a chat of their own, write in a closed loop to a real
 * Switchboard through a platform's webhook route, the way the platform would deliver their
 * messages; the bot's outbound calls go to a local stub of the platform API (bench/platform-stub.ts).
 *
 * `msgsPerSec` counts acknowledged deliveries (the platform's view: the webhook answered 200, so
 * the message is recorded); `ackP99Ms` is what decides whether the platform retries (Slack after
 * 3 s). `answersPerSec` counts the bot's sends reaching the stub in the window: they are paced at
 * the platform's published limits (Telegram 30/s overall, Slack 1/s per channel), so it is bounded
 * by design, not by the server.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './child.js';
import { postJson } from './http.js';
import { loadFigures, messageFigures, round, runClosedLoop } from './load.js';
import { startPlatformStub } from './platform-stub.js';
import { loadQuestions } from './questions.js';
import type { Benchmark } from './settings.js';

interface Delivery {
  path: string;
  body: string;
  headers: Record<string, string>;
}

interface WebhookPlatform {
  name: string;
  /** Environment that turns the channel on, its API pointed at the stub. */
  env(stubUrl: string): Record<string, string>;
  /** The platform's delivery of `text` from customer `customer`, its `seq`-th message. */
  delivery(customer: number, seq: number, text: string): Delivery;
}

const TELEGRAM_SECRET = 'bench-webhook-secret-0123456789';
const SLACK_SECRET = 'bench-signing-secret-0123456789abcdef';

const telegram: WebhookPlatform = {
  name: 'telegramWebhook',
  env: (stubUrl) => ({
    TELEGRAM_BOT_TOKEN: '123456789:BENCHbenchBENCHbenchBENCHbench',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    TELEGRAM_API_ROOT: stubUrl,
    PUBLIC_URL: 'https://bench.example',
  }),
  delivery(customer, seq, text) {
    const userId = 10_000 + customer;
    const body = JSON.stringify({
      update_id: customer * 1_000_000 + seq,
      message: {
        message_id: seq,
        date: Math.floor(Date.now() / 1000),
        chat: { id: userId, type: 'private', first_name: `Customer ${customer}` },
        from: { id: userId, is_bot: false, first_name: `Customer ${customer}` },
        text,
      },
    });
    return {
      path: '/webhooks/telegram',
      body,
      headers: { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
    };
  },
};

const slack: WebhookPlatform = {
  name: 'slackEvents',
  env: (stubUrl) => ({
    SLACK_BOT_TOKEN: 'xoxb-bench-0000-benchbenchbench',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: `${stubUrl}/api/`,
  }),
  delivery(customer, seq, text) {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, '0')}`;
    const body = JSON.stringify({
      token: 'unused',
      team_id: 'T123ABC456',
      api_app_id: 'A123ABC456',
      type: 'event_callback',
      event_id: `EvBENCH${customer}x${seq}`,
      event_time: Math.floor(Date.now() / 1000),
      event: {
        type: 'message',
        channel_type: 'im',
        channel: `D0BENCH${customer}`,
        user: `U0CUST${customer}`,
        text,
        ts,
        event_ts: ts,
      },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    return {
      path: '/webhooks/slack/events',
      body,
      headers: { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature },
    };
  },
};

interface Customer {
  index: number;
  seq: number;
}

function webhookBenchmark(platform: WebhookPlatform): Benchmark {
  return {
    name: platform.name,
    async run(settings, progress) {
      const questions = await loadQuestions();
      const all = [...questions['zh-CN'], ...questions.en];
      const dir = mkdtempSync(join(tmpdir(), 'switchboard-bench-'));
      const storeUrl = settings.storeUrl ?? `sqlite://${join(dir, 'bench.sqlite')}`;
      const removeDir = () => rmSync(dir, { recursive: true, force: true });
      process.once('exit', removeDir);
      const stub = await startPlatformStub();
      try {
        const server = await startServer({
          label: `${platform.name} server`,
          entry: 'bench/serve-switchboard.ts',
          env: {
            STORE_URL: storeUrl,
            LOG_LEVEL: settings.verbose ? 'info' : 'silent',
            ...platform.env(stub.url),
          },
          nodeArgs: settings.serverNodeArgs,
          verbose: settings.verbose,
        });
        try {
          progress(
            `${platform.name}: Switchboard (pid ${server.pid}) on ${server.url}, platform stub on ${stub.url}; ` +
              `${settings.customers} customers, ${settings.warmupSeconds} s warm-up + ${settings.seconds} s`,
          );
          let sentAtStart = 0;
          let sentAtEnd = 0;
          setTimeout(() => {
            sentAtStart = stub.sent();
          }, settings.warmupSeconds * 1000).unref();
          setTimeout(
            () => {
              sentAtEnd = stub.sent();
            },
            (settings.warmupSeconds + settings.seconds) * 1000,
          ).unref();
          const result = await runClosedLoop<Customer>({
            workers: settings.customers,
            warmupMs: settings.warmupSeconds * 1000,
            durationMs: settings.seconds * 1000,
            open: async (index) => ({ index, seq: 0 }),
            step: async (customer) => {
              const seq = ++customer.seq;
              const text = all[(customer.index * 7 + seq) % all.length] as string;
              const delivery = platform.delivery(customer.index, seq, text);
              const started = performance.now();
              const response = await postJson(
                `${server.url}${delivery.path}`,
                delivery.body,
                settings.timeoutMs,
                delivery.headers,
              );
              if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
              return { ack: response.headersAt - started };
            },
            close: () => {},
            serverCpuSeconds: server.cpuSeconds,
          });
          const figures = {
            ...messageFigures(settings, storeUrl, result),
            answersPerSec: round((sentAtEnd - sentAtStart) / settings.seconds, 1),
            ...loadFigures(result),
          };
          return {
            figures,
            summary: [
              `${platform.name.padEnd(15)} ${figures.msgsPerSec} msgs/s acked  ack p50 ${figures.ackP50Ms} ms  p99 ${figures.ackP99Ms} ms` +
                `  answers ${figures.answersPerSec}/s (paced at the platform's limits)  ${figures.errors} errors;` +
                ` CPU server ${figures.serverCpuPct}% client ${figures.clientCpuPct}%`,
            ],
          };
        } finally {
          await server.stop();
        }
      } finally {
        await stub.close();
        process.off('exit', removeDir);
        removeDir();
      }
    },
  };
}

export const telegramWebhook = webhookBenchmark(telegram);
export const slackEvents = webhookBenchmark(slack);
