/**
 * HTTP for the load generators, on node:http with a keep-alive Agent, so each closed-loop worker
 * keeps a warm connection of its own as a browser tab would.
 *
 * Not the global fetch: on a 2-core machine it was the bottleneck. Against the bare express echo
 * with 50 concurrent clients, fetch reached ~600 req/s while node:http reached ~3,000 req/s from
 * the same process, and a baseline capped by its own client would flatter the ratio.
 * (undici's Pool is not installed.)
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';

// One pool of kept-alive sockets for request/response calls; streams get their own connections
// so that a long-lived stream never holds a socket a POST is waiting for.
const agent = new Agent({ keepAlive: true });

export interface JsonResponse {
  status: number;
  body: unknown;
  /** performance.now() when the status line and headers had arrived: the acknowledgement. */
  headersAt: number;
}

/**
 * POSTs `body` (JSON, or a prepared string such as a signed webhook payload); rejects on network
 * errors and when the whole exchange takes over `timeoutMs`.
 */
export function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  return new Promise<JsonResponse>((resolve, reject) => {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    let req: ClientRequest | undefined;
    const timer = setTimeout(() => {
      req?.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      },
      (response) => {
        const headersAt = performance.now();
        // Always read the body to its end: only then is the socket free for the next request.
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            body: parse(Buffer.concat(chunks).toString('utf8')),
            headersAt,
          });
        });
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

export interface OpenStream {
  response: IncomingMessage;
  /** Ends the connection. Safe to call more than once. */
  close(): void;
}

/** GETs a long-lived response (an event stream); only waiting for its headers is bounded. */
export function openStream(url: string, timeoutMs: number): Promise<OpenStream> {
  return new Promise<OpenStream>((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream' } }, (response) => {
      clearTimeout(timer);
      resolve({ response, close: () => req.destroy() });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no stream headers within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/** The `error.code` of a Switchboard error body, or a short description of whatever came back. */
export function errorCode(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const { error } = body as { error?: { code?: unknown } };
    if (typeof error?.code === 'string') return error.code;
  }
  return JSON.stringify(body)?.slice(0, 80) ?? 'no body';
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: the caller reports what came back
  }
}
