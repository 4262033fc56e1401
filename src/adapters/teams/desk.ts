/**
 * The agent desk in a Teams channel (TEAMS_AGENT_CHANNEL; docs/channels/teams.md "Agent desk"):
 * each handed-off conversation is one thread in the channel whose root post is the conversation's
 * Adaptive Card (Claim / Close / Hand back to bot, suggested answers with Send). Agents' replies in
 * the thread and their button presses come in at `POST /api/messages` like every Teams activity;
 * the Teams channel (index.ts) passes the agents' channel's activities here.
 *
 *   openThread: Bot Connector createConversation (isGroup, channelData.channel.id) -> root id
 *   post:       sendToConversation(`<channel>;messageid=<root>`)
 *   updateCard: updateActivity(`<channel>;messageid=<root>`, root)
 *   escalate:   a new top-level post in the channel naming the ticket, linking to its thread
 *
 * A bot can only post into a channel proactively with its ConversationReference (the serviceUrl of
 * the tenant's region, the bot's id, the tenant). Teams gives it to us with the first activity from
 * the channel, so an admin primes the desk by @mentioning the bot once there; it is kept in the
 * store (restarts, other instances). Until then opening a thread fails with DeskNotPrimedError:
 * the core logs it and the conversation stays queued.
 */
import type { Activity, ConversationParameters, ConversationReference } from 'botbuilder';
import type { ChannelHealth } from '../../core/channel.js';
import type {
  AgentDesk,
  DeskCard,
  DeskEvent,
  DeskHandler,
  DeskOutcome,
  DeskPost,
  ThreadRef,
} from '../../core/desk/agent-desk.js';
import { SwitchboardError } from '../../core/errors.js';
import type { Address, OutboundMessage } from '../../core/model.js';
import type { OutboundChain } from '../../core/outbound.js';
import type { ChannelContext } from '../registry.js';
import { type DeskActivity, parseDeskActivity, replyFiles } from './desk-parse.js';
import {
  deskNotices,
  renderDeskCard,
  renderDeskPost,
  renderEscalation,
  renderNotice,
} from './desk-render.js';
import {
  type ChannelReference,
  rootOf,
  tenantOf,
  threadConversationId,
  threadLink,
  threadParameters,
  threadReference,
} from './desk-threads.js';
import { relayTeamsFiles } from './file-relay.js';
import type { TeamsActivity } from './parse.js';
import type { TeamsActivityOut } from './render.js';

/** The Bot Connector operations the desk uses (botframework-connector's `conversations`). */
export interface ConnectorConversations {
  createConversation(parameters: ConversationParameters): Promise<{ id?: string; activityId?: string }>;
  sendToConversation(conversationId: string, activity: Partial<Activity>): Promise<{ id?: string }>;
  updateActivity(
    conversationId: string,
    activityId: string,
    activity: Partial<Activity>,
  ): Promise<{ id?: string }>;
}

/** Runs `call` with a Bot Connector client authorised for the reference's serviceUrl (index.ts). */
export type WithConnector = <T>(
  reference: Partial<ConversationReference>,
  call: (conversations: ConnectorConversations) => Promise<T>,
) => Promise<T>;

/** The bot's Bot Connector token for the reference's serviceUrl; undefined in emulator mode (index.ts). */
export type ConnectorToken = (reference: Partial<ConversationReference>) => Promise<string | undefined>;

/** The agents' channel has not sent us an activity yet, so we cannot post into it. */
export class DeskNotPrimedError extends SwitchboardError {
  constructor(channelId: string) {
    super(
      'teams_desk_not_primed',
      `the Teams agent desk cannot post to ${channelId} yet: @mention the bot once in the agents' ` +
        'channel (TEAMS_AGENT_CHANNEL) so Teams tells it where the channel is',
    );
  }
}

/** What the HTTP answer to an agents' channel activity reports. */
export type DeskTurnOutcome = DeskOutcome['status'] | 'ignored';

