/**
 * The shape of one fuzzed route and the request parts every route draws from: odd methods, path
 * segments and query strings that are hostile but still bytes an HTTP client can put on the wire.
 */
import fc from 'fast-check';
import type { BotFrameworkIdentity } from '../../adapters/teams/bot-framework-tokens.js';
import type { Body } from '../payloads.js';
import { nastyString } from '../payloads.js';
import type { RawRequest } from '../raw-http.js';

export interface FuzzContext {
  /** A session the web chat knows, so its routes are fuzzed past the "no such session" check. */
  knownSessionId: string;
  /** Loopback platform stub: where activities that get through point their serviceUrl. */
  stubUrl: string;
  identity: BotFrameworkIdentity;
}

export interface FuzzRoute {
  name: string;
  /** Which server takes it (fuzz-servers.ts). */
  server: 'main' | 'teamsAppId';
  /** Its share of the runs, relative to the other routes. */
  weight: number;
  /** Generates the route's requests. */
  requests: (context: FuzzContext) => fc.Arbitrary<RawRequest>;
}

export function withBody(
  method: string,
  path: string,
  body: Body,
  headers: Record<string, string> = {},
): RawRequest {
  return {
    method,
    path,
    headers: { ...(body.contentType ? { 'content-type': body.contentType } : {}), ...headers },
    body: body.bytes,
  };
}

/** Printable ASCII: what node's HTTP client lets into a header value. */
export const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 300,
});

export const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS');

/** One path segment: percent-encoded junk, or raw forms the router must refuse cleanly. */
export const pathSegment = fc.oneof(
  { arbitrary: nastyString.map(encodeAny), weight: 4 },
  { arbitrary: fc.integer().map(String), weight: 1 },
  {
    arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '..', '.', '%2e%2e', '%2F', 'a%C0%AFb'),
    weight: 2,
  },
  // Long, but four of them stay under node's 16 KB limit on the request head: past it node itself
  // answers 431 before any of our code runs.
  { arbitrary: fc.integer({ min: 1_000, max: 3_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
);

/** A query string: repeated keys, pollution keys, empty values, bad escapes. */
export const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('from', 'to', 'after', 'limit', '__proto__', 'constructor', ''), fc.string()),
      fc.oneof(nastyString, fc.integer().map(String), fc.constantFrom('', '%', '2026-13-45', '9999-01-01')),
    ),
    { maxLength: 6 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([key, value]) => `${encodeAny(key)}=${encodeLoosely(value)}`).join('&')}`,
  );

/** Encodes what the HTTP client would refuse, leaves a lone `%` for the server to deal with. */
function encodeLoosely(value: string): string {
  return encodeAny(value).replace(/%25(?![0-9A-F]{2})/g, '%');
}

/** encodeURIComponent throws on a lone surrogate; UTF-8 has none, so the client would send U+FFFD. */
function encodeAny(value: string): string {
  return encodeURIComponent(Buffer.from(value).toString('utf8'));
}
