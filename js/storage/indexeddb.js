// IndexedDB storage adapter: the persistent StorageAdapter (see adapter.js) used in browsers,
// and in Node on top of fake-indexeddb for tests.
//
// One database (version 1) with one object store `kv` using out-of-line string keys and string
// values. Following the idb library's rules, nothing but a transaction's own requests is awaited
// inside that transaction: every request is issued synchronously, and results are collected when the
// transaction completes. Ranges use getAllKeys + getAll in one transaction (never cursors: they are
// quadratic in fake-indexeddb). Writes use one readwrite transaction with durability 'strict' and
// resolve only on `complete`; any request error, transaction error or abort (quota errors only show on
// the transaction) rejects with STORAGE_FAILED after the transaction has rolled back.

import { checkKeys, checkRange, checkWrite, storageError, STORAGE_FAILED, STORAGE_LOCKED } from './adapter.js';

const VERSION = 1;
const STORE = 'kv';
/** IndexedDB's `count` is an unsigned long. */
const MAX_COUNT = 0xffffffff;

/**
 * Create or migrate the schema. Each case upgrades from that version and falls through to the next.
 *
 * @param {IDBDatabase} db
 * @param {number} oldVersion
 */
function upgrade(db, oldVersion) {
  switch (oldVersion) {
    case 0:
      db.createObjectStore(STORE);
    // falls through (future: case 1: …)
  }
}

/** @param {unknown} e */
function describeError(e) {
  return e && typeof e === 'object' && 'name' in e ? `${e.name}: ${/** @type {Error} */ (e).message}` : String(e);
}

/**
 * Open (creating or upgrading if needed) the database. Stays pending while blocked by older
 * connections; those receive `versionchange` and, if they are ours, close themselves.
 *
 * @param {IDBFactory} indexedDB
 * @param {string} name
 * @param {() => void} [onBlocked]
 * @returns {Promise<IDBDatabase>}
 */
function openDatabase(indexedDB, name, onBlocked) {
  return new Promise((resolve, reject) => {
    /** @type {IDBOpenDBRequest} */
    let req;
    try {
      req = indexedDB.open(name, VERSION);
    } catch (e) {
      reject(storageError(STORAGE_FAILED, `cannot open IndexedDB database "${name}": ${describeError(e)}`, e));
      return;
    }
    req.onupgradeneeded = (event) => upgrade(req.result, event.oldVersion);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(storageError(STORAGE_FAILED, `cannot open IndexedDB database "${name}": ${describeError(req.error)}`, req.error));
    req.onblocked = () => onBlocked?.();
  });
}

/**
 * Open the IndexedDB storage adapter.
 *
 * @param {object} [options]
 * @param {string} [options.name] Database name.
 * @param {IDBFactory} [options.indexedDB] Factory (e.g. a fake-indexeddb `IDBFactory` in Node).
 * @param {typeof IDBKeyRange} [options.IDBKeyRange] Key-range class of the same implementation as `indexedDB`
 *   (defaults to `globalThis.IDBKeyRange`; pass fake-indexeddb's when using its factory).
 * @param {() => void} [options.onBlocked] Called if opening waits on other connections.
 * @param {() => void} [options.onVersionChange] Called after the connection was closed because another
 *   connection wants to upgrade or delete the database.
 * @param {boolean} [options.exclusive] Hold a Web Lock on the database while it is open (default true
 *   where `navigator.locks` exists): a second tab opening the same database is refused with
 *   `STORAGE_LOCKED` instead of writing beside the first (the engine keeps its small state in memory).
 * @param {LockManager} [options.locks] The lock manager (default `navigator.locks`).
 * @param {number} [options.lockWaitMs] How long to wait for a lock another tab holds before
 *   `STORAGE_LOCKED` (default 0: at once). A page that was just reloaded lets go of its lock a
 *   moment after the new page asks for it: a short wait opens it instead of refusing.
 * @returns {Promise<import('./adapter.js').StorageAdapter>}
 */
