// SQLite storage adapter for Node: the durable StorageAdapter (see adapter.js) of a server or a
// script, on better-sqlite3 12.x. better-sqlite3 is an optional peer dependency, imported on the
// first open, so that importing the package never needs it.
//
// One table, `kv (k TEXT NOT NULL PRIMARY KEY COLLATE BINARY, v TEXT NOT NULL)`: a rowid table
// and the index of its keys, not a WITHOUT ROWID table, because records are large (a Message
// Center's median record is 1.1 kB, a state page 35 kB) and a WITHOUT ROWID b-tree page keeps only
// about 1 kB of a row. bench/sqlite.mjs, 20k records of those sizes: a get costs 4.2 µs against
// 27 µs, an overwrite of 10 records 55 µs against 290 µs (by upsert, which keeps the rowid: INSERT
// OR REPLACE costs 920 µs), and the file is 144 MB against 173 MB.
//
// Keys compare with the BINARY collation, memcmp of their UTF-8 bytes, which is JavaScript's order
// (UTF-16 code units) for strings without surrogates: keys holding one are refused (the contract's
// keys are ASCII), and a range bound holding one is mapped to the equivalent bound without. Values
// are any well-formed string; one with a lone surrogate is refused, since UTF-8 cannot carry it
// (better-sqlite3 would store replacement characters instead).
//
// Durability: WAL journal, `synchronous=FULL` by default, so the WAL is fsynced at every commit and a
// write that resolved survives a crash of the process and of the machine (power loss). `normal`
// syncs only at checkpoints: a resolved write still survives the process being killed, but the last
// commits before a power loss or an OS crash may be rolled back (the store stays consistent, only
// older). A write is one transaction: all or nothing.
//
// One process at a time: the connection is in `locking_mode=EXCLUSIVE` and takes the lock at open
// with a write transaction, holding it until close (in this mode the WAL index lives in the heap:
// there is no -shm file). A second adapter on the file, in this process or another, gets SQLITE_BUSY
// (after `busyTimeoutMs`), reported as STORAGE_LOCKED.
//
// better-sqlite3 is synchronous: each call runs to completion when it is made (so operations apply
// in call order and the caller's batch is read before write returns) and blocks the event loop
// meanwhile.

import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkKeys, checkRange, checkWrite, storageError, INVALID_ARGUMENT, STORAGE_FAILED, STORAGE_LOCKED } from './adapter.js';

/** `PRAGMA application_id` of our files ('mcKV'): tells them from other SQLite databases. */
const APPLICATION_ID = 0x6d634b56;
/** `PRAGMA user_version`: the layout of the table (a later one would migrate from it). */
const SCHEMA_VERSION = 1;

/** A surrogate code unit: where UTF-8 byte order and JavaScript's order part. */
const SURROGATE = /[\ud800-\udfff]/;

/** @param {string} message */
const invalid = (message) => storageError(INVALID_ARGUMENT, message);

/** @param {unknown} e */
const describeError = (e) => (e && typeof e === 'object' && 'code' in e && e.code ? `${e.code}: ${/** @type {Error} */ (e).message}` : String(/** @type {Error} */ (e)?.message ?? e));

/**
 * Validate the options of `openSQLiteStorage`.
 *
 * @param {unknown} options
 */
function checkOptions(options) {
  if (options === null || typeof options !== 'object') throw invalid('openSQLiteStorage: options must be an object { path }');
  const { path, synchronous = 'full', busyTimeoutMs = 0 } = /** @type {{ path?: unknown, synchronous?: unknown, busyTimeoutMs?: unknown }} */ (options);
  if (typeof path !== 'string' || path === '') throw invalid("openSQLiteStorage: path must be a non-empty string (a file path, or ':memory:')");
  // better-sqlite3 trims the name: " a.db" would open another file than the one named.
  if (path.trim() !== path) throw invalid(`openSQLiteStorage: path ${JSON.stringify(path)} starts or ends with white space`);
  if (synchronous !== 'full' && synchronous !== 'normal') throw invalid(`openSQLiteStorage: synchronous must be 'full' or 'normal', got ${JSON.stringify(synchronous) ?? typeof synchronous}`);
  if (typeof busyTimeoutMs !== 'number' || !Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 0x7fffffff) {
    throw invalid('openSQLiteStorage: busyTimeoutMs must be an integer number of ms, 0 to 2147483647');
  }
  return { path, synchronous, busyTimeoutMs };
}

/**
 * better-sqlite3's `Database` class, imported on demand.
 *
 * @returns {Promise<any>}
 */
