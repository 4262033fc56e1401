import { describe, expect, it } from 'vitest';
import {
  advance,
  type Condition,
  type IncidentState,
  lasted,
  NO_INCIDENTS,
} from '../../../src/core/alerts/incidents.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;

const kbDown = (firing: boolean | undefined, extra: Partial<Condition> = {}): Condition => ({
  key: 'knowledge-reload',
  firing,
  message: 'KB broken',
  recovery: 'KB fine',
  ...extra,
});

/** Runs the conditions of each step in turn, `MIN` apart; returns every notice text and the final state. */
function run(steps: Condition[][], start: IncidentState = NO_INCIDENTS) {
  let state = start;
  const texts: string[] = [];
  steps.forEach((conditions, i) => {
    const result = advance(state, conditions, T0 + i * MIN);
    state = result.state;
    texts.push(...result.notices.map((n) => `${n.kind}: ${n.text}`));
  });
  return { state, texts };
}

describe('incidents', () => {
  it('alerts once per incident however many checks see it, then recovers once', () => {
    const { texts, state } = run([
      [kbDown(true)],
      [kbDown(true)],
      [kbDown(true)],
      [kbDown(false)],
      [kbDown(false)],
    ]);
    expect(texts).toEqual(['alert: KB broken', 'recovery: KB fine (after 3 min)']);
    expect(state).toEqual(NO_INCIDENTS);
  });

  it('a new incident after a recovery is announced again', () => {
    const { texts } = run([[kbDown(true)], [kbDown(false)], [kbDown(true)]]);
    expect(texts).toEqual(['alert: KB broken', 'recovery: KB fine (after 1 min)', 'alert: KB broken']);
  });

  it('waits `forMs` before alerting, and a blip shorter than that is never announced', () => {
    const flapping = run([
      [kbDown(true, { forMs: 2 * MIN })],
      [kbDown(true, { forMs: 2 * MIN })],
      [kbDown(false)],
    ]);
    expect(flapping.texts).toEqual([]);
    expect(flapping.state).toEqual(NO_INCIDENTS);

    const lasting = run([0, 1, 2, 3].map(() => [kbDown(true, { forMs: 2 * MIN })]));
    expect(lasting.texts).toEqual(['alert: KB broken']);
    // The incident dates from when it started, not from when it was announced.
    expect(lasting.state.open['knowledge-reload']?.since).toBe(new Date(T0).toISOString());
  });

  it('"cannot tell" keeps an open incident open and a quiet one quiet', () => {
    const { texts, state } = run([[kbDown(true)], [kbDown(undefined)], [kbDown(undefined)]]);
    expect(texts).toEqual(['alert: KB broken']);
    expect(Object.keys(state.open)).toEqual(['knowledge-reload']);
    expect(run([[kbDown(undefined)]]).texts).toEqual([]);
  });

  it('keeps incidents apart by key', () => {
    const wechat = (firing: boolean): Condition => ({
      key: 'channel-down:wechat',
      firing,
      message: 'wechat down',
      recovery: 'wechat up',
    });
    const { texts } = run([
      [kbDown(true), wechat(false)],
      [kbDown(true), wechat(true)],
      [kbDown(false), wechat(true)],
    ]);
    expect(texts).toEqual(['alert: KB broken', 'alert: wechat down', 'recovery: KB fine (after 2 min)']);
  });

  it('says how long an incident lasted in minutes and hours', () => {
    expect(lasted(0, 30_000)).toBe('1 min');
    expect(lasted(0, 59 * MIN)).toBe('59 min');
    expect(lasted(0, 120 * MIN)).toBe('2 h');
    expect(lasted(0, 125 * MIN)).toBe('2 h 5 min');
  });
});
