import { pino } from 'pino';
import { expect, it, vi } from 'vitest';
import { loadWechaty } from '../../../src/adapters/wechat/sdk.js';

const handlers = () =>
  process.listenerCount('uncaughtException') + process.listenerCount('unhandledRejection');

it('loading wechaty with WECHATY_LOG=verbose leaves no process-wide handlers behind', async () => {
  // wechaty's config module registers both handlers at import time when its log level is verbose.
  process.env.WECHATY_LOG = 'verbose';
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation(() => {});
  }
  const logger = pino({ level: 'silent' });
  const warn = vi.spyOn(logger, 'warn');
  const before = handlers();

  const { sdk } = await loadWechaty(logger);
  sdk.log.level('silent');

  expect(handlers()).toBe(before);
  expect(warn.mock.calls.map(([fields]) => fields)).toEqual([
    { event: 'unhandledRejection' },
    { event: 'uncaughtException' },
  ]);
});
