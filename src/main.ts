/**
 * The process: reads the configuration, starts Switchboard, and owns signals and exit codes.
 * Nothing else in the code base exits the process or listens for signals.
 */
import { loadConfig } from './core/config/load-config.js';
import { ConfigError, StoreUnavailableError } from './core/errors.js';
import { createLogger } from './core/logger.js';
import { KnowledgeLoadError } from './knowledge/load.js';
import { createSwitchboard } from './server.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  const logger = createLogger(config.logLevel);

  let switchboard: Awaited<ReturnType<typeof createSwitchboard>>;
  try {
    switchboard = await createSwitchboard(config, { logger });
  } catch (error) {
    if (error instanceof StoreUnavailableError || error instanceof KnowledgeLoadError) {
      logger.fatal(error.message);
      await flush(logger);
      return fail(`Switchboard did not start: ${error.message}`);
    }
    throw error;
  }

  let port: number;
  try {
    port = await switchboard.listen();
  } catch (error) {
    await switchboard.close();
    return fail(`Switchboard cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
  }
  const knowledge = switchboard.knowledge.status();
  logger.info(
    {
      port,
      store: switchboard.store.description,
      knowledgeEntries: knowledge.entries,
      channels: [...switchboard.channels.keys()],
    },
    `Switchboard is listening on http://localhost:${port}/`,
  );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing work in flight');
    const timer = setTimeout(() => {
      logger.error(`shutdown took over ${config.shutdownTimeoutSeconds} s; exiting anyway`);
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    try {
      await switchboard.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown did not finish cleanly');
      await flush(logger);
      process.exit(1);
    }
    clearTimeout(timer);
    logger.info('stopped');
    await flush(logger);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

function flush(logger: ReturnType<typeof createLogger>): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Switchboard crashed while starting: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
