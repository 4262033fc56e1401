/**
 * What every answer to a hostile request must be (src/http/errors.ts): never a 5xx, and a 4xx is
 * JSON of the form `{ "error": { "code", "message" } }` so a client can branch on the code.
 */
import type { RawRequest, RawResponse } from './raw-http.js';

export interface Problem {
  problem: string;
  serverError: boolean;
}

export function problemWith(req: RawRequest, res: RawResponse): Problem | undefined {
  if (res.status >= 500)
    return { problem: `answered ${res.status}: ${res.text.slice(0, 200)}`, serverError: true };
  if (res.status < 400 || req.method === 'HEAD') return undefined;
  if (!res.contentType.startsWith('application/json')) {
    return {
      problem: `${res.status} answered as ${res.contentType || 'no content type'}`,
      serverError: false,
    };
  }
  const code = errorCodeOf(res.text);
  if (code === undefined) {
    return { problem: `${res.status} without an error code: ${res.text.slice(0, 200)}`, serverError: false };
  }
  return undefined;
}

export function errorCodeOf(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const error = (body as { error?: unknown } | null)?.error;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
