import type { KnowledgeBase, KnowledgeSource, Match } from '../knowledge/types.js';
import type { ActionRunner } from './actions/action-runner.js';
import type { Channel, InboundHandler, Receipt } from './channel.js';
import type { Clock } from './clock.js';
import type { SurveyAnswers } from './csat/surveys.js';
import type { HandoffMessage } from './desk/desk-service.js';
import { extractContactDetails, hasContactDetails } from './identity/contact-details.js';
import { linkByContact } from './identity/link-customers.js';
import { KeyedLock } from './keyed-lock.js';
import { detectLocale } from './language.js';
import type { Logger } from './logger.js';
import { applyMessageChange } from './message-changes.js';
import { Messenger } from './messenger.js';
import type { KnowledgeGaps } from './metrics/knowledge-gaps.js';
import {
  addressKey,
  type Conversation,
  encodePlatformId,
  type InboundMessage,
  type Locale,
  type Message,
  newId,
  type Platform,
} from './model.js';
import { maskPersonalData } from './privacy/mask.js';
import { Responder } from './responder.js';
import { type Decision, decide, isKnowledgeGap, type RoutingSettings, understand } from './route.js';
import { Bursts } from './routing/bursts.js';
import { readMood } from './routing/sentiment.js';
import type { ConversationStore } from './store/conversation-store.js';
import type { KeyValueStore } from './store/key-value.js';
import type { Lock } from './store-lock.js';

export interface PipelineSettings {
  routing: RoutingSettings;
  defaultLocale: Locale;
  dedupeTtlMs: number;
}

/** What the pipeline needs of human takeover (DeskService): hand off, and show the thread what the customer writes meanwhile. */
export interface Handoffs {
  handOff(conversation: Conversation, handoff: HandoffMessage, matches: Match[]): Promise<Conversation>;
  mirror(conversation: Conversation, message: Message): Promise<void>;
  /** The answer to "where is my ticket?", or undefined when the text is not that question. */
  ticketStatus(text: string, locale: Locale): Promise<string | undefined>;
}

export interface PipelineDeps {
  kv: KeyValueStore;
  conversations: ConversationStore;
  knowledge: KnowledgeSource;
  channel: (name: Platform) => Channel | undefined;
  clock: Clock;
  logger: Logger;
  settings: PipelineSettings;
  /** Shared with whoever else writes to conversations (the desk), keyed by addressKey. */
  lock?: Lock;
  /** Records and delivers what the bot says; one is made from `channel` when not given. */
  messenger?: Messenger;
  /** Human takeover; without it a handoff only marks the conversation waiting. */
  handoffs?: Handoffs;
  /** Knowledge actions: answers from company systems (src/core/actions/); without it entries give their static answer. */
  actions?: ActionRunner;
  /** The survey after close: a message answering it goes to its closed conversation (src/core/csat/). */
  surveys?: SurveyAnswers;
  /** Keeps unanswered questions for the gaps report; without it they are only logged. */
  gaps?: Pick<KnowledgeGaps, 'record'>;
}

interface Claim {
  messageId: string;
  /** True when this delivery is the first: nothing can have been recorded for it yet. */
  first: boolean;
}

interface Recorded {
  message: Message;
  conversation: Conversation;
  /** The customer sent the same text as their previous message. */
  repeated: boolean;
}

interface RecordedClaim {
  messageId: string;
  conversationId: string;
}

export class Pipeline implements InboundHandler {
  readonly #deps: PipelineDeps;
  readonly #lock: Lock;
  readonly #responder: Responder;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #bursts = new Bursts();
  /**
   * On a store shared by several instances, a repeat of a delivery on another instance may get the
   * chat's lease before the first delivery does, and record the message itself; the first must then
   * find it recorded. In one process the first delivery always queues for the lock first.
   */
  readonly #claimsRace: boolean;

