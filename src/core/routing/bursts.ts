/**
 * Customers often type one question as several quick messages ("hello", "my parcel", "it has
 * not arrived"). A fragment the bot cannot answer on its own, with a later message of the same
 * chat already waiting behind it, is not answered by itself: its text is carried into that next
 * message, which is understood as the whole. Nothing is lost (every message is recorded before
 * this runs) and nothing waits on purpose: only messages already queued are merged.
 *
 * Per process: a burst split across instances is answered message by message, as before.
 */
export class Bursts {
  /** Messages accepted for each chat and not yet answered. */
  readonly #waiting = new Map<string, number>();
  readonly #carried = new Map<string, { text: string; at: number }>();
  readonly #maxAgeMs: number;
  readonly #maxLength: number;

  constructor(options: { maxAgeMs?: number; maxLength?: number } = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 15_000;
    this.#maxLength = options.maxLength ?? 500;
  }

  arrived(chat: string): void {
    this.#waiting.set(chat, (this.#waiting.get(chat) ?? 0) + 1);
  }

  answered(chat: string): void {
    const left = (this.#waiting.get(chat) ?? 1) - 1;
    if (left > 0) this.#waiting.set(chat, left);
    else this.#waiting.delete(chat);
  }

  /** True when another message of the chat is queued behind the one being answered. */
  laterWaiting(chat: string): boolean {
    return (this.#waiting.get(chat) ?? 0) > 1;
  }

  /** The message as the bot should understand it: with the fragments carried into it, if any. */
  merge(chat: string, text: string, now: number): string {
    const carried = this.#carried.get(chat);
    this.#carried.delete(chat);
    if (!carried || now - carried.at > this.#maxAgeMs) return text;
    return `${carried.text}\n${text}`;
  }

  /** Keeps a fragment for the chat's next message; false when it is already too long to keep growing. */
  carry(chat: string, text: string, now: number): boolean {
    if (text.length > this.#maxLength) return false;
    this.#carried.set(chat, { text, at: now });
    return true;
  }
}
