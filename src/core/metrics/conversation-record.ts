import type { Conversation, Message } from '../model.js';

/** One conversation as the metrics see it: its record, its transcript, and the customer's others. */
export interface ConversationRecord {
  conversation: Conversation;
  messages: Message[];
  /**
   * Every conversation of the same person on any channel (linked customers count as one), this one
   * included: what first-contact resolution looks at.
   */
  customerConversations: Conversation[];
}
