/** Messages -> the JSON the web chat client reads (docs/webchat.md, "Message"). Pure. */
import type { AuthorRole, Conversation, Message, OutboundMessage, QuickReply } from '../../core/model.js';

export interface WebchatMessage {
  id: string;
  conversationId: string;
  role: AuthorRole;
  text: string;
  quickReplies: QuickReply[];
  clientMessageId?: string;
  at: string;
}

export interface WebchatConversation {
  id: string;
  status: Conversation['status'];
  openedAt: string;
}

export function renderMessage(message: Message): WebchatMessage {
  return {
    id: message.id,
    conversationId: message.conversationId,
    role: message.role,
    text: message.text,
    quickReplies: message.quickReplies,
    ...(message.role === 'customer' && message.platformMessageId
      ? { clientMessageId: message.platformMessageId }
      : {}),
    at: message.at,
  };
}

export function renderOutbound(message: OutboundMessage, at: string): WebchatMessage {
  return {
    id: message.id,
    conversationId: message.conversationId,
    role: message.role,
    text: message.text,
    quickReplies: message.quickReplies,
    at,
  };
}

export function renderConversation(conversation: Conversation): WebchatConversation {
  return { id: conversation.id, status: conversation.status, openedAt: conversation.openedAt };
}
