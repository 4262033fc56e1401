/**
 * The admin API's first routes: what admins need to run the server — each channel's state (with
 * the WeChat login QR code) and the knowledge base's errors and warnings. Everything under
 * /admin/api needs `Authorization: Bearer <ADMIN_TOKEN>`; with no ADMIN_TOKEN set the API is off.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { Channel } from '../core/channel.js';
import type { Platform } from '../core/model.js';
import type { KnowledgeService } from '../knowledge/knowledge-service.js';

export interface AdminDeps {
  adminToken: string | undefined;
  channels: ReadonlyMap<Platform, Channel>;
  knowledge: KnowledgeService;
}

export function adminRoutes({ adminToken, channels, knowledge }: AdminDeps): Router {
  const router = Router();
  router.use('/admin/api', requireToken(adminToken));
  router.get('/admin/api/channels', (_req, res) => {
    res.json({
      channels: Object.fromEntries(
        [...channels].map(([name, channel]) => [
          name,
          { ...channel.health(), capabilities: channel.capabilities, ...channel.adminDetails?.() },
        ]),
      ),
    });
  });
  router.get('/admin/api/knowledge', (_req, res) => {
    res.json(knowledge.status());
  });
  return router;
}

/** Everything under /admin/api: 503 when ADMIN_TOKEN is unset, 401 without the right Bearer token. */
export function requireToken(adminToken: string | undefined) {
  const expected = adminToken ? digest(adminToken) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected) {
      res.status(503).json({
        error: { code: 'admin_disabled', message: 'the admin API is off: set ADMIN_TOKEN to turn it on' },
      });
      return;
    }
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    // Comparing digests keeps the comparison constant-time whatever the token's length.
    if (!token || !timingSafeEqual(digest(token), expected)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ error: { code: 'unauthorized', message: 'send Authorization: Bearer <ADMIN_TOKEN>' } });
      return;
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
