/**
 * A keyv store adapter for the embedded SQLite file, on better-sqlite3.
 *
 * Why not @keyv/sqlite: it runs every call through the asynchronous `sqlite3` driver, one query at a
 * time on one connection, in rollback-journal mode with a full disk sync per write. Measured with
 * `npm run bench` that capped the server at ~90 messages/s with the connection busy 99 % of the
 * time. Here statements are prepared once and run synchronously (microseconds each), and the file
 * is in WAL mode with synchronous=NORMAL: a committed write survives the process being killed
 * (it is in the OS's hands); only a power cut can lose the last few transactions.
 */
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter } from 'keyv';

const TABLE = 'switchboard_kv';
// keyv keeps a value's expiry inside its JSON; rows nobody reads again are swept now and then.
const SWEEP_EVERY_N_WRITES = 10_000;

export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; path: string };
  namespace?: string;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #writes = 0;

  /** Opens (creating if needed) the file; throws if it cannot be opened or written. */
  constructor(path: string) {
    super();
    this.opts = { dialect: 'sqlite', path };
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    // Another handle on the file (the kb CLI, a backup) may hold the write lock briefly.
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID`,
    );
    this.#sweepExpired();
  }

  /** Runs any SQL with positional parameters; rows for statements that return data. */
  query(sql: string, params: unknown[] = []): Array<Record<string, unknown>> {
    const statement = this.#prepare(sql);
    if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>;
    statement.run(...params);
    return [];
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const row = this.#prepare(`SELECT value FROM ${TABLE} WHERE key = ?`).get(key) as
      | { value: Value }
      | undefined;
    return row?.value;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    const select = this.#prepare(`SELECT value FROM ${TABLE} WHERE key = ?`);
    return keys.map((key) => (select.get(key) as { value: Value } | undefined)?.value);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#prepare(
      `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    ).run(key, value);
    if (++this.#writes % SWEEP_EVERY_N_WRITES === 0) this.#sweepExpired();
  }

  async delete(key: string): Promise<boolean> {
    return this.#prepare(`DELETE FROM ${TABLE} WHERE key = ?`).run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const remove = this.#prepare(`DELETE FROM ${TABLE} WHERE key = ?`);
    let changes = 0;
    this.#db.transaction(() => {
      for (const key of keys) changes += remove.run(key).changes;
    })();
    return changes > 0;
  }

  async has(key: string): Promise<boolean> {
    return this.#prepare(`SELECT 1 FROM ${TABLE} WHERE key = ?`).get(key) !== undefined;
  }

  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    this.#prepare(`DELETE FROM ${TABLE} WHERE substr(key, 1, ?) = ?`).run(prefix.length, prefix);
  }

  async disconnect(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #sweepExpired(): void {
    this.#prepare(
      `DELETE FROM ${TABLE} WHERE json_valid(value) AND json_extract(value, '$.expires') IS NOT NULL AND json_extract(value, '$.expires') < ?`,
    ).run(Date.now());
  }
}
