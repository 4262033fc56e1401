/**
 * Slack Events API envelopes and interactivity payloads -> InboundMessage. Pure: no SDK, no I/O,
 * so a recorded payload is a complete test. Who the bot is comes in from `auth.test`.
 *
 * Slack text arrives as mrkdwn with its own escaping (api.slack.com/reference/surfaces/formatting):
 * `&amp; &lt; &gt;`, `<@U…>` mentions, `<#C…|name>` channels, `<!here>`, `<url|label>` links.
 * The pipeline gets plain text; a mention of the bot itself is removed.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import type { Address, Attachment, AttachmentKind, InboundMessage } from '../../core/model.js';

/** The bot on this workspace (from auth.test) and the agent desk's channel, whose events are not customers'. */
export interface SlackIdentity {
  botUserId: string;
  botId: string;
  agentChannel?: string;
  /** The workspace's address (auth.test `url`, e.g. https://acme.slack.com/), for links to threads. */
  workspaceUrl?: string;
}

export interface ParseContext extends SlackIdentity {
  receivedAt: string;
}

/**
 * What came of a payload. A message in a channel that neither mentions the bot nor replies to it
 * is taken only when it belongs to the bot's conversation, which only the store knows: `requires`
 * names the check the caller makes before handing it to the pipeline.
 */
export type SlackInbound =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'message'; inbound: InboundMessage; requires?: 'bot-in-thread' | 'known-message' }
  | { kind: 'ignored'; reason: string };

/** Our quick-reply buttons carry this action_id prefix; other buttons (the agent desk's) are not ours. */
export const QUICK_REPLY_ACTION_PREFIX = 'switchboard_qr_';

const file = z.looseObject({
  id: z.string(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().nullish(),
  mode: z.string().nullish(),
  url_private: z.string().nullish(),
});

const innerMessage = z.looseObject({
  user: z.string().optional(),
  bot_id: z.string().nullish(),
  subtype: z.string().optional(),
  text: z.string().nullish(),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  edited: z.looseObject({}).optional(),
  files: z.array(file).optional(),
});

const event = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  hidden: z.boolean().optional(),
  channel: z.string().optional(),
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().nullish(),
  text: z.string().nullish(),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  parent_user_id: z.string().optional(),
  files: z.array(file).optional(),
  message: innerMessage.optional(),
  previous_message: innerMessage.optional(),
  deleted_ts: z.string().optional(),
});

export const eventEnvelopeSchema = z.looseObject({
  type: z.string(),
  challenge: z.string().optional(),
  event: event.optional(),
});

