/**
 * The summary of a closed conversation, for agents and managers. Extractive and deterministic: every
 * field is read from the conversation and its messages, so the same record always gives the same
 * summary and nothing in it can be made up. Pure.
 */
import type { Conversation, ConversationSummary, Message } from '../model.js';

export interface SummaryInput {
  /** The conversation as closed: `closedAt` and `resolution` set. */
  conversation: Conversation;
  /** All its messages, oldest first. */
  messages: readonly Message[];
  /** A knowledge entry's title for people to read; undefined for an entry no longer in the knowledge base. */
  titleOf: (entryId: string) => string | undefined;
}

/** Long first messages are cut: the summary is read at a glance; the transcript has the rest. */
export const REASON_MAX_CHARS = 200;

export function summarize({ conversation, messages, titleOf }: SummaryInput): ConversationSummary {
  const answeredIds = [
    ...new Set(messages.flatMap((m) => (m.role === 'bot' && m.kbEntryId ? [m.kbEntryId] : []))),
  ];
  const [intent] = answeredIds;
  const firstResponse = secondsBetween(conversation.openedAt, conversation.firstResponseAt);
  const resolution = secondsBetween(conversation.openedAt, conversation.closedAt);
  return {
    reason: {
      firstMessage: firstCustomerWords(messages),
      ...(intent ? { intent } : {}),
      ...(conversation.handoffReason ? { handoff: conversation.handoffReason } : {}),
    },
    answered: answeredIds.map((entryId) => ({ entryId, title: titleOf(entryId) ?? entryId })),
    done: whatWasDone(conversation, messages),
    resolution: conversation.resolution ?? 'agent',
    handledBy:
      conversation.assigneeName ?? conversation.assignee ?? (conversation.handedOffAt ? 'nobody' : 'bot'),
    ...(firstResponse !== undefined ? { firstResponseSeconds: firstResponse } : {}),
    ...(resolution !== undefined ? { resolutionSeconds: resolution } : {}),
  };
}

/** The summary as the lines posted in the agent thread (agents' posts are in English, like the SLA pings). */
export function renderSummary(summary: ConversationSummary): string {
  const { reason } = summary;
  const lines = [
    '📋 Summary',
    `Reason: ${reason.firstMessage ? `"${reason.firstMessage}"` : '(no text)'}${reason.intent ? ` (intent ${reason.intent})` : ''}`,
    ...(reason.handoff ? [`Handed off because: ${reason.handoff}`] : []),
    `Answered: ${summary.answered.length > 0 ? summary.answered.map((a) => `${a.title} [${a.entryId}]`).join('; ') : 'nothing from the knowledge base'}`,
    ...(summary.done.length > 0 ? [`Done: ${summary.done.join('; ')}`] : []),
    `Resolution: ${RESOLUTION_WORDS[summary.resolution]}, handled by ${summary.handledBy}`,
    `First response: ${formatDuration(summary.firstResponseSeconds)} · Resolution: ${formatDuration(summary.resolutionSeconds)}`,
  ];
  return lines.join('\n');
}

const RESOLUTION_WORDS: Record<ConversationSummary['resolution'], string> = {
  bot: 'resolved by the bot',
  agent: 'closed by an agent',
  abandoned: 'abandoned (never picked up)',
};

/** "45 s", "3 min 5 s", "2 h 10 min", "1 d 3 h"; "—" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(hours / 24)} d${hours % 24 ? ` ${hours % 24} h` : ''}`;
}

function firstCustomerWords(messages: readonly Message[]): string {
  const first = messages.find((m) => m.role === 'customer' && (m.text.trim() !== '' || m.attachments.length));
  if (!first) return '';
  const text = first.text.trim().replace(/\s+/g, ' ');
  if (text === '') return `(${first.attachments.map((a) => a.kind).join(', ')})`;
  const chars = [...text];
  return chars.length > REASON_MAX_CHARS ? `${chars.slice(0, REASON_MAX_CHARS).join('')}…` : text;
}

function whatWasDone(conversation: Conversation, messages: readonly Message[]): string[] {
  const count = (role: Message['role'], internal: boolean) =>
    messages.filter((m) => m.role === role && Boolean(m.internal) === internal).length;
  const agentReplies = count('agent', false);
  const notes = count('agent', true);
  return [
    ...(conversation.handedOffAt
      ? [`handed off to a person${conversation.ticket ? ` (ticket ${conversation.ticket})` : ''}`]
      : []),
    ...(agentReplies > 0 ? [plural(agentReplies, 'agent reply', 'agent replies')] : []),
    ...(notes > 0 ? [plural(notes, 'internal note', 'internal notes')] : []),
  ];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function secondsBetween(from: string, to: string | undefined): number | undefined {
  if (!to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 1000) : undefined;
}
