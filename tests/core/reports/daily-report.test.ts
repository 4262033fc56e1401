/** The daily report over a real SQLite store: at the local time, once a day, restarts included. */
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DayFigures } from '../../../src/core/alerts/figures.js';
import type { AgentDesk } from '../../../src/core/desk/agent-desk.js';
import { DailyReport, dailyReportText } from '../../../src/core/reports/daily-report.js';
import type { KeyValueStore } from '../../../src/core/store/key-value.js';
import { openStore } from '../../../src/core/store/open-store.js';
import { tempDir } from '../../helpers/switchboard.js';

const FIGURES: DayFigures = {
  conversations: 120,
  messagesIn: 480,
  messagesOut: 530,
  sendFailures: 2,
  handoffs: 18,
  handoffRate: 0.15,
  containmentRate: 0.8,
  abandonmentRate: 0.025,
  fcrRate: 0.9,
  firstResponseMs: { n: 120, p50: 1_400 },
  csat: { n: 30, average: 4.37 },
};

let now = 0;
let kv: KeyValueStore;
let posted: string[];
let asked: string[];
const desk = { announce: async (text: string) => void posted.push(text) } as unknown as AgentDesk;

function report(): DailyReport {
  return new DailyReport({
    kv,
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
    desk: () => desk,
    figures: async (from, to) => {
      asked.push(`${from}..${to}`);
      return FIGURES;
    },
    // 09:00 in Shanghai is 01:00 UTC.
    settings: { at: '09:00', timezone: 'Asia/Shanghai' },
  });
}

beforeEach(async () => {
  kv = await openStore(`sqlite://${join(tempDir(), 'reports.sqlite')}`, { clock: { now: () => now } });
  posted = [];
  asked = [];
});

afterEach(async () => {
  await kv.close();
});

describe('daily report', () => {
  it("posts yesterday's figures at the local time, once a day, even after a restart", async () => {
    now = Date.parse('2026-03-10T00:59:00Z'); // 08:59 in Shanghai
    expect(await report().tick()).toBeUndefined();

    now = Date.parse('2026-03-10T01:00:00Z');
    const sent = await report().tick();
    expect(asked).toEqual(['2026-03-09..2026-03-09']);
    expect(posted).toEqual([sent]);
    expect(sent).toContain('Daily report for 2026-03-09');

    now = Date.parse('2026-03-10T06:00:00Z');
    expect(await report().tick()).toBeUndefined(); // a new instance: a restart
    expect(posted).toHaveLength(1);

    now = Date.parse('2026-03-11T01:05:00Z');
    await report().tick();
    expect(posted).toHaveLength(2);
    expect(posted[1]).toContain('Daily report for 2026-03-10');
  });

  it('a server down at the report time sends it when it comes back the same day', async () => {
    now = Date.parse('2026-03-10T09:30:00Z'); // 17:30 in Shanghai
    await report().tick();
    expect(posted).toEqual([expect.stringContaining('2026-03-09')]);
  });

  it('reads as a few lines a support lead can take in at a glance', () => {
    expect(dailyReportText('2026-03-09', FIGURES)).toBe(
      [
        '📊 Daily report for 2026-03-09',
        '• 120 conversations, 480 messages in, 530 out',
        '• Bot containment 80 %, handoffs 18 (15 %), abandoned 3 %',
        '• First response p50 1 s; first-contact resolution 90 %',
        '• CSAT 4.37/5 (30 ratings)',
        '• ⚠️ 2 messages could not be delivered',
        'Charts, queue and knowledge gaps: /admin/',
      ].join('\n'),
    );
    expect(dailyReportText('2026-03-09', undefined)).toContain('figures are unavailable');
  });
});
