/**
 * Prometheus metrics (`GET /metrics`), updated live from the store's events as messages are
 * recorded and conversations change status, plus Node's default process metrics. All names start
 * with `switchboard_`; docs/metrics.md lists them with example queries.
 *
 * Labels are bounded: `channel` is one of five platforms, `intent` a knowledge entry id (or
 * `none`), `cause` a HandoffCause. Figures that only exist after the fact (CSAT, first-contact
 * resolution) come from the store at scrape time instead (src/core/metrics/window-gauges.ts).
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { Conversation, Message, Platform } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { closeOutcome } from './conversation-facts.js';

export const PREFIX = 'switchboard_';

// Seconds. A bot answers within one; a person within minutes; a conversation closes within days.
const BOT_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900];
const AGENT_BUCKETS = [15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 28_800];
const RESOLUTION_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 28_800, 86_400, 259_200, 604_800];

export class LiveMetrics {
  readonly registry = new Registry();
  readonly #store: ConversationStore;
  readonly #clock: Clock;
  /** Conversations still waiting for their first reply (by id: opened at, ms); forgotten when answered or closed. */
  readonly #awaitingReply = new Map<string, number>();
  /** Handed-off conversations no agent has written in yet (by id: handed off at, ms). */
  readonly #awaitingAgent = new Map<string, number>();

  readonly #messages = this.#counter('messages_total', 'Messages recorded', ['channel', 'direction', 'role']);
  readonly #opened = this.#counter('conversations_opened_total', 'Conversations opened', ['channel']);
  readonly #answers = this.#counter('bot_answers_total', 'Bot answers from the knowledge base', [
    'channel',
    'intent',
  ]);
  readonly #handoffs = this.#counter('handoffs_total', 'Conversations handed to people', [
    'channel',
    'intent',
    'cause',
  ]);
  readonly #closed = this.#counter(
    'conversations_closed_total',
    'Conversations closed, by outcome: bot-contained (no handoff), handed-off, abandoned',
    ['channel', 'intent', 'outcome'],
  );
  readonly #sendFailures = this.#counter(
    'send_failures_total',
    'Outbound messages the channel finally could not deliver',
    ['channel'],
  );
  readonly #firstResponse = this.#histogram(
    'first_response_seconds',
    "Customer's first message to the first bot or agent reply",
    BOT_BUCKETS,
  );
  readonly #agentFirstResponse = this.#histogram(
    'agent_first_response_seconds',
    'Handoff to the first agent message',
    AGENT_BUCKETS,
  );
  readonly #resolution = this.#histogram(
    'resolution_seconds',
    'Conversation opened to closed',
    RESOLUTION_BUCKETS,
  );

  readonly #onMessage = (message: Message, conversation: Conversation) =>
    this.#message(message, conversation);
  readonly #onStatus = (conversation: Conversation) => this.#status(conversation);

  constructor(deps: { conversations: ConversationStore; clock: Clock }) {
    this.#store = deps.conversations;
    this.#clock = deps.clock;
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.#store.events.on('message', this.#onMessage);
    this.#store.events.on('status', this.#onStatus);
  }

  /** A send the outbound chain gave up on (server.ts wires it to OutboundChain's onFailed). */
  sendFailed(channel: Platform): void {
    this.#sendFailures.inc({ channel });
  }

  stop(): void {
    this.#store.events.off('message', this.#onMessage);
    this.#store.events.off('status', this.#onStatus);
  }

  #message(message: Message, conversation: Conversation): void {
    const channel = conversation.address.channel;
    const at = Date.parse(message.at);
    if (message.internal) return;
    this.#messages.inc({ channel, direction: message.direction, role: message.role });
    if (message.role === 'customer') {
      if (message.seq === 1) {
        this.#opened.inc({ channel });
        this.#awaitingReply.set(conversation.id, at);
      }
      return;
    }
    if (message.role === 'bot' && message.kbEntryId)
      this.#answers.inc({ channel, intent: message.kbEntryId });
    if (message.role !== 'bot' && message.role !== 'agent') return;
    this.#observeSince(this.#awaitingReply, conversation.id, at, this.#firstResponse, channel);
    if (message.role === 'agent')
      this.#observeSince(this.#awaitingAgent, conversation.id, at, this.#agentFirstResponse, channel);
  }

  #status(conversation: Conversation): void {
    const channel = conversation.address.channel;
    const intent = conversation.lastIntent ?? 'none';
    if (conversation.status === 'waiting' && conversation.handedOffAt) {
      this.#handoffs.inc({ channel, intent, cause: conversation.handoffCause ?? 'unknown' });
      this.#awaitingAgent.set(conversation.id, Date.parse(conversation.handedOffAt));
    }
    if (conversation.status !== 'closed') return;
    this.#closed.inc({ channel, intent, outcome: closeOutcome(conversation) });
    const closedAt = Date.parse(conversation.closedAt ?? new Date(this.#clock.now()).toISOString());
    this.#resolution.observe({ channel }, Math.max(0, closedAt - Date.parse(conversation.openedAt)) / 1000);
    this.#awaitingReply.delete(conversation.id);
    this.#awaitingAgent.delete(conversation.id);
  }

  #observeSince(
    waiting: Map<string, number>,
    conversationId: string,
    at: number,
    histogram: Histogram<'channel'>,
    channel: Platform,
  ): void {
    const since = waiting.get(conversationId);
    if (since === undefined) return;
    waiting.delete(conversationId);
    histogram.observe({ channel }, Math.max(0, at - since) / 1000);
  }

  #counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  #histogram(name: string, help: string, buckets: number[]): Histogram<'channel'> {
    return new Histogram({
      name: `${PREFIX}${name}`,
      help,
      labelNames: ['channel'],
      buckets,
      registers: [this.registry],
    });
  }
}
