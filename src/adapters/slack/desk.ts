/**
 * The agent desk in Slack (docs/desk.md): each handed-off conversation is one card in the agents'
 * channel (SLACK_AGENT_CHANNEL) and its thread. The card is updated in place as the conversation
 * is claimed, handed back or closed; customer messages are mirrored into the thread; agents reply
 * in the thread and press the card's buttons. What those acts mean is the core's (DeskService):
 * this class only renders and carries.
 *
 * Everything goes out through the Slack channel's OutboundChain (same client, same limits, same
 * retries); only the card that opens a thread is waited for, because its ts is the thread's id.
 */
import type { WebClient } from '@slack/web-api';
import type { ChannelHealth } from '../../core/channel.js';
import type {
  AgentDesk,
  DeskCard,
  DeskHandler,
  DeskOutcome,
  DeskPost,
  ThreadRef,
} from '../../core/desk/agent-desk.js';
import type { Address, OutboundMessage } from '../../core/model.js';
import type { OutboundChain, SendUrgency } from '../../core/outbound.js';
import type { ChannelContext } from '../registry.js';
import { toDeliveryError } from './delivery-error.js';
import { type DeskInput, parseDeskAction, parseDeskEvent, type SlackDeskInput } from './desk-parse.js';
import {
  type DeskMessage,
  deskNotices,
  mention,
  renderCard,
  renderEscalation,
  renderPost,
} from './desk-render.js';
import { relaySlackFiles } from './file-relay.js';
import type { ParseContext, SlackIdentity } from './parse.js';
import { escapeMrkdwn } from './render.js';
import type { SlackReceipt } from './routes.js';
import type { TokenHealth } from './token-health.js';

export interface SlackDeskOptions {
  context: ChannelContext;
  /** The Slack channel's client and chain: one bot, one set of rate limits. */
  client: WebClient;
  chain: OutboundChain;
  token: TokenHealth;
  agentChannel: string;
  /** Where unclaimed conversations are escalated (e.g. a supervisors' channel); the agents' channel when unset. */
  escalationChannel?: string;
  /** Who the bot is, learnt by the Slack channel at start (auth.test). */
  identity: () => SlackIdentity | undefined;
}

/**
 * Slack wants an answer within 3 seconds or it retries (events) or shows the agent an error
 * (buttons) (docs.slack.dev/interactivity/handling-user-interaction, "Acknowledgment response").
 * The work normally takes milliseconds; if the store is slow it goes on after the answer.
 */
const ACK_BUDGET_MS = 2_000;

export class SlackDesk implements AgentDesk {
  readonly name = 'slack' as const;
  readonly #options: SlackDeskOptions;
  readonly #inflight = new Set<Promise<unknown>>();
  #handler: DeskHandler | undefined;

  constructor(options: SlackDeskOptions) {
    this.#options = options;
  }

  async start(handler: DeskHandler): Promise<void> {
    this.#handler = handler;
    this.#options.context.logger.info(
      { agentChannel: this.#options.agentChannel },
      'Slack agent desk started',
    );
  }

  /** Lets work that went on after Slack's answer finish; the chain is flushed by the channel's stop. */
  async stop(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  health(): ChannelHealth {
    if (!this.#handler || !this.#options.identity()) return { state: 'starting' };
    const refused = this.#options.token.problem();
    if (refused) return { state: 'down', detail: refused };
    return { state: 'up', detail: `agents' channel ${this.#options.agentChannel}` };
  }

  async openThread(card: DeskCard): Promise<ThreadRef> {
    const channel = this.#options.agentChannel;
    const content = renderCard(card);
    let ts: string | undefined;
    const outcome = await this.#options.chain.enqueue(
      channelPacing(channel),
      standIn(card.conversationId, content.text),
      async () => {
        const sent = await call(this.#options.token, () =>
          this.#options.client.chat.postMessage({ channel, ...slackContent(content), ...NO_UNFURL }),
        );
        ts = sent.ts;
      },
      // A new conversation waiting for people goes before reminders about older ones.
      { urgency: 'high' },
    );
    if (outcome.status === 'failed') throw outcome.error;
    if (!ts) throw new Error('chat.postMessage answered without a ts');
    return { desk: 'slack', channelId: channel, threadId: ts };
  }

  async post(thread: ThreadRef, post: DeskPost): Promise<void> {
    const urgency = post.kind === 'reminder' ? 'low' : 'normal';
    for (const message of renderPost(post)) this.#postInThread(thread, message, urgency);
  }

  async updateCard(thread: ThreadRef, card: DeskCard): Promise<void> {
    const content = renderCard(card);
    const ts = thread.cardId ?? thread.threadId;
    void this.#options.chain.enqueue(
      // One queue per card keeps its updates in order without holding up the channel's posts.
      { ...channelPacing(thread.channelId), threadId: `card-${ts}` },
      standIn(card.conversationId, content.text),
      async () => {
        await call(this.#options.token, () =>
          this.#options.client.chat.update({ channel: thread.channelId, ts, ...slackContent(content) }),
        );
      },
    );
  }

