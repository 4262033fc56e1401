/**
 * A keyv store adapter for the embedded SQLite file, on better-sqlite3 in a worker thread.
 *
 * Why not @keyv/sqlite: it runs every call through the asynchronous `sqlite3` driver, one query at a
 * time on one connection, in rollback-journal mode with a full disk sync per write. Measured with
 * `npm run bench`, that capped the server at ~90 messages/s with the connection busy 99 % of the
 * time. Here:
 * - the connection lives in a worker thread (sqlite-worker.mjs), so statements and commit I/O use
 *   the second core instead of the event loop that serves HTTP;
 * - operations made in the same turn of the event loop go to the worker as one ordered batch and
 *   run in one transaction (group commit); each caller's promise resolves only after that COMMIT,
 *   so "written" still means durable. Reads travel in the same batches, so they see earlier writes;
 * - the file is in WAL mode with synchronous=NORMAL: a committed write survives the process being
 *   killed (it is in the OS's hands); only a power cut can lose the last few transactions;
 * - the file is locked for this process alone (a second server on the same file fails at start
 *   instead of corrupting state), which also makes an in-process read cache safe (KeyvStore's).
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { KeyvStoreAdapter } from 'keyv';

const TABLE = 'switchboard_kv';
// Expired rows nobody reads again are swept now and then.
const SWEEP_EVERY_N_WRITES = 10_000;

// A rowid table: with 0.4-0.7 kB JSON rows it inserts twice as fast as WITHOUT ROWID (measured
// 17.5 vs 35.7 µs). `expires` mirrors keyv's TTL so the sweep is an index range, not a scan.
const SCHEMA = `CREATE TABLE IF NOT EXISTS ${TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER);
  CREATE INDEX IF NOT EXISTS ${TABLE}_expires ON ${TABLE} (expires) WHERE expires IS NOT NULL;`;

const PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'locking_mode = EXCLUSIVE',
  // Checkpoints copy the WAL into the file and sync; at the default 1,000 pages they ran several
  // times a second under load. 10,000 pages (~40 MB of WAL) makes them rare.
  'wal_autocheckpoint = 10000',
];

const SQL = {
  get: `SELECT value FROM ${TABLE} WHERE key = ?`,
  has: `SELECT 1 AS found FROM ${TABLE} WHERE key = ?`,
  set: `INSERT INTO ${TABLE} (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
  delete: `DELETE FROM ${TABLE} WHERE key = ? RETURNING 1 AS deleted`,
  clear: `DELETE FROM ${TABLE} WHERE substr(key, 1, ?) = ?`,
  sweep: `DELETE FROM ${TABLE} WHERE expires IS NOT NULL AND expires < ?`,
};

type Rows = Array<Record<string, unknown>>;

interface Waiter {
  resolve: (rows: Rows) => void;
  reject: (error: Error) => void;
}

interface Batch {
  operations: Array<{ sql: string; params: unknown[] }>;
  waiters: Waiter[];
}

interface WorkerError {
  message: string;
  code?: string;
}

type WorkerReply =
  | { type: 'ready' }
  | { type: 'failed'; error: WorkerError }
  | { id: number; results: Array<{ rows: Rows } | { error: WorkerError }> }
  | { id: number; error: WorkerError };

export class SqliteKeyvAdapter extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { dialect: 'sqlite'; path: string };
  namespace?: string;
  readonly #worker: Worker;
  readonly #inFlight = new Map<number, Waiter[]>();
  #batch: Batch | undefined;
  #nextBatchId = 1;
  #writes = 0;
  #failure: Error | undefined;
  #closing = false;
  readonly #exited: Promise<void>;

  /** Opens (creating if needed) and locks the file; rejects if it cannot be opened or is in use. */
  static async open(path: string): Promise<SqliteKeyvAdapter> {
    const adapter = new SqliteKeyvAdapter(path);
    await adapter.#ready(path);
    return adapter;
  }

  private constructor(path: string) {
    super();
    this.opts = { dialect: 'sqlite', path };
    this.#worker = new Worker(new URL('./sqlite-worker.mjs', import.meta.url), {
      workerData: { path, schema: SCHEMA, pragmas: PRAGMAS },
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('message', (reply: WorkerReply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.once('exit', (code) =>
      this.#fail(new Error(`the SQLite worker stopped (exit code ${code})`)),
    );
  }

  /** Why the worker stopped unexpectedly; undefined while it runs or after a normal close. */
  get failure(): Error | undefined {
    return this.#closing ? undefined : this.#failure;
  }

  /** Runs any SQL with positional parameters, in order with every other operation; resolves after COMMIT. */
  query(sql: string, params: unknown[] = []): Promise<Rows> {
    if (this.#failure) return Promise.reject(this.#failure);
    let batch = this.#batch;
    if (!batch) {
      batch = { operations: [], waiters: [] };
      this.#batch = batch;
      setImmediate(() => this.#flush());
    }
    batch.operations.push({ sql, params });
    return new Promise<Rows>((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  async get<Value>(key: string): Promise<Value | undefined> {
    const [row] = await this.query(SQL.get, [key]);
    return row?.value as Value | undefined;
  }

  getMany<Value>(keys: string[]): Promise<Array<Value | undefined>> {
    return Promise.all(keys.map((key) => this.get<Value>(key)));
  }

  async set(key: string, value: string, ttl?: number): Promise<void> {
    const write = this.query(SQL.set, [key, value, ttl ? Date.now() + ttl : null]);
    if (++this.#writes % SWEEP_EVERY_N_WRITES === 0) void this.query(SQL.sweep, [Date.now()]).catch(() => {});
    await write;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.query(SQL.delete, [key])).length > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const deleted = await Promise.all(keys.map((key) => this.delete(key)));
    return deleted.some(Boolean);
  }

  async has(key: string): Promise<boolean> {
    return (await this.query(SQL.has, [key])).length > 0;
  }

  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    await this.query(SQL.clear, [prefix.length, prefix]);
  }

  /** Commits what is pending, then closes the file and stops the worker. */
  async disconnect(): Promise<void> {
    this.#closing = true;
    if (!this.#failure) {
      // The worker takes messages in order: batches posted before `close` are committed and
      // answered before it closes the file.
      this.#flush();
      this.#worker.postMessage({ type: 'close' });
    }
    await this.#exited;
  }

  #ready(path: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onReply = (reply: WorkerReply) => {
        if (!('type' in reply)) return;
        this.#worker.off('message', onReply);
        if (reply.type === 'ready') return resolve();
        void this.#worker.terminate();
        reject(
          reply.error.code === 'SQLITE_BUSY'
            ? new Error(
                `${path} is in use by another process (the embedded store serves one server at a time)`,
              )
            : toError(reply.error),
        );
      };
      this.#worker.on('message', onReply);
      this.#worker.once('error', reject);
    });
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = undefined;
    if (!batch || batch.operations.length === 0) return;
    const id = this.#nextBatchId++;
    this.#inFlight.set(id, batch.waiters);
    this.#worker.postMessage({ id, operations: batch.operations });
  }

  #settle(reply: WorkerReply): void {
    if (!('id' in reply)) return;
    const waiters = this.#inFlight.get(reply.id) ?? [];
    this.#inFlight.delete(reply.id);
    if ('error' in reply) {
      for (const waiter of waiters) waiter.reject(toError(reply.error));
      return;
    }
    reply.results.forEach((result, i) => {
      const waiter = waiters[i];
      if (!waiter) return;
      if ('rows' in result) waiter.resolve(result.rows);
      else waiter.reject(toError(result.error));
    });
  }

  /** The worker is gone: everything pending fails, and so does everything after. */
  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = [...this.#inFlight.values()].flat().concat(this.#batch?.waiters ?? []);
    this.#inFlight.clear();
    this.#batch = undefined;
    for (const waiter of pending) waiter.reject(this.#failure);
  }
}

function toError(error: WorkerError): Error {
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}
