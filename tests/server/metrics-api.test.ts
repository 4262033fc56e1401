import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { MetricsReport } from '../../src/core/metrics/build-report.js';
import { CSV_COLUMNS } from '../../src/core/metrics/figures-csv.js';
import type { GapGroup } from '../../src/core/metrics/group-gaps.js';
import { knowledgeFileSchema } from '../../src/knowledge/schema.js';
import { type RunningSwitchboard, startSwitchboard, testConfig } from '../helpers/switchboard.js';
import { WebchatClient } from '../helpers/webchat-client.js';

const TOKEN = 'a-long-admin-token-for-tests';
let switchboard: RunningSwitchboard;

beforeAll(async () => {
  switchboard = await startSwitchboard(testConfig({ ADMIN_TOKEN: TOKEN }));
  const alice = await WebchatClient.create(switchboard.url);
  await alice.ask('where is my parcel');
  // Two questions the sample knowledge cannot answer, from two visitors (the first hands off).
  await (await WebchatClient.create(switchboard.url)).ask('is the cafeteria vegan friendly');
  await (await WebchatClient.create(switchboard.url)).ask('is the cafeteria vegan');
});
afterAll(async () => {
  await switchboard.close();
});

const get = (path: string, token?: string) =>
  fetch(`${switchboard.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

/** The value of one sample line of the Prometheus text format, e.g. `name{label="x"} 3`. */
function sample(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('exposes live counters and timings after messages flow through the web chat, without a token', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(sample(body, 'switchboard_messages_total{channel="webchat",direction="in",role="customer"}')).toBe(
      3,
    );
    expect(sample(body, 'switchboard_messages_total{channel="webchat",direction="out",role="bot"}')).toBe(3);
    expect(sample(body, 'switchboard_conversations_opened_total{channel="webchat"}')).toBe(3);
    expect(sample(body, 'switchboard_bot_answers_total{channel="webchat",intent="order.track"}')).toBe(1);
    expect(sample(body, 'switchboard_first_response_seconds_count{channel="webchat"}')).toBe(3);
    expect(body).toContain('# TYPE switchboard_first_response_seconds histogram');
    expect(body).toContain('# TYPE switchboard_csat_average gauge');
    // Node's default process metrics, under the same prefix.
    expect(body).toMatch(/^switchboard_process_cpu_user_seconds_total \d/m);
  });
});

describe('admin metrics API', () => {
  it('needs the admin token', async () => {
    for (const path of ['/admin/api/metrics', '/admin/api/metrics.csv', '/admin/api/gaps']) {
      expect((await get(path)).status).toBe(401);
      expect((await get(path, `${TOKEN}x`)).status).toBe(401);
    }
  });

  it.each([
    ['from=2024-13-01', 'invalid_date'],
    ['to=yesterday', 'invalid_date'],
    ['from=2024-05-02&to=2024-05-01', 'invalid_range'],
    ['from=2020-01-01&to=2024-01-01', 'invalid_range'],
  ])('answers 400 for %s', async (query, code) => {
    for (const path of ['/admin/api/metrics', '/admin/api/metrics.csv', '/admin/api/gaps']) {
      const response = await get(`${path}?${query}`, TOKEN);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
    }
  });

  it('gives the figures of the last 7 days by default', async () => {
    const response = await get('/admin/api/metrics', TOKEN);
    expect(response.status).toBe(200);
    const report = (await response.json()) as MetricsReport;
    const today = new Date().toISOString().slice(0, 10);
    expect(report.to).toBe(today);
    expect(report.days).toHaveLength(7);
    expect(report.days.at(-1)).toMatchObject({
      date: today,
      conversations: 3,
      messagesIn: 3,
      messagesOut: 3,
    });
    expect(report.totals).toMatchObject({
      conversations: 3,
      closed: 0,
      containmentRate: null,
      firstResponseMs: { n: 3 },
      csat: { n: 0, average: null, distribution: { '1': 0, '5': 0 } },
    });
    expect(Object.keys(report.byChannel)).toEqual(['webchat']);
    expect(report.byIntent['order.track']).toMatchObject({ conversations: 1 });
  });

  it('exports one CSV row per day under a header of the scalar figures', async () => {
    const response = await get('/admin/api/metrics.csv?from=2024-02-28&to=2024-03-01', TOKEN);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain(
      'switchboard-metrics-2024-02-28-to-2024-03-01.csv',
    );
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    const first = lines[1]?.split(',') ?? [];
    expect(first).toHaveLength(CSV_COLUMNS.length);
    expect(first[0]).toBe('2024-02-28');
    expect(first[CSV_COLUMNS.indexOf('conversations')]).toBe('0');
    expect(first[CSV_COLUMNS.indexOf('handoffRate')]).toBe('');
  });

  it('reports the questions the knowledge base could not answer, grouped, with a YAML entry', async () => {
    const response = await get('/admin/api/gaps', TOKEN);
    expect(response.status).toBe(200);
    const { groups } = (await response.json()) as { groups: GapGroup[] };
    expect(groups[0]).toMatchObject({
      text: 'is the cafeteria vegan friendly',
      count: 2,
      examples: ['is the cafeteria vegan friendly', 'is the cafeteria vegan'],
      channels: { webchat: 2 },
    });
    expect(knowledgeFileSchema.safeParse({ entries: parse(groups[0]?.yaml ?? '') }).success).toBe(true);
    expect((await get('/admin/api/gaps?limit=0', TOKEN)).status).toBe(400);
  });
});
