// Fault-injecting StorageAdapter wrapper for tests.
//
// Counts write() calls and read (get/range) calls; the Nth write (1-based) — or the Nth read — rejects
// with STORAGE_FAILED without reaching the wrapped adapter, so nothing is written. A test can first run
// a scenario to count its writes, then rerun it failing each write in turn and check recovery.

import { storageError, STORAGE_FAILED } from './adapter.js';

/**
 * @typedef {import('./adapter.js').StorageAdapter & {
 *   readonly writes: number,
 *   readonly reads: number,
 *   setFailOnWrite(n: number): void,
 *   setFailOnRead(n: number): void,
 *   resetCounters(): void,
 * }} FaultyStorage
 */

/**
 * Wrap `inner` so that the `failOnWrite`-th write() and the `failOnRead`-th read (get or range) fail.
 * Counters include every call, even ones that then fail validation.
 *
 * @param {import('./adapter.js').StorageAdapter} inner
 * @param {{ failOnWrite?: number, failOnRead?: number }} [options] 1-based call numbers; Infinity = never.
 * @returns {FaultyStorage}
 */
export function createFaultyStorage(inner, { failOnWrite = Infinity, failOnRead = Infinity } = {}) {
  let writes = 0;
  let reads = 0;

  /** @param {string} kind @param {number} n */
  const injected = (kind, n) => storageError(STORAGE_FAILED, `injected failure on ${kind} ${n}`);

  return {
    /** Number of write() calls so far. */
    get writes() {
      return writes;
    },
    /** Number of get() and range() calls so far. */
    get reads() {
      return reads;
    },
    /** Make the nth write() (counted since creation or the last reset) fail; Infinity disables. */
    setFailOnWrite(n) {
      failOnWrite = n;
    },
    /** Make the nth read (get or range) fail; Infinity disables. */
    setFailOnRead(n) {
      failOnRead = n;
    },
    /** Zero both counters. */
    resetCounters() {
      writes = 0;
      reads = 0;
    },

    async get(keys) {
      const n = ++reads;
      if (n === failOnRead) throw injected('read', n);
      return inner.get(keys);
    },

    async range(r) {
      const n = ++reads;
      if (n === failOnRead) throw injected('read', n);
      return inner.range(r);
    },

    async write(batch) {
      const n = ++writes;
      if (n === failOnWrite) throw injected('write', n);
      return inner.write(batch);
    },

    close() {
      return inner.close();
    },
  };
}
