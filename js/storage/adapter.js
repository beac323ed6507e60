// Storage adapter contract shared by every storage backend (memory, IndexedDB, wrappers).
//
// The Rust core computes every key and value; a storage adapter only moves strings. It is an
// ordered key-value store of string keys and string values with an atomic batch write. Keys are
// ASCII, so JavaScript's string order (UTF-16 code units) equals byte order.
//
// This module holds the typedef documenting the contract, the coded-error helper, and the argument
// validators every adapter calls before touching its store, so validation rules live in one place.

/**
 * An ordered string → string store with an atomic batch write.
 *
 * @typedef {object} StorageAdapter
 * @property {(keys: string[]) => Promise<(string|undefined)[]>} get Values in the same order as `keys`; `undefined` where absent.
 * @property {(r: { gte: string, lt: string, limit: number }) => Promise<Array<[string, string]>>} range Entries with gte ≤ key < lt, ascending by key, at most `limit` (a required positive integer).
 * @property {(batch: { put?: Array<[string, string]>, del?: string[] }) => Promise<void>} write Puts and deletes applied atomically (all or nothing), durable once it resolves; a key is never both put and deleted in one call; a key put twice in one call keeps the last value.
 * @property {() => Promise<void>} close Releases the store; idempotent; later calls reject with STORAGE_FAILED.
 */

/**
 * Error codes used by adapters.
 * - `INVALID_ARGUMENT`: the call was malformed; nothing was read or written.
 * - `STORAGE_FAILED`: the underlying store failed (the original error is `cause`); nothing was written.
 * - `STORAGE_LOCKED`: at open, the store is held by another tab, process or adapter (one engine writes a
 *   store at a time).
 */
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';
export const STORAGE_FAILED = 'STORAGE_FAILED';
export const STORAGE_LOCKED = 'STORAGE_LOCKED';

/**
 * Build an `Error` carrying a machine-readable `code` and, optionally, the original error as `cause`.
 *
 * @param {string} code `INVALID_ARGUMENT`, `STORAGE_FAILED` or `STORAGE_LOCKED`.
 * @param {string} message Human-readable, specific description.
 * @param {unknown} [cause] The underlying error, if any.
 * @returns {Error & { code: string }}
 */
export function storageError(code, message, cause) {
  const err = /** @type {Error & { code: string }} */ (
    cause === undefined ? new Error(message) : new Error(message, { cause })
  );
  err.code = code;
  return err;
}

/** @param {unknown} v */
function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return v === '' ? 'empty string' : 'string';
  return typeof v;
}

/** @param {string} message */
function invalid(message) {
  return storageError(INVALID_ARGUMENT, message);
}

/**
 * @param {unknown} key
 * @param {string} where e.g. `get: keys[3]`
 */
function checkKey(key, where) {
  if (typeof key !== 'string' || key === '') {
    throw invalid(`${where} must be a non-empty string, got ${describe(key)}`);
  }
}

/**
 * Validate the argument of `get`. Throws `INVALID_ARGUMENT` unless `keys` is an array of non-empty strings.
 *
 * @param {unknown} keys
 * @returns {string[]}
 */
export function checkKeys(keys) {
  if (!Array.isArray(keys)) throw invalid(`get: keys must be an array of strings, got ${describe(keys)}`);
  for (let i = 0; i < keys.length; i++) checkKey(keys[i], `get: keys[${i}]`);
  return keys;
}

/**
 * Validate the argument of `range`. `gte` and `lt` are required strings (the empty string is a valid
 * bound: every key is ≥ ''), `gte` ≤ `lt`, and `limit` is a required positive safe integer.
 * Throws `INVALID_ARGUMENT` otherwise.
 *
 * @param {unknown} r
 * @returns {{ gte: string, lt: string, limit: number }}
 */
export function checkRange(r) {
  if (r === null || typeof r !== 'object') throw invalid(`range: argument must be an object { gte, lt, limit }, got ${describe(r)}`);
  const { gte, lt, limit } = /** @type {{ gte: unknown, lt: unknown, limit: unknown }} */ (r);
  if (typeof gte !== 'string') throw invalid(`range: gte must be a string, got ${describe(gte)}`);
  if (typeof lt !== 'string') throw invalid(`range: lt must be a string, got ${describe(lt)}`);
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit <= 0) {
    throw invalid(`range: limit must be a positive integer, got ${typeof limit === 'number' ? String(limit) : describe(limit)}`);
  }
  if (gte > lt) throw invalid('range: gte must not be greater than lt');
  return { gte, lt, limit };
}

/**
 * Validate the argument of `write` in full (before anything is applied). `put` defaults to `[]` and must
 * be an array of `[key, value]` pairs with non-empty string keys and string values; `del` defaults to
 * `[]` and must be an array of non-empty string keys; no key may be both put and deleted.
 * Throws `INVALID_ARGUMENT` otherwise.
 *
 * @param {unknown} batch
 * @returns {{ put: Array<[string, string]>, del: string[] }}
 */
export function checkWrite(batch) {
  if (batch === null || typeof batch !== 'object' || Array.isArray(batch)) {
    throw invalid(`write: argument must be an object { put, del }, got ${describe(batch)}`);
  }
  const { put = [], del = [] } = /** @type {{ put?: unknown, del?: unknown }} */ (batch);
  if (!Array.isArray(put)) throw invalid(`write: put must be an array of [key, value] pairs, got ${describe(put)}`);
  if (!Array.isArray(del)) throw invalid(`write: del must be an array of keys, got ${describe(del)}`);
  for (let i = 0; i < put.length; i++) {
    const entry = put[i];
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw invalid(`write: put[${i}] must be a [key, value] pair, got ${Array.isArray(entry) ? `array of length ${entry.length}` : describe(entry)}`);
    }
    checkKey(entry[0], `write: put[${i}] key`);
    if (typeof entry[1] !== 'string') throw invalid(`write: put[${i}] value must be a string, got ${describe(entry[1])}`);
  }
  for (let i = 0; i < del.length; i++) checkKey(del[i], `write: del[${i}]`);
  if (put.length > 0 && del.length > 0) {
    const putKeys = new Set(put.map((e) => e[0]));
    for (let i = 0; i < del.length; i++) {
      if (putKeys.has(del[i])) throw invalid(`write: key ${JSON.stringify(del[i].slice(0, 100))} is both put and deleted`);
    }
  }
  return { put: /** @type {Array<[string, string]>} */ (put), del: /** @type {string[]} */ (del) };
}
