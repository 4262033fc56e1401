/**
 * The admin API: every route with every way of getting the token wrong, and with the right token
 * but hostile query strings (the metrics routes parse a day range from them).
 */
import fc from 'fast-check';
import { ADMIN_TOKEN } from '../fuzz-servers.js';
import { hostileBody } from '../payloads.js';
import { type FuzzRoute, headerValue, method, pathSegment, queryString, withBody } from './route.js';

const ADMIN_PATHS = ['channels', 'knowledge', 'queue', 'metrics', 'metrics.csv', 'gaps'];

const adminPath = fc.oneof(
  { arbitrary: fc.constantFrom(...ADMIN_PATHS), weight: 4 },
  { arbitrary: pathSegment, weight: 1 },
);

const badAuthorization = fc.oneof(
  fc.constant(undefined),
  headerValue,
  headerValue.map((token) => `Bearer ${token}`),
  fc.constantFrom(
    `bearer ${ADMIN_TOKEN}`,
    `Bearer ${ADMIN_TOKEN} `,
    `Bearer  ${ADMIN_TOKEN}`,
    `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
    `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
    ADMIN_TOKEN,
    'Bearer ',
  ),
);

export const adminRoutes: FuzzRoute[] = [
  {
    name: '/admin/api/* (bad token, any method)',
    server: 'main',
    weight: 2,
    requests: () =>
      fc
        .tuple(method, adminPath, queryString, badAuthorization, hostileBody())
        .map(([verb, path, query, authorization, body]) =>
          withBody(
            verb,
            `/admin/api/${path}${query}`,
            body,
            authorization === undefined ? {} : { authorization },
          ),
        ),
  },
  {
    name: 'GET /admin/api/* (right token, hostile query)',
    server: 'main',
    weight: 2,
    requests: () =>
      fc.tuple(adminPath, queryString).map(([path, query]) => ({
        method: 'GET',
        path: `/admin/api/${path}${query}`,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })),
  },
];
