/** Telegram unreachable at start: the server still starts, and /readyz says why Telegram is down. */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSwitchboard } from '../../helpers/switchboard.js';
import { API_ROOT, startWebhookSwitchboard } from './telegram-kit.js';

let server: RunningSwitchboard | undefined;

afterEach(async () => {
  await server?.close();
  nock.cleanAll();
});

describe('telegram channel start', () => {
  it('reports down with the error when Telegram cannot be reached, and keeps serving', async () => {
    nock(API_ROOT)
      .post(/\/getMe$/)
      .reply(502, 'Bad Gateway');
    ({ server } = await startWebhookSwitchboard());
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
    const ready = (await response.json()) as { channels: Record<string, { state: string; detail: string }> };
    expect(ready.channels.telegram).toEqual({ state: 'down', detail: 'webhook: 502: Bad Gateway' });
  });
});
