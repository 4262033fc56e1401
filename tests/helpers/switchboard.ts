/**
 * Starts a real Switchboard (express app, store, knowledge, pipeline) on a free port, the way
 * `npm start` does but with a temporary SQLite file and a silent logger.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CHANNEL_FACTORIES, type ChannelFactory } from '../../src/adapters/registry.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import type { Config } from '../../src/core/config/schema.js';
import { createSwitchboard, type Switchboard, type SwitchboardOptions } from '../../src/server.js';

export interface RunningSwitchboard extends Switchboard {
  url: string;
  config: Config;
}

export function tempDir(prefix = 'switchboard-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A config as the defaults and the environment give it, with a fresh SQLite file unless overridden. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dir = tempDir();
  const config = loadConfig({
    STORE_URL: `sqlite://${join(dir, 'switchboard.sqlite')}`,
    LOG_LEVEL: 'silent',
    ...env,
  });
  // Files handed on between platforms go to the test's own folder, not the repository's data/.
  return { ...config, files: { ...config.files, dir: join(dir, 'files') } };
}

export async function startSwitchboard(
  config: Config = testConfig(),
  options: Omit<SwitchboardOptions, 'logger'> = {},
): Promise<RunningSwitchboard> {
  const switchboard = await createSwitchboard(config, { logger: pino({ level: 'silent' }), ...options });
  const port = await switchboard.listen(0, '127.0.0.1');
  return Object.assign(switchboard, { url: `http://127.0.0.1:${port}`, config });
}

/** The registered channels with `replacement` in place of the one of the same name (an emulator-wired version). */
export function withChannelFactory(replacement: ChannelFactory): ChannelFactory[] {
  return CHANNEL_FACTORIES.map((factory) => (factory.name === replacement.name ? replacement : factory));
}
