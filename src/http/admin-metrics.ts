/**
 * The admin API's metrics (docs/metrics.md), behind the same ADMIN_TOKEN check as the rest of
 * /admin/api: the figures for a UTC day range as JSON and as CSV, and the knowledge gaps report.
 */
import { type Request, Router } from 'express';
import type { Clock } from '../core/clock.js';
import { ValidationError } from '../core/errors.js';
import { parseDayRange } from '../core/metrics/days.js';
import { figuresCsv } from '../core/metrics/figures-csv.js';
import { DEFAULT_GROUPS } from '../core/metrics/group-gaps.js';
import type { Metrics } from '../core/metrics/metrics.js';
import { requireToken } from './admin.js';

export interface AdminMetricsDeps {
  adminToken: string | undefined;
  metrics: Metrics;
  clock: Clock;
}

const MAX_GROUPS = 200;

export function adminMetricsRoutes({ adminToken, metrics, clock }: AdminMetricsDeps): Router {
  const router = Router();
  const guard = requireToken(adminToken);
  router.get('/admin/api/metrics', guard, async (req, res) => {
    res.json(await metrics.report(parseDayRange(req.query, clock)));
  });
  router.get('/admin/api/metrics.csv', guard, async (req, res) => {
    const range = parseDayRange(req.query, clock);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`switchboard-metrics-${range.from}-to-${range.to}.csv`)
      .send(figuresCsv(await metrics.report(range)));
  });
  router.get('/admin/api/gaps', guard, async (req, res) => {
    res.json({ groups: await metrics.gapGroups(parseDayRange(req.query, clock), parseLimit(req)) });
  });
  return router;
}

function parseLimit(req: Request): number {
  const { limit } = req.query;
  if (limit === undefined) return DEFAULT_GROUPS;
  const value = typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
  if (value >= 1 && value <= MAX_GROUPS) return value;
  throw new ValidationError('invalid_limit', `limit must be a whole number from 1 to ${MAX_GROUPS}`);
}
