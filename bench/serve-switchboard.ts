/**
 * Child process: a real Switchboard, built the way `npm start` builds it (config from the
 * environment, so the parent's STORE_URL and LOG_LEVEL apply), listening on a free port on
 * 127.0.0.1. Prints `{"benchPort": n}` when ready; SIGTERM or losing the parent closes it cleanly
 * (a clean exit is also what lets `--cpu-prof` write its profile).
 */
import { loadConfig } from '../src/core/config/load-config.js';
import { createLogger } from '../src/core/logger.js';
import { createSwitchboard } from '../src/server.js';

const config = loadConfig();
const switchboard = await createSwitchboard(config, {
  logger: createLogger(config.logLevel, { pretty: false }),
});
const port = await switchboard.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ benchPort: port })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 8_000).unref();
  await switchboard.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
