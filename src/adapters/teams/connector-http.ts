/**
 * The HTTP client under botbuilder's ConnectorClient (the Bot Connector REST API): one attempt per
 * call, and every failure thrown as a DeliveryError, so the OutboundChain alone decides on retries.
 *
 * Why: the ConnectorClient runs on @azure/core-client, whose pipeline has its own retry policy
 * (up to 3 retries of 429/503 after Retry-After and of 408/5xx with backoff; botbuilder offers no
 * option to turn it off). Stacked under the chain's 6 attempts that would be up to 24 posts of one
 * message — each retried 5xx a chance of a duplicate — and waits the chain cannot see or bound.
 * The retry policy only retries responses it is handed and RestErrors; a DeliveryError thrown here
 * passes through it untouched.
 */
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { DeliveryError, deliveryErrorFromStatus } from '../../core/outbound.js';

type ConnectorClientOptions = NonNullable<
  ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[4]
>;
export type ConnectorHttpClient = NonNullable<ConnectorClientOptions['httpClient']>;
type WebResource = Parameters<ConnectorHttpClient['sendRequest']>[0];
type HttpResponse = Awaited<ReturnType<ConnectorHttpClient['sendRequest']>>;
type HeadersLike = HttpResponse['headers'];

/** A Bot Connector call that takes longer has failed (the chain retries it). */
const REQUEST_TIMEOUT_MS = 30_000;

export function createConnectorHttpClient(): ConnectorHttpClient {
  return {
    async sendRequest(request: WebResource): Promise<HttpResponse> {
      let response: Response;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers.toJson(),
          ...(request.body === undefined || request.body === null ? {} : { body: request.body as string }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (cause) {
        throw new DeliveryError(`Bot Connector unreachable: ${(cause as Error).message}`, { cause });
      }
      const bodyAsText = await response.text();
      if (!response.ok) throw connectorError(response, bodyAsText);
      return { request, status: response.status, headers: new ResponseHeaders(response.headers), bodyAsText };
    },
  };
}

function connectorError(response: Response, body: string): DeliveryError {
  const detail = body.slice(0, 300) || response.statusText;
  // Teams asks for 412 to be retried like 429, 502 and 504 (msteams-docs bots/how-to/rate-limit.md).
  if (response.status === 412) return new DeliveryError(`HTTP 412: ${detail}`);
  return deliveryErrorFromStatus(response.status, detail, response.headers.get('retry-after'));
}

/** The response headers in the shape the SDK's compat layer reads. */
class ResponseHeaders implements HeadersLike {
  readonly #headers: Map<string, string>;

  constructor(headers: Iterable<[string, string]>) {
    this.#headers = new Map([...headers].map(([name, value]) => [name.toLowerCase(), value]));
  }

  set(name: string, value: string | number): void {
    this.#headers.set(name.toLowerCase(), String(value));
  }

  get(name: string): string | undefined {
    return this.#headers.get(name.toLowerCase());
  }

  contains(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  remove(name: string): boolean {
    return this.#headers.delete(name.toLowerCase());
  }

  rawHeaders(): Record<string, string> {
    return Object.fromEntries(this.#headers);
  }

  headersArray(): { name: string; value: string }[] {
    return [...this.#headers].map(([name, value]) => ({ name, value }));
  }

  headerNames(): string[] {
    return [...this.#headers.keys()];
  }

  headerValues(): string[] {
    return [...this.#headers.values()];
  }

  clone(): HeadersLike {
    return new ResponseHeaders(this.#headers);
  }

  toJson(): Record<string, string> {
    return this.rawHeaders();
  }
}
