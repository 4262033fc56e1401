/**
 * GET /admin/api/queue: the live queue (src/core/reports/live-queue.ts) — who is waiting, for how
 * long against the SLA, and who is being served by whom. Behind the admin token like all of
 * /admin/api.
 */
import { Router } from 'express';
import { type LiveQueueDeps, liveQueue } from '../core/reports/live-queue.js';
import { requireToken } from './admin.js';

export function adminQueueRoutes(deps: LiveQueueDeps & { adminToken: string | undefined }): Router {
  const router = Router();
  router.get('/admin/api/queue', requireToken(deps.adminToken), async (_req, res) => {
    res.json(await liveQueue(deps));
  });
  return router;
}
