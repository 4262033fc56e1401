/**
 * A stand-in Bot Connector on 127.0.0.1: records what the bot posts to
 * `POST /v3/conversations/{id}/activities[/{replyToId}]` and can answer the next post with 429.
 * Replayed activities get their `serviceUrl` pointed here, so every reply lands in `calls`.
 * For the agent desk it also records new channel threads (`POST /v3/conversations`, answered like
 * Teams: `{id: '<channel>;messageid=<root>', activityId: '<root>'}`) and card updates
 * (`PUT /v3/conversations/{id}/activities/{activityId}`). It serves files at GET paths too, as the
 * Bot Connector serves images agents paste (`/v3/attachments/{id}/views/original`), and records
 * every GET.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ConnectorCall {
  conversationId: string;
  authorization?: string;
  replyToId?: string;
  activity: Record<string, unknown>;
}

export interface ConnectorThread {
  /** The root message id Teams gave the new thread. */
  root: string;
  /** The channel the thread was created in (`channelData.channel.id`). */
  channelId: string;
  parameters: Record<string, unknown>;
  activity: Record<string, unknown>;
}

export interface ConnectorDownload {
  path: string;
  authorization?: string;
}

export interface ConnectorUpdate {
  conversationId: string;
  activityId: string;
  activity: Record<string, unknown>;
}

/** Root ids like Teams' (millisecond timestamps): parse.ts reads `;messageid=` as digits. */
const FIRST_ROOT = 1_800_000_000_000;

export class ConnectorRecorder {
  /** Posts answered 200, in order. */
  readonly calls: ConnectorCall[] = [];
  /** Threads created (createConversation), in order. */
  readonly threads: ConnectorThread[] = [];
  /** Activities updated (updateActivity), in order. */
  readonly updates: ConnectorUpdate[] = [];
  /** Every GET, served or not. */
  readonly downloads: ConnectorDownload[] = [];
  /** Every post, answered or refused. */
  attempts = 0;
  url = '';
  #server: Server | undefined;
  #refusals: { status: number; retryAfter?: string }[] = [];
  #files = new Map<string, { data: Buffer; type: string }>();

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        const url = req.url ?? '';
        if (req.method === 'GET') {
          this.downloads.push({
            path: url,
            ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          });
          const file = this.#files.get(url);
          if (!file) res.writeHead(404).end();
          else res.writeHead(200, { 'Content-Type': file.type }).end(file.data);
          return;
        }
        const create = req.method === 'POST' && /^\/v3\/conversations\/?$/.test(url);
        const update = /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/.exec(url);
        const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url);
        if (!create && !(req.method === 'PUT' && update) && !(req.method === 'POST' && match?.[1])) {
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
        const json = JSON.parse(body) as Record<string, unknown>;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        if (create) {
          const root = String(FIRST_ROOT + this.threads.length + 1);
          const channelData = json.channelData as { channel?: { id?: string } } | undefined;
          const channelId = channelData?.channel?.id ?? '';
          this.threads.push({
            root,
            channelId,
            parameters: json,
            activity: (json.activity ?? {}) as Record<string, unknown>,
          });
          res.end(JSON.stringify({ id: `${channelId};messageid=${root}`, activityId: root }));
          return;
        }
        if (req.method === 'PUT' && update?.[1] && update[2]) {
          const activityId = decodeURIComponent(update[2]);
          this.updates.push({ conversationId: decodeURIComponent(update[1]), activityId, activity: json });
          res.end(JSON.stringify({ id: activityId }));
          return;
        }
        this.calls.push({
          conversationId: decodeURIComponent(match?.[1] ?? ''),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          ...(match?.[2] ? { replyToId: decodeURIComponent(match[2]) } : {}),
          activity: json,
        });
        res.end(JSON.stringify({ id: `reply-${this.calls.length}` }));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
    return this;
  }

  /** Serves `data` at `path` (e.g. `/v3/attachments/1/views/original`); returns its full URL. */
  serveFile(path: string, data: Buffer, type: string): string {
    this.#files.set(path, { data, type });
    return new URL(path, this.url).toString();
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