export async function openIndexedDBStorage({
  name = 'message-center',
  indexedDB = globalThis.indexedDB,
  IDBKeyRange = globalThis.IDBKeyRange,
  onBlocked,
  onVersionChange,
  exclusive = true,
  locks = globalThis.navigator?.locks,
  lockWaitMs = 0,
} = {}) {
  if (!indexedDB) throw storageError(STORAGE_FAILED, 'IndexedDB is not available in this environment');
  if (!IDBKeyRange) throw storageError(STORAGE_FAILED, 'IDBKeyRange is not available; pass the one matching options.indexedDB');
  if (!(Number.isFinite(lockWaitMs) && lockWaitMs >= 0)) throw storageError('INVALID_ARGUMENT', 'lockWaitMs is a number of ms, 0 or more');
  const release = exclusive && locks ? await acquireLock(locks, name, lockWaitMs) : async () => {};
  let db;
  try {
    db = await openDatabase(indexedDB, name, onBlocked);
  } catch (e) {
    await release();
    throw e;
  }
  /** @type {string | null} why the connection is unusable, or null while open */
  let closedReason = null;

  db.onversionchange = () => {
    db.close();
    closedReason = `IndexedDB database "${name}" was closed because another connection is upgrading or deleting it`;
    onVersionChange?.();
  };
  // Fired when the browser closes the connection abnormally (e.g. the user cleared site data).
  db.onclose = () => {
    closedReason = `IndexedDB database "${name}" was closed by the browser`;
  };

  /**
   * Run one transaction. `issue` must issue every request synchronously and return a function that
   * builds the result once the transaction has completed. Rejects with STORAGE_FAILED after an abort.
   *
   * @template T
   * @param {IDBTransactionMode} mode
   * @param {string} what operation name for error messages
   * @param {(store: IDBObjectStore) => () => T} issue
   * @returns {Promise<T>}
   */
  function run(mode, what, issue) {
    return new Promise((resolve, reject) => {
      if (closedReason) {
        reject(storageError(STORAGE_FAILED, `${what} failed: ${closedReason}`));
        return;
      }
      /** @type {IDBTransaction} */
      let tx;
      try {
        tx = mode === 'readwrite' ? db.transaction(STORE, mode, { durability: 'strict' }) : db.transaction(STORE, mode);
      } catch (e) {
        reject(storageError(STORAGE_FAILED, `${what} failed: ${describeError(e)}`, e));
        return;
      }
      /** @type {unknown} first error seen (request error or synchronous throw) */
      let failure;
      /** @type {() => T} */
      let finish;
      tx.oncomplete = () => resolve(finish());
      // Request errors bubble here; quota errors appear only here. Abort (rollback) follows; settle then.
      tx.onerror = (event) => {
        if (failure === undefined) failure = /** @type {IDBRequest} */ (event.target)?.error ?? tx.error;
      };
      tx.onabort = () => {
        // tx.error is why it aborted (null after an explicit abort); a request's own error of the same
        // name carries a better message (fake-indexeddb re-creates it without one).
        let cause = tx.error ?? failure ?? undefined;
        if (tx.error && failure && /** @type {Error} */ (failure).name === tx.error.name) cause = failure;
        reject(storageError(STORAGE_FAILED, `${what} failed: ${cause ? describeError(cause) : 'transaction aborted'}`, cause));
      };
      try {
        finish = issue(tx.objectStore(STORE));
      } catch (e) {
        // A request could not be issued (e.g. DataCloneError): roll back what was issued before it.
        failure = e;
        try {
          tx.abort(); // the abort event rejects
        } catch (abortError) {
          reject(storageError(STORAGE_FAILED, `${what} failed: ${describeError(e)}`, e));
        }
      }
    });
  }

  return {
    async get(keys) {
      checkKeys(keys);
      return run('readonly', 'get', (store) => {
        const reqs = keys.map((k) => store.get(k));
        return () => reqs.map((r) => r.result);
      });
    },

    async range(r) {
      const { gte, lt, limit } = checkRange(r);
      if (gte === lt) {
        // IDBKeyRange.bound(x, x, false, true) throws; the range is empty anyway.
        return run('readonly', 'range', () => () => []);
      }
      return run('readonly', 'range', (store) => {
        const keyRange = IDBKeyRange.bound(gte, lt, false, true);
        const count = Math.min(limit, MAX_COUNT);
        const keysReq = store.getAllKeys(keyRange, count);
        const valuesReq = store.getAll(keyRange, count);
        return () => {
          const ks = /** @type {string[]} */ (keysReq.result);
          const vs = /** @type {string[]} */ (valuesReq.result);
          return ks.map((k, i) => /** @type {[string, string]} */ ([k, vs[i]]));
        };
      });
    },

    async write(batch) {
      const { put, del } = checkWrite(batch);
      if (put.length === 0 && del.length === 0) {
        if (closedReason) throw storageError(STORAGE_FAILED, `write failed: ${closedReason}`);
        return;
      }
      // Requests are issued synchronously here, so later mutation of `batch` by the caller is harmless.
      return run('readwrite', 'write', (store) => {
        for (const k of del) store.delete(k);
        for (const [k, v] of put) store.put(v, k);
        return () => undefined;
      });
    },

    async close() {
      if (closedReason === null) closedReason = `IndexedDB database "${name}" is closed`;
      db.close();
      await release();
    },
  };
}

