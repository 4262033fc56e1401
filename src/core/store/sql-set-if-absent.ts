/**
 * Set-if-absent for the SQL backends: one upsert statement, atomic in both SQLite and PostgreSQL,
 * that only overwrites a row whose TTL has run out. Kept in its own table because keyv stores its
 * expiry inside the serialised value, where SQL cannot see it.
 */
import type { Clock } from '../clock.js';
import type { SetIfAbsentPrimitive } from './keyv-store.js';

export interface SqlSetIfAbsentOptions {
  query: (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;
  dialect: 'sqlite' | 'postgres';
  namespace: string;
  clock: Clock;
}

const TABLE = 'switchboard_once';
// Expired rows are harmless (the upsert overwrites them) but take space; sweep now and then.
const SWEEP_EVERY_N_CALLS = 1_000;

export function sqlSetIfAbsent(options: SqlSetIfAbsentOptions): SetIfAbsentPrimitive {
  const { query, dialect, namespace, clock } = options;
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
  const upsert =
    `INSERT INTO ${TABLE} (key, value, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ` +
    'ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at ' +
    `WHERE ${TABLE}.expires_at <= ${p(4)} RETURNING value`;
  const select = `SELECT value FROM ${TABLE} WHERE key = ${p(1)}`;
  const sweep = `DELETE FROM ${TABLE} WHERE expires_at <= ${p(1)}`;
  let ready: Promise<unknown> | undefined;
  let calls = 0;

  return async (key, json, ttlMs) => {
    ready ??= query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (key VARCHAR(512) PRIMARY KEY, value TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
      [],
    ).catch((error) => {
      ready = undefined; // let the next call try again
      throw error;
    });
    await ready;
    const now = clock.now();
    const fullKey = `${namespace}:${key}`;
    if (++calls % SWEEP_EVERY_N_CALLS === 0) await query(sweep, [now]);
    const inserted = await query(upsert, [fullKey, json, now + ttlMs, now]);
    if (inserted.length > 0) return { created: true, value: json };
    const existing = await query(select, [fullKey]);
    const value = existing[0]?.value;
    return { created: false, value: typeof value === 'string' ? value : json };
  };
}