async function loadDriver() {
  let mod;
  try {
    mod = await import('better-sqlite3');
  } catch (e) {
    const code = /** @type {{ code?: unknown }} */ (e)?.code;
    // Only the package itself missing (not one of its own dependencies) means "not installed".
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]better-sqlite3['"]/.test(String(/** @type {Error} */ (e).message))) {
      throw storageError(STORAGE_FAILED, 'openSQLiteStorage needs the optional peer dependency better-sqlite3 12.x: npm install better-sqlite3@12', e);
    }
    throw storageError(STORAGE_FAILED, `openSQLiteStorage could not load better-sqlite3: ${describeError(e)}`, e);
  }
  return mod.default ?? mod;
}

/**
 * Key checks of this adapter on top of the shared ones: no surrogate (see the top of this file).
 *
 * @param {string} key
 * @param {string} where e.g. `get: keys[3]`
 */
function checkKeyChars(key, where) {
  if (SURROGATE.test(key)) {
    throw invalid(`${where} holds a surrogate (a character outside the Basic Multilingual Plane, or a lone one): SQLite storage orders keys by their UTF-8 bytes, which only agrees with JavaScript's order without them (keys are ASCII)`);
  }
}

/**
 * The equivalent of a range bound for keys without surrogates: a key is below `bound` exactly when
 * it is below the bound's text up to its first surrogate followed by U+E000 (the first code unit
 * after the surrogates), which UTF-8 carries.
 *
 * @param {string} bound
 */
function sqlBound(bound) {
  const at = bound.search(SURROGATE);
  return at < 0 ? bound : `${bound.slice(0, at)}\ue000`;
}

/**
 * The index of the first lone surrogate of `s`, or -1.
 *
 * @param {string} s
 */
function loneSurrogate(s) {
  if (s.isWellFormed()) return -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    else if (c >= 0xd800 && c <= 0xdfff) return i;
  }
  return -1;
}

/**
 * Open (creating if needed) the SQLite storage adapter on the file at `path`. Its directory must
 * exist: a mistyped path is an error, not a new empty store somewhere else.
 *
 * @param {object} options
 * @param {string} options.path The database file (created if absent), or `':memory:'` (nothing persists).
 * @param {'full' | 'normal'} [options.synchronous] `full` (default): a resolved write survives a power
 *   loss; `normal`: faster, survives the process being killed, may lose the last writes on power loss.
 * @param {number} [options.busyTimeoutMs] How long to wait for another process holding the file to let
 *   go of it before `STORAGE_LOCKED` (default 0: at once).
 * @returns {Promise<import('./adapter.js').StorageAdapter>}
 */
