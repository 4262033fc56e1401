/**
 * The atomic operations for the SQL backends, each one statement, atomic in both SQLite and
 * PostgreSQL. Kept in tables of their own because keyv stores a value's expiry inside the
 * serialised value, where SQL cannot see it:
 *
 *   switchboard_once  set-if-absent keys with an expiry (dedupe claims, leases); an upsert only
 *                     overwrites a row whose TTL has run out
 *   switchboard_sets  set members (indexes such as the outbox), in the order first added
 */
import type { Clock } from '../clock.js';
import type { AtomicPrimitives } from './keyv-store.js';

export interface SqlAtomicOptions {
  query: (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;
  dialect: 'sqlite' | 'postgres';
  namespace: string;
  clock: Clock;
}

const ONCE = 'switchboard_once';
const SETS = 'switchboard_sets';
// Expired rows are harmless (the upsert overwrites them) but take space; sweep now and then.
const SWEEP_EVERY_N_CALLS = 1_000;

export function sqlAtomicPrimitives(options: SqlAtomicOptions): AtomicPrimitives {
  const { query, dialect, namespace, clock } = options;
  const p = (n: number) => (dialect === 'postgres' ? `$${n}` : '?');
  const upsert =
    `INSERT INTO ${ONCE} (key, value, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ` +
    'ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at ' +
    `WHERE ${ONCE}.expires_at <= ${p(4)} RETURNING value`;
  const select = `SELECT value FROM ${ONCE} WHERE key = ${p(1)}`;
  const sweep = `DELETE FROM ${ONCE} WHERE expires_at <= ${p(1)}`;
  const release = `DELETE FROM ${ONCE} WHERE key = ${p(1)} AND value = ${p(2)} AND expires_at > ${p(3)} RETURNING key`;
  const extend = `UPDATE ${ONCE} SET expires_at = ${p(1)} WHERE key = ${p(2)} AND value = ${p(3)} AND expires_at > ${p(4)} RETURNING key`;
  const add =
    `INSERT INTO ${SETS} (set_key, member, added_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}) ` +
    'ON CONFLICT (set_key, member) DO NOTHING';
  const remove = `DELETE FROM ${SETS} WHERE set_key = ${p(1)} AND member = ${p(2)}`;
  const list = `SELECT member FROM ${SETS} WHERE set_key = ${p(1)} ORDER BY added_at, member`;
  let ready: Promise<unknown> | undefined;
  let calls = 0;
  const prepared = async () => {
    ready ??= (async () => {
      await query(
        `CREATE TABLE IF NOT EXISTS ${ONCE} (key VARCHAR(512) PRIMARY KEY, value TEXT NOT NULL, expires_at BIGINT NOT NULL)`,
        [],
      );
      await query(
        `CREATE TABLE IF NOT EXISTS ${SETS} (set_key VARCHAR(512) NOT NULL, member VARCHAR(512) NOT NULL, added_at BIGINT NOT NULL, PRIMARY KEY (set_key, member))`,
        [],
      );
    })().catch((error) => {
      ready = undefined; // let the next call try again
      throw error;
    });
    await ready;
  };
  const full = (key: string) => `${namespace}:${key}`;

  return {
    async setIfAbsent(key, json, ttlMs) {
      await prepared();
      const now = clock.now();
      if (++calls % SWEEP_EVERY_N_CALLS === 0) await query(sweep, [now]);
      const inserted = await query(upsert, [full(key), json, now + ttlMs, now]);
      if (inserted.length > 0) return { created: true, value: json };
      const existing = await query(select, [full(key)]);
      const value = existing[0]?.value;
      return { created: false, value: typeof value === 'string' ? value : json };
    },
    async releaseIfHeld(key, json) {
      await prepared();
      return (await query(release, [full(key), json, clock.now()])).length > 0;
    },
    async extendIfHeld(key, json, ttlMs) {
      await prepared();
      const now = clock.now();
      return (await query(extend, [now + ttlMs, full(key), json, now])).length > 0;
    },
    async addMember(set, member) {
      await prepared();
      await query(add, [full(set), member, clock.now()]);
    },
    async removeMember(set, member) {
      await prepared();
      await query(remove, [full(set), member]);
    },
    async members(set) {
      await prepared();
      return (await query(list, [full(set)])).map((row) => String(row.member));
    },
  };
}
