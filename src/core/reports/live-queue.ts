/**
 * The desk's queue as a manager looks at it (GET /admin/api/queue, the dashboard, the SLA-breach
 * alert): conversations waiting for a person, in the order agents should take them, with how long
 * each has waited against the SLA; and conversations an agent has claimed, with who.
 *
 * Waits count the way the SLA timers count them (src/core/desk/sla.ts): only while the team is at
 * work, from the handoff or from this morning's opening, whichever is later.
 */
import type { Clock } from '../clock.js';
import type { SlaSettings } from '../desk/sla.js';
import type { WaitingQueue } from '../desk/waiting-queue.js';
import type { Conversation, Platform, Priority } from '../model.js';
import { type BusinessHours, openingState } from '../routing/business-hours.js';
import type { ConversationStore } from '../store/conversation-store.js';

/** `reminded`: past the reminder time; `breached`: past the escalation time; `paused`: out of hours. */
export type SlaState = 'ok' | 'reminded' | 'breached' | 'paused';

export interface WaitingEntry {
  position: number;
  conversationId: string;
  ticket?: string;
  channel?: Platform;
  priority: Priority;
  vip: boolean;
  since: string;
  /** Counted in business hours, like the SLA timers. */
  waitedSeconds: number;
  sla: SlaState;
  reason?: string;
}

export interface ClaimedEntry {
  conversationId: string;
  ticket?: string;
  channel: Platform;
  priority: Priority;
  assignee?: string;
  handedOffAt?: string;
  claimedAt?: string;
  /** From the handoff to the claim. */
  waitedSeconds?: number;
}

export interface LiveQueue {
  at: string;
  waiting: WaitingEntry[];
  claimed: ClaimedEntry[];
}

export interface LiveQueueDeps {
  conversations: ConversationStore;
  queue: WaitingQueue;
  clock: Clock;
  sla: SlaSettings;
  businessHours?: BusinessHours;
}

export async function liveQueue(deps: LiveQueueDeps): Promise<LiveQueue> {
  const { conversations, queue, clock } = deps;
  const now = clock.now();
  const items = await queue.list();
  const waitingConversations = await Promise.all(
    items.map((i) => conversations.getConversation(i.conversationId)),
  );
  const waiting = items.map((item, index): WaitingEntry => {
    const conversation = waitingConversations[index];
    const { waitedMs, sla } = slaState(Date.parse(item.since), now, deps);
    return {
      position: index + 1,
      conversationId: item.conversationId,
      ...(conversation?.ticket ? { ticket: conversation.ticket } : {}),
      ...(conversation ? { channel: conversation.address.channel } : {}),
      priority: item.priority,
      vip: item.vip,
      since: item.since,
      waitedSeconds: Math.floor(waitedMs / 1000),
      sla,
      ...(conversation?.handoffReason ? { reason: conversation.handoffReason } : {}),
    };
  });
  // The store cannot list keys: the open-conversation index (src/core/closing/) is the way in.
  const open = await Promise.all(
    (await conversations.openIds.list()).map((id) => conversations.getConversation(id)),
  );
  const claimed = open
    .filter((c): c is Conversation => c?.status === 'agent')
    .sort((a, b) => (a.agentJoinedAt ?? '').localeCompare(b.agentJoinedAt ?? ''))
    .map(claimedEntry);
  return { at: new Date(now).toISOString(), waiting, claimed };
}

export function slaState(
  since: number,
  now: number,
  { sla, businessHours }: Pick<LiveQueueDeps, 'sla' | 'businessHours'>,
): { waitedMs: number; sla: SlaState } {
  const state = businessHours ? openingState(businessHours, now) : undefined;
  if (state && !state.open) return { waitedMs: 0, sla: 'paused' };
  const waitedMs = Math.max(0, now - Math.max(since, state?.open ? state.openedAt.toMillis() : 0));
  return {
    waitedMs,
    sla: waitedMs >= sla.escalateAfterMs ? 'breached' : waitedMs >= sla.remindAfterMs ? 'reminded' : 'ok',
  };
}

function claimedEntry(conversation: Conversation): ClaimedEntry {
  const { handedOffAt, agentJoinedAt } = conversation;
  return {
    conversationId: conversation.id,
    ...(conversation.ticket ? { ticket: conversation.ticket } : {}),
    channel: conversation.address.channel,
    priority: conversation.priority,
    ...(conversation.assigneeName || conversation.assignee
      ? { assignee: conversation.assigneeName ?? conversation.assignee }
      : {}),
    ...(handedOffAt ? { handedOffAt } : {}),
    ...(agentJoinedAt ? { claimedAt: agentJoinedAt } : {}),
    ...(handedOffAt && agentJoinedAt
      ? { waitedSeconds: Math.floor((Date.parse(agentJoinedAt) - Date.parse(handedOffAt)) / 1000) }
      : {}),
  };
}
