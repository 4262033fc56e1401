/** The action runner for a configuration: one client per backend of `backends:`. */
import type { KnowledgeSource } from '../../knowledge/types.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { ActionRunner } from './action-runner.js';
import { BackendClient } from './backend-client.js';

export function createActionRunner(
  config: Config,
  knowledge: KnowledgeSource,
  clock: Clock,
  logger: Logger,
): ActionRunner {
  const backends = new Map(
    Object.entries(config.backends).map(([name, settings]) => [
      name,
      new BackendClient(name, settings, logger, () => clock.now()),
    ]),
  );
  return new ActionRunner({
    backends,
    clock,
    defaultLocale: config.defaultLocale,
    entry: (id) => knowledge.current().entries.get(id),
    answerThreshold: config.knowledge.answerThreshold,
    logger,
  });
}
