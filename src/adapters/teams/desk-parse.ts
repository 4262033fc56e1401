/**
 * Activities from the agents' channel (TEAMS_AGENT_CHANNEL) -> what agents did, for the desk.
 * Pure: no SDK, no I/O. Which conversation a thread belongs to is the core's business (DeskService);
 * this only finds the thread (its root message id) and the agent.
 *
 *   a message in a thread (conversation id `…;messageid=<root>`)  -> reply
 *   a press on our card's Action.Submit (`value.desk`)             -> claim / close / hand-back / send-suggestion
 */
import type { Agent, DeskEvent } from '../../core/desk/agent-desk.js';
import type { Attachment } from '../../core/model.js';
import { DESK_ACTION_FIELD, DESK_ACTIONS, type DeskAction } from './desk-render.js';
import {
  channelOf,
  FILE_DOWNLOAD_INFO,
  messageText,
  parseAttachment,
  type TeamsActivity,
  threadRootOf,
} from './parse.js';

/** A DeskEvent before the desk names its thread. */
export type DeskEventWithoutThread = DeskEvent extends infer E
  ? E extends DeskEvent
    ? Omit<E, 'thread'>
    : never
  : never;

export type DeskActivity =
  | {
      kind: 'event';
      /** The thread's root message id: the card's id, as the desk opened it. */
      root: string;
      event: DeskEventWithoutThread;
      /** Who to @mention when answering (their Teams user id, not the Entra object id). */
      from: { id: string; name?: string };
    }
  | { kind: 'ignored'; reason: string; root?: string };

/** Whether an activity comes from the agents' channel (any of its threads). */
export function isFromChannel(activity: TeamsActivity, channelId: string): boolean {
  return channelOf(activity) === channelId || activity.conversation.id.split(';')[0] === channelId;
}

export function parseDeskActivity(activity: TeamsActivity): DeskActivity {
  if (activity.type !== 'message') return { kind: 'ignored', reason: activity.type };
  if (activity.from.id === activity.recipient.id || activity.from.role === 'bot') {
    return { kind: 'ignored', reason: 'bot message' };
  }
  if (!activity.id) return { kind: 'ignored', reason: 'message without an id' };
  const from = { id: activity.from.id, ...(activity.from.name ? { name: activity.from.name } : {}) };
  const agent: Agent = { ...from, id: activity.from.aadObjectId ?? activity.from.id };
  const action = deskActionOf(activity.value);
  if (action) {
    // A press arrives in the card's thread; outside one, replyToId names the card's message.
    const root = threadRootOf(activity) ?? activity.replyToId;
    if (!root) return { kind: 'ignored', reason: 'card action outside a thread' };
    const base = { agent, eventId: activity.id };
    const event: DeskEventWithoutThread =
      action.kind === 'send-suggestion'
        ? { kind: 'send-suggestion', entryId: action.entryId, ...base }
        : { kind: action.kind, ...base };
    return { kind: 'event', root, event, from };
  }
  const root = threadRootOf(activity);
  if (!root) return { kind: 'ignored', reason: 'channel message outside a thread' };
  if (activity.value !== undefined) return { kind: 'ignored', reason: 'card action not ours', root };
  const text = messageText(activity);
  const attachments: Attachment[] = replyFiles(activity).map((file) => file.attachment);
  if (text === '' && attachments.length === 0) return { kind: 'ignored', reason: 'empty message', root };
  return {
    kind: 'event',
    root,
    event: { kind: 'reply', agent, text, attachments, eventId: activity.id },
    from,
  };
}

/**
 * How Teams hands a reply's file to the bot, which decides how it may be fetched (file-relay.ts):
 *
 *   download-url   a file (`file.download.info`): `content.downloadUrl`, a short-lived SharePoint /
 *                  OneDrive link that carries its own authorisation
 *   bot-connector  a pasted or inline image: `contentUrl` on the Bot Connector, which wants the
 *                  bot's token
 */
export interface ReplyFile {
  attachment: Attachment;
  via: 'download-url' | 'bot-connector';
}

/** A reply's files, as the reply event carries them, each with how Teams hands it over. */
export function replyFiles(activity: TeamsActivity): ReplyFile[] {
  return (activity.attachments ?? []).flatMap((raw) =>
    parseAttachment(raw).map(
      (attachment): ReplyFile => ({
        attachment,
        via: raw.contentType === FILE_DOWNLOAD_INFO ? 'download-url' : 'bot-connector',
      }),
    ),
  );
}

type ParsedAction =
  | { kind: Exclude<DeskAction, 'send-suggestion'> }
  | { kind: 'send-suggestion'; entryId: string };

function deskActionOf(value: unknown): ParsedAction | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const data = value as Record<string, unknown>;
  const action = data[DESK_ACTION_FIELD];
  if (!DESK_ACTIONS.includes(action as DeskAction)) return undefined;
  if (action === 'send-suggestion') {
    return typeof data.entryId === 'string' && data.entryId !== ''
      ? { kind: 'send-suggestion', entryId: data.entryId }
      : undefined;
  }
  return { kind: action as Exclude<DeskAction, 'send-suggestion'> };
}
