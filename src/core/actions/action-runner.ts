/**
 * Runs the knowledge actions of docs/knowledge.md: collects an entry's slots over as many messages
 * as it takes, calls its backend, and turns the response into the answer. The pipeline asks it
 * first about every message of a conversation the bot has (`resume`) and hands it the entries it
 * would answer with (`start`); it says what to reply and the conversation changes to save, and
 * never sends anything itself.
 */
import { fillPlaceholders, type KnowledgeAction } from '../../knowledge/action-schema.js';
import { localize } from '../../knowledge/localize.js';
import { renderActionTemplate } from '../../knowledge/templates.js';
import type { KnowledgeEntry, LocalizedText, Match } from '../../knowledge/types.js';
import { type Clock, isoNow } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Conversation, Customer, Locale, Lookup, PendingAction } from '../model.js';
import { type ReplyName, reply } from '../replies.js';
import { asksForPerson } from '../routing/human-request.js';
import type { BackendClient, CallOutcome } from './backend-client.js';
import { isCancel, profileValue, slotValuesIn } from './slots.js';

export type ActionStep =
  /** Say this; `offerPerson` adds the "talk to a person" button, `entryButtons` the entry's own. */
  | {
      kind: 'reply';
      text: string;
      entryId: string;
      offerPerson: boolean;
      entryButtons: boolean;
      changes: Partial<Conversation>;
    }
  /** The customer could not give a valid value: a person takes over. */
  | { kind: 'handoff'; reason: string; entryId: string; changes: Partial<Conversation> }
  /** A slot that may not be asked for is missing: give the entry's static answer. */
  | { kind: 'static'; entryId: string; changes: Partial<Conversation> }
  /** Not (or no longer) about the action: route the message as usual, after saving `changes`. */
  | { kind: 'pass'; changes: Partial<Conversation> };

/** What the action does with a message about it: everything but passing it on. */
export type ActionOutcome = Exclude<ActionStep, { kind: 'pass' }>;

export interface ActionRunnerDeps {
  backends: ReadonlyMap<string, BackendClient>;
  clock: Clock;
  defaultLocale: Locale;
  /** The entries of the current knowledge base (a reload may have removed one mid-conversation). */
  entry: (id: string) => KnowledgeEntry | undefined;
  /** At or above: the knowledge base answers; a confident match elsewhere ends the slot questions. */
  answerThreshold: number;
  logger: Logger;
}

/** Agents see the last few look-ups; older ones stay in the log. */
const LOOKUPS_KEPT = 5;

export class ActionRunner {
  readonly #deps: ActionRunnerDeps;
  /** Backend names already warned about, so a typo is logged once, not on every question. */
  readonly #unknownBackends = new Set<string>();

  constructor(deps: ActionRunnerDeps) {
    this.#deps = deps;
  }

