/**
 * `/healthz`: the process is alive (for restarts). `/readyz`: it can serve customers (for load
 * balancers): the store answers, a knowledge base is loaded, and each channel's state.
 */
import { Router } from 'express';
import type { Channel } from '../core/channel.js';
import type { AgentDesk } from '../core/desk/agent-desk.js';
import type { Platform } from '../core/model.js';
import type { KeyValueStore } from '../core/store/key-value.js';
import { withTimeout } from '../core/timeout.js';
import type { KnowledgeService } from '../knowledge/knowledge-service.js';

export interface HealthDeps {
  store: KeyValueStore;
  knowledge: KnowledgeService;
  channels: ReadonlyMap<Platform, Channel>;
  /** The agents' desk, when one is configured. */
  desk?: AgentDesk | undefined;
}

const STORE_PING_TIMEOUT_MS = 2_000;

export function healthRoutes({ store, knowledge, channels, desk }: HealthDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    // Liveness: only a store that can never recover in this process makes a restart the cure.
    const fatal = store.fatalError();
    if (fatal) res.status(503).json({ status: 'failed', error: `store: ${fatal.message}` });
    else res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const storeState = await pingStore(store);
    const knowledgeStatus = knowledge.status();
    const channelStates = Object.fromEntries(
      [...channels].map(([name, channel]) => [name, channel.health()]),
    );
    // A stale knowledge base still answers (the last good version); only "nothing loaded" is not ready.
    const ready = storeState.ok && (knowledgeStatus.state === 'ready' || knowledgeStatus.state === 'stale');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not_ready',
      store: storeState,
      knowledge: knowledgeStatus,
      channels: channelStates,
      // Informational: a desk that is not up yet (e.g. Teams not primed) still lets customers be served.
      ...(desk ? { desk: { name: desk.name, ...desk.health() } } : {}),
    });
  });
  return router;
}

async function pingStore(store: KeyValueStore) {
  const started = performance.now();
  try {
    await withTimeout(
      store.ping(),
      STORE_PING_TIMEOUT_MS,
      () => new Error(`no answer within ${STORE_PING_TIMEOUT_MS} ms`),
    );
    return {
      ok: true,
      backend: store.backend,
      url: store.description,
      latencyMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    return { ok: false, backend: store.backend, url: store.description, error: (error as Error).message };
  }
}
