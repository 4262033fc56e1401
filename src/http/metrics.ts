/**
 * `GET /metrics`: Prometheus text format, public like /healthz (DESIGN.md "Routes"). It carries
 * counts and timings only, never a customer's words; restrict it at the proxy if that matters.
 */
import { Router } from 'express';
import type { Metrics } from '../core/metrics/metrics.js';

export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const { registry } = metrics.live;
    const body = await registry.metrics();
    res.set('Content-Type', registry.contentType).send(body);
  });
  return router;
}
