// In-memory storage adapter: the reference implementation of the StorageAdapter contract
// (see adapter.js), used by tests, the simulator and anywhere persistence is not wanted.
//
// Values live in a Map; the keys are also kept in a sorted array maintained by binary-search
// insertion/removal, so `range` costs O(log n + k). Large batches are merged instead of spliced
// key by key. A write validates the whole batch before applying any of it, so it is atomic.

import { checkKeys, checkRange, checkWrite, storageError, STORAGE_FAILED } from './adapter.js';

/** Above this many inserted/deleted keys in one batch, rebuild the sorted array instead of splicing. */
const SPLICE_LIMIT = 64;

/**
 * Index of the first element of sorted `arr` that is ≥ `key`.
 *
 * @param {string[]} arr
 * @param {string} key
 */
function lowerBound(arr, key) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merge two sorted, disjoint arrays of keys.
 *
 * @param {string[]} a
 * @param {string[]} b
 */
function merge(a, b) {
  const out = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i] < b[j] ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/**
 * Create an empty in-memory storage adapter.
 *
 * @returns {import('./adapter.js').StorageAdapter}
 */
export function createMemoryStorage() {
  /** @type {Map<string, string>} */
  const values = new Map();
  /** @type {string[]} sorted ascending, same key set as `values` */
  let sorted = [];
  let closed = false;

  function checkOpen() {
    if (closed) throw storageError(STORAGE_FAILED, 'memory storage is closed');
  }

  return {
    async get(keys) {
      checkKeys(keys);
      checkOpen();
      return keys.map((k) => values.get(k));
    },

    async range(r) {
      const { gte, lt, limit } = checkRange(r);
      checkOpen();
      /** @type {Array<[string, string]>} */
      const out = [];
      for (let i = lowerBound(sorted, gte); i < sorted.length && out.length < limit; i++) {
        const k = sorted[i];
        if (k >= lt) break;
        out.push([k, /** @type {string} */ (values.get(k))]);
      }
      return out;
    },

    async write(batch) {
      // Validate everything first; after this point nothing can fail, so the batch is atomic.
      const { put, del } = checkWrite(batch);
      checkOpen();

      let deleted = 0;
      for (const k of del) if (values.delete(k)) deleted++;
      if (deleted > SPLICE_LIMIT) {
        sorted = sorted.filter((k) => values.has(k));
      } else if (deleted > 0) {
        for (const k of del) {
          const i = lowerBound(sorted, k);
          if (sorted[i] === k && !values.has(k)) sorted.splice(i, 1);
        }
      }

      /** @type {string[]} */
      const added = [];
      for (const [k, v] of put) {
        if (!values.has(k)) added.push(k);
        values.set(k, v);
      }
      if (added.length > SPLICE_LIMIT) {
        sorted = merge(sorted, added.sort());
      } else {
        for (const k of added) sorted.splice(lowerBound(sorted, k), 0, k);
      }
    },

    async close() {
      closed = true;
      values.clear();
      sorted = [];
    },
  };
}
