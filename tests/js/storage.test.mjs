// Node tests of the storage layer: the shared acceptance suite against the memory adapter, the
// IndexedDB adapter on fake-indexeddb and the faulty wrapper; plus the fault-injection wrapper's own
// behaviour and the IndexedDB adapter's failure paths (aborted transactions, version changes, closes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory, IDBKeyRange, IDBObjectStore, forceCloseDatabase } from 'fake-indexeddb';

import { runStorageAdapterTests } from '../../js/storage/acceptance.js';
import { createMemoryStorage } from '../../js/storage/memory.js';
import { openIndexedDBStorage, deleteIndexedDBStorage } from '../../js/storage/indexeddb.js';
import { createFaultyStorage } from '../../js/storage/faulty.js';
import { checkWrite, storageError } from '../../js/storage/adapter.js';

// ---------------------------------------------------------------------------------------------
// The acceptance suite, once per adapter.

runStorageAdapterTests('memory', () => createMemoryStorage(), { test, assert });

/** adapter → where its data lives, so `reopen` can open the same database on the same factory. */
const idbHome = new WeakMap();
let dbCounter = 0;

/** @param {IDBFactory} indexedDB @param {string} name */
async function openFake(indexedDB, name) {
  const adapter = await openIndexedDBStorage({ name, indexedDB, IDBKeyRange });
  idbHome.set(adapter, { indexedDB, name });
  return adapter;
}

runStorageAdapterTests('indexeddb (fake-indexeddb)', () => openFake(new IDBFactory(), `acceptance-${++dbCounter}`), { test, assert }, {
  reopen: (closed) => {
    const { indexedDB, name } = idbHome.get(closed);
    return openFake(indexedDB, name);
  },
});

runStorageAdapterTests('faulty(memory) without failures', () => createFaultyStorage(createMemoryStorage()), { test, assert });

// ---------------------------------------------------------------------------------------------
// adapter.js helpers

test('storageError carries code and cause', () => {
  const cause = new TypeError('boom');
  const err = storageError('STORAGE_FAILED', 'it failed', cause);
  assert.ok(err instanceof Error);
  assert.equal(err.code, 'STORAGE_FAILED');
  assert.equal(err.message, 'it failed');
  assert.equal(err.cause, cause);
  assert.equal('cause' in storageError('INVALID_ARGUMENT', 'x'), false);
});

test('checkWrite fills defaults and throws synchronously', () => {
  assert.deepEqual(checkWrite({}), { put: [], del: [] });
  assert.throws(() => checkWrite({ put: [['', 'v']] }), { code: 'INVALID_ARGUMENT' });
});

// ---------------------------------------------------------------------------------------------
// faulty.js

test('faulty: counts reads and writes, including invalid calls', async () => {
  const s = createFaultyStorage(createMemoryStorage());
  assert.equal(s.writes, 0);
  assert.equal(s.reads, 0);
  await s.write({ put: [['a', '1']] });
  await s.get(['a']);
  await s.range({ gte: '', lt: 'z', limit: 10 });
  await assert.rejects(s.write({ put: [['', 'x']] }), { code: 'INVALID_ARGUMENT' });
  assert.equal(s.writes, 2);
  assert.equal(s.reads, 2);
  s.resetCounters();
  assert.equal(s.writes, 0);
  assert.equal(s.reads, 0);
  await s.close();
});

test('faulty: the Nth write rejects with STORAGE_FAILED and writes nothing; the others succeed', async () => {
  const inner = createMemoryStorage();
  const s = createFaultyStorage(inner, { failOnWrite: 2 });
  await s.write({ put: [['a', '1']] });
  await assert.rejects(s.write({ put: [['b', '2'], ['a', 'changed']] }), (err) => {
    assert.equal(err.code, 'STORAGE_FAILED');
    assert.equal(err.message, 'injected failure on write 2');
    return true;
  });
  assert.deepEqual(await inner.range({ gte: '', lt: 'z', limit: 10 }), [['a', '1']]);
  await s.write({ put: [['c', '3']] }); // only the 2nd fails
  assert.equal(s.writes, 3);
  assert.deepEqual(await s.get(['a', 'b', 'c']), ['1', undefined, '3']);
  await s.close();
});

test('faulty: the Nth read rejects (get and range both count)', async () => {
  const s = createFaultyStorage(createMemoryStorage(), { failOnRead: 3 });
  await s.write({ put: [['a', '1']] });
  assert.deepEqual(await s.get(['a']), ['1']);
  assert.deepEqual(await s.range({ gte: 'a', lt: 'b', limit: 1 }), [['a', '1']]);
  await assert.rejects(s.get(['a']), { code: 'STORAGE_FAILED', message: 'injected failure on read 3' });
  assert.deepEqual(await s.get(['a']), ['1']);
  s.setFailOnRead(5);
  await assert.rejects(s.range({ gte: 'a', lt: 'b', limit: 1 }), { code: 'STORAGE_FAILED', message: 'injected failure on read 5' });
  await s.close();
});