export interface TeamsDeskDeps {
  context: Pick<ChannelContext, 'kv' | 'logger' | 'files'>;
  /** TEAMS_AGENT_CHANNEL: the channel's conversation id, `19:…@thread.tacv2`. */
  channelId: string;
  connector: WithConnector;
  /** For the images agents paste, which Teams keeps on the Bot Connector (file-relay.ts). */
  connectorToken: ConnectorToken;
  /** No app id: nothing is authenticated, and files are fetched only from the loopback serviceUrl. */
  emulator: boolean;
  /** The Teams channel's chain: one pace for all of the bot's Teams sends (TEAMS_POLICY). */
  chain: OutboundChain;
}

export class TeamsDesk implements AgentDesk {
  readonly name = 'teams' as const;
  readonly #deps: TeamsDeskDeps;
  #handler: DeskHandler | undefined;
  #reference: ChannelReference | undefined;

  constructor(deps: TeamsDeskDeps) {
    this.#deps = deps;
  }

  get channelId(): string {
    return this.#deps.channelId;
  }

  async start(handler: DeskHandler): Promise<void> {
    this.#reference ??= await this.#storedReference();
    this.#handler = handler;
    if (!this.#reference) {
      this.#deps.context.logger.warn(
        { channel: this.#deps.channelId },
        "Teams agent desk: no reference to the agents' channel yet; @mention the bot once in that channel",
      );
    }
  }

  async stop(): Promise<void> {
    // The sends still queued are delivered by the Teams channel's stop (the chain is shared).
    this.#handler = undefined;
  }

