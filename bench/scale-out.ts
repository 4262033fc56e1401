/**
 * `npm run load`: two Switchboard processes on one store, N customers in a closed loop for a fixed
 * time, half on the web chat and half writing to the Telegram webhook (its Bot API stubbed on
 * 127.0.0.1). Each message goes to the other instance than the one before (any instance must take
 * any webhook or POST); a web chat customer's event stream stays on one instance, so half of its
 * answers cross from the other through the store. Every customer waits for the answer before writing again, and every answer is
 * counted, so the run reports doubled and missing answers besides throughput, acknowledgement
 * times, errors and each server's memory. Local only and bounded: a watchdog ends it.
 *
 * Store: STORE_URL (or BENCH_STORE_URL) when it is redis://…, else one temporary SQLite file both
 * processes open, which is only a smoke test. Settings: bench/settings.ts (BENCH_CUSTOMERS,
 * BENCH_SECONDS with a default of 30 here, BENCH_TIMEOUT_MS, …). Last line: one JSON object.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerCounter } from './answer-counter.js';
import { type ChildServer, killAllChildren, startServer } from './child.js';
import { errorCode, type OpenStream, openStream, postJson } from './http.js';
import { loadFigures, percentile, round, runClosedLoop, sleep } from './load.js';
import { startPlatformStub } from './platform-stub.js';
import { loadQuestions } from './questions.js';
import { readSettings } from './settings.js';
import { readSse } from './sse.js';

const TELEGRAM_SECRET = 'load-webhook-secret-0123456789';
/** After the window, late answers (doubles included) still count for this long. */
const SETTLE_MS = 3_000;

type ChannelName = 'webchat' | 'telegram';

interface Customer {
  channel: ChannelName;
  /** Key in the answer counter. */
  chat: string;
  locale: 'zh-CN' | 'en';
  asked: number;
  /** The instance holding the web chat customer's stream. */
  server?: ChildServer;
  sessionId?: string;
  stream?: OpenStream;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  const settings = readSettings({ BENCH_SECONDS: '30', ...process.env });
  const questions = await loadQuestions();
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-load-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const sharedUrl = [settings.storeUrl, process.env.STORE_URL].find((url) => url?.startsWith('redis://'));
  const storeUrl = sharedUrl ?? `sqlite://${join(dir, 'load.sqlite')}`;
  const store = sharedUrl ? 'redis' : 'sqlite (two processes on one file: a smoke test only)';

  const bound =
    (settings.warmupSeconds + settings.seconds) * 1000 + 2 * settings.timeoutMs + SETTLE_MS + 90_000;
  setTimeout(() => {
    progress(`load: still running after ${Math.round(bound / 1000)} s; giving up`);
    killAllChildren();
    process.exit(2);
  }, bound).unref();

  const answers = new AnswerCounter();
  const stub = await startPlatformStub();
  stub.onCall((method, body) => {
    if (method === 'sendMessage') answers.answered(`telegram:${String(body.chat_id)}`);
  });
  const env = {
    STORE_URL: storeUrl,
    LOG_LEVEL: settings.verbose ? 'info' : 'silent',
    TELEGRAM_BOT_TOKEN: '123456789:LOADloadLOADloadLOADloadLOADload',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    TELEGRAM_API_ROOT: stub.url,
    PUBLIC_URL: 'https://load.example',
  };
  const servers = await Promise.all(
    ['instance A', 'instance B'].map((label) =>
      startServer({
        label,
        entry: 'bench/serve-switchboard.ts',
        env,
        nodeArgs: settings.serverNodeArgs,
        verbose: settings.verbose,
      }),
    ),
  );
  const [first, second] = servers as [ChildServer, ChildServer];
  progress(
    `load: 2 instances (pids ${first.pid}, ${second.pid}) on ${store}; ${settings.customers} customers ` +
      `(web chat and Telegram), ${settings.warmupSeconds} s warm-up + ${settings.seconds} s`,
  );

  // Ids unique to this run: a Redis store keeps what earlier runs recorded, dedupe keys included.
  const runTag = Date.now() % 1_000_000;
  let nextUpdateId = runTag * 10_000_000;

  const open = async (index: number): Promise<Customer> => {
    const channel: ChannelName = index % 2 === 0 ? 'webchat' : 'telegram';
    const locale = Math.floor(index / 2) % 2 === 0 ? 'zh-CN' : 'en';
    if (channel === 'telegram') {
      return {
        channel,
        chat: `telegram:${1_000_000_000 + runTag * 1_000 + index}`,
        locale,
        asked: index * 7,
      };
    }
    const server = servers[Math.floor(index / 2) % 2] as ChildServer;
    const created = await postJson(`${server.url}/webchat/sessions`, { locale }, settings.timeoutMs);
    const { sessionId } = (created.body ?? {}) as { sessionId?: string };
    if (created.status !== 201 || !sessionId) throw new Error(`POST /webchat/sessions: ${created.status}`);
    const chat = `webchat:${sessionId}`;
    const stream = await openStream(`${server.url}/webchat/sessions/${sessionId}/stream`, settings.timeoutMs);
    void countBotMessages(stream, () => answers.answered(chat));
    return { channel, chat, locale, asked: index * 7, server, sessionId, stream };
  };