export const interactionSchema = z.looseObject({
  type: z.string(),
  user: z.looseObject({ id: z.string(), name: z.string().optional() }).optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  message: z.looseObject({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  actions: z
    .array(
      z.looseObject({
        action_id: z.string(),
        action_ts: z.string().optional(),
        value: z.string().optional(),
        text: z.looseObject({ text: z.string() }).optional(),
      }),
    )
    .optional(),
  trigger_id: z.string().optional(),
});

export type SlackEvent = z.infer<typeof event>;
type SlackFile = z.infer<typeof file>;

/** Message subtypes that carry what a person wrote (docs.slack.dev/reference/events/message). */
export const CONTENT_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message']);

/** An Events API request body (HTTP) or Socket Mode `events_api` payload. */
export function parseEventEnvelope(body: unknown, context: ParseContext): SlackInbound {
  const parsed = eventEnvelopeSchema.safeParse(body);
  if (!parsed.success) throw invalid('event', parsed.error);
  const { type, challenge } = parsed.data;
  if (type === 'url_verification') {
    if (!challenge) throw new ValidationError('invalid_request', 'url_verification without a challenge');
    return { kind: 'challenge', challenge };
  }
  const slackEvent = parsed.data.event;
  if (type !== 'event_callback' || !slackEvent) return ignored(`a ${type} envelope`);
  if (slackEvent.type !== 'message' && slackEvent.type !== 'app_mention') {
    return ignored(`a ${slackEvent.type} event`);
  }
  return parseMessageEvent(slackEvent, context);
}

function parseMessageEvent(slackEvent: SlackEvent, context: ParseContext): SlackInbound {
  const { channel, ts, subtype } = slackEvent;
  if (isFromBot(slackEvent, context) || subtype === 'bot_message') return ignored('from a bot');
  if (!channel || !ts) return ignored('a message without channel or ts');
  // The desk's own events (agents' replies in threads, their buttons) belong to the agent desk.
  if (channel === context.agentChannel) return ignored('in the agent desk channel');
  if (subtype === 'message_changed') return parseEdit(slackEvent, channel, ts, context);
  if (subtype === 'message_deleted') return parseDelete(slackEvent, channel, ts, context);
  // Hidden subtypes are Slack's bookkeeping (e.g. message_replied), not something a person wrote.
  if (slackEvent.hidden) return ignored(`a hidden ${subtype} message`);
  const user = slackEvent.user;
  if (!user) return ignored('a message without a user');

  const direct = slackEvent.channel_type === 'im';
  const mentioned = slackEvent.type === 'app_mention' || mentions(slackEvent.text, context.botUserId);
  const threadId = replyThread(ts, slackEvent.thread_ts);
  const repliesToBot = threadId !== undefined && slackEvent.parent_user_id === context.botUserId;
  let requires: 'bot-in-thread' | undefined;
  if (!direct && !mentioned && !repliesToBot) {
    if (!threadId) return ignored('a channel message that does not mention the bot');
    requires = 'bot-in-thread';
  }
  const inbound: InboundMessage = {
    address: address(channel, user, threadId),
    text: decodeSlackText(slackEvent.text ?? '', context.botUserId),
    attachments: parseFiles(slackEvent.files),
    ...(CONTENT_SUBTYPES.has(subtype) ? {} : { unsupportedKind: subtype }),
    // The message's own id, not the event_id: a mention arrives twice (as `message` and as
    // `app_mention`, with different event_ids) and must be answered once; retries repeat both.
    dedupeKey: `${channel}:${ts}`,
    platformMessageId: ts,
    fromBot: false,
    receivedAt: context.receivedAt,
  };
  return { kind: 'message', inbound, ...(requires ? { requires } : {}) };
}

/** An edit: recorded on the original (`message.ts`), at the same address the original had. */
function parseEdit(slackEvent: SlackEvent, channel: string, ts: string, context: ParseContext): SlackInbound {
  const edited = slackEvent.message;
  if (!edited?.ts || !edited.user) return ignored('a message_changed without the message');
  if (isFromBot(edited, context)) return ignored('an edit of a bot message');
  // Slack also sends message_changed for link unfurls and reply counts; only `edited` marks a person's edit.
  if (!edited.edited) return ignored('a message_changed that is not an edit');
  const inbound: InboundMessage = {
    address: address(channel, edited.user, replyThread(edited.ts, edited.thread_ts)),
    text: decodeSlackText(edited.text ?? '', context.botUserId),
    attachments: parseFiles(edited.files),
    change: { kind: 'edit', platformMessageId: edited.ts },
    dedupeKey: `${channel}:${ts}`,
    platformMessageId: edited.ts,
    fromBot: false,
    receivedAt: context.receivedAt,
  };
  return changeOf(slackEvent, inbound, mentions(edited.text, context.botUserId));
}

function parseDelete(
  slackEvent: SlackEvent,
  channel: string,
  ts: string,
  context: ParseContext,
): SlackInbound {
  const deletedTs = slackEvent.deleted_ts ?? slackEvent.previous_message?.ts;
  if (!deletedTs) return ignored('a message_deleted without deleted_ts');
  const previous = slackEvent.previous_message;
  if (previous && isFromBot(previous, context)) return ignored('a delete of a bot message');
  const inbound: InboundMessage = {
    // The conversation is found by channel and thread; the author may be absent from the event.
    address: address(channel, previous?.user ?? 'unknown', replyThread(deletedTs, previous?.thread_ts)),
    text: '',
    attachments: [],
    change: { kind: 'delete', platformMessageId: deletedTs },
    dedupeKey: `${channel}:${ts}`,
    platformMessageId: deletedTs,
    fromBot: false,
    receivedAt: context.receivedAt,
  };
  return changeOf(slackEvent, inbound, false);
}

/** In a DM every change counts; in a channel only changes to messages the bot recorded. */
function changeOf(slackEvent: SlackEvent, inbound: InboundMessage, mentioned: boolean): SlackInbound {
  // Change events may come without channel_type; DM channel ids always start with D.
  const direct = slackEvent.channel_type === 'im' || slackEvent.channel?.startsWith('D');
  return direct || mentioned
    ? { kind: 'message', inbound }
    : { kind: 'message', inbound, requires: 'known-message' };
}

/** An interactivity payload (the form field `payload`, or Socket Mode's `interactive` payload). */
export function parseInteraction(body: unknown, context: ParseContext): SlackInbound {
  const parsed = interactionSchema.safeParse(body);
  if (!parsed.success) throw invalid('interaction payload', parsed.error);
  const { type, user, channel, message, actions, trigger_id } = parsed.data;
  if (type !== 'block_actions') return ignored(`a ${type} interaction`);
  const action = actions?.find((a) => a.action_id.startsWith(QUICK_REPLY_ACTION_PREFIX));
  if (!action?.value) return ignored('a button that is not a quick reply');
  if (!user || !channel || !message) return ignored('a button press outside a message');
  if (channel.id === context.agentChannel) return ignored('in the agent desk channel');
  const pressId = action.action_ts ?? trigger_id;
  if (!pressId) throw new ValidationError('invalid_request', 'block_actions without action_ts or trigger_id');
  const inbound: InboundMessage = {
    // The buttons sit on the bot's reply, in the thread the customer wrote in.
    address: address(channel.id, user.id, replyThread(message.ts, message.thread_ts)),
    text: action.text?.text ?? action.value,
    attachments: [],
    action: { payload: action.value },
    dedupeKey: `action:${user.id}:${pressId}`,
    fromBot: false,
    receivedAt: context.receivedAt,
  };
  return { kind: 'message', inbound };
}

/**
 * Slack mrkdwn -> the plain text a person typed. Links keep their target when the label hides it,
 * so an agent can still see where a link pointed.
 */
export function decodeSlackText(text: string, botUserId: string): string {
  const ownMention = new RegExp(`<@${botUserId}(?:\\|[^>]*)?>[ \\t]?`, 'g');
  return text
    .replace(ownMention, '')
    .replace(/<([^<>]*)>/g, (_whole, inner: string) => decodeReference(inner))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

function decodeReference(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@')) return label ? `@${label}` : target;
  if (target.startsWith('#')) return label ? `#${label}` : target;
  if (target.startsWith('!')) {
    // <!here>, <!channel>, <!subteam^S…|@team>, <!date^…|fallback>
    if (label) return label;
    const name = target.slice(1).split('^')[0] ?? '';
    return `@${name}`;
  }
  if (!label) return target;
  // Slack writes autolinks as <http://example.com|example.com>: the label is what the person typed.
  if (target.startsWith('mailto:') || target.includes(label)) return label;
  return `${label} (${target})`;
}

/**
 * Slack's `url_private` needs the bot token to fetch. It is kept only when it points at Slack
 * itself over https, so nothing downstream can be led to send the token (or a request at all) to
 * another host, such as cloud metadata at 169.254.169.254.
 */
export function isSlackFileUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    parsed.username === '' &&
    (host === 'slack.com' || host.endsWith('.slack.com'))
  );
}

export function parseFiles(files: SlackFile[] | undefined): Attachment[] {
  return (files ?? [])
    .filter((f) => f.mode !== 'tombstone' && f.mode !== 'hidden_by_limit')
    .map((f) => {
      const mime = f.mimetype ?? undefined;
      const name = f.name ?? f.title ?? undefined;
      return {
        kind: kindOf(mime),
        platformFileId: f.id,
        ...(f.url_private && isSlackFileUrl(f.url_private) ? { url: f.url_private } : {}),
        ...(name ? { name } : {}),
        ...(mime ? { mime } : {}),
        ...(typeof f.size === 'number' ? { size: f.size } : {}),
      };
    });
}

function kindOf(mime: string | undefined): AttachmentKind {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('video/')) return 'video';
  if (mime?.startsWith('audio/')) return 'audio';
  return 'file';
}

export function isFromBot(
  message: { user?: string; bot_id?: string | null },
  context: SlackIdentity,
): boolean {
  return Boolean(message.bot_id) || message.user === context.botUserId;
}

function mentions(text: string | null | undefined, botUserId: string): boolean {
  return Boolean(text?.includes(`<@${botUserId}>`) || text?.includes(`<@${botUserId}|`));
}

/** A reply's thread; a thread's root carries its own ts as thread_ts and is not "in" a thread. */
export function replyThread(ts: string, threadTs: string | undefined): string | undefined {
  return threadTs && threadTs !== ts ? threadTs : undefined;
}

function address(chatId: string, userId: string, threadId: string | undefined): Address {
  return { channel: 'slack', chatId, userId, ...(threadId ? { threadId } : {}) };
}

function ignored(reason: string): SlackInbound {
  return { kind: 'ignored', reason };
}

function invalid(what: string, error: z.ZodError): ValidationError {
  const details = error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  return new ValidationError(
    'invalid_request',
    `the Slack ${what} is not valid: ${details.join('; ')}`,
    details,
  );
}