test('faulty: count a scenario\'s writes, then fail each in turn; state is as of the previous write', async () => {
  /** A scenario of several dependent writes; returns the store contents after each successful write. */
  async function scenario(/** @type {ReturnType<typeof createFaultyStorage>} */ s) {
    const snapshots = [];
    const all = { gte: '', lt: '\uffff', limit: 100 };
    try {
      await s.write({ put: [['msg/1', 'queued']] });
      snapshots.push(await s.range(all));
      await s.write({ put: [['msg/1', 'sent'], ['log/1', 'ok']] });
      snapshots.push(await s.range(all));
      await s.write({ put: [['msg/2', 'queued']], del: ['log/1'] });
      snapshots.push(await s.range(all));
    } catch (err) {
      return { snapshots, err, final: await s.range(all) };
    }
    return { snapshots, err: null, final: await s.range(all) };
  }
  const counting = createFaultyStorage(createMemoryStorage());
  const clean = await scenario(counting);
  assert.equal(clean.err, null);
  const n = counting.writes;
  assert.equal(n, 3);
  for (let i = 1; i <= n; i++) {
    const s = createFaultyStorage(createMemoryStorage());
    s.setFailOnWrite(i);
    const run = await scenario(s);
    assert.equal(run.err?.code, 'STORAGE_FAILED', `write ${i}`);
    assert.equal(run.err.message, `injected failure on write ${i}`);
    assert.deepEqual(run.final, i === 1 ? [] : clean.snapshots[i - 2], `state after failing write ${i}`);
  }
});

// ---------------------------------------------------------------------------------------------
// indexeddb.js failure paths (fake-indexeddb)

/** Temporarily replace IDBObjectStore.prototype[method] (tests in this file run one at a time). */
async function withPatched(method, replacement, fn) {
  const original = IDBObjectStore.prototype[method];
  IDBObjectStore.prototype[method] = function (...args) {
    return replacement.call(this, original, ...args);
  };
  try {
    return await fn();
  } finally {
    IDBObjectStore.prototype[method] = original;
  }
}

async function seeded() {
  const indexedDB = new IDBFactory();
  const name = `failure-${++dbCounter}`;
  const a = await openFake(indexedDB, name);
  await a.write({ put: [['keep', 'old'], ['gone', 'still here']] });
  return { a, indexedDB, name };
}

const ALL = { gte: '', lt: '\uffff', limit: 1000 };
const BAD_BATCH = {
  put: [['new/1', '1'], ['keep', 'new'], ['boom', 'x'], ['new/2', '2']],
  del: ['gone'],
};
const SEED = [['gone', 'still here'], ['keep', 'old']];

test('indexeddb: a request that throws synchronously aborts the whole batch', async () => {
  const { a, indexedDB, name } = await seeded();
  const thrown = new Error('put exploded');
  await withPatched('put', function (put, value, key) {
    if (key === 'boom') throw thrown;
    return put.call(this, value, key);
  }, async () => {
    await assert.rejects(a.write(BAD_BATCH), (err) => {
      assert.equal(err.code, 'STORAGE_FAILED');
      assert.equal(err.cause, thrown);
      assert.match(err.message, /^write failed: Error: put exploded/);
      return true;
    });
  });
  assert.deepEqual(await a.range(ALL), SEED);
  await a.close();
  const b = await openFake(indexedDB, name);
  assert.deepEqual(await b.range(ALL), SEED, 'nothing persisted either');
  await b.close();
});

test('indexeddb: an asynchronous request error (ConstraintError) aborts the whole batch', async () => {
  const { a } = await seeded();
  await withPatched('put', function (put, value, key) {
    // `add` of an existing key fails asynchronously with ConstraintError.
    return key === 'boom' ? this.add(value, 'keep') : put.call(this, value, key);
  }, async () => {
    await assert.rejects(a.write(BAD_BATCH), (err) => {
      assert.equal(err.code, 'STORAGE_FAILED');
      assert.equal(err.cause?.name, 'ConstraintError');
      assert.match(err.message, /^write failed: ConstraintError/);
      return true;
    });
  });
  assert.deepEqual(await a.range(ALL), SEED);
  await a.close();
});

test('indexeddb: an error only on the transaction (like QuotaExceededError) aborts the whole batch', async () => {
  const { a } = await seeded();
  await withPatched('put', function (put, value, key) {
    const req = put.call(this, value, key);
    // Abort the transaction with an error after this request succeeded, as a quota failure at commit does.
    if (key === 'boom') req.addEventListener('success', () => this.transaction._abort('QuotaExceededError'));
    return req;
  }, async () => {
    await assert.rejects(a.write(BAD_BATCH), (err) => {
      assert.equal(err.code, 'STORAGE_FAILED');
      assert.equal(err.cause?.name, 'QuotaExceededError');
      return true;
    });
  });
  assert.deepEqual(await a.range(ALL), SEED);
  await a.close();
});

test('indexeddb: an explicit abort without error rejects with STORAGE_FAILED', async () => {
  const { a } = await seeded();
  await withPatched('delete', function (del, key) {
    const req = del.call(this, key);
    req.addEventListener('success', () => this.transaction.abort());
    return req;
  }, async () => {
    await assert.rejects(a.write(BAD_BATCH), { code: 'STORAGE_FAILED' });
  });
  assert.deepEqual(await a.range(ALL), SEED);
  await a.close();
});

