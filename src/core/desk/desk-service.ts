/**
 * Human takeover, platform-free: what a handoff does (ticket, queue, a thread with a card in the
 * agents' channel) and what agents' actions mean (a reply reaches the customer once, a note never
 * does, the first claim wins, close and hand back). The desk adapters (Slack, Teams) only carry
 * posts and button presses.
 *
 * Every write to a conversation runs under the same per-chat lock as the pipeline's, so an agent's
 * reply and a customer's message never interleave their writes.
 */

import { localize } from '../../knowledge/localize.js';
import type { KnowledgeSource, Match } from '../../knowledge/types.js';
import type { Clock } from '../clock.js';
import { isoNow } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Messenger } from '../messenger.js';
import { addressKey, type Conversation, type Locale, type Message } from '../model.js';
import { maskForAgents } from '../privacy/mask.js';
import { type BusinessHours, describeOpening, openingState } from '../routing/business-hours.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { KeyValueStore } from '../store/key-value.js';
import type { Lock } from '../store-lock.js';
import type {
  Agent,
  AgentDesk,
  DeskCard,
  DeskEvent,
  DeskHandler,
  DeskOutcome,
  ThreadRef,
} from './agent-desk.js';
import { threadOf } from './agent-thread.js';
import { answerAsBot, loadCard } from './card-loader.js';
import { deskReplies } from './desk-replies.js';
import { describeTicket, ticketMention } from './ticket-status.js';
import { allocateTicket, findTicket } from './tickets.js';
import { WaitingQueue } from './waiting-queue.js';

export interface DeskServiceDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  messenger: Messenger;
  knowledge: KnowledgeSource;
  /** The pipeline's per-chat lock (keyed by addressKey). */
  lock: Lock;
  clock: Clock;
  logger: Logger;
  defaultLocale: Locale;
  /** Where agents work; undefined when no agent channel is configured (handoffs then only queue). */
  desk: () => AgentDesk | undefined;
  /** When people are at work; unset: always. */
  businessHours?: BusinessHours;
  /** Agents mark a reply as an internal note with one of these prefixes (case-insensitive); docs/desk.md. */
  notePrefixes: string[];
  /** Summary and survey after a close (src/core/closing/closing.ts); unset: the close alone. */
  closing?: { closed(conversation: Conversation): Promise<Conversation> };
}

/** The bot's handoff message, as the pipeline decided it. */
export interface HandoffMessage {
  reason: string;
  cause?: Conversation['handoffCause'];
  text: string;
  kbEntryId?: string;
  confidence?: number;
  changes?: Partial<Conversation>;
}

const DESK_EVENT_TTL_MS = 86_400_000;

export class DeskService implements DeskHandler {
  readonly #deps: DeskServiceDeps;
  readonly queue: WaitingQueue;

  constructor(deps: DeskServiceDeps) {
    this.#deps = deps;
    this.queue = new WaitingQueue(deps.kv);
  }

  /**
   * Hands a conversation to people. Call under the conversation's lock: says the handoff message
   * with the ticket number and queue place, then opens the thread in the agents' channel.
   */
  async handOff(
    conversation: Conversation,
    handoff: HandoffMessage,
    matches: Match[],
  ): Promise<Conversation> {
    const { kv, conversations, messenger, clock } = this.#deps;
    const ticket = conversation.ticket ?? (await allocateTicket(kv, conversation.id));
    const customer = await conversations.getCustomer(conversation.customerId);
    const handedOffAt = isoNow(clock);
    const priority = handoff.changes?.priority ?? conversation.priority;
    const position = await this.queue.add({
      conversationId: conversation.id,
      priority,
      vip: customer?.tier === 'vip',
      since: handedOffAt,
    });
    const said = await messenger.say(
      conversation,
      {
        role: 'bot',
        text: `${handoff.text}\n\n${this.#queuedNotice(conversation.locale, ticket, position)}`,
        ...(handoff.kbEntryId ? { kbEntryId: handoff.kbEntryId, confidence: handoff.confidence } : {}),
      },
      {
        ...handoff.changes,
        status: 'waiting',
        handedOffAt,
        handoffReason: handoff.reason,
        ...(handoff.cause ? { handoffCause: handoff.cause } : {}),
        ticket,
        misses: 0,
        suggestions: matches
          .filter((match) => !match.entry.handoff)
          .map((match) => ({ entryId: match.entry.id, confidence: match.confidence })),
      },
    );
    return this.#openThread(said.conversation, position);
  }

