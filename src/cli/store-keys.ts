/**
 * Every sealed key the store holds (customer:, conversation:, message:), read from the backend
 * itself: the KeyValueStore interface cannot list keys, and `reencrypt` must reach every value,
 * not only those an index points at. Table names and key prefixes are those of open-store.ts and
 * its adapters (keyv puts `<namespace>:` before each key; @keyv/redis `<namespace>::`).
 */
import Database from 'better-sqlite3';
import { SEALED_KEY_PREFIXES } from '../core/store/encrypted-store.js';
import { sqlitePath } from '../core/store/open-store.js';

/** openStore's default namespace, which the server uses. */
const NAMESPACE = 'switchboard';

/** Call before opening the store: an open SQLite store holds its file locked. */
export async function listSealedKeys(storeUrl: string): Promise<string[]> {
  const scheme = storeUrl.slice(0, storeUrl.indexOf(':'));
  if (scheme === 'sqlite') return fromSql(sqliteRows(storeUrl), `${NAMESPACE}:`);
  if (scheme === 'postgres' || scheme === 'postgresql')
    return fromSql(await postgresRows(storeUrl), `${NAMESPACE}:`);
  return redisKeys(storeUrl, `${NAMESPACE}::`);
}

function fromSql(keys: string[], prefix: string): string[] {
  return keys.filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

function sqliteRows(storeUrl: string): string[] {
  const db = new Database(sqlitePath(storeUrl), { readonly: true, fileMustExist: true });
  try {
    const like = SEALED_KEY_PREFIXES.map(() => 'key LIKE ?').join(' OR ');
    const rows = db
      .prepare(`SELECT key FROM switchboard_kv WHERE ${like}`)
      .all(...SEALED_KEY_PREFIXES.map((prefix) => `${NAMESPACE}:${prefix}%`)) as { key: string }[];
    return rows.map((row) => row.key);
  } finally {
    db.close();
  }
}

async function postgresRows(storeUrl: string): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: storeUrl });
  await client.connect();
  try {
    const patterns = SEALED_KEY_PREFIXES.map((prefix) => `${NAMESPACE}:${prefix}%`);
    const result = await client.query<{ key: string }>(
      'SELECT key FROM switchboard_store WHERE key LIKE ANY($1)',
      [patterns],
    );
    return result.rows.map((row) => row.key);
  } finally {
    await client.end();
  }
}

async function redisKeys(storeUrl: string, prefix: string): Promise<string[]> {
  const { createClient } = await import('@redis/client');
  const client = createClient({ url: storeUrl });
  await client.connect();
  try {
    const keys: string[] = [];
    for (const sealed of SEALED_KEY_PREFIXES) {
      for await (const batch of client.scanIterator({ MATCH: `${prefix}${sealed}*`, COUNT: 1000 })) {
        keys.push(...batch.map((key) => key.slice(prefix.length)));
      }
    }
    return keys;
  } finally {
    client.destroy();
  }
}
