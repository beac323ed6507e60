// In-memory storage adapter: the reference implementation of the StorageAdapter contract
// (see adapter.js), used by tests, the simulator and anywhere persistence is not wanted.
//
// Records live in a B+ tree (the npm package sorted-btree, vendored as an ES module at build
// time): get, put and delete cost O(log n), a range O(log n + k). A write validates the whole
// batch before applying any of it, so it is atomic.

import { BTree, simpleComparator } from '../../dist/vendor/sorted-btree.js';
import { checkKeys, checkRange, checkWrite, storageError, STORAGE_FAILED } from './adapter.js';

/**
 * Create an empty in-memory storage adapter.
 *
 * @returns {import('./adapter.js').StorageAdapter}
 */
export function createMemoryStorage() {
  /** Keys in UTF-16 code unit order (`<`), as IndexedDB compares strings. */
  let tree = new BTree(undefined, simpleComparator);
  let closed = false;

  function checkOpen() {
    if (closed) throw storageError(STORAGE_FAILED, 'memory storage is closed');
  }

  return {
    async get(keys) {
      checkKeys(keys);
      checkOpen();
      return keys.map((k) => tree.get(k));
    },

    async range(r) {
      const { gte, lt, limit } = checkRange(r);
      checkOpen();
      /** @type {Array<[string, string]>} */
      const out = [];
      // (Not `getRange(gte, lt, false, limit)`: sorted-btree 2.1.0 returns limit + 1 pairs.)
      for (const pair of tree.entries(gte)) {
        if (!(pair[0] < lt) || out.length >= limit) break;
        out.push(pair);
      }
      return out;
    },

    async write(batch) {
      // Validate everything first; after this point nothing can fail, so the batch is atomic.
      const { put, del } = checkWrite(batch);
      checkOpen();
      for (const k of del) tree.delete(k);
      for (const [k, v] of put) tree.set(k, v);
    },

    async close() {
      closed = true;
      tree = new BTree(undefined, simpleComparator);
    },
  };
}