  /** True when the entry answers from live data: it has an action whose backend is configured. */
  handles(entry: KnowledgeEntry): boolean {
    if (!entry.action) return false;
    const backend = this.#backend(entry.action);
    if (!backend && !this.#unknownBackends.has(entry.action.backend)) {
      this.#unknownBackends.add(entry.action.backend);
      this.#deps.logger.warn(
        { entryId: entry.id, backend: entry.action.backend },
        'a knowledge action names a backend that config/switchboard.yaml does not define; the entry gives its static answer',
      );
    }
    return backend?.configured === true;
  }

  /** The entry matched: fill what the message and profile give, then ask for the rest or call. */
  async start(
    conversation: Conversation,
    entry: KnowledgeEntry,
    text: string,
    customer: Customer | undefined,
  ): Promise<ActionOutcome> {
    const action = entry.action as KnowledgeAction;
    const slots: Record<string, string> = {};
    for (const [name, slot] of Object.entries(action.slots)) {
      const fromMessage = slot.from.includes('message')
        ? slotValuesIn({ ...action, slots: { [name]: slot } }, text)[name]
        : undefined;
      const value = fromMessage ?? profileValue(slot, customer);
      if (value !== undefined) slots[name] = value;
    }
    return this.#next(conversation, entry, slots, { invalidReplies: 0 });
  }

  /**
   * A message while the bot has the conversation: the answer to a slot question, a cancel, a
   * correction of the value just looked up, or none of these (undefined: route it as usual).
   */
  async resume(
    conversation: Conversation,
    message: { text: string; pressedButton: boolean },
    matches: Match[],
  ): Promise<ActionStep | undefined> {
    const pending = conversation.pendingAction;
    // A pressed button ("talk to a person", another entry) is a choice, never a slot value.
    if (message.pressedButton)
      return pending ? { kind: 'pass', changes: { pendingAction: undefined } } : undefined;
    if (pending) return this.#answerQuestion(conversation, pending, message.text, matches);
    return this.#correction(conversation, message.text, matches);
  }

  async #answerQuestion(
    conversation: Conversation,
    pending: PendingAction,
    text: string,
    matches: Match[],
  ): Promise<ActionStep> {
    const entry = this.#deps.entry(pending.entryId);
    const cleared = { pendingAction: undefined };
    if (!entry?.action || !this.handles(entry)) return { kind: 'pass', changes: cleared };
    if (isCancel(text)) {
      return {
        kind: 'reply',
        text: reply('actionCancelled', conversation.locale),
        entryId: entry.id,
        offerPerson: false,
        entryButtons: false,
        changes: { ...cleared, misses: 0 },
      };
    }
    const found = slotValuesIn(entry.action, text);
    if (Object.keys(found).length > 0) {
      // Any slot the message names counts: an answer to this question, or a correction of an earlier one.
      return this.#next(conversation, entry, { ...pending.slots, ...found }, pending);
    }
    // "转人工" is not a wrong order number: routing hands the customer over as asked.
    if (asksForPerson(text) || this.#confidentElsewhere(matches, entry.id))
      return { kind: 'pass', changes: cleared };
    const invalidReplies = pending.invalidReplies + 1;
    if (invalidReplies >= entry.action.maxAsks) {
      return {
        kind: 'handoff',
        entryId: entry.id,
        reason: `the customer did not give a valid ${pending.asking} for "${entry.id}" after ${invalidReplies} tries`,
        changes: cleared,
      };
    }
    const slot = entry.action.slots[pending.asking];
    const locale = conversation.locale;
    const invalid = slot?.invalid ? this.#text(slot.invalid, locale) : reply('actionInvalid', locale);
    return {
      kind: 'reply',
      text: `${invalid}\n${slot ? this.#text(slot.prompt, locale) : ''}`.trim(),
      entryId: entry.id,
      offerPerson: true,
      entryButtons: false,
      changes: { pendingAction: { ...pending, invalidReplies } },
    };
  }

  /** "Sorry, it's A7654321" right after a look-up: the same look-up with the corrected value. */
  async #correction(
    conversation: Conversation,
    text: string,
    matches: Match[],
  ): Promise<ActionStep | undefined> {
    const last = conversation.lookups?.at(-1);
    if (!last || conversation.lastIntent !== last.entryId) return undefined;
    const entry = this.#deps.entry(last.entryId);
    if (!entry?.action || !this.handles(entry) || this.#confidentElsewhere(matches, entry.id))
      return undefined;
    const found = slotValuesIn(entry.action, text);
    const changed = Object.entries(found).some(([name, value]) => last.slots[name] !== value);
    if (!changed) return undefined;
    return this.#next(conversation, entry, { ...last.slots, ...found }, { invalidReplies: 0 });
  }

  /** Ask for the first missing slot, or call the backend when none is missing. */
  async #next(
    conversation: Conversation,
    entry: KnowledgeEntry,
    slots: Record<string, string>,
    progress: Pick<PendingAction, 'invalidReplies'>,
  ): Promise<ActionOutcome> {
    const action = entry.action as KnowledgeAction;
    const missing = Object.entries(action.slots).find(([name]) => slots[name] === undefined);
    if (missing) {
      const [name, slot] = missing;
      if (!slot.from.includes('ask'))
        return { kind: 'static', entryId: entry.id, changes: { pendingAction: undefined } };
      const invalidReplies = conversation.pendingAction?.asking === name ? progress.invalidReplies : 0;
      return {
        kind: 'reply',
        text: this.#text(slot.prompt, conversation.locale),
        entryId: entry.id,
        offerPerson: false,
        entryButtons: false,
        changes: {
          pendingAction: { entryId: entry.id, slots, asking: name, invalidReplies },
          lastIntent: entry.id,
          misses: 0,
        },
      };
    }
    return this.#call(conversation, entry, action, slots);
  }

  async #call(
    conversation: Conversation,
    entry: KnowledgeEntry,
    action: KnowledgeAction,
    slots: Record<string, string>,
  ): Promise<ActionOutcome> {
    const backend = this.#backend(action) as BackendClient;
    const fill = (text: string, encode: (value: string) => string) => fillPlaceholders(text, slots, encode);
    const outcome = await backend.call({
      method: action.request.method,
      path: fill(action.request.path, encodeURIComponent),
      query: Object.fromEntries(
        Object.entries(action.request.query).map(([key, value]) => [key, fill(value, String)]),
      ),
      ...(action.request.body
        ? {
            body: Object.fromEntries(
              Object.entries(action.request.body).map(([key, value]) => [key, fill(value, String)]),
            ),
          }
        : {}),
    });
    const lookup: Lookup = {
      entryId: entry.id,
      backend: backend.name,
      slots,
      outcome: outcome.kind,
      ...(describeOutcome(outcome) ? { detail: describeOutcome(outcome) } : {}),
      at: isoNow(this.#deps.clock),
    };
    const changes: Partial<Conversation> = {
      pendingAction: undefined,
      lastIntent: entry.id,
      misses: 0,
      lookups: [...(conversation.lookups ?? []), lookup].slice(-LOOKUPS_KEPT),
    };
    const locale = conversation.locale;
    // A JSON object's fields are tags of their own ({{status}}); `response` is the whole answer
    // (an array can be listed with {{#response}}…{{/response}}), `slots` the values sent.
    const data = outcome.kind === 'found' ? outcome.data : undefined;
    const view = { ...(isRecord(data) ? data : {}), response: data, slots };
    const render = (template: LocalizedText | undefined, fallback: string) =>
      template === undefined
        ? fallback
        : renderActionTemplate(this.#text(template, locale), view).trim() || fallback;
    // A found answer is followed by the entry's own buttons; a miss or a failure offers a person.
    const [template, fallback] = (
      {
        found: [action.answer, 'actionError'],
        'not-found': [action.notFound, 'actionNotFound'],
        error: [action.error, 'actionError'],
      } as const satisfies Record<CallOutcome['kind'], readonly [LocalizedText | undefined, ReplyName]>
    )[outcome.kind];
    const found = outcome.kind === 'found';
    return {
      kind: 'reply',
      text: render(template, reply(fallback, locale)),
      entryId: entry.id,
      offerPerson: !found,
      entryButtons: found,
      changes,
    };
  }

  #confidentElsewhere(matches: Match[], entryId: string): boolean {
    const best = matches[0];
    return best !== undefined && best.entry.id !== entryId && best.confidence >= this.#deps.answerThreshold;
  }

  #backend(action: KnowledgeAction): BackendClient | undefined {
    return this.#deps.backends.get(action.backend);
  }

  #text(text: LocalizedText, locale: Locale): string {
    return localize(text, locale, this.#deps.defaultLocale);
  }
}

function describeOutcome(outcome: CallOutcome): string | undefined {
  if (outcome.kind === 'error') {
    // "HTTP 500" says it already; a bad body of a 200 needs its status said.
    return outcome.status && !outcome.reason.startsWith('HTTP')
      ? `${outcome.reason} (HTTP ${outcome.status})`
      : outcome.reason;
  }
  return outcome.cached ? `HTTP ${outcome.status}, cached` : `HTTP ${outcome.status}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