export async function openSQLiteStorage(options) {
  const { path, synchronous, busyTimeoutMs } = checkOptions(options);
  const Database = await loadDriver();
  const memory = path === ':memory:';
  const name = JSON.stringify(path);
  if (!memory && !existsSync(dirname(path))) {
    throw storageError(STORAGE_FAILED, `cannot open SQLite storage ${name}: the directory ${JSON.stringify(dirname(path))} does not exist (create it first)`);
  }

  /** @type {any} */
  let db;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    // Before the first access: the lock is then held from the first read to close().
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // A write transaction takes the lock now, not at the first write of the engine; what the file
    // holds is checked before anything in it changes (even its journal mode).
    const empty = immediate(db, () => checkSchema(db, name));
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!memory && mode !== 'wal') throw new Error(`journal_mode is ${mode}, not wal`);
    if (empty) immediate(db, () => createSchema(db));
  } catch (e) {
    try {
      db?.close();
    } catch {
      // Already failing: the first error is the one to report.
    }
    throw openError(e, name);
  }

  const getOne = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
  // Many keys: one prepared statement per key (one bound variable, whatever the number of keys), all
  // in one read transaction. bench/sqlite.mjs, 200 keys: 830–860 µs; 925 µs without the
  // transaction; 790–1,030 µs as one json_each join, no faster for the cost of a JSON text. One key
  // goes alone: 5.1 µs (6.0 µs in a transaction, 6.5–7.3 µs by json_each).
  const getMany = db.transaction((/** @type {string[]} */ keys) => keys.map((k) => getOne.get(k)));
  const rangeStmt = db.prepare('SELECT k, v FROM kv WHERE k >= ? AND k < ? ORDER BY k LIMIT ?').raw();
  const putStmt = db.prepare('INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v');
  const delStmt = db.prepare('DELETE FROM kv WHERE k = ?');
  const writeAll = db.transaction((/** @type {Array<[string, string]>} */ put, /** @type {string[]} */ del) => {
    for (const k of del) delStmt.run(k);
    for (const [k, v] of put) putStmt.run(k, v);
  });
  let closed = false;

  function checkOpen() {
    if (closed) throw storageError(STORAGE_FAILED, `sqlite storage ${name} is closed`);
  }

  /**
   * Run a statement, turning a SQLite failure into STORAGE_FAILED (a transaction was rolled back).
   *
   * @template T
   * @param {string} what
   * @param {() => T} fn
   * @returns {T}
   */
  function run(what, fn) {
    try {
      return fn();
    } catch (e) {
      throw storageError(STORAGE_FAILED, `sqlite ${what} failed on ${name}: ${describeError(e)}`, e);
    }
  }

  return {
    async get(keys) {
      checkKeys(keys);
      for (let i = 0; i < keys.length; i++) checkKeyChars(keys[i], `get: keys[${i}]`);
      checkOpen();
      if (keys.length === 1) return run('get', () => [getOne.get(keys[0])]);
      return run('get', () => getMany(keys));
    },

    async range(r) {
      const { gte, lt, limit } = checkRange(r);
      checkOpen();
      return run('range', () => rangeStmt.all(sqlBound(gte), sqlBound(lt), limit));
    },

    async write(batch) {
      const { put, del } = checkWrite(batch);
      for (let i = 0; i < put.length; i++) {
        checkKeyChars(put[i][0], `write: put[${i}] key`);
        const at = loneSurrogate(put[i][1]);
        if (at >= 0) {
          throw invalid(`write: put[${i}] value holds a lone surrogate (U+${put[i][1].charCodeAt(at).toString(16).toUpperCase()} at index ${at}): SQLite stores UTF-8, which cannot carry it`);
        }
      }
      for (let i = 0; i < del.length; i++) checkKeyChars(del[i], `write: del[${i}]`);
      checkOpen();
      if (put.length === 0 && del.length === 0) return;
      run('write', () => writeAll(put, del));
    },

    async close() {
      if (closed) return;
      closed = true;
      // Checkpoints the WAL into the file, removes it, and lets go of the lock.
      run('close', () => db.close());
    },
  };
}

/**
 * Run `fn` in a write transaction (BEGIN IMMEDIATE), rolled back if it throws.
 *
 * @template T
 * @param {any} db
 * @param {() => T} fn
 * @returns {T}
 */
function immediate(db, fn) {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/**
 * Whether the file is empty (a new store); throws unless it is empty or one of our stores.
 *
 * @param {any} db
 * @param {string} name the path, quoted, for messages
 */
function checkSchema(db, name) {
  const objects = db.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  if (objects === 0) return true;
  const appId = db.pragma('application_id', { simple: true });
  if (appId !== APPLICATION_ID) {
    throw storageError(STORAGE_FAILED, `cannot open SQLite storage ${name}: it is a SQLite database of another application (application_id ${appId}), not a message-center storage`);
  }
  const version = db.pragma('user_version', { simple: true });
  if (version !== SCHEMA_VERSION) {
    throw storageError(STORAGE_FAILED, `cannot open SQLite storage ${name}: its table layout is version ${version}, this adapter reads version ${SCHEMA_VERSION}`);
  }
  return false;
}

/** @param {any} db a new, empty file */
function createSchema(db) {
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  db.exec('CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY COLLATE BINARY, v TEXT NOT NULL)');
}

/**
 * The error of a failed open.
 *
 * @param {unknown} e
 * @param {string} name the path, quoted
 */
function openError(e, name) {
  const err = /** @type {Error & { code?: string }} */ (e);
  if (err?.code === STORAGE_FAILED) return err;
  if (err?.code === 'SQLITE_BUSY' || err?.code === 'SQLITE_LOCKED') {
    return storageError(STORAGE_LOCKED, `SQLite storage ${name} is open in another process or adapter: close it there first (one Message Center works on a storage at a time)`, e);
  }
  if (err?.code === 'SQLITE_NOTADB') return storageError(STORAGE_FAILED, `cannot open SQLite storage ${name}: the file is not a SQLite database`, e);
  if (err?.code === 'SQLITE_CORRUPT') return storageError(STORAGE_FAILED, `cannot open SQLite storage ${name}: the database file is corrupt (${err.message})`, e);
  return storageError(STORAGE_FAILED, `cannot open SQLite storage ${name}: ${describeError(e)}`, e);
}