  /**
   * A customer asking where a ticket stands ("工单 A7K2 怎么样了"), on any channel: the status line to
   * answer with, or undefined when the text is not such a question. A bare ticket-shaped word
   * counts only when it is a real ticket, so product codes are not mistaken for one.
   */
  async ticketStatus(text: string, locale: Locale): Promise<string | undefined> {
    const mention = ticketMention(text);
    if (!mention) return undefined;
    if (!mention.explicit && !(await findTicket(this.#deps.kv, mention.ticket))) return undefined;
    return describeTicket(this.#deps.kv, this.#deps.conversations, mention.ticket, locale, {
      queue: this.queue,
      ...(this.#deps.businessHours ? { timeZone: this.#deps.businessHours.timezone } : {}),
    });
  }

  /** The ticket and queue place, or, out of hours, when people will be back. */
  #queuedNotice(locale: Locale, ticket: string, position: number): string {
    const { businessHours, clock } = this.#deps;
    const state = businessHours ? openingState(businessHours, clock.now()) : undefined;
    if (!state || state.open) return deskReplies.queued(locale, ticket, position);
    const opensAt = state.opensAt
      ? `${describeOpening(state.opensAt, locale)} (${businessHours?.timezone})`
      : undefined;
    return deskReplies.outOfHours(locale, ticket, opensAt);
  }

  /** A customer message while people have the conversation: shown in its thread. */
  async mirror(conversation: Conversation, message: Message): Promise<void> {
    const desk = this.#deps.desk();
    const thread = threadOf(conversation);
    if (!desk || !thread) return;
    try {
      // Agents see the customer's words with personal data masked; the stored transcript keeps them.
      await desk.post(thread, {
        kind: 'customer',
        text: maskForAgents(message.text),
        attachments: message.attachments,
      });
    } catch (error) {
      this.#deps.logger.error(
        { err: error, conversationId: conversation.id },
        'mirroring to the agent thread failed',
      );
    }
  }

  async handle(event: DeskEvent): Promise<DeskOutcome> {
    const { kv } = this.#deps;
    const eventKey = `desk-event:${event.thread.desk}:${event.eventId}`;
    const { created } = await kv.setIfAbsent(eventKey, 1, DESK_EVENT_TTL_MS);
    if (!created) return { status: 'duplicate' };
    try {
      return await this.#handleOnce(event);
    } catch (error) {
      // Not done: let the platform's retry of this event do it.
      await kv.delete(eventKey).catch(() => {});
      throw error;
    }
  }

  async #handleOnce(event: DeskEvent): Promise<DeskOutcome> {
    const { kv, conversations, lock } = this.#deps;
    const conversationId = await kv.get<string>(threadKey(event.thread));
    const found = conversationId ? await conversations.getConversation(conversationId) : undefined;
    if (!found) return { status: 'not-found' };
    return lock.run(addressKey(found.address), async () => {
      // Re-read under the lock: the customer may have written meanwhile.
      const conversation = (await conversations.getConversation(found.id)) ?? found;
      if (conversation.status === 'closed') return { status: 'closed', conversationId: conversation.id };
      switch (event.kind) {
        case 'reply':
          return this.#reply(conversation, event.agent, event.text, event.attachments);
        case 'send-suggestion':
          return this.#sendSuggestion(conversation, event.agent, event.entryId);
        case 'claim':
          return this.#claim(conversation, event.agent, true);
        case 'close':
          return this.#close(conversation, event.agent);
        case 'hand-back':
          return this.#handBack(conversation);
      }
    });
  }