  async escalate(thread: ThreadRef, card: DeskCard, text: string): Promise<void> {
    const content = renderEscalation(card, text, this.#threadLink(thread));
    const channel = this.#options.escalationChannel ?? thread.channelId;
    void this.#options.chain.enqueue(
      channelPacing(channel),
      standIn(card.conversationId, content.text),
      async () => {
        await call(this.#options.token, () =>
          this.#options.client.chat.postMessage({
            channel,
            ...slackContent(content),
            ...NO_UNFURL,
          }),
        );
      },
    );
  }

  async announce(text: string): Promise<void> {
    const channel = this.#options.agentChannel;
    void this.#options.chain.enqueue(channelPacing(channel), standIn('announce', text), async () => {
      await call(this.#options.token, () =>
        this.#options.client.chat.postMessage({ channel, text: escapeMrkdwn(text), ...NO_UNFURL }),
      );
    });
  }

  /** An Events API payload, if it is the agent channel's; `undefined` leaves it to the customer channel. */
  async receiveEvent(body: unknown, context: ParseContext): Promise<SlackReceipt | undefined> {
    const input = parseDeskEvent(body, context);
    return input && this.#take(input);
  }

  /** A block_actions payload, if it is the agent channel's. */
  async receiveInteraction(payload: unknown, context: ParseContext): Promise<SlackReceipt | undefined> {
    const input = parseDeskAction(payload, context);
    return input && this.#take(input);
  }

  async #take(input: SlackDeskInput): Promise<SlackReceipt> {
    const { logger } = this.#options.context;
    if (input.kind === 'ignored') {
      logger.debug({ reason: input.reason }, 'ignored an agent channel event');
      return { kind: 'desk', status: 'ignored' };
    }
    const handler = this.#handler;
    if (!handler) throw new Error('the Slack agent desk is not started');
    const work = this.#act(handler, input);
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.#inflight.add(settled);
    void settled.finally(() => this.#inflight.delete(settled));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), ACK_BUDGET_MS);
    });
    try {
      const status = await Promise.race([work, late]);
      if (status !== 'late') return { kind: 'desk', status };
      work.catch((error: unknown) =>
        logger.error({ err: error, eventId: input.event.eventId }, 'agent desk event failed after the ack'),
      );
      return { kind: 'desk', status: 'pending' };
    } finally {
      clearTimeout(timer);
    }
  }

  async #act(handler: DeskHandler, input: DeskInput): Promise<DeskOutcome['status']> {
    const event = await this.#withPublicFiles(input);
    // Only files, none of which could be handed on: the notice said so, and there is nothing to send.
    if (event.kind === 'reply' && event.text.trim() === '' && event.attachments.length === 0) return 'done';
    const outcome = await handler.handle(event);
    const thread = event.thread;
    switch (outcome.status) {
      case 'closed':
        if (event.kind === 'reply') this.#postInThread(thread, { text: deskNotices.closed });
        else this.#tellAgent(input, deskNotices.closedAction);
        break;
      case 'taken':
        this.#tellAgent(input, deskNotices.taken(outcome.owner));
        break;
      case 'not-found':
        if (event.kind === 'send-suggestion') this.#tellAgent(input, deskNotices.unknownSuggestion);
        else if (event.kind !== 'reply') this.#tellAgent(input, deskNotices.unknownConversation);
        // A reply in a thread that is not a conversation's (a colleague's chatter) is not ours.
        break;
      case 'done':
        // What a Send button relayed is otherwise invisible in the thread.
        if (event.kind === 'send-suggestion') {
          const label = escapeMrkdwn(outcome.sent ?? event.entryId);
          this.#postInThread(thread, {
            text: `ℹ️ ${mention(event.agent)} sent the suggested answer “${label}”.`,
          });
        }
        break;
      case 'duplicate':
        break;
    }
    return outcome.status;
  }

  /** A reply's Slack files, swapped for links the customer's app can open (file-relay.ts). */
  async #withPublicFiles(input: DeskInput): Promise<DeskInput['event']> {
    const { event } = input;
    if (event.kind !== 'reply' || event.attachments.length === 0) return event;
    const token = this.#options.client.token ?? '';
    const { attachments, problems } = await relaySlackFiles(
      event.attachments,
      token,
      this.#options.context.files,
    );
    if (problems.length > 0) {
      this.#postInThread(event.thread, { text: deskNotices.filesNotSent(problems.map(escapeMrkdwn)) });
    }
    return { ...event, attachments };
  }

  #postInThread(thread: ThreadRef, message: DeskMessage, urgency: SendUrgency = 'normal'): void {
    void this.#options.chain.enqueue(
      channelPacing(thread.channelId),
      standIn(`thread:${thread.threadId}`, message.text),
      async () => {
        await call(this.#options.token, () =>
          this.#options.client.chat.postMessage({
            channel: thread.channelId,
            thread_ts: thread.threadId,
            ...slackContent(message),
            ...NO_UNFURL,
          }),
        );
      },
      { urgency },
    );
  }

  /** Only the agent who pressed sees it (chat.postEphemeral), in the card's thread. */
  #tellAgent(input: DeskInput, text: string): void {
    void this.#options.chain.enqueue(
      { ...channelPacing(input.channel), threadId: `ephemeral-${input.user}` },
      standIn(`thread:${input.threadTs}`, text),
      async () => {
        await call(this.#options.token, () =>
          this.#options.client.chat.postEphemeral({
            channel: input.channel,
            user: input.user,
            thread_ts: input.threadTs,
            text,
          }),
        );
      },
    );
  }

  /** https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>: Slack's message permalink form. */
  #threadLink(thread: ThreadRef): string | undefined {
    const base = this.#options.identity()?.workspaceUrl;
    if (!base) return undefined;
    const root = new URL(`archives/${thread.channelId}/p${thread.threadId.replace('.', '')}`, base);
    return root.toString();
  }
}

