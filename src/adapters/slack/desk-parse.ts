/**
 * What agents do in the Slack agent channel -> DeskEvent. Pure: no SDK, no I/O.
 *
 * Agents reply in the thread under a conversation's card and press the card's buttons; everything
 * else in the channel (top-level chatter, bots, our own posts, edits) is not for the customer.
 * Whether a thread is really one of ours only the store knows: the core answers `not-found`.
 */
import type { DeskEvent, ThreadRef } from '../../core/desk/agent-desk.js';
import {
  CONTENT_SUBTYPES,
  decodeSlackText,
  eventEnvelopeSchema,
  interactionSchema,
  isFromBot,
  type ParseContext,
  parseFiles,
  replyThread,
} from './parse.js';

/** The card's buttons carry these action_ids (a Send button adds its index: unique per message). */
export const DESK_ACTIONS = {
  claim: 'switchboard_desk_claim',
  close: 'switchboard_desk_close',
  handBack: 'switchboard_desk_hand_back',
  sendPrefix: 'switchboard_desk_send_',
} as const;

/** An agent's act, with where to answer them if the core refuses it. */
export interface DeskInput {
  kind: 'event';
  event: DeskEvent;
  /** The agents' channel, the thread root and the agent: where a notice about the outcome goes. */
  channel: string;
  threadTs: string;
  user: string;
}

export type SlackDeskInput = DeskInput | { kind: 'ignored'; reason: string };

/**
 * An Events API envelope from the agent channel -> an agent's thread reply. `undefined` when the
 * payload is not the agent channel's (the customer channel's parser takes it then).
 */
export function parseDeskEvent(body: unknown, context: ParseContext): SlackDeskInput | undefined {
  const parsed = eventEnvelopeSchema.safeParse(body);
  if (!parsed.success || !context.agentChannel) return undefined;
  const slackEvent = parsed.data.event;
  if (parsed.data.type !== 'event_callback' || slackEvent?.channel !== context.agentChannel) return undefined;
  // An agent mentioning the bot in a thread arrives as `message` and `app_mention`: same channel
  // and ts, so the eventId below makes the second a duplicate.
  if (slackEvent.type !== 'message' && slackEvent.type !== 'app_mention') {
    return ignored(`a ${slackEvent.type} event in the agent channel`);
  }
  const { channel, ts, subtype, user } = slackEvent;
  if (isFromBot(slackEvent, context) || subtype === 'bot_message') return ignored('from a bot');
  // A reply already relayed cannot be taken back from the customer's app: edits and deletes stay in Slack.
  if (subtype === 'message_changed' || subtype === 'message_deleted') {
    return ignored(`a ${subtype} in the agent channel`);
  }
  if (slackEvent.hidden || !CONTENT_SUBTYPES.has(subtype)) return ignored(`a ${subtype} message`);
  if (!ts || !user) return ignored('a message without ts or user');
  const threadTs = replyThread(ts, slackEvent.thread_ts);
  if (!threadTs) return ignored('a top-level message in the agent channel');
  if (slackEvent.parent_user_id && slackEvent.parent_user_id !== context.botUserId) {
    return ignored('a thread the bot did not start');
  }
  const text = decodeSlackText(slackEvent.text ?? '', context.botUserId);
  const attachments = parseFiles(slackEvent.files);
  if (text === '' && attachments.length === 0) return ignored('an empty reply');
  return {
    kind: 'event',
    event: {
      kind: 'reply',
      thread: threadRef(channel, threadTs),
      agent: { id: user },
      text,
      attachments,
      // The message's own id: a retry, or the same message as `app_mention`, is one reply.
      eventId: `${channel}:${ts}`,
    },
    channel,
    threadTs,
    user,
  };
}

/** A block_actions payload from the agent channel -> claim, close, hand back or send a suggestion. */
export function parseDeskAction(payload: unknown, context: ParseContext): SlackDeskInput | undefined {
  const parsed = interactionSchema.safeParse(payload);
  if (!parsed.success || !context.agentChannel) return undefined;
  const { type, user, channel, message, actions, trigger_id } = parsed.data;
  if (channel?.id !== context.agentChannel) return undefined;
  if (type !== 'block_actions') return ignored(`a ${type} interaction in the agent channel`);
  const action = actions?.find((a) => a.action_id.startsWith('switchboard_desk_'));
  if (!action) return ignored('a button that is not the desk’s');
  if (!user || !message) return ignored('a button press outside a message');
  const pressId = action.action_ts ?? trigger_id;
  if (!pressId) return ignored('a button press without action_ts or trigger_id');
  // The buttons sit on the card, which is the thread's root.
  const threadTs = message.thread_ts ?? message.ts;
  const thread = threadRef(channel.id, threadTs);
  const agent = { id: user.id };
  // Two agents pressing at the same moment share an action_ts: the user keeps the presses apart.
  const eventId = `${pressId}:${user.id}`;
  const input = (event: DeskEvent): DeskInput => ({
    kind: 'event',
    event,
    channel: channel.id,
    threadTs,
    user: user.id,
  });
  switch (action.action_id) {
    case DESK_ACTIONS.claim:
      return input({ kind: 'claim', thread, agent, eventId });
    case DESK_ACTIONS.close:
      return input({ kind: 'close', thread, agent, eventId });
    case DESK_ACTIONS.handBack:
      return input({ kind: 'hand-back', thread, agent, eventId });
  }
  if (action.action_id.startsWith(DESK_ACTIONS.sendPrefix) && action.value) {
    return input({ kind: 'send-suggestion', thread, agent, entryId: action.value, eventId });
  }
  return ignored(`an unknown desk button ${action.action_id}`);
}

function threadRef(channelId: string, threadId: string): ThreadRef {
  return { desk: 'slack', channelId, threadId };
}

function ignored(reason: string): SlackDeskInput {
  return { kind: 'ignored', reason };
}