  health(): ChannelHealth {
    if (!this.#handler) return { state: 'starting' };
    if (!this.#reference) {
      return { state: 'starting', detail: "not primed: @mention the bot once in the agents' channel" };
    }
    return { state: 'up' };
  }

  async openThread(card: DeskCard): Promise<ThreadRef> {
    const reference = await this.#requireReference();
    const { channelId, chain, connector } = this.#deps;
    let created: { id?: string; activityId?: string } | undefined;
    const outcome = await chain.enqueue(
      this.#address(),
      deskMessage(card.conversationId, 'card'),
      async () => {
        created = await connector(reference, (conversations) =>
          conversations.createConversation(threadParameters(reference, channelId, renderDeskCard(card))),
        );
      },
    );
    if (outcome.status === 'failed') throw outcome.error;
    const root = created?.activityId || rootOf(created?.id);
    if (!root) {
      throw new SwitchboardError('teams_no_thread_id', 'the Bot Connector created the thread but sent no id');
    }
    return { desk: 'teams', channelId, threadId: root, platformRef: { ...threadReference(reference, root) } };
  }

  async post(thread: ThreadRef, post: DeskPost): Promise<void> {
    for (const activity of renderDeskPost(post)) this.#reply(thread, activity, `post:${post.kind}`);
  }

  async updateCard(thread: ThreadRef, card: DeskCard): Promise<void> {
    const reference = this.#referenceFor(thread);
    const conversationId = threadConversationId(thread);
    const activityId = thread.cardId ?? thread.threadId;
    void this.#deps.chain.enqueue(this.#address(thread), deskMessage(card.conversationId, 'card'), () =>
      this.#deps.connector(reference, async (conversations) => {
        await conversations.updateActivity(conversationId, activityId, {
          ...renderDeskCard(card),
          id: activityId,
        });
      }),
    );
  }

  async escalate(thread: ThreadRef, card: DeskCard, text: string): Promise<void> {
    const reference = await this.#requireReference();
    const { channelId, chain, connector } = this.#deps;
    const activity = renderEscalation(card, text, threadLink(thread));
    void chain.enqueue(this.#address(), deskMessage(card.conversationId, 'escalation'), () =>
      connector(reference, async (conversations) => {
        await conversations.createConversation(threadParameters(reference, channelId, activity));
      }),
    );
  }

  async announce(text: string): Promise<void> {
    const reference = await this.#requireReference();
    const { channelId, chain, connector } = this.#deps;
    void chain.enqueue(this.#address(), deskMessage('announce', 'announce'), () =>
      connector(reference, async (conversations) => {
        await conversations.createConversation(threadParameters(reference, channelId, renderNotice(text)));
      }),
    );
  }

  /**
   * An activity from the agents' channel, authenticated by the Teams channel. `reference` is the
   * SDK's ConversationReference of the activity (where it came from).
   */
  async receive(
    activity: TeamsActivity,
    reference: Partial<ConversationReference>,
  ): Promise<DeskTurnOutcome> {
    const { logger } = this.#deps.context;
    const primed = await this.#learn(activity, reference);
    const parsed = parseDeskActivity(activity);
    // The admin who primed the desk sees that it worked (only when this desk is the one in use).
    if (primed && this.#handler && parsed.root) {
      this.#reply(this.#thread(parsed.root), renderNotice(deskNotices.connected), 'notice');
    }
    if (parsed.kind === 'ignored') {
      logger.debug({ reason: parsed.reason }, 'Teams agent channel activity ignored');
      return 'ignored';
    }
    const handler = this.#handler;
    if (!handler) {
      // Only one desk serves at a time: Slack's when both are configured (docs/desk.md).
      logger.warn('Teams agent channel activity ignored: the Teams agent desk is not in use');
      return 'ignored';
    }
    const thread = this.#thread(parsed.root);
    const { event, problems } = await this.#withPublicFiles(activity, {
      ...parsed.event,
      thread,
    } as DeskEvent);
    const filesNotSent = () =>
      this.#reply(thread, renderNotice(deskNotices.filesNotSent(problems), parsed.from), 'notice');
    // Only files, none of which could be handed on: there is nothing to send but the notice.
    if (event.kind === 'reply' && event.text.trim() === '' && event.attachments.length === 0) {
      filesNotSent();
      return 'done';
    }
    const outcome = await handler.handle(event);
    // Only when the reply went out: Teams' re-delivery is a duplicate, and a closed or unknown
    // conversation's answer already says nothing was sent.
    if (problems.length > 0 && outcome.status === 'done') filesNotSent();
    this.#answer(parsed, thread, outcome);
    return outcome.status;
  }

  /**
   * A reply's Teams files swapped for links the customer's app can open (file-relay.ts), and what
   * could not be handed on. Fetched before the HTTP answer, in parallel, each within 15 s.
   */
  async #withPublicFiles(
    activity: TeamsActivity,
    event: DeskEvent,
  ): Promise<{ event: DeskEvent; problems: string[] }> {
    if (event.kind !== 'reply' || event.attachments.length === 0) return { event, problems: [] };
    const { connectorToken, emulator, context } = this.#deps;
    const reference = this.#referenceFor(event.thread);
    const { attachments, problems } = await relayTeamsFiles(
      replyFiles(activity),
      { serviceUrl: activity.serviceUrl, emulator, connectorToken: () => connectorToken(reference) },
      context.files,
    );
    if (problems.length > 0) {
      context.logger.info({ eventId: event.eventId, problems }, 'Teams agent desk: files not handed on');
    }
    return { event: { ...event, attachments }, problems };
  }

  /** Tells the agent what became of their action when it did not go through. */
  #answer(parsed: Extract<DeskActivity, { kind: 'event' }>, thread: ThreadRef, outcome: DeskOutcome): void {
    const { event, from } = parsed;
    let text: string | undefined;
    if (outcome.status === 'taken') text = deskNotices.taken(outcome.owner);
    if (outcome.status === 'closed') {
      text =
        event.kind === 'reply' || event.kind === 'send-suggestion'
          ? deskNotices.closed
          : deskNotices.alreadyClosed;
    }
    // A reply in a thread that is not a conversation's is the channel's own talk: no answer.
    if (outcome.status === 'not-found' && event.kind !== 'reply') {
      text = event.kind === 'send-suggestion' ? deskNotices.noSuchSuggestion : deskNotices.gone;
    }
    if (text) this.#reply(thread, renderNotice(text, from), 'notice');
    // The thread keeps a record of which suggested answer went out, and who sent it.
    if (outcome.status === 'done' && event.kind === 'send-suggestion') {
      this.#reply(
        thread,
        renderNotice(deskNotices.suggestionSent(from.name, outcome.sent ?? event.entryId)),
        'notice',
      );
    }
  }

  #reply(thread: ThreadRef, activity: TeamsActivityOut, what: string): void {
    const reference = this.#referenceFor(thread);
    const conversationId = threadConversationId(thread);
    void this.#deps.chain.enqueue(this.#address(thread), deskMessage(`thread:${thread.threadId}`, what), () =>
      this.#deps.connector(reference, async (conversations) => {
        // A copy per attempt: nothing may write into what the next attempt sends.
        await conversations.sendToConversation(conversationId, { ...activity });
      }),
    );
  }

  /** Stores the channel's reference when it is new or moved (Teams can change a tenant's serviceUrl). True when it was new. */
  async #learn(activity: TeamsActivity, reference: Partial<ConversationReference>): Promise<boolean> {
    const bot = reference.bot ?? activity.recipient;
    const tenantId = tenantOf(activity);
    const learned: ChannelReference = {
      serviceUrl: activity.serviceUrl,
      channelId: reference.channelId ?? 'msteams',
      bot: { id: bot.id, name: bot.name ?? '' },
      conversation: {
        id: this.#deps.channelId,
        name: '',
        isGroup: true,
        conversationType: 'channel',
        ...(tenantId ? { tenantId } : {}),
      },
    };
    const known = this.#reference ?? (await this.#storedReference());
    if (known && known.serviceUrl === learned.serviceUrl && known.bot.id === learned.bot.id) {
      this.#reference = known;
      return false;
    }
    await this.#deps.context.kv.set(referenceKey(this.#deps.channelId), learned);
    this.#reference = learned;
    this.#deps.context.logger.info(
      { channel: this.#deps.channelId, serviceUrl: learned.serviceUrl },
      "Teams agent desk: reference to the agents' channel stored",
    );
    return known === undefined;
  }

  async #storedReference(): Promise<ChannelReference | undefined> {
    return this.#deps.context.kv.get<ChannelReference>(referenceKey(this.#deps.channelId));
  }

  async #requireReference(): Promise<ChannelReference> {
    // Another instance may have learned it since (several instances share the store).
    this.#reference ??= await this.#storedReference();
    if (!this.#reference) throw new DeskNotPrimedError(this.#deps.channelId);
    return this.#reference;
  }

  /** The channel's latest reference, else the one the thread was opened with. */
  #referenceFor(thread: ThreadRef): Partial<ConversationReference> {
    const reference = this.#reference ?? (thread.platformRef as ChannelReference | undefined);
    if (typeof reference?.serviceUrl !== 'string') throw new DeskNotPrimedError(this.#deps.channelId);
    return threadReference(reference, thread.threadId);
  }

  #thread(root: string): ThreadRef {
    return { desk: 'teams', channelId: this.#deps.channelId, threadId: root };
  }

  /** The chain's key: Teams limits sends per conversation, and each thread is one. */
  #address(thread?: ThreadRef): Address {
    return {
      channel: 'teams',
      chatId: this.#deps.channelId,
      userId: 'agent-desk',
      ...(thread ? { threadId: thread.threadId } : {}),
    };
  }
}

function referenceKey(channelId: string): string {
  return `teams-desk:channel-reference:${channelId}`;
}

/**
 * The chain carries OutboundMessages so a failed customer send is recorded on its message; a desk
 * post is no customer message (seq 0 matches none), so a failure is only logged, with this id.
 */
function deskMessage(conversationId: string, what: string): OutboundMessage {
  return {
    id: `teams-desk:${what}`,
    conversationId,
    seq: 0,
    role: 'system',
    text: '',
    quickReplies: [],
    attachments: [],
    locale: 'en',
  };
}
