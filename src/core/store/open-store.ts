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
import type { EncryptionKeys } from '../privacy/encryption-keys.js';
import { withTimeout } from '../timeout.js';
import { withEncryption } from './encrypted-store.js';
import type { KeyValueStore } from './key-value.js';
import { type AtomicPrimitives, KeyvStore, type PubSub } from './keyv-store.js';
import { PostgresKeyvAdapter } from './postgres-adapter.js';
import { sqlAtomicPrimitives } from './sql-atomic.js';
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
  /** Keys that seal transcripts at rest (STORE_ENCRYPTION_KEY); unset: stored in the clear. */
  encryption?: EncryptionKeys;
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
  // Wrapped with or without keys: a sealed value read without its key fails clearly, never as garbage.
  try {
    return await withEncryption(store, options.encryption);
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
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
    atomic: sqlAtomicPrimitives({
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
  const client = newRedisClient(url, timeoutMs);
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
  return new KeyvStore({
    backend: 'redis',
    description,
    keyv,
    atomic: redisAtomicPrimitives(client, namespace),
    pubsub: redisPubSub(client, namespace, onError),
  });
}

// Deletes the key only while it holds the caller's value: a holder whose lease ran out and was
// taken over must not remove the new holder's.
const RELEASE_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

const EXTEND_SCRIPT =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/**
 * Redis pub/sub; a connection in subscriber mode can do nothing else, so subscriptions get a
 * duplicate of the client, made on the first subscribe.
 */
function redisPubSub(
  client: ReturnType<typeof newRedisClient>,
  namespace: string,
  onError: (error: Error) => void,
): PubSub {
  let subscriber: Promise<ReturnType<typeof newRedisClient>> | undefined;
  const channel = (topic: string) => `${namespace}:notice:${topic}`;
  return {
    async publish(topic, notice) {
      await client.publish(channel(topic), JSON.stringify(notice));
    },
    async subscribe(topic, listener) {
      subscriber ??= (async () => {
        const duplicate = client.duplicate();
        duplicate.on('error', onError);
        await duplicate.connect();
        return duplicate;
      })();
      const connection = await subscriber;
      const onJson = (json: string) => listener(JSON.parse(json));
      await connection.subscribe(channel(topic), onJson);
      return async () => {
        await connection.unsubscribe(channel(topic), onJson).catch(() => {});
      };
    },
    async close() {
      const connection = await subscriber?.catch(() => undefined);
      connection?.destroy();
    },
  };
}

function newRedisClient(url: string, timeoutMs: number) {
  return createClient({
    url,
    // Fail fast while disconnected instead of queueing: a caller that cannot reach the store must
    // get an error it can answer with a retryable status, not hang or act on stale state.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries) => Math.min(2 ** retries * 100, 2_000),
    },
  });
}

function redisAtomicPrimitives(
  client: ReturnType<typeof newRedisClient>,
  namespace: string,
): AtomicPrimitives {
  const once = (key: string) => `${namespace}:once:${key}`;
  const set = (key: string) => `${namespace}:set:${key}`;
  return {
    async setIfAbsent(key, json, ttlMs) {
      const stored = await client.set(once(key), json, {
        condition: 'NX',
        expiration: { type: 'PX', value: ttlMs },
      });
      if (stored === 'OK') return { created: true, value: json };
      const existing = await client.get(once(key));
      // The key can expire between SET and GET; then the caller's value is as good as any.
      return { created: false, value: existing ?? json };
    },
    async releaseIfHeld(key, json) {
      return (await client.eval(RELEASE_SCRIPT, { keys: [once(key)], arguments: [json] })) === 1;
    },
    async extendIfHeld(key, json, ttlMs) {
      return (
        (await client.eval(EXTEND_SCRIPT, { keys: [once(key)], arguments: [json, String(ttlMs)] })) === 1
      );
    },
    async addMember(key, member) {
      // A sorted set scored by time lists members in the order they were first added.
      await client.zAdd(set(key), { score: Date.now(), value: member }, { condition: 'NX' });
    },
    async removeMember(key, member) {
      await client.zRem(set(key), member);
    },
    async members(key) {
      return client.zRange(set(key), 0, -1);
    },
  };
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
    atomic: sqlAtomicPrimitives({
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