/** Code of the error when another tab or window holds the database (defined in adapter.js). */
export { STORAGE_LOCKED };

/**
 * Takes the database's Web Lock if it is free; resolves to the function that releases it.
 *
 * @param {LockManager} locks
 * @param {string} name
 * @param {number} waitMs
 * @returns {Promise<() => Promise<void>>}
 */
function acquireLock(locks, name, waitMs) {
  return new Promise((resolve, reject) => {
    const locked = () => storageError(STORAGE_LOCKED, `IndexedDB database "${name}" is open in another tab or window: close it there first (one Message Center works on a storage at a time)`);
    // Refused at once, or after waiting `waitMs` for the tab that holds it to let go.
    let options = { ifAvailable: true };
    let timer;
    if (waitMs > 0) {
      const stop = new AbortController();
      timer = setTimeout(() => stop.abort(), waitMs);
      options = { signal: stop.signal };
    }
    const granted = locks
      .request(`message-center:${name}`, options, (lock) => {
        clearTimeout(timer);
        if (!lock) {
          reject(locked());
          return undefined;
        }
        // Held until the returned promise settles, i.e. until close() calls release. The lock
        // manager lets go of the lock after that, and only then settles `granted`: release waits for
        // it, so that once close() resolves another tab can take the lock at once.
        return new Promise((settle) => resolve(() => {
          settle();
          return granted.then(() => undefined, () => undefined);
        }));
      });
    granted.catch((e) => reject(e?.name === 'AbortError' ? locked() : storageError(STORAGE_FAILED, `cannot take the lock of IndexedDB database "${name}": ${describeError(e)}`, e)));
  });
}

/**
 * Delete the database. Our own open connections close themselves on `versionchange`; if other
 * connections keep it blocked, this stays pending until they close.
 *
 * @param {object} [options]
 * @param {string} [options.name]
 * @param {IDBFactory} [options.indexedDB]
 * @returns {Promise<void>}
 */
export function deleteIndexedDBStorage({ name = 'message-center', indexedDB = globalThis.indexedDB } = {}) {
  return new Promise((resolve, reject) => {
    try {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = () => resolve();
      req.onerror = () => reject(storageError(STORAGE_FAILED, `cannot delete IndexedDB database "${name}": ${describeError(req.error)}`, req.error));
    } catch (e) {
      reject(storageError(STORAGE_FAILED, `cannot delete IndexedDB database "${name}": ${describeError(e)}`, e));
    }
  });
}
