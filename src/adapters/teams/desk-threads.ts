/**
 * Threads in the agents' Teams channel: the channel reference the desk keeps, how a thread is
 * started and addressed (`<channel id>;messageid=<root>`), and a link that opens it in Teams.
 */
import type { Activity, ConversationParameters } from 'botbuilder';
import type { ThreadRef } from '../../core/desk/agent-desk.js';
import type { TeamsActivity } from './parse.js';
import type { TeamsActivityOut } from './render.js';

/** What the desk keeps to post into the channel: a ConversationReference without user or message. */
export interface ChannelReference {
  serviceUrl: string;
  channelId: string;
  bot: { id: string; name: string };
  conversation: { id: string; name: string; isGroup: true; conversationType: 'channel'; tenantId?: string };
}

export function threadParameters(
  reference: ChannelReference,
  channelId: string,
  activity: TeamsActivityOut,
): ConversationParameters {
  const { tenantId } = reference.conversation;
  // Teams' way to start a thread in a channel (msteams-docs bots/how-to/conversations/send-proactive-messages).
  return {
    isGroup: true,
    bot: reference.bot,
    channelData: { channel: { id: channelId }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
    ...(tenantId ? { tenantId } : {}),
    activity: activity as Activity,
  };
}

export function threadReference(reference: ChannelReference, root: string): ChannelReference {
  return {
    serviceUrl: reference.serviceUrl,
    channelId: reference.channelId,
    bot: reference.bot,
    conversation: {
      ...reference.conversation,
      id: `${reference.conversation.id.split(';')[0]};messageid=${root}`,
    },
  };
}

/** A channel thread is the conversation `<channel id>;messageid=<root message id>`. */
export function threadConversationId(thread: ThreadRef): string {
  return `${thread.channelId};messageid=${thread.threadId}`;
}

export function rootOf(conversationId: string | undefined): string | undefined {
  return conversationId ? /;messageid=(\d+)/.exec(conversationId)?.[1] : undefined;
}

/** A link that opens the thread in Teams (msteams-docs concepts/build-and-test/deep-link-teams). */
export function threadLink(thread: ThreadRef): string {
  const channel = encodeURIComponent(thread.channelId);
  return `https://teams.microsoft.com/l/message/${channel}/${thread.threadId}?parentMessageId=${thread.threadId}`;
}

export function tenantOf(activity: TeamsActivity): string | undefined {
  const fromConversation = (activity.conversation as { tenantId?: unknown }).tenantId;
  return typeof fromConversation === 'string' ? fromConversation : activity.channelData?.tenant?.id;
}
