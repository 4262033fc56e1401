/** The backend client's guarantees: the request stays on the backend, secrets stay out of logs, limits hold. */
import nock from 'nock';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendClient, type BackendSettings } from '../../../src/core/actions/backend-client.js';

const BASE = 'https://erp.shop.test';

function client(settings: Partial<BackendSettings> = {}, logLines: string[] = []) {
  const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  return new BackendClient(
    'orders',
    { url: `${BASE}/v1`, timeoutMs: 500, retries: 1, cacheSeconds: 30, maxResponseKilobytes: 1, ...settings },
    logger,
  );
}

const get = (path: string, query: Record<string, string> = {}) => ({ method: 'GET' as const, path, query });

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

describe('BackendClient', () => {
  it('is off without a URL', () => {
    expect(client({ url: undefined }).configured).toBe(false);
  });

  it('sends the auth header from the configuration and never logs it', async () => {
    const lines: string[] = [];
    nock(BASE, { reqheaders: { authorization: 'Bearer s3cret-token' } })
      .get('/v1/orders/A1')
      .query({ lang: 'en' })
      .reply(200, { status: 'shipped' });
    const backend = client(
      {
        auth: { header: 'Authorization', env: 'ORDERS_API_TOKEN', prefix: 'Bearer ', value: 's3cret-token' },
      },
      lines,
    );
    const outcome = await backend.call(get('/orders/A1', { lang: 'en' }));
    expect(outcome).toMatchObject({ kind: 'found', data: { status: 'shipped' } });
    expect(lines.join('\n')).toContain('backend call');
    expect(lines.join('\n')).not.toContain('s3cret');
  });

  it.each([
    ['/orders/..', 'a ".." segment'],
    ['/orders/%2e%2e/admin', 'an encoded ".." segment'],
    ['/orders/./x', 'a "." segment'],
  ])('refuses %s (%s) without sending anything', async (path) => {
    const outcome = await client().call(get(path));
    expect(outcome).toMatchObject({ kind: 'error', reason: 'refused: the value would change the address' });
  });

  it('keeps encoded slashes and @ inside the path segment', async () => {
    nock(BASE).get('/v1/orders/a%2Fb%40evil.test').reply(404);
    const outcome = await client().call(get(`/orders/${encodeURIComponent('a/b@evil.test')}`));
    expect(outcome.kind).toBe('not-found');
  });

  it('does not follow a redirect', async () => {
    nock(BASE).get('/v1/orders/A1').reply(302, '', { location: 'https://elsewhere.test/steal' });
    const outcome = await client({ retries: 0 }).call(get('/orders/A1'));
    expect(outcome).toMatchObject({ kind: 'error', reason: 'redirect refused', status: 302 });
  });

  it('refuses a response over the size limit', async () => {
    nock(BASE)
      .get('/v1/orders/A1')
      .reply(200, JSON.stringify({ blob: 'x'.repeat(2000) }));
    const outcome = await client().call(get('/orders/A1'));
    expect(outcome).toMatchObject({ kind: 'error' });
    expect((outcome as { reason: string }).reason).toContain('too large');
  });

  it('retries a GET after a 503 and caches the answer', async () => {
    nock(BASE).get('/v1/orders/A1').reply(503).get('/v1/orders/A1').reply(200, { status: 'ok' });
    const backend = client();
    expect(await backend.call(get('/orders/A1'))).toMatchObject({ kind: 'found', cached: false });
    expect(await backend.call(get('/orders/A1'))).toMatchObject({ kind: 'found', cached: true });
  });

  it('sends a POST once, never retried', async () => {
    nock(BASE).post('/v1/refunds', { order: 'A1' }).reply(503);
    const outcome = await client().call({
      method: 'POST',
      path: '/refunds',
      query: {},
      body: { order: 'A1' },
    });
    expect(outcome).toMatchObject({ kind: 'error', status: 503 });
  });

  it('reports a body that is not JSON as an error', async () => {
    nock(BASE).get('/v1/orders/A1').reply(200, '<html>login</html>');
    const outcome = await client().call(get('/orders/A1'));
    expect(outcome).toMatchObject({ kind: 'error', status: 200 });
  });
});
