/**
 * Reads what the figures need from the store: the conversations opened on each day of a range
 * (through the `opened-on:<day>` index), their messages, and each customer's other conversations
 * for first-contact resolution (which may lie after the range: the 7-day window looks ahead).
 */
import type { Conversation } from '../model.js';
import type { ConversationStore } from '../store/conversation-store.js';
import type { ConversationRecord } from './conversation-record.js';
import { type DayRange, daysOf } from './days.js';

/** Conversations read at a time: bounds the reads in flight on a long range. */
const BATCH = 100;

export async function loadRecords(store: ConversationStore, range: DayRange): Promise<ConversationRecord[]> {
  const ids = (await Promise.all(daysOf(range).map((day) => store.conversationIdsOpenedOn(day)))).flat();
  const histories = new CustomerHistories(store);
  const records: ConversationRecord[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    const batch = await Promise.all(
      ids.slice(start, start + BATCH).map(async (id) => {
        const conversation = await store.getConversation(id);
        if (!conversation) return undefined;
        const [messages, customerConversations] = await Promise.all([
          store.listMessages(conversation),
          histories.of(conversation.customerId),
        ]);
        return { conversation, messages, customerConversations };
      }),
    );
    records.push(...batch.filter((record) => record !== undefined));
  }
  return records;
}

/** Each customer's conversations, read once however many of them the range holds. */
class CustomerHistories {
  readonly #store: ConversationStore;
  readonly #loaded = new Map<string, Promise<Conversation[]>>();

  constructor(store: ConversationStore) {
    this.#store = store;
  }

  of(customerId: string): Promise<Conversation[]> {
    let history = this.#loaded.get(customerId);
    if (!history) {
      history = this.#load(customerId);
      this.#loaded.set(customerId, history);
    }
    return history;
  }

  async #load(customerId: string): Promise<Conversation[]> {
    const ids = await this.#store.conversationIdsOf(customerId);
    const conversations = await Promise.all(ids.map((id) => this.#store.getConversation(id)));
    return conversations.filter((conversation) => conversation !== undefined);
  }
}
