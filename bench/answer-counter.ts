/**
 * Counts the bot's answers per chat, whichever way they arrive (a Telegram sendMessage at the
 * platform stub, a bot message on a web chat stream), and lets a customer wait for the answer to
 * its n-th message. At the end, `tally` compares answers with messages sent: each customer
 * message should be answered exactly once, so any chat with more answers than messages has
 * doubles and any with fewer has losses.
 */
export interface AnswerTally {
  expected: number;
  received: number;
  /** Answers beyond one per message, summed over chats. */
  doubled: number;
  /** Messages without an answer, summed over chats. */
  missing: number;
}

interface Waiter {
  count: number;
  resolve: () => void;
}

export class AnswerCounter {
  readonly #answers = new Map<string, number>();
  readonly #sent = new Map<string, number>();
  readonly #waiters = new Map<string, Waiter>();

  /** A customer message was accepted (its POST answered 2xx): one answer is now owed. */
  sent(chat: string): number {
    const count = (this.#sent.get(chat) ?? 0) + 1;
    this.#sent.set(chat, count);
    return count;
  }

  answered(chat: string): void {
    const count = (this.#answers.get(chat) ?? 0) + 1;
    this.#answers.set(chat, count);
    const waiter = this.#waiters.get(chat);
    if (waiter && count >= waiter.count) {
      this.#waiters.delete(chat);
      waiter.resolve();
    }
  }

  /** Resolves once `chat` has `count` answers; rejects after `timeoutMs`. */
  waitFor(chat: string, count: number, timeoutMs: number): Promise<void> {
    if ((this.#answers.get(chat) ?? 0) >= count) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(chat);
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.set(chat, {
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  tally(chats: Iterable<string> = this.#sent.keys()): AnswerTally {
    const result: AnswerTally = { expected: 0, received: 0, doubled: 0, missing: 0 };
    for (const chat of chats) {
      const sent = this.#sent.get(chat) ?? 0;
      const answers = this.#answers.get(chat) ?? 0;
      result.expected += sent;
      result.received += answers;
      result.doubled += Math.max(0, answers - sent);
      result.missing += Math.max(0, sent - answers);
    }
    return result;
  }
}
