/**
 * A stand-in Bot Connector on 127.0.0.1: records what the bot posts to
 * `POST /v3/conversations/{id}/activities[/{replyToId}]` and can answer the next post with 429.
 * Replayed activities get their `serviceUrl` pointed here, so every reply lands in `calls`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  conversationId: string;
  authorization?: string;
  replyToId?: string;
  activity: Record<string, unknown>;
}

export class ConnectorRecorder {
  /** Posts answered 200, in order. */
  readonly calls: ConnectorCall[] = [];
  /** Every post, answered or refused. */
  attempts = 0;
  url = '';
  #server: Server | undefined;
  #refusals: { status: number; retryAfter?: string }[] = [];

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
        if (req.method !== 'POST' || !match?.[1]) {
          res.writeHead(404).end();
          return;
        }
        this.attempts++;
        const refusal = this.#refusals.shift();
        if (refusal) {
          const headers = refusal.retryAfter ? { 'Retry-After': refusal.retryAfter } : {};
          res.writeHead(refusal.status, { 'Content-Type': 'application/json', ...headers });
          res.end(JSON.stringify({ error: { code: 'Throttled', message: 'slow down' } }));
          return;
        }
        this.calls.push({
          conversationId: decodeURIComponent(match[1]),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          ...(match[2] ? { replyToId: decodeURIComponent(match[2]) } : {}),
          activity: JSON.parse(body) as Record<string, unknown>,
        });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${this.calls.length}` }));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
    return this;
  }

  /** The next post is answered with `status` (and Retry-After when given) instead of delivered. */
  refuseNext(status: number, retryAfter?: string): void {
    this.#refusals.push({ status, ...(retryAfter !== undefined ? { retryAfter } : {}) });
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }
}