  async #reply(
    conversation: Conversation,
    agent: Agent,
    text: string,
    attachments: Message['attachments'],
  ): Promise<DeskOutcome> {
    const note = this.#stripNotePrefix(text);
    if (note !== undefined) {
      await this.#deps.messenger.say(conversation, {
        role: 'agent',
        text: note,
        author: agent,
        internal: true,
      });
      return { status: 'done', conversationId: conversation.id };
    }
    // Replying takes the conversation when nobody has it; it never takes it from a colleague.
    let current = conversation;
    if (!conversation.assignee) {
      const claimed = await this.#claim(conversation, agent, false);
      if (claimed.status === 'done')
        current = (await this.#deps.conversations.getConversation(conversation.id)) ?? current;
    }
    await this.#deps.messenger.say(current, { role: 'agent', text, attachments, author: agent });
    return { status: 'done', conversationId: conversation.id };
  }

  async #sendSuggestion(conversation: Conversation, agent: Agent, entryId: string): Promise<DeskOutcome> {
    const entry = this.#deps.knowledge.current().entries.get(entryId);
    if (!entry) return { status: 'not-found' };
    const customer = await this.#deps.conversations.getCustomer(conversation.customerId);
    const outcome = await this.#reply(
      conversation,
      agent,
      answerAsBot(this.#deps, conversation, customer, entry),
      [],
    );
    const label = entry.title
      ? localize(entry.title, conversation.locale, this.#deps.defaultLocale)
      : entry.id;
    return outcome.status === 'done' ? { ...outcome, sent: label } : outcome;
  }

  /** The first claim wins, atomically across every process sharing the store. */
  async #claim(conversation: Conversation, agent: Agent, announce: boolean): Promise<DeskOutcome> {
    const { kv, conversations, clock } = this.#deps;
    const { created, value: owner } = await kv.setIfAbsent<Agent>(
      claimKey(conversation.id),
      agent,
      365 * DESK_EVENT_TTL_MS,
    );
    if (!created && owner.id !== agent.id) return { status: 'taken', conversationId: conversation.id, owner };
    if (!created) return { status: 'done', conversationId: conversation.id };
    const changes: Partial<Conversation> = {
      status: 'agent',
      assignee: agent.id,
      ...(agent.name ? { assigneeName: agent.name } : {}),
      agentJoinedAt: isoNow(clock),
    };
    const updated = announce
      ? (
          await this.#deps.messenger.say(
            conversation,
            { role: 'system', text: deskReplies.agentJoined(conversation.locale, agent.name) },
            changes,
          )
        ).conversation
      : await conversations.updateConversation(conversation, changes);
    await this.queue.remove(conversation.id);
    await this.#refreshCard(updated);
    return { status: 'done', conversationId: conversation.id };
  }

  async #close(conversation: Conversation, agent: Agent): Promise<DeskOutcome> {
    const { messenger, conversations, clock, kv } = this.#deps;
    const said = await messenger.say(conversation, {
      role: 'system',
      text: deskReplies.closed(conversation.locale, conversation.ticket),
    });
    let closed = await conversations.closeConversation(said.conversation, {
      resolution: 'agent',
      closedAt: isoNow(clock),
      ...(conversation.assignee
        ? {}
        : { assignee: agent.id, ...(agent.name ? { assigneeName: agent.name } : {}) }),
    });
    closed = (await this.#deps.closing?.closed(closed)) ?? closed;
    await kv.delete(claimKey(conversation.id));
    await this.queue.remove(conversation.id);
    await this.#refreshCard(closed);
    return { status: 'done', conversationId: conversation.id };
  }

  async #handBack(conversation: Conversation): Promise<DeskOutcome> {
    const { messenger, kv } = this.#deps;
    const { conversation: updated } = await messenger.say(
      conversation,
      { role: 'system', text: deskReplies.handedBack(conversation.locale) },
      // The follow-up context from before the handoff no longer applies.
      { status: 'bot', misses: 0, lastIntent: undefined },
    );
    await kv.delete(claimKey(conversation.id));
    await this.queue.remove(conversation.id);
    await this.#refreshCard(updated);
    return { status: 'done', conversationId: conversation.id };
  }

  /** The conversation with an agent thread: its own, or one opened now with a card (a low CSAT score after the bot alone). */
  async ensureThread(conversation: Conversation): Promise<Conversation> {
    if (threadOf(conversation)) return conversation;
    return this.#openThread(conversation, await this.queue.position(conversation.id));
  }

  async #openThread(conversation: Conversation, position: number | undefined): Promise<Conversation> {
    const desk = this.#deps.desk();
    if (!desk) return conversation;
    try {
      const thread = await desk.openThread(await loadCard(this.#deps, conversation, position));
      await this.#deps.kv.set(threadKey(thread), conversation.id);
      return await this.#deps.conversations.updateConversation(conversation, { agentThread: { ...thread } });
    } catch (error) {
      // The conversation stays queued with its ticket; agents still see it in the queue.
      this.#deps.logger.error(
        { err: error, conversationId: conversation.id },
        'opening the agent thread failed',
      );
      return conversation;
    }
  }

  async #refreshCard(conversation: Conversation): Promise<void> {
    const desk = this.#deps.desk();
    const thread = threadOf(conversation);
    if (!desk || !thread) return;
    try {
      await desk.updateCard(
        thread,
        await loadCard(this.#deps, conversation, await this.queue.position(conversation.id)),
      );
    } catch (error) {
      this.#deps.logger.error(
        { err: error, conversationId: conversation.id },
        'updating the agent card failed',
      );
    }
  }

  /** The card of a conversation as it stands now (SLA escalations show it). */
  async cardFor(conversationId: string): Promise<DeskCard | undefined> {
    const conversation = await this.#deps.conversations.getConversation(conversationId);
    return conversation
      ? loadCard(this.#deps, conversation, await this.queue.position(conversationId))
      : undefined;
  }

  #stripNotePrefix(text: string): string | undefined {
    const trimmed = text.trimStart();
    const prefix = this.#deps.notePrefixes.find((p) => trimmed.toLowerCase().startsWith(p.toLowerCase()));
    return prefix === undefined ? undefined : trimmed.slice(prefix.length).trim();
  }
}

function threadKey(thread: Pick<ThreadRef, 'desk' | 'channelId' | 'threadId'>): string {
  return `thread:${thread.desk}:${thread.channelId}:${thread.threadId}`;
}

function claimKey(conversationId: string): string {
  return `claim:${conversationId}`;
}
