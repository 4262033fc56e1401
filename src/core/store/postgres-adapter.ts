/**
 * A keyv store adapter for PostgreSQL on its own `pg` pool.
 *
 * Why not @keyv/postgres: it keeps its pool in a module-level singleton with no 'error' listener,
 * so a dropped connection (a Postgres restart, a failover, pg_terminate_backend) emitted an
 * unhandled 'error' event and killed the whole server. Here the pool is ours: errors on idle
 * connections are reported and the next query reconnects; connecting and statements time out so a
 * hung database cannot hold a conversation's lock forever.
 */
import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import pg from 'pg';

const TABLE = 'switchboard_store';

export interface PostgresAdapterOptions {
  /** Called with errors of idle connections (the pool replaces them by itself). */
  onPoolError: (error: Error) => void;
  timeoutMs: number;
}

export class PostgresKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'postgres' };
  namespace?: string;
  readonly #pool: pg.Pool;
  readonly #ready: Promise<unknown>;

  constructor(url: string, options: PostgresAdapterOptions) {
    super();
    this.opts = { dialect: 'postgres' };
    this.#pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: options.timeoutMs,
      statement_timeout: options.timeoutMs,
    });
    this.#pool.on('error', options.onPoolError);
    this.#ready = this.#pool.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (key VARCHAR(512) PRIMARY KEY, value TEXT NOT NULL, expires BIGINT)`,
    );
    this.#ready.catch(() => {}); // reported by the first query that awaits it
  }

  /** Runs any SQL with $n parameters once the table exists. */
  async query(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    await this.#ready;
    return (await this.#pool.query(sql, params)).rows;
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const [row] = await this.query(`SELECT value FROM ${TABLE} WHERE key = $1`, [key]);
    return row?.value as Value | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    const rows = await this.query(`SELECT key, value FROM ${TABLE} WHERE key = ANY($1)`, [keys]);
    const byKey = new Map(rows.map((row) => [row.key as string, row.value as Value]));
    return keys.map((key) => byKey.get(key));
  }

  async set(key: string, value: string, ttl?: number): Promise<void> {
    await this.query(
      `INSERT INTO ${TABLE} (key, value, expires) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
      [key, value, ttl ? Date.now() + ttl : null],
    );
  }

  async delete(key: string): Promise<boolean> {
    return (await this.query(`DELETE FROM ${TABLE} WHERE key = $1 RETURNING 1`, [key])).length > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    return (await this.query(`DELETE FROM ${TABLE} WHERE key = ANY($1) RETURNING 1`, [keys])).length > 0;
  }

  async has(key: string): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM ${TABLE} WHERE key = $1`, [key])).length > 0;
  }

  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    await this.query(`DELETE FROM ${TABLE} WHERE left(key, $1) = $2`, [prefix.length, prefix]);
  }

  async disconnect(): Promise<void> {
    await this.#pool.end();
  }
}