/**
 * Customer text in the agents' channel is shown, not fetched: unfurling a customer's link would
 * make Slack request it (and tell its owner an agent is looking).
 */
const NO_UNFURL = { unfurl_links: false, unfurl_media: false } as const;

/** Slack limits posting per channel, threads included (about one message a second). */
function channelPacing(channel: string): Address {
  return { channel: 'slack', chatId: channel, userId: 'desk' };
}

/**
 * The chain reports by message; desk posts are no stored message (seq 0 matches none), so a
 * failure is logged with the conversation and nothing is marked.
 */
function standIn(conversationId: string, text: string): OutboundMessage {
  return {
    id: 'desk',
    conversationId,
    seq: 0,
    role: 'system',
    text,
    quickReplies: [],
    attachments: [],
    locale: 'en',
  };
}

function slackContent(message: DeskMessage): { text: string; blocks?: never[] } {
  // Block Kit JSON as rendered; the SDK's block types are wider than what we build.
  return { text: message.text, ...(message.blocks ? { blocks: message.blocks as never[] } : {}) };
}

/** One Web API call, its failure made a DeliveryError for the chain, the token's state noted. */
async function call<T>(token: TokenHealth, request: () => Promise<T>): Promise<T> {
  try {
    const result = await request();
    token.accepted();
    return result;
  } catch (error) {
    token.failed(error);
    throw toDeliveryError(error);
  }
}
