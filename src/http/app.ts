/**
 * The express app: security headers, every route in the order requests should meet them, and the
 * JSON 404 and error answers. What the routes serve is built by src/server.ts and handed in.
 */
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Clock } from '../core/clock.js';
import type { FileStore } from '../core/files/file-store.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics/metrics.js';
import type { LiveQueueDeps } from '../core/reports/live-queue.js';
import { adminRoutes } from './admin.js';
import { adminDashboardRoutes } from './admin-dashboard.js';
import { adminMetricsRoutes } from './admin-metrics.js';
import { adminQueueRoutes } from './admin-queue.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { fileRoutes } from './files.js';
import { type HealthDeps, healthRoutes } from './health.js';
import { metricsRoutes } from './metrics.js';

export interface HttpAppParts extends HealthDeps {
  /** Sites allowed to embed the web chat page in a frame (`webchat.embedOrigins`). */
  embedOrigins: readonly string[];
  adminToken: string | undefined;
  /** The web chat's and the platforms' routes (webhooks), met first. */
  customerRouters: readonly Router[];
  metrics: Metrics;
  files: FileStore;
  queueView: LiveQueueDeps;
  clock: Clock;
  logger: Logger;
}

export function createHttpApp(parts: HttpAppParts): Express {
  const { adminToken, channels, knowledge } = parts;
  const app = express();
  app.disable('x-powered-by');
  // API answers are never cached; hashing every body for an ETag cost ~1 % of CPU per message.
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // The page loads only its own script and style; the stream and API are same-origin.
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // Companies embed the chat in their own site: frame-ancestors names who may.
          frameAncestors: ["'self'", ...parts.embedOrigins],
          // A plain-http install on a LAN address must still load its own script and style.
          upgradeInsecureRequests: null,
        },
      },
      // X-Frame-Options cannot name other sites; frame-ancestors above replaces it.
      frameguard: false,
    }),
  );
  // Customer traffic first: every request walks the routers in order, and the paths never overlap.
  for (const router of parts.customerRouters) app.use(router);
  app.use(healthRoutes(parts));
  app.use(metricsRoutes(parts.metrics));
  app.use(fileRoutes(parts.files));
  app.use(adminRoutes({ adminToken, channels, knowledge }));
  app.use(adminQueueRoutes({ ...parts.queueView, adminToken }));
  app.use(adminDashboardRoutes());
  app.use(adminMetricsRoutes({ adminToken, metrics: parts.metrics, clock: parts.clock }));
  app.use(notFoundHandler);
  app.use(errorHandler(parts.logger));
  return app;
}
