// Minimal in-page test runner and node:assert/strict-compatible assertions (equal, deepEqual, rejects,
// ok, throws), so suites written for node:test (e.g. js/storage/acceptance.js) run in a real browser.
// Tests run one at a time in registration order; results are plain data a Node test can read back.

/** Thrown by failing assertions. */
export class AssertionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** @param {unknown} v */
function show(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 200 ? `${v.slice(0, 200)}…(${v.length} chars)` : v);
  if (typeof v === 'bigint') return `${v}n`;
  try {
    const s = JSON.stringify(v, (_k, x) => (x === undefined ? '<undefined>' : x));
    return s === undefined ? String(v) : s.length > 500 ? `${s.slice(0, 500)}…` : s;
  } catch {
    return String(v);
  }
}

/**
 * Strict deep equality (like node:assert/strict deepEqual for plain data): Object.is for primitives,
 * same prototype, same own enumerable keys, recursive.
 *
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
function deepEq(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const bb = /** @type {unknown[]} */ (b);
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (i in a !== i in bb || !deepEq(a[i], bb[i])) return false;
    }
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEq(/** @type {any} */ (a)[k], /** @type {any} */ (b)[k]));
}

/** node:assert/strict-compatible subset. */
export const assert = {
  /** @param {unknown} value @param {string} [message] */
  ok(value, message) {
    if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`);
  },
  /** @param {unknown} actual @param {unknown} expected @param {string} [message] */
  equal(actual, expected, message) {
    if (!Object.is(actual, expected)) throw new AssertionError(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  },
  /** @param {unknown} actual @param {unknown} expected @param {string} [message] */
  deepEqual(actual, expected, message) {
    if (!deepEq(actual, expected)) throw new AssertionError(`${message ? `${message}: ` : ''}expected ${show(expected)}, got ${show(actual)}`);
  },
  /**
   * @param {Promise<unknown> | (() => Promise<unknown>)} promiseOrFn
   * @param {((err: any) => boolean) | Record<string, unknown>} [expected] validator function (must return true) or object of properties (RegExp values test strings)
   * @param {string} [message]
   */
  async rejects(promiseOrFn, expected, message) {
    const prefix = message ? `${message}: ` : '';
    let err;
    try {
      await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
    } catch (e) {
      err = { e };
    }
    if (!err) throw new AssertionError(`${prefix}missing expected rejection`);
    const e = /** @type {any} */ (err.e);
    if (typeof expected === 'function') {
      if (expected(e) !== true) throw new AssertionError(`${prefix}the validation function did not return true for ${show(e?.message ?? e)}`);
    } else if (expected && typeof expected === 'object') {
      for (const [k, want] of Object.entries(expected)) {
        const got = e?.[k];
        const good = want instanceof RegExp ? typeof got === 'string' && want.test(got) : deepEq(got, want);
        if (!good) throw new AssertionError(`${prefix}rejection's ${k} is ${show(got)}, expected ${show(want instanceof RegExp ? String(want) : want)}`);
      }
    }
  },
  /** @param {() => unknown} fn @param {Record<string, unknown>} [expected] @param {string} [message] */
  throws(fn, expected, message) {
    let thrown = false;
    try {
      fn();
    } catch (e) {
      thrown = true;
      for (const [k, want] of Object.entries(expected ?? {})) {
        if (!deepEq(/** @type {any} */ (e)?.[k], want)) throw new AssertionError(`${message ? `${message}: ` : ''}thrown ${k} is ${show(/** @type {any} */ (e)?.[k])}`);
      }
    }
    if (!thrown) throw new AssertionError(`${message ? `${message}: ` : ''}missing expected exception`);
  },
};

/**
 * @typedef {{ name: string, ok: boolean, error?: string }} MiniResult
 */

/**
 * Create a test registry: `test(name, fn)` registers, `run()` runs them all sequentially.
 *
 * @returns {{ test: (name: string, fn: () => unknown) => void, assert: typeof assert, run: () => Promise<MiniResult[]> }}
 */
export function createMiniTest() {
  /** @type {Array<{ name: string, fn: () => unknown }>} */
  const tests = [];
  return {
    test(name, fn) {
      tests.push({ name, fn });
    },
    assert,
    async run() {
      /** @type {MiniResult[]} */
      const results = [];
      for (const { name, fn } of tests) {
        try {
          await fn();
          results.push({ name, ok: true });
        } catch (e) {
          const err = /** @type {any} */ (e);
          const text = `${err?.name ?? 'Error'}: ${err?.message ?? String(err)}${err?.code ? ` [code ${err.code}]` : ''}\n${err?.stack ?? ''}`;
          results.push({ name, ok: false, error: text });
        }
      }
      return results;
    },
  };
}
