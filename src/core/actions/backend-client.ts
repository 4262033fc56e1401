/**
 * Calls one configured company backend for knowledge actions (docs/knowledge.md "Actions").
 *
 * Customer-typed values end up in the URL, so the request is built defensively: each value is
 * percent-encoded into its placeholder, and the finished URL must keep the backend's own origin and
 * path prefix exactly (a value like ".." that the URL parser would resolve away is refused, never
 * sent). Redirects are not followed, so a secret header can never reach another host. Responses are
 * size-capped while they stream in. GETs are retried on timeouts, network errors and 5xx, and
 * successful answers are cached briefly; a POST is sent once.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { maskPersonalData } from '../privacy/mask.js';

export type BackendSettings = Config['backends'][string];

export interface BackendRequest {
  method: 'GET' | 'POST';
  /** The path after the backend's URL, placeholders already filled and encoded. */
  path: string;
  query: Record<string, string>;
  body?: Record<string, string>;
}

export type CallOutcome =
  | { kind: 'found'; status: number; data: unknown; ms: number; cached: boolean }
  | { kind: 'not-found'; status: number; ms: number; cached: boolean }
  | { kind: 'error'; reason: string; status?: number; ms: number };

interface CacheEntry {
  expires: number;
  outcome: Extract<CallOutcome, { kind: 'found' | 'not-found' }>;
}

const MAX_CACHE_ENTRIES = 500;

export class BackendClient {
  readonly name: string;
  readonly #settings: BackendSettings;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(name: string, settings: BackendSettings, logger: Logger, now: () => number = Date.now) {
    this.name = name;
    this.#settings = settings;
    this.#logger = logger;
    this.#now = now;
  }

  /** False when the backend has no URL (e.g. ORDERS_API_URL unset): entries give their static answer. */
  get configured(): boolean {
    return this.#settings.url !== undefined;
  }

  async call(request: BackendRequest): Promise<CallOutcome> {
    const started = this.#now();
    const url = this.#url(request);
    if (!url) return { kind: 'error', reason: 'refused: the value would change the address', ms: 0 };
    const cacheable = request.method === 'GET' && this.#settings.cacheSeconds > 0;
    const hit = cacheable ? this.#cached(url.href) : undefined;
    if (hit) return { ...hit, cached: true, ms: 0 };
    const attempts = request.method === 'GET' ? this.#settings.retries + 1 : 1;
    let outcome: CallOutcome = { kind: 'error', reason: 'not attempted', ms: 0 };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      outcome = await this.#attempt(url, request, started);
      if (outcome.kind !== 'error' || !retryable(outcome)) break;
      if (attempt < attempts) await sleep(100 * 2 ** (attempt - 1));
    }
    this.#logger.info(
      {
        backend: this.name,
        method: request.method,
        // Values may be personal (a phone number slot): the log gets them masked, never a header.
        path: maskPersonalData(url.pathname),
        outcome: outcome.kind,
        status: 'status' in outcome ? outcome.status : undefined,
        ms: outcome.ms,
        ...(outcome.kind === 'error' ? { reason: outcome.reason } : {}),
      },
      'backend call',
    );
    if (cacheable && outcome.kind !== 'error') this.#remember(url.href, outcome);
    return outcome;
  }

  /** The request's URL, or undefined when filling it in would leave the backend's own origin and path. */
  #url(request: BackendRequest): URL | undefined {
    const base = new URL(this.#settings.url as string);
    const prefix = base.pathname.replace(/\/+$/, '');
    const wanted = `${prefix}${request.path}`;
    const url = new URL(base.origin);
    url.pathname = wanted;
    for (const [key, value] of Object.entries(request.query)) url.searchParams.set(key, value);
    // The URL parser resolves "." and ".." segments (also percent-encoded ones): any change means a
    // value tried to move the request elsewhere.
    if (url.origin !== base.origin || url.pathname !== wanted) return undefined;
    return url;
  }

  async #attempt(url: URL, request: BackendRequest, started: number): Promise<CallOutcome> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const { auth, timeoutMs } = this.#settings;
    if (auth?.value) headers[auth.header.toLowerCase()] = `${auth.prefix}${auth.value}`;
    if (request.body) headers['content-type'] = 'application/json';
    const elapsed = () => this.#now() - started;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers,
        redirect: 'manual',
        signal,
        ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      });
    } catch (error) {
      const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : `network error: ${describe(error)}`;
      return { kind: 'error', reason, ms: elapsed() };
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return { kind: 'not-found', status: 404, ms: elapsed(), cached: false };
    }
    if (response.status < 200 || response.status > 299) {
      await response.body?.cancel();
      const reason =
        response.status >= 300 && response.status < 400 ? 'redirect refused' : `HTTP ${response.status}`;
      return { kind: 'error', reason, status: response.status, ms: elapsed() };
    }
    try {
      const text = await readCapped(response, this.#settings.maxResponseKilobytes * 1024, signal);
      return { kind: 'found', status: response.status, data: JSON.parse(text), ms: elapsed(), cached: false };
    } catch (error) {
      const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : describe(error);
      return { kind: 'error', reason, status: response.status, ms: elapsed() };
    }
  }

  #cached(key: string): CacheEntry['outcome'] | undefined {
    const entry = this.#cache.get(key);
    if (!entry) return undefined;
    if (entry.expires > this.#now()) return entry.outcome;
    this.#cache.delete(key);
    return undefined;
  }

  #remember(key: string, outcome: CacheEntry['outcome']): void {
    if (this.#cache.size >= MAX_CACHE_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(key, { expires: this.#now() + this.#settings.cacheSeconds * 1000, outcome });
  }
}

/** Worth another attempt: the backend may answer next time (timeouts, network errors, 5xx). */
function retryable(outcome: Extract<CallOutcome, { kind: 'error' }>): boolean {
  return outcome.status === undefined || outcome.status >= 500;
}

/** The body as text, refusing it as soon as it grows past `limit` bytes. */
async function readCapped(response: Response, limit: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body?.cancel();
    throw new Error(`response too large (${declared} bytes, limit ${limit})`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (signal.aborted) throw new Error('aborted');
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new Error(`response too large (over ${limit} bytes)`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause?.code;
  return cause ?? (error as Error).message ?? String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
