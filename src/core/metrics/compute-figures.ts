/**
 * The figures of issue 6 over a set of conversations (docs/metrics.md defines each). Pure: the
 * report, the CSV and the dashboard all read these numbers.
 */
import type { HandoffCause } from '../route.js';
import { type ConversationFacts, conversationFacts } from './conversation-facts.js';
import type { ConversationRecord } from './conversation-record.js';
import { type DurationSummary, summariseDurations } from './summarise-durations.js';

export const CSAT_SCORES = ['1', '2', '3', '4', '5'] as const;

export interface CsatFigures {
  n: number;
  /** null when nobody rated. */
  average: number | null;
  distribution: Record<(typeof CSAT_SCORES)[number], number>;
}

export interface Figures {
  conversations: number;
  messagesIn: number;
  messagesOut: number;
  sendFailures: number;
  handoffs: number;
  /** Rates run from 0 to 1 and are null when their denominator is 0. */
  handoffRate: number | null;
  /** Handoffs by cause (src/core/route.ts HandoffCause); `unknown` for ones recorded before causes were. */
  handoffReasons: Partial<Record<HandoffCause | 'unknown', number>>;
  botContained: number;
  containmentRate: number | null;
  closed: number;
  abandoned: number;
  abandonmentRate: number | null;
  fcrRate: number | null;
  firstResponseMs: DurationSummary;
  agentFirstResponseMs: DurationSummary;
  resolutionMs: DurationSummary;
  csat: CsatFigures;
}

export function computeFigures(records: readonly ConversationRecord[]): Figures {
  return figuresOf(records.map((record) => ({ record, facts: conversationFacts(record) })));
}

/** Facts worked out once per conversation, then summed over each grouping of a report. */
export interface FactsOf {
  record: ConversationRecord;
  facts: ConversationFacts;
}

export function figuresOf(rows: readonly FactsOf[]): Figures {
  const facts = rows.map((row) => row.facts);
  const count = (test: (f: ConversationFacts) => boolean) => facts.filter(test).length;
  const sum = (value: (f: ConversationFacts) => number) => facts.reduce((total, f) => total + value(f), 0);
  const durations = (value: (f: ConversationFacts) => number | undefined) =>
    summariseDurations(facts.flatMap((f) => value(f) ?? []));

  const conversations = facts.length;
  const handoffs = count((f) => f.handedOff);
  const closed = count((f) => f.closed);
  const botContained = count((f) => f.botContained);
  const abandoned = count((f) => f.abandoned);
  const fcrCounted = facts.filter((f) => f.firstContactResolved !== undefined);
  return {
    conversations,
    messagesIn: sum((f) => f.messagesIn),
    messagesOut: sum((f) => f.messagesOut),
    sendFailures: sum((f) => f.sendFailures),
    handoffs,
    handoffRate: rate(handoffs, conversations),
    handoffReasons: handoffReasons(rows),
    botContained,
    containmentRate: rate(botContained, closed),
    closed,
    abandoned,
    abandonmentRate: rate(abandoned, closed),
    fcrRate: rate(fcrCounted.filter((f) => f.firstContactResolved).length, fcrCounted.length),
    firstResponseMs: durations((f) => f.firstResponseMs),
    agentFirstResponseMs: durations((f) => f.agentFirstResponseMs),
    resolutionMs: durations((f) => f.resolutionMs),
    csat: csatFigures(facts.flatMap((f) => f.csat ?? [])),
  };
}

function handoffReasons(rows: readonly FactsOf[]): Figures['handoffReasons'] {
  const reasons: Figures['handoffReasons'] = {};
  for (const { record, facts } of rows) {
    if (!facts.handedOff) continue;
    const cause = record.conversation.handoffCause ?? 'unknown';
    reasons[cause] = (reasons[cause] ?? 0) + 1;
  }
  return reasons;
}

function csatFigures(scores: readonly number[]): CsatFigures {
  const distribution = Object.fromEntries(
    CSAT_SCORES.map((score) => [score, 0]),
  ) as CsatFigures['distribution'];
  for (const score of scores) distribution[String(score) as keyof typeof distribution] += 1;
  const total = scores.reduce((sum, score) => sum + score, 0);
  return {
    n: scores.length,
    average: scores.length === 0 ? null : Math.round((total / scores.length) * 100) / 100,
    distribution,
  };
}

/** Four decimals: enough for a percentage with two, and stable in JSON and CSV. */
function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}
