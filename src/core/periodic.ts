/**
 * Runs a check every so often in real time, never two at once, and lets shutdown wait for the one
 * in progress. Tests call the check directly with their own clock instead.
 */
export class Periodic {
  readonly #check: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(check: () => Promise<void>, onError: (error: unknown) => void) {
    this.#check = check;
    this.#onError = onError;
  }

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => {
      this.#running ??= this.#check()
        .catch(this.#onError)
        .finally(() => {
          this.#running = undefined;
        });
    }, intervalMs);
    // A check pending is no reason to keep the process alive.
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
