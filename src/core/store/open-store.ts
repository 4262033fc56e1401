/**
 * Builds the KeyValueStore that STORE_URL names: an embedded SQLite file by default, Redis or
 * PostgreSQL for several instances. Opening verifies a round trip, so a store that cannot be
 * reached stops startup with a clear error instead of failing on the first customer.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import KeyvRedis from '@keyv/redis';
import { createClient } from '@redis/client';
import Keyv from 'keyv';
import { type Clock, systemClock } from '../clock.js';
import { StoreUnavailableError } from '../errors.js';
import { withTimeout } from '../timeout.js';
import type { KeyValueStore } from './key-value.js';
import { KeyvStore, type SetIfAbsentPrimitive } from './keyv-store.js';
import { PostgresKeyvAdapter } from './postgres-adapter.js';
import { sqlSetIfAbsent } from './sql-set-if-absent.js';
import { SqliteKeyvAdapter } from './sqlite-adapter.js';
import { ValueCache } from './value-cache.js';

export interface OpenStoreOptions {
  /** Keys live under this prefix; tests use their own to stay apart on a shared server. */
  namespace?: string;
  clock?: Clock;
  /** How long to wait for the first round trip, in ms; also the query timeout for PostgreSQL. */
  connectTimeoutMs?: number;
  /** Errors of background connections (a dropped Redis or Postgres connection); they reconnect by themselves. */
  onError?: (error: Error) => void;
}

const DEFAULT_NAMESPACE = 'switchboard';
// Conversations, customers and recent messages are read again and again; 20k values is a few MB.
const SQLITE_CACHE_ENTRIES = 20_000;

// Everything stored is plain JSON (the model is serialisable by design); keyv's default serializer
// walks values looking for Buffers and BigInts, which cost 4 % of server CPU in `npm run bench`.
const PLAIN_JSON = { serialize: JSON.stringify, deserialize: JSON.parse } as const;

export async function openStore(storeUrl: string, options: OpenStoreOptions = {}): Promise<KeyValueStore> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.connectTimeoutMs ?? 5_000;
  const onError = options.onError ?? (() => {});
  const scheme = storeUrl.slice(0, storeUrl.indexOf(':'));
  const description = redact(storeUrl);
  let store: KeyValueStore;
  try {
    switch (scheme) {
      case 'sqlite':
        store = await openSqlite(storeUrl, description, namespace, clock);
        break;
      case 'redis':
      case 'rediss':
        store = await openRedis(storeUrl, description, namespace, timeoutMs, onError);
        break;
      case 'postgres':
      case 'postgresql':
        store = openPostgres(storeUrl, description, namespace, clock, timeoutMs, onError);
        break;
      default:
        throw new StoreUnavailableError(
          `STORE_URL "${description}" is not supported: use sqlite://<file>, redis://… or postgres://…`,
        );
    }
  } catch (error) {
    throw asUnavailable(error, description);
  }
  try {
    await withTimeout(
      store.ping(),
      timeoutMs,
      () => new StoreUnavailableError(`no answer from ${description} within ${timeoutMs} ms`),
    );
  } catch (error) {
    await store.close().catch(() => {});
    throw asUnavailable(error, description);
  }
  return store;
}

/** `sqlite://data/x.sqlite` is relative to the working directory; `sqlite:///var/x.sqlite` is absolute. */
export function sqlitePath(storeUrl: string): string {
  const path = storeUrl.slice('sqlite://'.length);
  if (path === '' || path === ':memory:') return ':memory:';
  return resolve(path);
}

async function openSqlite(url: string, description: string, namespace: string, clock: Clock) {
  const path = sqlitePath(url);
  if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  const adapter = await SqliteKeyvAdapter.open(path);
  const keyv = new Keyv({ store: adapter, namespace, throwOnErrors: true, ...PLAIN_JSON });
  return new KeyvStore({
    backend: 'sqlite',
    description,
    keyv,
    // The file is locked for this process, so nothing else can change what the cache holds.
    cache: new ValueCache(SQLITE_CACHE_ENTRIES),
    fatalError: () => adapter.failure,
    setIfAbsent: sqlSetIfAbsent({
      query: async (sql, params) => adapter.query(sql, params),
      dialect: 'sqlite',
      namespace,
      clock,
    }),
  });
}

async function openRedis(
  url: string,
  description: string,
  namespace: string,
  timeoutMs: number,
  onError: (error: Error) => void,
) {
  const client = createClient({
    url,
    // Fail fast while disconnected instead of queueing: a caller that cannot reach the store must
    // get an error it can answer with a retryable status, not hang or act on stale state.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries) => Math.min(2 ** retries * 100, 2_000),
    },
  });
  // Commands fail on their own while disconnected; the listener reports it (and keeps an
  // unhandled 'error' event from killing the process).
  client.on('error', onError);
  try {
    // connect() keeps retrying under the reconnect strategy and never rejects on its own.
    await withTimeout(
      client.connect(),
      timeoutMs,
      () => new StoreUnavailableError(`no answer from ${description} within ${timeoutMs} ms`),
    );
  } catch (error) {
    client.destroy();
    throw error;
  }
  const adapter = new KeyvRedis(client as never, {
    throwOnConnectError: true,
    throwOnErrors: true,
    namespace,
  });
  const keyv = new Keyv({
    store: adapter,
    namespace,
    throwOnErrors: true,
    useKeyPrefix: false,
    ...PLAIN_JSON,
  });
  const setIfAbsent: SetIfAbsentPrimitive = async (key, json, ttlMs) => {
    const fullKey = `${namespace}:once:${key}`;
    const stored = await client.set(fullKey, json, {
      condition: 'NX',
      expiration: { type: 'PX', value: ttlMs },
    });
    if (stored === 'OK') return { created: true, value: json };
    const existing = await client.get(fullKey);
    // The key can expire between SET and GET; then the caller's value is as good as any.
    return { created: false, value: existing ?? json };
  };
  return new KeyvStore({ backend: 'redis', description, keyv, setIfAbsent });
}

function openPostgres(
  url: string,
  description: string,
  namespace: string,
  clock: Clock,
  timeoutMs: number,
  onError: (error: Error) => void,
) {
  const adapter = new PostgresKeyvAdapter(url, { onPoolError: onError, timeoutMs });
  const keyv = new Keyv({ store: adapter, namespace, throwOnErrors: true, ...PLAIN_JSON });
  return new KeyvStore({
    backend: 'postgres',
    description,
    keyv,
    setIfAbsent: sqlSetIfAbsent({
      query: (sql, params) => adapter.query(sql, params),
      dialect: 'postgres',
      namespace,
      clock,
    }),
  });
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

function asUnavailable(error: unknown, description: string): StoreUnavailableError {
  if (error instanceof StoreUnavailableError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`cannot open store ${description}: ${reason}`, { cause: error });
}
