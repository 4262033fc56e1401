/**
 * `GET /files/:id/:name`: files handed on between platforms (src/core/files/file-store.ts), for the
 * customer's platform or browser to fetch. Served as downloads in a sandbox, never as pages.
 */
import { type Request, type Response, Router } from 'express';
import type { FileStore } from '../core/files/file-store.js';

export function fileRoutes(files: FileStore): Router {
  const router = Router();
  router.get('/files/:id/:name', async (req: Request, res: Response) => {
    const found = await files.read(String(req.params.id));
    if (!found) {
      res.status(404).json({ error: { code: 'not_found', message: 'no such file (it may have expired)' } });
      return;
    }
    const { file, data } = found;
    const inline = /^image\/(png|jpeg|gif|webp)$/.test(file.mime);
    res
      .status(200)
      .set({
        'Content-Type': file.mime,
        'Content-Length': String(data.byteLength),
        'Content-Disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'private, max-age=86400',
      })
      .end(data);
  });
  return router;
}
