/**
 * One benchmark customer, as the web chat page behaves (docs/webchat.md): a session, its event
 * stream held open, and questions POSTed one at a time. The answer latency is measured from the
 * moment the POST is sent to the moment the bot's message arrives on the stream, which is what the
 * person in front of the page waits for.
 */
import { errorCode, type JsonResponse, type OpenStream, openStream, postJson } from './http.js';
import { readSse } from './sse.js';

export type Locale = 'zh-CN' | 'en';

export interface AskTimings extends Record<string, number> {
  /** POST sent -> 202 received. */
  ack: number;
  /** POST sent -> the bot's answer received on the stream. */
  answer: number;
}

let messageCounter = 0;

export class WebchatCustomer {
  readonly #baseUrl: string;
  readonly #sessionId: string;
  readonly #timeoutMs: number;
  #stream: OpenStream | undefined;
  /** Arrival times of bot messages nobody has claimed yet. */
  readonly #arrived: number[] = [];
  #waiter: { resolve: (at: number) => void; reject: (error: Error) => void } | undefined;
  #ended: Error | undefined;

  private constructor(baseUrl: string, sessionId: string, timeoutMs: number) {
    this.#baseUrl = baseUrl;
    this.#sessionId = sessionId;
    this.#timeoutMs = timeoutMs;
  }

  /** Creates a session and opens its stream; resolves once the stream is subscribed. */
  static async open(baseUrl: string, locale: Locale, timeoutMs: number): Promise<WebchatCustomer> {
    const created = await postJson(`${baseUrl}/webchat/sessions`, { locale }, timeoutMs);
    const { sessionId } = (created.body ?? {}) as { sessionId?: unknown };
    if (created.status !== 201 || typeof sessionId !== 'string') {
      throw new Error(`POST /webchat/sessions: ${created.status} ${errorCode(created.body)}`);
    }
    const customer = new WebchatCustomer(baseUrl, sessionId, timeoutMs);
    await customer.#connect();
    return customer;
  }

  /** Asks and waits for the answer; rejects on a non-202, a closed stream or a timeout. */
  async ask(text: string): Promise<AskTimings> {
    if (this.#ended) throw this.#ended;
    this.#arrived.length = 0; // a late answer to an earlier, timed-out question is not this one's
    const answered = this.#nextAnswer();
    answered.catch(() => {}); // awaited below; this only keeps an early POST failure from leaving it unhandled
    const sent = performance.now();
    let response: JsonResponse;
    try {
      response = await postJson(
        `${this.#baseUrl}/webchat/messages`,
        { sessionId: this.#sessionId, clientMessageId: `bench-${++messageCounter}`, text },
        this.#timeoutMs,
      );
    } catch (error) {
      this.#cancelWait();
      throw error;
    }
    if (response.status !== 202) {
      this.#cancelWait();
      throw new Error(`POST /webchat/messages: ${response.status} ${errorCode(response.body)}`);
    }
    const answeredAt = await answered;
    return { ack: response.headersAt - sent, answer: answeredAt - sent };
  }

  /** Closes the stream. Safe to call more than once. */
  close(): void {
    this.#end(new Error('customer closed'));
    this.#stream?.close();
  }

  async #connect(): Promise<void> {
    const stream = await openStream(
      `${this.#baseUrl}/webchat/sessions/${this.#sessionId}/stream`,
      this.#timeoutMs,
    );
    this.#stream = stream;
    if (stream.response.statusCode !== 200) {
      stream.close();
      throw new Error(`GET /webchat/sessions/…/stream: ${stream.response.statusCode}`);
    }
    // The server subscribes the stream before its headers go out, so from here nothing is missed.
    void this.#read(stream.response);
  }

  async #read(body: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const event of readSse(body)) {
        if (event.event !== 'message') continue;
        const at = performance.now();
        const { role } = JSON.parse(event.data) as { role?: string };
        if (role !== 'bot') continue; // the customer's own message, echoed
        if (this.#waiter) {
          this.#waiter.resolve(at);
          this.#waiter = undefined;
        } else this.#arrived.push(at);
      }
      this.#end(new Error('stream ended'));
    } catch (error) {
      this.#end(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #nextAnswer(): Promise<number> {
    const early = this.#arrived.shift();
    if (early !== undefined) return Promise.resolve(early);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#waiter = {
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  #cancelWait(): void {
    this.#waiter?.reject(new Error('cancelled'));
    this.#waiter = undefined;
  }

  #end(error: Error): void {
    this.#ended ??= error;
    this.#waiter?.reject(this.#ended);
    this.#waiter = undefined;
  }
}
