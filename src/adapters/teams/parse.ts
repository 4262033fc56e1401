/**
 * Bot Framework activities from Teams -> InboundMessage. Pure: no SDK, no I/O, so a recorded
 * activity is a complete test. Which activities reach the pipeline at all is decided here too,
 * except "is there an open conversation in this channel thread?", which needs the store (index.ts).
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import type { Address, Attachment, AttachmentKind, InboundMessage, Locale } from '../../core/model.js';
import { plainText } from './plain-text.js';

/** The field our Adaptive Card buttons put in Action.Submit `data` (render.ts); Teams echoes it in `value`. */
export const CARD_PAYLOAD_FIELD = 'payload';

const account = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  role: z.string().optional(),
  /** The person's Microsoft Entra object id: the same in every team and chat (Teams user ids are per bot). */
  aadObjectId: z.string().optional(),
});

const activitySchema = z.looseObject({
  type: z.string().min(1),
  id: z.string().min(1).optional(),
  /** On a card button press: the id of the message holding the card. */
  replyToId: z.string().optional(),
  serviceUrl: z.string().min(1),
  timestamp: z.string().optional(),
  locale: z.string().optional(),
  text: z.string().optional(),
  textFormat: z.string().optional(),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id: z.string().min(1),
    isGroup: z.boolean().optional(),
    conversationType: z.string().optional(),
  }),
  entities: z
    .array(
      z.looseObject({
        type: z.string().optional(),
        text: z.string().optional(),
        mentioned: z.looseObject({ id: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  attachments: z
    .array(
      z.looseObject({
        contentType: z.string().optional(),
        contentUrl: z.string().optional(),
        name: z.string().optional(),
        content: z.unknown().optional(),
      }),
    )
    .optional(),
  value: z.unknown().optional(),
  channelData: z
    .looseObject({
      eventType: z.string().optional(),
      teamsChannelId: z.string().optional(),
      channel: z.looseObject({ id: z.string().optional() }).optional(),
      tenant: z.looseObject({ id: z.string().optional() }).optional(),
    })
    .optional(),
});

export type TeamsActivity = z.infer<typeof activitySchema>;
type TeamsAttachment = NonNullable<TeamsActivity['attachments']>[number];

/** Checks the envelope every activity has; 400 for anything else. */
export function readActivity(body: unknown): TeamsActivity {
  const result = activitySchema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
    throw new ValidationError('invalid_activity', 'the body is not a Bot Framework activity', details);
  }
  return result.data;
}

export type TeamsEvent =
  | {
      kind: 'inbound';
      inbound: InboundMessage;
      /**
       * A channel-thread message that does not mention the bot: it is for the bot only when the
       * bot already has an open conversation in that thread (it was mentioned there before).
       */
      onlyIfThreadOpen: boolean;
    }
  | { kind: 'ignored'; reason: string };

export interface ParseContext {
  /** The ConversationReference to reach this chat again (Address.platformRef). */
  reference: Record<string, unknown>;
  /** The agents' channel (TEAMS_AGENT_CHANNEL): its activities are the agent desk's, never a customer's. */
  agentChannel?: string;
  now: string;
}

export function parseActivity(activity: TeamsActivity, context: ParseContext): TeamsEvent {
  if (context.agentChannel && channelOf(activity) === context.agentChannel) {
    return { kind: 'ignored', reason: 'agent channel (agent desk)' };
  }
  switch (activity.type) {
    case 'message':
      return parseMessage(activity, context);
    case 'messageUpdate':
      // Teams also sends messageUpdate for undelete; only a text edit changes what we recorded.
      return activity.channelData?.eventType === 'editMessage'
        ? parseChange(activity, context, 'edit')
        : { kind: 'ignored', reason: `messageUpdate ${activity.channelData?.eventType ?? ''}`.trim() };
    case 'messageDelete':
      return parseChange(activity, context, 'delete');
    default:
      // conversationUpdate (bot or members added), typing, reactions, invokes: nothing to record.
      return { kind: 'ignored', reason: activity.type };
  }
}

function parseMessage(activity: TeamsActivity, context: ParseContext): TeamsEvent {
  const payload = cardPayload(activity.value);
  const mentioned = mentionsBot(activity);
  const isGroup = isGroupChat(activity);
  // A button press on our card is addressed to the bot wherever the card is.
  if (isGroup && !mentioned && payload === undefined && !threadRootOf(activity)) {
    return { kind: 'ignored', reason: 'group message not addressed to the bot' };
  }
  const text = messageText(activity);
  const attachments = (activity.attachments ?? []).flatMap(parseAttachment);
  const unsupportedKind =
    text === '' && attachments.length === 0 && payload === undefined
      ? unsupportedKindOf(activity)
      : undefined;
  const id = requireId(activity);
  return {
    kind: 'inbound',
    onlyIfThreadOpen: isGroup && !mentioned && payload === undefined,
    inbound: {
      ...common(activity, context),
      text,
      attachments,
      ...(payload !== undefined ? { action: { payload } } : {}),
      ...(unsupportedKind ? { unsupportedKind } : {}),
      dedupeKey: `${activity.conversation.id}:${id}`,
      platformMessageId: id,
    },
  };
}

/**
 * Teams puts the changed message's own id in `activity.id` of messageUpdate / messageDelete
 * (fixtures activity_message_update_edit / _delete_soft), in the same conversation (thread).
 */
function parseChange(activity: TeamsActivity, context: ParseContext, kind: 'edit' | 'delete'): TeamsEvent {
  const id = requireId(activity);
  const isGroup = isGroupChat(activity);
  if (kind === 'edit' && isGroup && !mentionsBot(activity) && !threadRootOf(activity)) {
    return { kind: 'ignored', reason: 'group edit not addressed to the bot' };
  }
  return {
    kind: 'inbound',
    // A delete of a message never recorded is dropped by the pipeline anyway.
    onlyIfThreadOpen: kind === 'edit' && isGroup && !mentionsBot(activity),
    inbound: {
      ...common(activity, context),
      text: kind === 'edit' ? messageText(activity) : '',
      attachments: kind === 'edit' ? (activity.attachments ?? []).flatMap(parseAttachment) : [],
      change: { kind, platformMessageId: id },
      // Several edits of one message share its id; each has its own timestamp.
      dedupeKey: `${kind}:${activity.conversation.id}:${id}:${activity.timestamp ?? ''}`,
    },
  };
}

function common(activity: TeamsActivity, context: ParseContext) {
  const locale = localeOf(activity.locale);
  const name = activity.from.name;
  return {
    address: addressOf(activity, context.reference),
    fromBot: activity.from.id === activity.recipient.id || activity.from.role === 'bot',
    ...(name || locale ? { sender: { ...(name ? { name } : {}), ...(locale ? { locale } : {}) } } : {}),
    receivedAt: context.now,
  };
}

/**
 * One conversation per personal or group chat, and per thread in a channel: the thread's root id
 * is the `;messageid=` suffix Teams puts on a channel thread's conversation id.
 */
export function addressOf(activity: TeamsActivity, reference: Record<string, unknown>): Address {
  const threadId = threadRootOf(activity);
  return {
    channel: 'teams',
    chatId: activity.conversation.id.split(';')[0] ?? activity.conversation.id,
    userId: activity.from.id,
    ...(threadId ? { threadId } : {}),
    platformRef: reference,
  };
}

export function threadRootOf(activity: TeamsActivity): string | undefined {
  return /;messageid=(\d+)/.exec(activity.conversation.id)?.[1];
}

function isGroupChat(activity: TeamsActivity): boolean {
  const { isGroup, conversationType } = activity.conversation;
  return isGroup === true || conversationType === 'channel' || conversationType === 'groupChat';
}

export function channelOf(activity: TeamsActivity): string | undefined {
  return (
    activity.channelData?.channel?.id ??
    activity.channelData?.teamsChannelId ??
    (threadRootOf(activity) ? activity.conversation.id.split(';')[0] : undefined)
  );
}

function mentionsBot(activity: TeamsActivity): boolean {
  return botMentions(activity).length > 0;
}

function botMentions(activity: TeamsActivity): string[] {
  return (activity.entities ?? []).flatMap((entity) =>
    entity.type === 'mention' && entity.mentioned?.id === activity.recipient.id && entity.text
      ? [entity.text]
      : [],
  );
}

export function messageText(activity: TeamsActivity): string {
  let text = activity.text ?? '';
  // "<at>Bot</at> where is my parcel" -> "where is my parcel"; other people's mentions keep their name.
  for (const mention of botMentions(activity)) text = text.split(mention).join(' ');
  return plainText(text);
}

function cardPayload(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const payload = (value as Record<string, unknown>)[CARD_PAYLOAD_FIELD];
  return typeof payload === 'string' && payload !== '' ? payload : undefined;
}

export const FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

const fileDownloadInfo = z.looseObject({
  downloadUrl: z.string().optional(),
  uniqueId: z.string().optional(),
  fileType: z.string().optional(),
});

export function parseAttachment(attachment: TeamsAttachment): Attachment[] {
  const { contentType = '', contentUrl, name } = attachment;
  // Teams repeats a formatted message as a text/html attachment: the text already has it.
  if (contentType === 'text/html') return [];
  if (contentType === FILE_DOWNLOAD_INFO) {
    const info = fileDownloadInfo.safeParse(attachment.content ?? {});
    const url = (info.success ? info.data.downloadUrl : undefined) ?? contentUrl;
    const fileId = info.success ? info.data.uniqueId : undefined;
    if (!url && !fileId) return [];
    return [
      {
        kind: 'file',
        ...(url ? { url } : {}),
        ...(fileId ? { platformFileId: fileId } : {}),
        ...(name ? { name } : {}),
      },
    ];
  }
  if (!contentUrl) return []; // cards and other content with nothing to fetch
  const mime = contentType.includes('/') && !contentType.endsWith('/*') ? contentType : undefined;
  return [
    { kind: kindOf(contentType), url: contentUrl, ...(name ? { name } : {}), ...(mime ? { mime } : {}) },
  ];
}

function kindOf(contentType: string): AttachmentKind {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/')) return 'video';
  if (contentType.startsWith('audio/')) return 'audio';
  return 'file';
}

function unsupportedKindOf(activity: TeamsActivity): string {
  if (activity.value !== undefined) return 'cardSubmit'; // a card action without our payload
  const other = (activity.attachments ?? []).find((a) => a.contentType && a.contentType !== 'text/html');
  return other?.contentType ?? 'message';
}

function localeOf(locale: string | undefined): Locale | undefined {
  const lower = locale?.toLowerCase();
  if (lower?.startsWith('zh')) return 'zh-CN';
  if (lower?.startsWith('en')) return 'en';
  return undefined;
}

function requireId(activity: TeamsActivity): string {
  if (!activity.id) {
    throw new ValidationError('invalid_activity', `a ${activity.type} activity needs an id`);
  }
  return activity.id;
}

/** A URL on this machine: the only serviceUrl accepted in emulator mode (index.ts). */
export function isLoopbackUrl(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    if (protocol !== 'http:' && protocol !== 'https:') return false;
    return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    return false;
  }
}
