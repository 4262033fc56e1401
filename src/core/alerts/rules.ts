/**
 * What counts as a problem worth telling the agents' channel about (docs/alerts.md). Pure: the
 * checker gathers the signals, these rules only compare them with the settings. Every rule has a
 * minimum amount of data below which it says "cannot tell" rather than alert on one unlucky
 * conversation.
 */
import type { ChannelHealth } from '../channel.js';
import type { Condition } from './incidents.js';

export interface Counts {
  conversations: number;
  handoffs: number;
}

export interface Ratings {
  n: number;
  /** Undefined when n is 0. */
  average: number | undefined;
}

export interface AlertSignals {
  /** This hour so far, and the same hour of the previous days together. */
  handoffs: { current: Counts; baseline: Counts };
  /** Tickets of waiting conversations past the escalation time. */
  slaBreached: string[];
  /** Undefined when the figures cannot be read (no metrics module). */
  csat: { recent: Ratings; baseline: Ratings } | undefined;
  /** Each customer channel and the agents' desk, by name. */
  health: { name: string; health: ChannelHealth }[];
  knowledge: { state: string; errors: readonly string[] };
}

export interface AlertSettings {
  handoffRate: {
    /** Alert when this hour's rate is at least this many times the baseline's. */
    factor: number;
    /** Conversations this hour (and in the baseline) below which the rate says nothing. */
    minConversations: number;
    /** Handoffs this hour below which no alert is raised (3 of 10 after a 10 % baseline is noise). */
    minHandoffs: number;
  };
  /** Waiting conversations past the escalation time at once that make an incident. */
  slaBreaches: number;
  csat: {
    /** Alert when the recent average is this much (on the 1-5 scale) below the baseline. */
    drop: number;
    /** Ratings needed on each side of the comparison. */
    minRatings: number;
  };
  /** A channel must be not up this long before it is an incident (reconnects are normal). */
  channelDownMs: number;
}

export function evaluate(signals: AlertSignals, settings: AlertSettings): Condition[] {
  return [
    handoffRate(signals.handoffs, settings.handoffRate),
    slaBreaches(signals.slaBreached, settings.slaBreaches),
    ...(signals.csat ? [csatDrop(signals.csat, settings.csat)] : []),
    ...signals.health.map((channel) => channelDown(channel, settings.channelDownMs)),
    knowledgeReload(signals.knowledge),
  ];
}

function handoffRate(
  { current, baseline }: AlertSignals['handoffs'],
  limits: AlertSettings['handoffRate'],
): Condition {
  const rate = ratio(current);
  const usual = ratio(baseline);
  const known =
    current.conversations >= limits.minConversations && baseline.conversations >= limits.minConversations;
  return {
    key: 'handoff-rate',
    firing: known ? current.handoffs >= limits.minHandoffs && rate >= limits.factor * usual : undefined,
    message: `📈 Handoff rate is ${percent(rate)} this hour (${current.handoffs} of ${current.conversations} conversations), against ${percent(usual)} at this hour over the last days. Is the knowledge base missing something new, or is a service down?`,
    recovery: `✅ Handoff rate is back to normal: ${percent(rate)} this hour (usually ${percent(usual)})`,
  };
}

function slaBreaches(tickets: readonly string[], limit: number): Condition {
  const shown = tickets.slice(0, 10).join(', ') + (tickets.length > 10 ? ', …' : '');
  return {
    key: 'sla-breaches',
    firing: tickets.length >= limit,
    message: `🚨 ${tickets.length} conversations have waited past the escalation time unclaimed (tickets ${shown}). More hands needed in the queue.`,
    recovery: `✅ The queue is back within its SLA (${tickets.length} past the escalation time)`,
  };
}

function csatDrop(
  { recent, baseline }: NonNullable<AlertSignals['csat']>,
  limits: AlertSettings['csat'],
): Condition {
  const known =
    recent.n >= limits.minRatings &&
    baseline.n >= limits.minRatings &&
    recent.average !== undefined &&
    baseline.average !== undefined;
  return {
    key: 'csat-drop',
    firing: known ? (recent.average ?? 0) <= (baseline.average ?? 0) - limits.drop : undefined,
    message: `📉 Customer satisfaction is dropping: ${score(recent)} from ${recent.n} ratings since yesterday, against ${score(baseline)} from ${baseline.n} in the days before.`,
    recovery: `✅ Customer satisfaction has recovered: ${score(recent)} from ${recent.n} ratings since yesterday (baseline ${score(baseline)})`,
  };
}

function channelDown({ name, health }: AlertSignals['health'][number], forMs: number): Condition {
  const detail = health.detail ? `: ${health.detail}` : '';
  return {
    key: `channel-down:${name}`,
    // A standby instance is healthy: another one runs the connection.
    firing: health.state !== 'up' && health.state !== 'standby',
    message: `🔌 ${name} is ${health.state}${detail}. Nothing goes through it until it is back (details in /admin/).`,
    recovery: `✅ ${name} is up again${detail}`,
    forMs,
  };
}

function knowledgeReload({ state, errors }: AlertSignals['knowledge']): Condition {
  const shown =
    errors.slice(0, 3).join('\n• ') + (errors.length > 3 ? `\n• …and ${errors.length - 3} more` : '');
  return {
    key: 'knowledge-reload',
    firing: state === 'stale' || state === 'failed',
    message: `📚 The knowledge base edit was rejected (${state === 'stale' ? 'the last good version is still serving' : 'nothing is loaded'}):\n• ${shown}`,
    recovery: '✅ The knowledge base reloaded cleanly',
  };
}

function ratio({ conversations, handoffs }: Counts): number {
  return conversations === 0 ? 0 : handoffs / conversations;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function score({ average }: Ratings): string {
  return average === undefined ? '—' : `${average.toFixed(2)}/5`;
}
