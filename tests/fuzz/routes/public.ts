/** The routes anyone may call: files handed on between platforms, health, metrics, and paths that do not exist. */
import fc from 'fast-check';
import { hostileBody } from '../payloads.js';
import { type FuzzRoute, method, pathSegment, queryString, withBody } from './route.js';

export const publicRoutes: FuzzRoute[] = [
  {
    name: 'GET /files/:id/:name',
    server: 'main',
    weight: 1,
    requests: () =>
      fc.tuple(pathSegment, pathSegment, queryString).map(([id, name, query]) => ({
        method: 'GET',
        path: `/files/${id}/${name}${query}`,
        headers: {},
      })),
  },
  {
    name: '/healthz, /readyz, /metrics (any method)',
    server: 'main',
    weight: 1,
    requests: () =>
      fc
        .tuple(method, fc.constantFrom('/healthz', '/readyz', '/metrics'), queryString, hostileBody())
        .map(([verb, path, query, body]) => withBody(verb, `${path}${query}`, body)),
  },
  {
    name: 'any method, any path',
    server: 'main',
    weight: 1,
    requests: () =>
      fc
        .tuple(method, fc.array(pathSegment, { minLength: 1, maxLength: 4 }), queryString, hostileBody())
        .map(([verb, segments, query, body]) => withBody(verb, `/${segments.join('/')}${query}`, body)),
  },
];
