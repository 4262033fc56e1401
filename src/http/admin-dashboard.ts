/**
 * The admin dashboard at /admin/ (docs/dashboard.md): a static page and script, no build step, like
 * the web chat's. The page itself holds no data and may be fetched without the token; everything it
 * shows comes from /admin/api, which asks for the token (the page keeps it in sessionStorage).
 *
 * Chart.js is served from its npm package (its UMD build defines `Chart` for a plain script tag),
 * so the page loads nothing from another origin and stays within the server's CSP.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

export const ADMIN_PUBLIC_DIR = fileURLToPath(new URL('./admin-public/', import.meta.url));
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

export function adminDashboardRoutes(): Router {
  const router = Router();
  router.get('/admin/vendor/chart.umd.min.js', (_req, res) => {
    res.sendFile(CHART_JS, { maxAge: '1d' });
  });
  router.use('/admin', express.static(ADMIN_PUBLIC_DIR, { index: 'index.html', maxAge: '5m' }));
  return router;
}
