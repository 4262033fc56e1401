/**
 * A keyv store adapter for the embedded SQLite file, on better-sqlite3.
 *
 * Why not @keyv/sqlite: it runs every call through the asynchronous `sqlite3` driver, one query at a
 * time on one connection, in rollback-journal mode with a full disk sync per write. Measured with
 * `npm run bench`, that capped the server at ~90 messages/s with the connection busy 99 % of the
 * time. Here:
 * - statements are prepared once and run synchronously (microseconds each);
 * - the file is in WAL mode with synchronous=NORMAL: a committed write survives the process being
 *   killed (it is in the OS's hands); only a power cut can lose the last few transactions;
 * - writes made in the same turn of the event loop share one transaction (group commit), and each
 *   caller's promise resolves only after that COMMIT, so "written" still means durable;
 * - the file is locked for this process alone (a second server on the same file fails at start
 *   instead of corrupting state), which also makes an in-process read cache safe (KeyvStore's).
 */
import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter } from 'keyv';

const TABLE = 'switchboard_kv';
// Expired rows nobody reads again are swept now and then.
const SWEEP_EVERY_N_WRITES = 10_000;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; path: string };
  namespace?: string;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  #transaction: Waiter[] | undefined;
  #writes = 0;

  /** Opens (creating if needed) and locks the file; throws if it cannot be opened or is in use. */
  constructor(path: string) {
    super();
    this.opts = { dialect: 'sqlite', path };
    this.#db = new Database(path);
    try {
      this.#db.pragma('journal_mode = WAL');
      this.#db.pragma('synchronous = NORMAL');
      this.#db.pragma('locking_mode = EXCLUSIVE');
      // Checkpoints copy the WAL into the file and sync; at the default 1,000 pages they ran several
      // times a second under load. 10,000 pages (~40 MB of WAL) makes them rare.
      this.#db.pragma('wal_autocheckpoint = 10000');
      // The exclusive lock is taken by the first write; take it now so a second server fails here.
      // A rowid table: with 0.4-0.7 kB JSON rows it inserts twice as fast as WITHOUT ROWID (measured
      // 17.5 vs 35.7 µs). `expires` mirrors keyv's TTL so the sweep is an index range, not a scan.
      this.#db.exec(
        `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER);
         CREATE INDEX IF NOT EXISTS ${TABLE}_expires ON ${TABLE} (expires) WHERE expires IS NOT NULL;`,
      );
      this.#db.exec('BEGIN IMMEDIATE; COMMIT');
      this.#sweepExpired();
    } catch (error) {
      this.#db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new Error(
          `${path} is in use by another process (the embedded store serves one server at a time)`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /**
   * Runs any SQL with positional parameters and resolves with the rows it returns. Statements that
   * write join the current group transaction and resolve after its COMMIT.
   */
  query(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const statement = this.#prepare(sql);
    const execute = () => {
      if (statement.reader) return statement.all(...params) as Array<Record<string, unknown>>;
      statement.run(...params);
      return [];
    };
    return statement.readonly ? Promise.resolve(execute()) : this.#write(execute);
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    return this.#read(key) as Value | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    return keys.map((key) => this.#read(key) as Value | undefined);
  }

  set(key: string, value: string, ttl?: number): Promise<void> {
    return this.#write(() => {
      this.#prepare(
        `INSERT INTO ${TABLE} (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
      ).run(key, value, ttl ? Date.now() + ttl : null);
    });
  }

  delete(key: string): Promise<boolean> {
    return this.#write(() => {
      return this.#prepare(`DELETE FROM ${TABLE} WHERE key = ?`).run(key).changes > 0;
    });
  }

  deleteMany(keys: string[]): Promise<boolean> {
    return this.#write(() => {
      const remove = this.#prepare(`DELETE FROM ${TABLE} WHERE key = ?`);
      let changes = 0;
      for (const key of keys) {
        changes += remove.run(key).changes;
      }
      return changes > 0;
    });
  }

  async has(key: string): Promise<boolean> {
    return this.#read(key) !== undefined;
  }

  clear(): Promise<void> {
    return this.#write(() => {
      const prefix = this.namespace ? `${this.namespace}:` : '';
      this.#prepare(`DELETE FROM ${TABLE} WHERE substr(key, 1, ?) = ?`).run(prefix.length, prefix);
    });
  }

  async disconnect(): Promise<void> {
    if (this.#transaction) this.#commit();
    if (this.#db.open) this.#db.close();
  }

  #read(key: string): string | undefined {
    return (
      this.#prepare(`SELECT value FROM ${TABLE} WHERE key = ?`).get(key) as { value: string } | undefined
    )?.value;
  }

  /** Runs `work` inside the current group transaction; resolves with its result after COMMIT. */
  #write<T>(work: () => T): Promise<T> {
    if (!this.#transaction) {
      this.#prepare('BEGIN').run();
      this.#transaction = [];
      setImmediate(() => this.#commit());
    }
    const waiters = this.#transaction;
    let result: T;
    try {
      result = work();
    } catch (error) {
      return Promise.reject(error); // one failed statement does not undo the others in the batch
    }
    if (++this.#writes % SWEEP_EVERY_N_WRITES === 0) this.#sweepExpired();
    return new Promise<T>((resolve, reject) => waiters.push({ resolve: () => resolve(result), reject }));
  }

  #commit(): void {
    const waiters = this.#transaction ?? [];
    this.#transaction = undefined;
    try {
      this.#prepare('COMMIT').run();
    } catch (error) {
      try {
        this.#db.exec('ROLLBACK');
      } catch {
        // The failed COMMIT may already have rolled back.
      }
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    for (const waiter of waiters) waiter.resolve();
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** keyv ignores expired values on read; this reclaims their rows. */
  #sweepExpired(): void {
    this.#prepare(`DELETE FROM ${TABLE} WHERE expires IS NOT NULL AND expires < ?`).run(Date.now());
  }
}