  constructor(deps: PipelineDeps) {
    this.#deps = deps;
    this.#lock = deps.lock ?? new KeyedLock();
    this.#claimsRace = deps.kv.backend !== 'sqlite';
    this.#responder = new Responder({
      ...deps,
      messenger: deps.messenger ?? new Messenger(deps),
      defaultLocale: deps.settings.defaultLocale,
    });
  }

  receive(inbound: InboundMessage): Promise<Receipt> {
    if (inbound.fromBot) return Promise.resolve({ status: 'ignored', reason: 'own-message' });
    // Tracked from the first step, so a graceful shutdown waits for messages still being deduped.
    return new Promise<Receipt>((ack, fail) => this.#track(this.#handle(inbound, ack, fail)));
  }

  async #handle(
    inbound: InboundMessage,
    ack: (receipt: Receipt) => void,
    fail: (error: unknown) => void,
  ): Promise<void> {
    let claim: Claim;
    let chat: string;
    try {
      // A malformed chat id (a control character from a forged payload) is a 400, not a hang.
      chat = addressKey(inbound.address);
      claim = await this.#dedupe(inbound);
    } catch (error) {
      fail(error);
      return;
    }
    // Counted until answered, so a fragment knows whether the customer's next message is queued.
    this.#bursts.arrived(chat);
    try {
      await this.#lock.run(chat, async () => {
        let recorded: Recorded;
        let survey: Conversation | undefined;
        try {
          const earlier =
            claim.first && !this.#claimsRace
              ? undefined
              : await this.#deps.kv.get<RecordedClaim>(recordedKey(inbound));
          if (earlier) {
            ack({ status: 'duplicate', ...earlier });
            return;
          }
          if (inbound.change) {
            ack(
              await applyMessageChange(this.#deps, inbound, inbound.change, () =>
                this.#record({ ...inbound, change: undefined }, { messageId: newId('message'), first: true }),
              ),
            );
            return;
          }
          survey = await this.#deps.surveys?.claim(inbound);
          recorded = await this.#record(inbound, claim, survey);
        } catch (error) {
          fail(error);
          return;
        }
        ack({ status: 'accepted', messageId: recorded.message.id, conversationId: recorded.conversation.id });
        if (survey) await this.#deps.surveys?.answer(inbound, recorded.conversation);
        else await this.#answer(inbound, recorded);
      });
    } finally {
      this.#bursts.answered(chat);
    }
  }

  /** Resolves when every message received so far has been answered (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Claims the delivery atomically. A repeat finds the claim taken; whether it is a true duplicate
   * is decided under the lock, where the first delivery has either recorded the message (duplicate)
   * or failed before recording it (then this repeat records it: nothing the customer wrote is lost).
   * Across instances the repeat may get the lock first; it records, and the first finds it recorded.
   */
  async #dedupe(inbound: InboundMessage): Promise<Claim> {
    const { created, value } = await this.#deps.kv.setIfAbsent<{ messageId: string }>(
      `dedupe:${inbound.address.channel}:${inbound.dedupeKey}`,
      { messageId: newId('message') },
      this.#deps.settings.dedupeTtlMs,
    );
    return { messageId: value.messageId, first: created };
  }

  /** `into`: the closed conversation whose survey the message answers, instead of the chat's open one. */
  async #record(inbound: InboundMessage, claim: Claim, into?: Conversation): Promise<Recorded> {
    const { conversations, kv, settings } = this.#deps;
    const identity = encodePlatformId(inbound.address.channel, inbound.address.userId);
    const customer =
      (await conversations.findCustomerByIdentity(identity)) ??
      (await conversations.createCustomer(identity, inbound.sender ?? {}));
    const locale = detectLocale(inbound.text);
    let conversation = into ?? (await conversations.findOpenConversation(inbound.address));
    if (!conversation) {
      conversation = await conversations.openConversation(
        customer,
        inbound.address,
        locale ?? inbound.sender?.locale ?? customer.locale ?? settings.defaultLocale,
        inbound.sender?.name,
      );
    } else if (locale && locale !== conversation.locale) {
      // The customer switched language: answer in the one they use now.
      conversation = await conversations.updateConversation(conversation, { locale });
    }
    // A retried delivery whose first attempt stored the message but failed afterwards (before the
    // ack): the message is there already and must not be stored twice.
    const stored = claim.first ? undefined : await this.#findRecent(conversation, claim.messageId);
    const folded = foldText(inbound.text);
    const repeated = folded !== '' && folded === conversation.lastCustomerText;
    const result = stored
      ? { message: stored, conversation }
      : await conversations.appendMessage(
          conversation,
          {
            id: claim.messageId,
            direction: 'in',
            role: 'customer',
            text: inbound.text,
            attachments: inbound.attachments,
            quickReplies: [],
            ...(inbound.platformMessageId ? { platformMessageId: inbound.platformMessageId } : {}),
            ...(inbound.unsupportedKind ? { unsupportedKind: inbound.unsupportedKind } : {}),
          },
          folded === '' ? {} : { lastCustomerText: folded },
          { indexPlatformId: this.#deps.channel(inbound.address.channel)?.capabilities.edits ?? false },
        );
    await kv.set<RecordedClaim>(
      recordedKey(inbound),
      { messageId: result.message.id, conversationId: result.conversation.id },
      settings.dedupeTtlMs,
    );
    return { ...result, repeated: repeated && !stored };
  }

  async #findRecent(conversation: Conversation, messageId: string): Promise<Message | undefined> {
    const recent = await this.#deps.conversations.listMessages(
      conversation,
      Math.max(0, conversation.messageCount - 10),
    );
    return recent.find((message) => message.id === messageId);
  }

  /** Understand, route, respond. Never throws: a failure here hands the customer to a person. */
  async #answer(received: InboundMessage, { conversation, message, repeated }: Recorded): Promise<void> {
    const { logger, settings, clock } = this.#deps;
    await this.#linkContacts(conversation, received);
    // Asked before routing: a waiting customer asking about their ticket gets an answer, not silence.
    if (conversation.status !== 'agent' && (await this.#answerTicketStatus(conversation, received))) return;
    const chat = addressKey(received.address);
    // Fragments of a burst the bot could not answer on their own are understood with this message.
    const inbound =
      conversation.status === 'bot' && !received.action && received.text.trim() !== ''
        ? { ...received, text: this.#bursts.merge(chat, received.text, clock.now()) }
        : received;
    let decision: Decision;
    let matches: Match[] = [];
    try {
      matches = conversation.status === 'bot' ? this.#understand(inbound, conversation) : [];
      const step =
        conversation.status === 'bot'
          ? await this.#deps.actions?.resume(
              conversation,
              { text: inbound.text, pressedButton: inbound.action !== undefined },
              matches,
            )
          : undefined;
      if (step?.kind === 'pass') {
        conversation = await this.#deps.conversations.updateConversation(conversation, step.changes);
      } else if (step) {
        await this.#responder.takeStep(conversation, step, matches);
        return;
      }
      decision = decide(conversation, inbound, matches, settings.routing, {
        mood: readMood(inbound.text),
        repeated,
      });
      if (isKnowledgeGap(decision) && this.#carryFragment(chat, inbound, conversation)) return;
      if (isKnowledgeGap(decision)) await this.#logGap(conversation, inbound, matches);
    } catch (error) {
      logger.error({ err: error, conversationId: conversation.id }, 'understanding failed; handing off');
      decision = {
        kind: 'handoff',
        cause: 'no-match',
        reason: 'the bot failed to understand the message (see server log)',
      };
    }
    logger.info(
      { conversationId: conversation.id, decision: decision.kind, reason: decision.reason },
      'routed',
    );
    try {
      await this.#responder.respond(conversation, decision, matches, message, inbound.text);
    } catch (error) {
      logger.error(
        { err: error, conversationId: conversation.id, decision: decision.kind },
        'responding failed',
      );
    }
  }

  /**
   * A message the bot cannot answer, with the customer's next message already queued: most likely
   * half a sentence. It is carried into that message instead of getting "did you mean…?" now.
   */
  #carryFragment(chat: string, inbound: InboundMessage, conversation: Conversation): boolean {
    if (inbound.action || !this.#bursts.laterWaiting(chat)) return false;
    if (!this.#bursts.carry(chat, inbound.text, this.#deps.clock.now())) return false;
    this.#deps.logger.info({ conversationId: conversation.id }, 'burst: understood with the next message');
    return true;
  }

  /**
   * A phone number or e-mail the customer gave links this chat to the same person on other
   * channels (docs/privacy.md), so history follows them. Never fails the message.
   */
  async #linkContacts(conversation: Conversation, inbound: InboundMessage): Promise<void> {
    const details = extractContactDetails(inbound.text);
    if (!hasContactDetails(details)) return;
    const { kv, conversations, logger } = this.#deps;
    try {
      const customer = await conversations.getCustomer(conversation.customerId);
      if (!customer) return;
      const link = await linkByContact(kv, conversations, customer, details);
      if (link.linked) {
        logger.info(
          { customerId: link.customerId, conversationId: conversation.id },
          'customer linked across channels',
        );
      }
    } catch (error) {
      logger.error({ err: error, conversationId: conversation.id }, 'linking the customer by contact failed');
    }
  }

  async #answerTicketStatus(conversation: Conversation, inbound: InboundMessage): Promise<boolean> {
    if (inbound.action || !this.#deps.handoffs) return false;
    const status = await this.#deps.handoffs.ticketStatus(inbound.text, conversation.locale);
    if (status === undefined) return false;
    await this.#responder.say(conversation, { text: status, quickReplies: [] });
    return true;
  }

  #understand(inbound: InboundMessage, conversation: Conversation): Match[] {
    const knowledge = this.#deps.knowledge.current();
    return understand(inbound, knowledge, followUpsAfter(conversation, knowledge));
  }

  /**
   * A question the knowledge base could not answer, for admins to add: logged and kept for the
   * gaps report (src/core/metrics/knowledge-gaps.ts) with personal data masked, because logs and
   * reports travel further and live longer than the transcript.
   */
  async #logGap(conversation: Conversation, inbound: InboundMessage, matches: Match[]): Promise<void> {
    const best = matches[0];
    const gap = {
      conversationId: conversation.id,
      channel: conversation.address.channel,
      text: maskPersonalData(inbound.text),
    };
    this.#deps.logger.info(
      { ...gap, ...(best ? { best: best.entry.id, score: Math.round(best.confidence * 100) / 100 } : {}) },
      'knowledge gap',
    );
    await this.#deps.gaps?.record({
      ...gap,
      ...(best ? { bestEntry: best.entry.id, bestScore: best.confidence } : {}),
    });
  }

  #track(work: Promise<unknown>): void {
    const done = work.then(
      () => {},
      (error) => this.#deps.logger.error({ err: error }, 'pipeline work failed'),
    );
    this.#inFlight.add(done);
    void done.finally(() => this.#inFlight.delete(done));
  }
}

/**
 * The follow-ups of the entry the bot last answered with (src/knowledge/follow-ups.ts). `misses`
 * is 0 until the bot fails to answer, so the context ends when it offers suggestions.
 */
function followUpsAfter(conversation: Conversation, knowledge: KnowledgeBase): readonly string[] {
  if (!conversation.lastIntent || conversation.misses > 0) return [];
  return knowledge.entries.get(conversation.lastIntent)?.followUps ?? [];
}

/** Case, spaces and punctuation folded away: "Where is my parcel?" repeats "where is my parcel". */
function foldText(text: string): string {
  return text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

function recordedKey(inbound: InboundMessage): string {
  return `recorded:${inbound.address.channel}:${inbound.dedupeKey}`;
}