test('indexeddb: failing reads reject with STORAGE_FAILED', async () => {
  const { a } = await seeded();
  const thrown = new Error('read exploded');
  await withPatched('get', () => {
    throw thrown;
  }, async () => {
    await assert.rejects(a.get(['keep']), (err) => err.code === 'STORAGE_FAILED' && err.cause === thrown);
  });
  await withPatched('getAll', () => {
    throw thrown;
  }, async () => {
    await assert.rejects(a.range(ALL), (err) => err.code === 'STORAGE_FAILED' && err.cause === thrown);
  });
  assert.deepEqual(await a.get(['keep']), ['old']);
  await a.close();
});

test('indexeddb: a newer database version makes open fail with STORAGE_FAILED', async () => {
  const indexedDB = new IDBFactory();
  await new Promise((resolve, reject) => {
    const req = indexedDB.open('future', 2);
    req.onupgradeneeded = () => req.result.createObjectStore('kv');
    req.onsuccess = () => {
      req.result.close();
      resolve();
    };
    req.onerror = () => reject(req.error);
  });
  await assert.rejects(openIndexedDBStorage({ name: 'future', indexedDB, IDBKeyRange }), (err) => {
    assert.equal(err.code, 'STORAGE_FAILED');
    assert.equal(err.cause?.name, 'VersionError');
    return true;
  });
});

test('indexeddb: missing IndexedDB rejects with STORAGE_FAILED', async () => {
  await assert.rejects(openIndexedDBStorage({ indexedDB: null, IDBKeyRange }), { code: 'STORAGE_FAILED' });
});

test('indexeddb: versionchange closes the connection; later calls reject; delete is not blocked', async () => {
  const { a, indexedDB, name } = await seeded();
  await a.close();
  let notified = 0;
  const b = await openIndexedDBStorage({ name, indexedDB, IDBKeyRange, onVersionChange: () => notified++ });
  assert.deepEqual(await b.get(['keep']), ['old']);
  await deleteIndexedDBStorage({ name, indexedDB }); // would hang if b did not close on versionchange
  assert.equal(notified, 1);
  await assert.rejects(b.get(['keep']), (err) => err.code === 'STORAGE_FAILED' && /another connection/.test(err.message));
  await assert.rejects(b.write({ put: [['x', 'y']] }), { code: 'STORAGE_FAILED' });
  await b.close();
  const c = await openFake(indexedDB, name);
  assert.deepEqual(await c.range(ALL), [], 'database was deleted');
  await c.close();
});

test('indexeddb: a connection closed by the browser makes calls reject with STORAGE_FAILED', async () => {
  const indexedDB = new IDBFactory();
  // Capture the IDBDatabase the adapter opens, to force-close it.
  let db;
  const spy = new Proxy(indexedDB, {
    get(target, prop) {
      if (prop !== 'open') return Reflect.get(target, prop);
      return (...args) => {
        const req = target.open(...args);
        req.addEventListener('success', () => {
          db = req.result;
        });
        return req;
      };
    },
  });
  const a = await openIndexedDBStorage({ name: 'forced', indexedDB: spy, IDBKeyRange });
  await a.write({ put: [['k', 'v']] });
  forceCloseDatabase(db);
  await assert.rejects(a.get(['k']), (err) => err.code === 'STORAGE_FAILED' && /closed by the browser/.test(err.message));
  await a.close();
});

test('IndexedDB adapter: a held Web Lock refuses a second opener with STORAGE_LOCKED; close releases it', async () => {
  const held = new Set();
  // A minimal LockManager: request(name, { ifAvailable }, callback) as the Web Locks API does it.
  const locks = {
    async request(name, options, callback) {
      assert.equal(options.ifAvailable, true);
      if (held.has(name)) return callback(null);
      held.add(name);
      try {
        return await callback({ name });
      } finally {
        held.delete(name);
      }
    },
  };
  const indexedDB = new IDBFactory();
  const a = await openIndexedDBStorage({ name: 'locked', indexedDB, IDBKeyRange, locks });
  assert.deepEqual([...held], ['message-center:locked']);
  await assert.rejects(openIndexedDBStorage({ name: 'locked', indexedDB, IDBKeyRange, locks }), { code: 'STORAGE_LOCKED', message: /open in another tab or window/ });
  await a.write({ put: [['k', 'v']] });
  await a.close();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual([...held], [], 'close() released the lock');
  const b = await openIndexedDBStorage({ name: 'locked', indexedDB, IDBKeyRange, locks });
  assert.deepEqual(await b.get(['k']), ['v']);
  await b.close();
  // exclusive: false opens beside a holder.
  const c = await openIndexedDBStorage({ name: 'locked', indexedDB, IDBKeyRange, locks });
  const d = await openIndexedDBStorage({ name: 'locked', indexedDB, IDBKeyRange, locks, exclusive: false });
  await d.close();
  await c.close();
});
