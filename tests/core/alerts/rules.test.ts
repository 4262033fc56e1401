import { describe, expect, it } from 'vitest';
import { type AlertSettings, type AlertSignals, evaluate } from '../../../src/core/alerts/rules.js';

const SETTINGS: AlertSettings = {
  handoffRate: { factor: 2, minConversations: 10, minHandoffs: 5 },
  slaBreaches: 3,
  csat: { drop: 0.5, minRatings: 5 },
  channelDownMs: 120_000,
};

const QUIET: AlertSignals = {
  handoffs: { current: { conversations: 0, handoffs: 0 }, baseline: { conversations: 0, handoffs: 0 } },
  slaBreached: [],
  csat: undefined,
  health: [],
  knowledge: { state: 'ready', errors: [] },
};

function condition(signals: Partial<AlertSignals>, key: string) {
  return evaluate({ ...QUIET, ...signals }, SETTINGS).find((c) => c.key === key);
}

describe('alert rules', () => {
  const baseline = { conversations: 700, handoffs: 70 }; // 10 % at this hour over the last week

  it('handoff rate: fires at twice the baseline with enough conversations and handoffs', () => {
    const high = condition(
      { handoffs: { current: { conversations: 20, handoffs: 8 }, baseline } },
      'handoff-rate',
    );
    expect(high?.firing).toBe(true);
    expect(high?.message).toContain('40 %');
    expect(high?.message).toContain('10 %');
    expect(
      condition({ handoffs: { current: { conversations: 20, handoffs: 3 }, baseline } }, 'handoff-rate')
        ?.firing,
    ).toBe(false);
  });

  it('handoff rate: 1 of 2, or a week with no history, cannot tell', () => {
    expect(
      condition({ handoffs: { current: { conversations: 2, handoffs: 1 }, baseline } }, 'handoff-rate')
        ?.firing,
    ).toBeUndefined();
    const noHistory = { conversations: 3, handoffs: 0 };
    expect(
      condition(
        { handoffs: { current: { conversations: 30, handoffs: 20 }, baseline: noHistory } },
        'handoff-rate',
      )?.firing,
    ).toBeUndefined();
  });

  it('handoff rate: a 0 % baseline still needs the minimum number of handoffs', () => {
    const none = { conversations: 500, handoffs: 0 };
    expect(
      condition({ handoffs: { current: { conversations: 12, handoffs: 2 }, baseline: none } }, 'handoff-rate')
        ?.firing,
    ).toBe(false);
    expect(
      condition({ handoffs: { current: { conversations: 12, handoffs: 5 }, baseline: none } }, 'handoff-rate')
        ?.firing,
    ).toBe(true);
  });

  it('SLA: fires when enough waiting conversations are past the escalation time, naming their tickets', () => {
    const two = condition({ slaBreached: ['A7K2', 'B8M3'] }, 'sla-breaches');
    expect(two?.firing).toBe(false);
    const three = condition({ slaBreached: ['A7K2', 'B8M3', 'C9N4'] }, 'sla-breaches');
    expect(three?.firing).toBe(true);
    expect(three?.message).toContain('A7K2, B8M3, C9N4');
  });

  it('CSAT: fires on a drop of at least `drop`, and only with enough ratings on both sides', () => {
    const csat = (recentAverage: number, recentN = 8) => ({
      recent: { n: recentN, average: recentAverage },
      baseline: { n: 40, average: 4.4 },
    });
    expect(condition({ csat: csat(3.6) }, 'csat-drop')?.firing).toBe(true);
    expect(condition({ csat: csat(4.1) }, 'csat-drop')?.firing).toBe(false);
    expect(condition({ csat: csat(1, 2) }, 'csat-drop')?.firing).toBeUndefined();
    expect(condition({}, 'csat-drop')).toBeUndefined();
  });

  it('channel down: each channel and the desk is its own incident, after channelDownMs', () => {
    const conditions = evaluate(
      {
        ...QUIET,
        health: [
          { name: 'wechat', health: { state: 'down', detail: 'logged out; scan a new QR code' } },
          { name: 'telegram', health: { state: 'up' } },
        ],
      },
      SETTINGS,
    );
    const wechat = conditions.find((c) => c.key === 'channel-down:wechat');
    expect(wechat).toMatchObject({ firing: true, forMs: 120_000 });
    expect(wechat?.message).toContain('logged out');
    expect(conditions.find((c) => c.key === 'channel-down:telegram')?.firing).toBe(false);
  });

  it('knowledge base: a rejected reload fires with its first errors', () => {
    const errors = ['a.yaml:3:1 bad', 'b.yaml:1:1 bad', 'c.yaml:2:2 bad', 'd.yaml:9:9 bad'];
    const rejected = condition({ knowledge: { state: 'stale', errors } }, 'knowledge-reload');
    expect(rejected?.firing).toBe(true);
    expect(rejected?.message).toContain('a.yaml:3:1 bad');
    expect(rejected?.message).toContain('1 more');
    expect(condition({}, 'knowledge-reload')?.firing).toBe(false);
  });
});
