/**
 * Runs work for the same key one at a time, in arrival order; different keys run in parallel.
 * In-process only: the embedded store serves one process. (Cross-instance locks come with the
 * Redis scale-out work.)
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    // The tail must never reject, or the next caller would skip its turn's error handling.
    const tail = current.then(
      () => {},
      () => {},
    );
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      // Forget the key once nobody queued behind us, so the map does not grow with every chat ever seen.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }

  get size(): number {
    return this.#tails.size;
  }
}
