/**
 * The embedded store's SQLite connection, in its own thread so statement execution and commit I/O
 * do not occupy the event loop that serves HTTP. It receives batches of statements, runs each batch
 * in one transaction, and answers once the batch is committed (or failed).
 *
 * Plain JavaScript on purpose: a worker is started from a file path, and this one must run the same
 * under `tsx` (npm start), vitest and the compiled build without a TypeScript loader.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, schema, pragmas } = workerData;
const statements = new Map();
let db;

function prepare(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}

function run({ sql, params }) {
  const statement = prepare(sql);
  if (statement.reader) return statement.all(...params);
  statement.run(...params);
  return [];
}

function describe(error) {
  return { message: error?.message ?? String(error), code: error?.code };
}

try {
  db = new Database(path);
  for (const pragma of pragmas) db.pragma(pragma);
  db.exec(schema);
  // The exclusive lock is taken by the first write: take it now, so a second server fails at start.
  db.exec('BEGIN IMMEDIATE; COMMIT');
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  db?.close();
  parentPort.postMessage({ type: 'failed', error: describe(error) });
}

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    db?.close();
    parentPort.close();
    return;
  }
  // A batch: statements in order, in one transaction. One failing statement fails only itself; a
  // failing COMMIT fails them all (their writes were rolled back).
  const results = [];
  try {
    prepare('BEGIN').run();
    for (const operation of message.operations) {
      try {
        results.push({ rows: run(operation) });
      } catch (error) {
        // Some errors (SQLITE_FULL, IOERR, NOMEM) roll back the whole transaction: then nothing of
        // this batch is stored, and every operation in it must be reported as failed.
        if (!db.inTransaction) throw error;
        results.push({ error: describe(error) });
      }
    }
    prepare('COMMIT').run();
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    parentPort.postMessage({ id: message.id, error: describe(error) });
    return;
  }
  parentPort.postMessage({ id: message.id, results });
});
