/**
 * A customer's edit or delete of a message: recorded on the message it changes and never answered
 * (the customer already got an answer to the first version). An edit of a message never seen is
 * recorded as a new message; a delete of one is ignored.
 */
import type { Receipt } from './channel.js';
import { type Clock, isoNow } from './clock.js';
import type { Conversation, InboundMessage, Message } from './model.js';
import type { ConversationStore } from './store/conversation-store.js';

type MessageChange = NonNullable<InboundMessage['change']>;

export async function applyMessageChange(
  deps: { conversations: ConversationStore; clock: Clock },
  inbound: InboundMessage,
  change: MessageChange,
  recordAsNew: () => Promise<{ message: Message; conversation: Conversation }>,
): Promise<Receipt> {
  const { conversations, clock } = deps;
  const ref = await conversations.findMessageRef(inbound.address, change.platformMessageId);
  const at = isoNow(clock);
  const updated = ref
    ? await conversations.updateMessage(ref, (message) =>
        change.kind === 'delete'
          ? { deletedAt: at }
          : {
              text: inbound.text,
              attachments: inbound.attachments,
              edits: [...(message.edits ?? []), { text: message.text, at }],
            },
      )
    : undefined;
  if (updated) return { status: 'changed', messageId: updated.id, conversationId: updated.conversationId };
  if (change.kind === 'delete') return { status: 'ignored', reason: 'unknown-message' };
  const { message, conversation } = await recordAsNew();
  return { status: 'changed', messageId: message.id, conversationId: conversation.id };
}
