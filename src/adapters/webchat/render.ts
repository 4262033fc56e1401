/** Messages -> the JSON the web chat client reads (docs/webchat.md, "Message"). Pure. */
import type {
  Attachment,
  AuthorRole,
  Conversation,
  Message,
  OutboundMessage,
  QuickReply,
} from '../../core/model.js';

/** A file the page can link to; attachments without a web link (platform file ids) are left out. */
export interface WebchatAttachment {
  kind: Attachment['kind'];
  url: string;
  name?: string;
  mime?: string;
}

export interface WebchatMessage {
  id: string;
  conversationId: string;
  role: AuthorRole;
  text: string;
  quickReplies: QuickReply[];
  attachments: WebchatAttachment[];
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
    attachments: renderAttachments(message.attachments),
    ...(clientMessageId ? { clientMessageId } : {}),
    at,
  };
}

export function renderOutbound(message: OutboundMessage, at: string): WebchatMessage {
  const { id, conversationId, role, text, quickReplies } = message;
  return {
    id,
    conversationId,
    role,
    text,
    quickReplies,
    attachments: renderAttachments(message.attachments),
    at,
  };
}

function renderAttachments(attachments: Attachment[]): WebchatAttachment[] {
  return attachments.flatMap(({ kind, url, name, mime }) =>
    url && /^https?:\/\//.test(url)
      ? [{ kind, url, ...(name ? { name } : {}), ...(mime ? { mime } : {}) }]
      : [],
  );
}

export function renderConversation(conversation: Conversation): WebchatConversation {
  return { id: conversation.id, status: conversation.status, openedAt: conversation.openedAt };
}