  const step = async (customer: Customer) => {
    const list = questions[customer.locale];
    const text = list[customer.asked++ % list.length] as string;
    const started = performance.now();
    const instance = servers[customer.asked % 2] as ChildServer;
    const response =
      customer.channel === 'webchat'
        ? await postJson(
            `${instance.url}/webchat/messages`,
            { sessionId: customer.sessionId, clientMessageId: `load-${customer.asked}`, text },
            settings.timeoutMs,
          )
        : await postJson(
            `${instance.url}/webhooks/telegram`,
            telegramUpdate(customer.chat, nextUpdateId++, customer.asked, text),
            settings.timeoutMs,
            { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
          );
    if (response.status >= 300) {
      throw new Error(`${customer.channel} answered ${response.status} ${errorCode(response.body)}`);
    }
    const ack = response.headersAt - started;
    await answers.waitFor(customer.chat, answers.sent(customer.chat), settings.timeoutMs);
    const answer = performance.now() - started;
    return { ack, answer, [`${customer.channel}Answer`]: answer };
  };

  const customers: Customer[] = [];
  const result = await runClosedLoop<Customer>({
    workers: settings.customers,
    warmupMs: settings.warmupSeconds * 1000,
    durationMs: settings.seconds * 1000,
    open: async (index) => {
      const customer = await open(index);
      customers.push(customer);
      return customer;
    },
    step,
    // Streams stay open until the late answers have had their chance to arrive (below).
    close: () => {},
    serverCpuSeconds: () => sumDefined(servers.map((server) => server.cpuSeconds())),
  });
  await sleep(SETTLE_MS);
  const memory = servers.map((server) => memoryOf(server.pid));
  for (const customer of customers) customer.stream?.close();
  await Promise.all(servers.map((server) => server.stop()));
  await stub.close();

  const chatsOf = (channel: ChannelName) => customers.filter((c) => c.channel === channel).map((c) => c.chat);
  const ack = result.samples.ack ?? [];
  const answer = result.samples.answer ?? [];
  const figures = {
    instances: 2,
    store,
    customers: settings.customers,
    seconds: settings.seconds,
    answered: result.ops,
    answersPerSec: round(result.opsPerSec, 1),
    webchatAnswersPerSec: round((result.samples.webchatAnswer?.length ?? 0) / settings.seconds, 1),
    telegramAnswersPerSec: round((result.samples.telegramAnswer?.length ?? 0) / settings.seconds, 1),
    ackP50Ms: round(percentile(ack, 50)),
    ackP99Ms: round(percentile(ack, 99)),
    answerP50Ms: round(percentile(answer, 50)),
    answerP99Ms: round(percentile(answer, 99)),
    ...loadFigures(result),
    answers: { webchat: answers.tally(chatsOf('webchat')), telegram: answers.tally(chatsOf('telegram')) },
    serverMemory: memory,
  };
  const line = (channel: ChannelName) => {
    const t = figures.answers[channel];
    return `  ${channel.padEnd(8)} ${t.received} answers for ${t.expected} messages: ${t.doubled} doubled, ${t.missing} missing`;
  };
  const summary = [
    `load: 2 instances, ${store}, ${settings.customers} customers, ${settings.seconds} s`,
    `  ${figures.answersPerSec} answered msgs/s (web chat ${figures.webchatAnswersPerSec}/s, Telegram ${figures.telegramAnswersPerSec}/s)`,
    `  ack p50 ${figures.ackP50Ms} ms p99 ${figures.ackP99Ms} ms; answer p50 ${figures.answerP50Ms} ms p99 ${figures.answerP99Ms} ms`,
    `  errors ${figures.errors}${figures.errorKinds ? ` ${JSON.stringify(figures.errorKinds)}` : ''}; CPU servers ${figures.serverCpuPct}% (of one core, both) client ${figures.clientCpuPct}%`,
    line('webchat'),
    line('telegram'),
    ...memory.map((m, i) => `  instance ${'AB'[i]}: RSS ${m.rssMb} MB (peak ${m.peakRssMb} MB)`),
  ];
  process.stdout.write(`${summary.join('\n')}\n${JSON.stringify(figures)}\n`);
  removeDir();
}

/** The stream's bot messages; the customer's own, echoed, are not answers. */
async function countBotMessages(stream: OpenStream, onAnswer: () => void): Promise<void> {
  try {
    for await (const event of readSse(stream.response)) {
      if (event.event === 'message' && (JSON.parse(event.data) as { role?: string }).role === 'bot')
        onAnswer();
    }
  } catch {
    // Closed at the end of the run, or by the server: answers missed from here show as missing.
  }
}

function telegramUpdate(chat: string, updateId: number, seq: number, text: string): string {
  const userId = Number(chat.slice('telegram:'.length));
  const person = { id: userId, first_name: `Customer ${userId}` };
  return JSON.stringify({
    update_id: updateId,
    message: {
      message_id: seq,
      date: Math.floor(Date.now() / 1000),
      chat: { ...person, type: 'private' },
      from: { ...person, is_bot: false },
      text,
    },
  });
}

/** VmRSS and VmHWM (peak) of a process, in MB, from /proc. */
function memoryOf(pid: number): { rssMb: number | null; peakRssMb: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMb: round(kb('VmRSS') / 1024, 0), peakRssMb: round(kb('VmHWM') / 1024, 0) };
  } catch {
    return { rssMb: null, peakRssMb: null };
  }
}

function sumDefined(values: (number | undefined)[]): number | undefined {
  return values.some((value) => value === undefined)
    ? undefined
    : values.reduce<number>((sum, value) => sum + (value as number), 0);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

main().then(
  () => killAllChildren(),
  (error: unknown) => {
    killAllChildren();
    progress(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  },
);
