/** The web chat API (docs/webchat.md): sessions, messages, a session's transcript and its stream. */
import fc from 'fast-check';
import { hostileBody, junkValue, nastyString } from '../payloads.js';
import { type FuzzRoute, headerValue, pathSegment, queryString, withBody } from './route.js';

const SESSION_ID_LIKE = 'ses_AAAAAAAAAAAAAAAAAAAAAA';

/** A known session, one that looks issued but is not, or junk; numbers and nulls included. */
const sessionIds = (known: string) =>
  fc.oneof(
    { arbitrary: fc.constant(known), weight: 3 },
    { arbitrary: fc.constantFrom(SESSION_ID_LIKE, `${known}x`, known.toUpperCase()), weight: 1 },
    { arbitrary: junkValue, weight: 2 },
  );

const sessionPath = (known: string) =>
  fc.oneof({ arbitrary: fc.constant(known), weight: 2 }, { arbitrary: pathSegment, weight: 3 });

export const webchatRoutes: FuzzRoute[] = [
  {
    name: 'POST /webchat/sessions',
    server: 'main',
    weight: 2,
    requests: () =>
      hostileBody(
        fc.record(
          { locale: fc.oneof(fc.constantFrom('zh-CN', 'en', 'zh-TW', 'EN'), junkValue), extra: junkValue },
          { requiredKeys: [] },
        ),
      ).map((body) => withBody('POST', '/webchat/sessions', body)),
  },
  {
    name: 'POST /webchat/messages',
    server: 'main',
    weight: 4,
    requests: ({ knownSessionId }) =>
      hostileBody(
        fc.record(
          {
            sessionId: sessionIds(knownSessionId),
            clientMessageId: fc.oneof(fc.string({ maxLength: 120 }), junkValue),
            text: fc.oneof(nastyString, junkValue),
            payload: fc.oneof(nastyString, junkValue),
          },
          { requiredKeys: [] },
        ),
      ).map((body) => withBody('POST', '/webchat/messages', body)),
  },
  {
    name: 'GET /webchat/sessions/:id',
    server: 'main',
    weight: 2,
    requests: ({ knownSessionId }) =>
      fc
        .tuple(sessionPath(knownSessionId), queryString)
        .map(([id, query]) => ({ method: 'GET', path: `/webchat/sessions/${id}${query}`, headers: {} })),
  },
  {
    name: 'GET /webchat/sessions/:id/stream (SSE)',
    server: 'main',
    weight: 2,
    requests: ({ knownSessionId }) =>
      fc
        .tuple(
          sessionPath(knownSessionId),
          queryString,
          fc.option(headerValue, { nil: undefined }),
          // The stream lives under its session; a bare /webchat/stream must be a clean 404.
          fc.boolean(),
        )
        .map(([id, query, lastEventId, bare]) => ({
          method: 'GET',
          path: bare ? `/webchat/stream${query}` : `/webchat/sessions/${id}/stream${query}`,
          headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
        })),
  },
];
