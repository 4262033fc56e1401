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
  const { id, conversationId, role, text, quickReplies, at, platformMessageId } = message;
  const clientMessageId = role === 'customer' ? platformMessageId : undefined;
  return {
    id,
    conversationId,
    role,
    text,
    quickReplies,
    ...(clientMessageId ? { clientMessageId } : {}),
    at,
  };
}

export function renderOutbound(message: OutboundMessage, at: string): WebchatMessage {
  const { id, conversationId, role, text, quickReplies } = message;
  return { id, conversationId, role, text, quickReplies, at };
}

export function renderConversation(conversation: Conversation): WebchatConversation {
  return { id: conversation.id, status: conversation.status, openedAt: conversation.openedAt };
}
