/**
 * Server-Sent Events to open web chat pages, per session. Events that arrive while a new
 * connection is replaying missed messages are held back and sent after the replay, in order.
 */
import type { Response } from 'express';

// Proxies and load balancers commonly drop idle connections after 30-60 s.
const KEEP_ALIVE_MS = 25_000;

export interface StreamEvent {
  event: 'message' | 'conversation';
  id?: string;
  data: unknown;
}

class Subscriber {
  #held: StreamEvent[] | undefined = [];
  /** Ids sent by the replay whose live event may still come; each is skipped once, then forgotten. */
  readonly #replayed = new Set<string>();

  constructor(readonly response: Response) {}

  push(event: StreamEvent): void {
    if (this.#held) {
      this.#held.push(event);
      return;
    }
    if (event.id && this.#replayed.delete(event.id)) return;
    this.#write(event);
  }

  /** Sends the replay, then everything held back meanwhile that the replay did not already cover. */
  finishReplay(replay: StreamEvent[]): void {
    for (const event of replay) {
      this.#write(event);
      if (event.id) this.#replayed.add(event.id);
    }
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const event of held) this.push(event);
  }

  #write(event: StreamEvent): void {
    const id = event.id ? `id: ${event.id}\n` : '';
    this.response.write(`event: ${event.event}\n${id}data: ${JSON.stringify(event.data)}\n\n`);
  }
}

export class StreamHub {
  readonly #bySession = new Map<string, Set<Subscriber>>();
  #timer: NodeJS.Timeout | undefined;

  /** Registers an open response; call `finishReplay` on the result once missed messages are known. */
  subscribe(sessionId: string, response: Response): Subscriber {
    const subscriber = new Subscriber(response);
    const set = this.#bySession.get(sessionId) ?? new Set<Subscriber>();
    this.#bySession.set(sessionId, set);
    set.add(subscriber);
    response.on('close', () => {
      set.delete(subscriber);
      if (set.size === 0 && this.#bySession.get(sessionId) === set) this.#bySession.delete(sessionId);
    });
    this.#timer ??= setInterval(() => this.#keepAlive(), KEEP_ALIVE_MS).unref();
    return subscriber;
  }

  publish(sessionId: string, event: StreamEvent): void {
    for (const subscriber of this.#bySession.get(sessionId) ?? []) subscriber.push(event);
  }

  get connections(): number {
    let count = 0;
    for (const set of this.#bySession.values()) count += set.size;
    return count;
  }

  /** Ends every stream, so the HTTP server can close during shutdown. */
  closeAll(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const set of this.#bySession.values()) for (const subscriber of set) subscriber.response.end();
    this.#bySession.clear();
  }

  #keepAlive(): void {
    for (const set of this.#bySession.values())
      for (const subscriber of set) subscriber.response.write(': keep-alive\n\n');
  }
}
