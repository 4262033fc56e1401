/**
 * Deciding what to do with a customer message. Pure: the same conversation state and matches
 * always give the same decision, and every decision carries a reason an admin can read.
 */
import { matchWithFollowUps } from '../knowledge/follow-ups.js';
import type { KnowledgeBase, Match } from '../knowledge/types.js';
import type { Conversation, InboundMessage, Priority } from './model.js';
import { PAYLOAD_HANDOFF, PAYLOAD_KB_PREFIX } from './replies.js';
import { asksForPerson } from './routing/human-request.js';
import type { Mood } from './routing/sentiment.js';

export interface RoutingThresholds {
  answerThreshold: number;
  suggestThreshold: number;
}

/** The routing settings of config/switchboard.yaml (`knowledge` thresholds and `routing`). */
export interface RoutingSettings extends RoutingThresholds {
  missesBeforeHandoff: number;
  angerThreshold: number;
  urgencyThreshold: number;
  handoffOnRepeat: boolean;
}

/** What the pipeline read from the message besides its meaning. */
export interface Signals {
  mood: Mood;
  /** The customer sent the same text as their previous message. */
  repeated: boolean;
}

export type Decision =
  /** A person has it (or is about to): the bot stays silent. */
  | { kind: 'hold'; reason: string }
  | { kind: 'answer'; match: Match; reason: string }
  | { kind: 'suggest'; matches: Match[]; reason: string }
  /** A message kind the bot cannot read: say so politely and ask for text. */
  | { kind: 'unsupported'; reason: string }
  | { kind: 'handoff'; match?: Match; cause: HandoffCause; reason: string; priority?: Priority };

export type HandoffCause =
  | 'customer-request'
  | 'kb-handoff'
  | 'no-match'
  | 'non-text'
  | 'upset'
  | 'repeat'
  /** A knowledge action asked for a value (an order number) and never got a valid one. */
  | 'slot-unfilled';

/**
 * What the knowledge base made of the message: at most 3, best first. `followUps` are the ids the
 * entry answered last names as likely next questions (src/knowledge/follow-ups.ts).
 */
export function understand(
  inbound: InboundMessage,
  knowledge: KnowledgeBase,
  followUps: readonly string[] = [],
): Match[] {
  const payload = inbound.action?.payload;
  if (payload?.startsWith(PAYLOAD_KB_PREFIX)) {
    // A pressed button names its entry: no guessing needed.
    const entry = knowledge.entries.get(payload.slice(PAYLOAD_KB_PREFIX.length));
    if (entry) return [{ entry, confidence: 1, question: inbound.text, similarity: 1 }];
  }
  return inbound.text.trim() === '' ? [] : matchWithFollowUps(knowledge, inbound.text, followUps);
}

/** Suggestions or a handoff because nothing matched well: a question the knowledge base lacks. */
export function isKnowledgeGap(decision: Decision): boolean {
  return decision.kind === 'suggest' || (decision.kind === 'handoff' && decision.cause === 'no-match');
}

export function decide(
  conversation: Conversation,
  inbound: InboundMessage,
  matches: Match[],
  settings: RoutingSettings,
  signals: Signals = { mood: { anger: 0, urgency: 0, cues: [] }, repeated: false },
): Decision {
  const decision = route(conversation, inbound, matches, settings, signals);
  // Urgency does not send a question the bot can answer to a person, but a handoff goes first in the queue.
  return decision.kind === 'handoff' && signals.mood.urgency >= settings.urgencyThreshold
    ? {
        ...decision,
        priority: 'urgent',
        reason: `${decision.reason}; urgent (${signals.mood.cues.join(', ')})`,
      }
    : decision;
}

function route(
  conversation: Conversation,
  inbound: InboundMessage,
  matches: Match[],
  settings: RoutingSettings,
  { mood, repeated }: Signals,
): Decision {
  const thresholds = settings;
  if (conversation.status === 'waiting' || conversation.status === 'agent') {
    return {
      kind: 'hold',
      reason: `conversation is ${conversation.status === 'agent' ? 'with an agent' : 'waiting for an agent'}`,
    };
  }
  if (inbound.unsupportedKind !== undefined && inbound.text.trim() === '') {
    return { kind: 'unsupported', reason: `a ${inbound.unsupportedKind} message, which the bot cannot read` };
  }
  if (inbound.action?.payload === PAYLOAD_HANDOFF) {
    return { kind: 'handoff', cause: 'customer-request', reason: 'the customer pressed "talk to a person"' };
  }
  if (asksForPerson(inbound.text)) {
    return { kind: 'handoff', cause: 'customer-request', reason: 'the customer asked for a person' };
  }
  if (mood.anger >= settings.angerThreshold) {
    return {
      kind: 'handoff',
      cause: 'upset',
      priority: 'high',
      reason: `the customer seems upset (anger ${mood.anger.toFixed(1)}: ${mood.cues.join(', ')})`,
    };
  }
  if (repeated && settings.handoffOnRepeat && !inbound.action) {
    return { kind: 'handoff', cause: 'repeat', reason: 'the customer repeated their last message' };
  }
  if (inbound.text.trim() === '' && !inbound.action) {
    return { kind: 'handoff', cause: 'non-text', reason: 'a message without text (attachment only)' };
  }
  const best = matches[0];
  if (best && best.confidence >= thresholds.answerThreshold) {
    const score = best.confidence.toFixed(2);
    if (best.entry.handoff) {
      return {
        kind: 'handoff',
        match: best,
        cause: 'kb-handoff',
        reason: `knowledge entry "${best.entry.id}" (${score}) hands off to a person`,
      };
    }
    return {
      kind: 'answer',
      match: best,
      reason: `knowledge entry "${best.entry.id}" matched with ${score}`,
    };
  }
  const bestText = best
    ? `best was "${best.entry.id}" with ${best.confidence.toFixed(2)}`
    : 'nothing matched';
  if (conversation.misses + 1 >= settings.missesBeforeHandoff) {
    // Suggestions were already offered and did not help: guessing again would only frustrate.
    return {
      kind: 'handoff',
      cause: 'no-match',
      reason: `no confident knowledge-base match ${conversation.misses + 1} times in a row (${bestText})`,
    };
  }
  const candidates = matches.filter((m) => m.confidence >= thresholds.suggestThreshold && !m.entry.handoff);
  if (candidates.length > 0) {
    return {
      kind: 'suggest',
      matches: candidates,
      reason: `no confident match; offering ${candidates.map((m) => `"${m.entry.id}" (${m.confidence.toFixed(2)})`).join(', ')}`,
    };
  }
  return { kind: 'handoff', cause: 'no-match', reason: `no confident knowledge-base match (${bestText})` };
}
