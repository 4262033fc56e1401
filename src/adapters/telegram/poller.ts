/**
 * Long polling (getUpdates), for installs without a public URL. An update's offset is confirmed
 * only after it is handled, so a failure (store down) fetches the same updates again; the
 * pipeline's dedupe on update_id makes the repeat harmless.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Telegram } from 'telegraf';
import { TelegramError } from 'telegraf';
import { ALLOWED_UPDATES } from './update-schema.js';

// Telegram holds a getUpdates request open up to this long while nothing happens.
const LONG_POLL_SECONDS = 25;
// A server that answers an empty poll at once (an emulator, a proxy) must not be asked in a tight loop.
const EMPTY_POLL_PAUSE_MS = 200;
const MAX_BACKOFF_MS = 30_000;

/** telegraf types the signal as its abort-controller polyfill's; node-fetch takes Node's own as well. */
type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

export interface PollerOptions {
  telegram: Telegram;
  /** Resolves once the update is safely handled; a rejection fetches it again after a pause. */
  onUpdate(update: { update_id: number }): Promise<void>;
  /** Reports each poll's outcome, for health. */
  onPoll(error?: Error): void;
}

export class Poller {
  readonly #options: PollerOptions;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(options: PollerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Ends the open long poll at once and waits for the update being handled, if any. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(): Promise<void> {
    const { telegram, onUpdate, onPoll } = this.#options;
    const { signal } = this.#abort;
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const updates = await telegram.callApi(
          'getUpdates',
          { offset, timeout: LONG_POLL_SECONDS, allowed_updates: [...ALLOWED_UPDATES] },
          { signal: signal as unknown as TelegrafSignal },
        );
        onPoll();
        failures = 0;
        for (const update of updates) {
          await onUpdate(update);
          offset = update.update_id + 1;
        }
        if (updates.length === 0) await this.#pause(EMPTY_POLL_PAUSE_MS);
      } catch (caught) {
        if (signal.aborted) return;
        const error = caught instanceof Error ? caught : new Error(String(caught));
        onPoll(error);
        failures++;
        const asked = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
        await this.#pause(asked !== undefined ? asked * 1000 : Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures));
      }
    }
  }

  #pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => {});
  }
}
