// The one acceptance suite every StorageAdapter (see adapter.js) must pass.
//
// Modelled on automerge-repo's runStorageAdapterTests. `test` and `assert` are injected so the same
// suite runs under `node --test` (node:test + node:assert/strict) and inside a real browser page (a
// minimal in-page implementation). Tests are registered synchronously, so calling this function with a
// counting `test` stub tells how many tests the suite has.

/**
 * @typedef {object} AcceptanceDeps
 * @property {(name: string, fn: () => Promise<void>) => unknown} test Registers one test.
 * @property {{
 *   equal: (actual: unknown, expected: unknown, message?: string) => void,
 *   deepEqual: (actual: unknown, expected: unknown, message?: string) => void,
 *   rejects: (p: Promise<unknown> | (() => Promise<unknown>), validate: (err: any) => boolean, message?: string) => Promise<void>,
 *   ok: (value: unknown, message?: string) => void,
 * }} assert node:assert/strict-compatible subset.
 */

/**
 * Register the storage adapter acceptance tests.
 *
 * @param {string} label Prefix of every test name, e.g. "memory".
 * @param {() => import('./adapter.js').StorageAdapter | Promise<import('./adapter.js').StorageAdapter>} makeAdapter
 *   Returns a fresh, empty adapter. The suite closes every adapter it obtains.
 * @param {AcceptanceDeps} deps
 * @param {{ reopen?: (closed: import('./adapter.js').StorageAdapter) => Promise<import('./adapter.js').StorageAdapter> }} [options]
 *   `reopen` is called with an adapter the suite has just closed and must return a new adapter over the same
 *   data; when given, durability-across-reopen tests run too.
 * @returns {number} The number of tests registered.
 */
export function runStorageAdapterTests(label, makeAdapter, { test, assert }, { reopen } = {}) {
  let count = 0;
  /** @param {string} name @param {() => Promise<void>} fn */
  const t = (name, fn) => {
    count++;
    test(`${label}: ${name}`, fn);
  };

  /** Everything: keys in these tests never start with U+FFFF. */
  const ALL = { gte: '', lt: '\uffff', limit: 1_000_000 };

  /**
   * Run `fn` with a fresh adapter and close it (and any reopened one) afterwards.
   * @param {(a: import('./adapter.js').StorageAdapter) => Promise<void>} fn
   */
  const withAdapter = (fn) => async () => {
    const adapter = await makeAdapter();
    try {
      await fn(adapter);
    } finally {
      await adapter.close();
    }
  };

  /**
   * Assert that `p` rejects with an Error whose code is `code` and whose message matches `pattern`.
   * @param {Promise<unknown>} p
   * @param {string} code
   * @param {RegExp} [pattern]
   * @param {string} [what]
   */
  const rejectsWith = (p, code, pattern, what = '') =>
    assert.rejects(
      p,
      (err) => {
        assert.ok(err instanceof Error, `${what}: expected an Error, got ${String(err)}`);
        assert.equal(err.code, code, `${what}: wrong code (message: ${err.message})`);
        if (pattern) assert.ok(pattern.test(err.message), `${what}: message ${JSON.stringify(err.message)} does not match ${pattern}`);
        return true;
      },
      what,
    );

  /** Deterministic Fisher–Yates shuffle (mulberry32), so failures are reproducible. */
  const shuffle = (/** @type {string[]} */ items, seed = 42) => {
    const a = items.slice();
    let s = seed >>> 0;
    const rand = () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let x = s;
      x = Math.imul(x ^ (x >>> 15), x | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };

  /** Sort by UTF-16 code units (= byte order for ASCII). */
  const sorted = (/** @type {string[]} */ keys) => keys.slice().sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

  t('get of absent keys returns undefined in place', withAdapter(async (a) => {
    assert.deepEqual(await a.get([]), []);
    assert.deepEqual(await a.get(['nope']), [undefined]);
    await a.write({ put: [['b', '2']] });
    assert.deepEqual(await a.get(['a', 'b', 'c']), [undefined, '2', undefined]);
  }));

  t('put then get, in the order asked, duplicates allowed', withAdapter(async (a) => {
    await a.write({ put: [['k1', 'v1'], ['k2', 'v2'], ['k3', 'v3']] });
    assert.deepEqual(await a.get(['k3', 'k1', 'k2', 'k1']), ['v3', 'v1', 'v2', 'v1']);
    assert.deepEqual(await a.range(ALL), [['k1', 'v1'], ['k2', 'v2'], ['k3', 'v3']]);
  }));

  t('overwrite replaces the value', withAdapter(async (a) => {
    await a.write({ put: [['k', 'old'], ['other', 'x']] });
    await a.write({ put: [['k', 'new']] });
    assert.deepEqual(await a.get(['k']), ['new']);
    assert.deepEqual(await a.range(ALL), [['k', 'new'], ['other', 'x']]);
  }));

  t('a key put twice in one batch keeps the last value', withAdapter(async (a) => {
    await a.write({ put: [['k', 'first'], ['j', 'j'], ['k', 'last']] });
    assert.deepEqual(await a.range(ALL), [['j', 'j'], ['k', 'last']]);
  }));

  t('delete removes keys; deleting an absent key is a no-op', withAdapter(async (a) => {
    await a.write({ put: [['a', '1'], ['b', '2'], ['c', '3']] });
    await a.write({ del: ['b', 'absent'] });
    assert.deepEqual(await a.get(['a', 'b', 'c', 'absent']), ['1', undefined, '3', undefined]);
    assert.deepEqual(await a.range(ALL), [['a', '1'], ['c', '3']]);
    await a.write({ del: ['a', 'c'] });
    assert.deepEqual(await a.range(ALL), []);
    await a.write({});
    await a.write({ put: [], del: [] });
    assert.deepEqual(await a.range(ALL), []);
  }));

  t('one batch mixes puts and deletes', withAdapter(async (a) => {
    await a.write({ put: [['a', '1'], ['b', '2']] });
    await a.write({ put: [['c', '3'], ['a', '1b']], del: ['b'] });
    assert.deepEqual(await a.range(ALL), [['a', '1b'], ['c', '3']]);
  }));

  t('range is ascending by key whatever the insertion order (shared prefixes)', withAdapter(async (a) => {
    const keys = ['a/1', 'a/10', 'a/2', 'a0', 'a/', 'a', 'b', 'a/1/x', 'a/1/', 'A', 'Z', '0', '9', 'a.', 'a-', 'a/~', '~', ' ', '!'];
    for (const [seed, batchSize] of [[1, keys.length], [2, 1], [3, 4]]) {
      const order = shuffle(keys, seed);
      for (let i = 0; i < order.length; i += batchSize) {
        await a.write({ put: order.slice(i, i + batchSize).map((k) => [k, `v:${k}`]) });
      }
      assert.deepEqual((await a.range(ALL)).map(([k]) => k), sorted(keys), `insertion seed ${seed}`);
      assert.deepEqual(await a.range(ALL), sorted(keys).map((k) => [k, `v:${k}`]));
      await a.write({ del: keys });
      assert.deepEqual(await a.range(ALL), []);
    }
    await a.write({ put: shuffle(keys, 9).map((k) => [k, k]) });
    assert.deepEqual((await a.range({ gte: 'a/', lt: 'a0', limit: 100 })).map(([k]) => k), ['a/', 'a/1', 'a/1/', 'a/1/x', 'a/10', 'a/2', 'a/~']);
    assert.deepEqual((await a.range({ gte: 'a/1', lt: 'a/10', limit: 100 })).map(([k]) => k), ['a/1', 'a/1/', 'a/1/x']);
  }));

  t('range bounds: gte inclusive, lt exclusive', withAdapter(async (a) => {
    await a.write({ put: shuffle(['a', 'b', 'c', 'd', 'e']).map((k) => [k, k.toUpperCase()]) });
    assert.deepEqual(await a.range({ gte: 'b', lt: 'd', limit: 10 }), [['b', 'B'], ['c', 'C']]);
    assert.deepEqual(await a.range({ gte: 'b\u0000', lt: 'd\u0000', limit: 10 }), [['c', 'C'], ['d', 'D']]);
    assert.deepEqual(await a.range({ gte: 'a', lt: 'b', limit: 10 }), [['a', 'A']]);
    assert.deepEqual(await a.range({ gte: 'bb', lt: 'cc', limit: 10 }), [['c', 'C']]);
    assert.deepEqual(await a.range({ gte: '', lt: 'c', limit: 10 }), [['a', 'A'], ['b', 'B']]);
    assert.deepEqual(await a.range({ gte: 'd', lt: '\uffff', limit: 10 }), [['d', 'D'], ['e', 'E']]);
  }));

  t('range limit', withAdapter(async (a) => {
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    await a.write({ put: shuffle(keys).map((k) => [k, k]) });
    assert.deepEqual((await a.range({ gte: 'k', lt: 'l', limit: 1 })).map(([k]) => k), ['k0']);
    assert.deepEqual((await a.range({ gte: 'k', lt: 'l', limit: 3 })).map(([k]) => k), ['k0', 'k1', 'k2']);
    assert.deepEqual((await a.range({ gte: 'k2', lt: 'k4', limit: 5 })).map(([k]) => k), ['k2', 'k3']);
    assert.deepEqual((await a.range({ gte: 'k', lt: 'l', limit: 6 })).map(([k]) => k), keys);
    assert.deepEqual((await a.range({ gte: 'k', lt: 'l', limit: 1000 })).map(([k]) => k), keys);
    assert.deepEqual((await a.range({ gte: 'k', lt: 'l', limit: Number.MAX_SAFE_INTEGER })).map(([k]) => k), keys);
  }));

  t('empty ranges', withAdapter(async (a) => {
    assert.deepEqual(await a.range(ALL), [], 'empty store');
    await a.write({ put: [['m', '1'], ['n', '2']] });
    assert.deepEqual(await a.range({ gte: 'm', lt: 'm', limit: 10 }), [], 'gte === lt');
    assert.deepEqual(await a.range({ gte: '', lt: '', limit: 10 }), [], 'both empty');
    assert.deepEqual(await a.range({ gte: 'a', lt: 'm', limit: 10 }), [], 'below all keys');
    assert.deepEqual(await a.range({ gte: 'n\u0000', lt: 'z', limit: 10 }), [], 'above all keys');
    assert.deepEqual(await a.range({ gte: 'm\u0000', lt: 'n', limit: 10 }), [], 'between keys');
  }));

  t('a batch with one invalid entry writes nothing (atomic)', withAdapter(async (a) => {
    await a.write({ put: [['keep', 'old'], ['gone', 'still here']] });
    /** @type {Array<[string, string]>} */
    const put = [];
    for (let i = 0; i < 100; i++) put.push([`new/${i}`, `v${i}`]);
    put.push(['keep', 'new']);
    put.splice(50, 0, /** @type {any} */ (['bad', 42]));
    await rejectsWith(a.write({ put, del: ['gone'] }), 'INVALID_ARGUMENT', /put\[50\] value/, 'invalid value in the middle');
    await rejectsWith(a.write({ put: [['x', '1']], del: ['gone', /** @type {any} */ (7)] }), 'INVALID_ARGUMENT', /del\[1\]/, 'invalid del');
    await rejectsWith(a.write({ put: [['x', '1'], ['both', '2']], del: ['both'] }), 'INVALID_ARGUMENT', /both put and deleted/, 'put and del of one key');
    assert.deepEqual(await a.range(ALL), [['gone', 'still here'], ['keep', 'old']]);
  }));

  t('operations apply in call order', withAdapter(async (a) => {
    const w1 = a.write({ put: [['k', '1'], ['x', 'x']] });
    const w2 = a.write({ put: [['k', '2']] });
    const g = a.get(['k', 'x']);
    const w3 = a.write({ del: ['x'] });
    const r = a.range(ALL);
    await Promise.all([w1, w2, w3]);
    assert.deepEqual(await g, ['2', 'x']);
    assert.deepEqual(await r, [['k', '2']]);
  }));

  t('later mutation of the caller\'s batch does not change what was written', withAdapter(async (a) => {
    /** @type {Array<[string, string]>} */
    const put = [['k', 'original'], ['j', 'j']];
    const del = ['absent'];
    const p = a.write({ put, del });
    put[0][1] = 'mutated';
    put.push(['late', 'late']);
    del.push('j');
    await p;
    assert.deepEqual(await a.range(ALL), [['j', 'j'], ['k', 'original']]);
  }));

  t('large value (2 MiB string)', withAdapter(async (a) => {
    const chunk = 'The quick brown fox jumps over the lazy dog \u00e9\u4e2d\ud83d\ude00 0123456789\n';
    const big = chunk.repeat(Math.ceil((2 * 1024 * 1024) / chunk.length)).slice(0, 2 * 1024 * 1024);
    await a.write({ put: [['big', big], ['small', 's']] });
    const [got] = await a.get(['big']);
    assert.equal(typeof got, 'string');
    assert.ok(got === big, `large value differs (length ${got?.length} vs ${big.length})`);
    const entries = await a.range({ gte: 'big', lt: 'big\u0000', limit: 10 });
    assert.equal(entries.length, 1);
    assert.ok(entries[0][1] === big, 'large value differs through range');
    const bigger = big + big;
    await a.write({ put: [['big', bigger]] });
    assert.ok((await a.get(['big']))[0] === bigger, 'overwritten 4 MiB value differs');
  }));

  t('5,000 keys in one batch, read back by range in pages of 1,000', withAdapter(async (a) => {
    const keys = [];
    for (let i = 0; i < 5000; i++) keys.push(`msg/${(i * 7919) % 5000}/${i % 3 === 0 ? 'a' : 'b'}`);
    await a.write({ put: shuffle(keys).map((k) => [k, `value of ${k}`]) });
    const expected = sorted(keys);
    /** @type {string[]} */
    const seen = [];
    let gte = 'msg/';
    let pages = 0;
    for (;;) {
      const page = await a.range({ gte, lt: 'msg0', limit: 1000 });
      if (page.length === 0) break;
      pages++;
      assert.ok(pages <= 5, 'too many pages');
      assert.equal(page.length, 1000, `page ${pages} size`);
      for (const [k, v] of page) {
        assert.equal(v, `value of ${k}`);
        seen.push(k);
      }
      gte = page[page.length - 1][0] + '\u0000';
    }
    assert.equal(pages, 5);
    assert.deepEqual(seen, expected);
    const got = await a.get(keys.slice(0, 500));
    assert.deepEqual(got, keys.slice(0, 500).map((k) => `value of ${k}`));
  }));

  t('hostile keys and values: non-ASCII, NUL, empty value, 10 KB key', withAdapter(async (a) => {
    const longKey = 'L'.repeat(10 * 1024);
    /** @type {Array<[string, string]>} */
    const entries = [
      ['accents', 'h\u00e9llo w\u00f6rld'],
      ['cjk', '\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8'],
      ['emoji', '\ud83d\ude00\ud83c\udf89 surrogate pairs'],
      ['nul-inside', 'a\u0000b\u0000'],
      ['only-nul', '\u0000'],
      ['empty', ''],
      ['bom-and-max', '\ufeff\uffff\u2028\u2029'],
      ['json-ish', '{"a":[1,2,{"b":null}],"c":"\\u0000"}'],
      ['k\u0000x', 'key with NUL'],
      ['k', 'prefix of key with NUL'],
      ['k\u0001', 'after key with NUL'],
      [longKey, 'long key'],
      [longKey + '/child', 'long key child'],
    ];
    await a.write({ put: shuffle(entries.map((e) => e[0]), 7).map((k) => /** @type {[string, string]} */ (entries.find((e) => e[0] === k))) });
    assert.deepEqual(await a.get(entries.map((e) => e[0])), entries.map((e) => e[1]));
    const all = await a.range(ALL);
    assert.deepEqual(all.map(([k]) => k), sorted(entries.map((e) => e[0])));
    assert.deepEqual(await a.range({ gte: 'k', lt: 'k\u0002', limit: 10 }), [['k', 'prefix of key with NUL'], ['k\u0000x', 'key with NUL'], ['k\u0001', 'after key with NUL']]);
    assert.deepEqual(await a.range({ gte: longKey, lt: longKey + '\u0000', limit: 10 }), [[longKey, 'long key']]);
    await a.write({ del: [longKey, 'k\u0000x'] });
    assert.deepEqual(await a.get([longKey, 'k\u0000x', longKey + '/child']), [undefined, undefined, 'long key child']);
  }));

  t('get rejects bad arguments with INVALID_ARGUMENT', withAdapter(async (a) => {
    await a.write({ put: [['a', '1']] });
    const bad = /** @type {any[]} */ ([undefined, 'a', null, {}, [1], [''], ['a', undefined], ['a', null], [['a']]]);
    for (const keys of bad) {
      await rejectsWith(a.get(keys), 'INVALID_ARGUMENT', /^get: /, `get(${JSON.stringify(keys)})`);
    }
    await rejectsWith(a.get(/** @type {any} */ (['a', 5])), 'INVALID_ARGUMENT', /keys\[1\] must be a non-empty string, got number/, 'non-string key');
    await rejectsWith(a.get(['a', '']), 'INVALID_ARGUMENT', /keys\[1\] must be a non-empty string, got empty string/, 'empty key');
  }));

  t('range rejects bad arguments with INVALID_ARGUMENT', withAdapter(async (a) => {
    await a.write({ put: [['a', '1']] });
    const cases = /** @type {Array<[any, RegExp]>} */ ([
      [undefined, /argument must be an object/],
      [null, /argument must be an object/],
      [{ gte: 'a', lt: 'b' }, /limit must be a positive integer/],
      [{ gte: 'a', lt: 'b', limit: 0 }, /limit must be a positive integer, got 0/],
      [{ gte: 'a', lt: 'b', limit: -1 }, /limit must be a positive integer, got -1/],
      [{ gte: 'a', lt: 'b', limit: 1.5 }, /limit must be a positive integer, got 1.5/],
      [{ gte: 'a', lt: 'b', limit: NaN }, /limit must be a positive integer/],
      [{ gte: 'a', lt: 'b', limit: Infinity }, /limit must be a positive integer/],
      [{ gte: 'a', lt: 'b', limit: '10' }, /limit must be a positive integer/],
      [{ gte: 'a', lt: 'b', limit: null }, /limit must be a positive integer/],
      [{ lt: 'b', limit: 10 }, /gte must be a string/],
      [{ gte: 'a', limit: 10 }, /lt must be a string/],
      [{ gte: 1, lt: 'b', limit: 10 }, /gte must be a string/],
      [{ gte: 'a', lt: 2, limit: 10 }, /lt must be a string/],
      [{ gte: 'b', lt: 'a', limit: 10 }, /gte must not be greater than lt/],
      [{ gte: 'a\u0000', lt: 'a', limit: 10 }, /gte must not be greater than lt/],
    ]);
    for (const [arg, pattern] of cases) {
      await rejectsWith(a.range(arg), 'INVALID_ARGUMENT', pattern, `range(${JSON.stringify(arg)})`);
    }
  }));

  t('write rejects bad arguments with INVALID_ARGUMENT and writes nothing', withAdapter(async (a) => {
    await a.write({ put: [['keep', 'v']] });
    const cases = /** @type {Array<[any, RegExp]>} */ ([
      [undefined, /argument must be an object/],
      [null, /argument must be an object/],
      [[['k', 'v']], /argument must be an object/],
      [{ put: 'k' }, /put must be an array/],
      [{ put: { k: 'v' } }, /put must be an array/],
      [{ del: 'k' }, /del must be an array/],
      [{ put: [['k', 'v'], 'k'] }, /put\[1\] must be a \[key, value\] pair/],
      [{ put: [['k']] }, /put\[0\] must be a \[key, value\] pair/],
      [{ put: [['k', 'v', 'extra']] }, /put\[0\] must be a \[key, value\] pair/],
      [{ put: [[1, 'v']] }, /put\[0\] key must be a non-empty string, got number/],
      [{ put: [[null, 'v']] }, /put\[0\] key must be a non-empty string, got null/],
      [{ put: [['', 'v']] }, /put\[0\] key must be a non-empty string, got empty string/],
      [{ put: [['k', undefined]] }, /put\[0\] value must be a string, got undefined/],
      [{ put: [['k', 1]] }, /put\[0\] value must be a string, got number/],
      [{ put: [['k', null]] }, /put\[0\] value must be a string, got null/],
      [{ put: [['k', { toString: () => 'v' }]] }, /put\[0\] value must be a string, got object/],
      [{ del: [1] }, /del\[0\] must be a non-empty string, got number/],
      [{ del: [''] }, /del\[0\] must be a non-empty string, got empty string/],
      [{ del: ['keep', undefined] }, /del\[1\] must be a non-empty string, got undefined/],
    ]);
    for (const [arg, pattern] of cases) {
      await rejectsWith(a.write(arg), 'INVALID_ARGUMENT', pattern, `write(${JSON.stringify(arg)})`);
    }
    assert.deepEqual(await a.range(ALL), [['keep', 'v']]);
  }));

  t('after close, operations reject with STORAGE_FAILED; close is idempotent', async () => {
    const a = await makeAdapter();
    await a.write({ put: [['k', 'v']] });
    await a.close();
    await a.close();
    await rejectsWith(a.get(['k']), 'STORAGE_FAILED', undefined, 'get after close');
    await rejectsWith(a.range(ALL), 'STORAGE_FAILED', undefined, 'range after close');
    await rejectsWith(a.write({ put: [['k', 'w']] }), 'STORAGE_FAILED', undefined, 'write after close');
    await rejectsWith(a.write({}), 'STORAGE_FAILED', undefined, 'empty write after close');
    await rejectsWith(a.get([/** @type {any} */ (1)]), 'INVALID_ARGUMENT', undefined, 'bad arguments still INVALID_ARGUMENT');
  });

  if (reopen) {
    t('data is durable across close and reopen', async () => {
      let a = await makeAdapter();
      try {
        await a.write({ put: [['a', '1'], ['b', '2'], ['c', '3']] });
        await a.write({ put: [['b', '2b']], del: ['c'] });
        await a.close();
        a = await reopen(a);
        assert.deepEqual(await a.range(ALL), [['a', '1'], ['b', '2b']]);
        await a.write({ put: [['d', '4']], del: ['a'] });
        await a.close();
        a = await reopen(a);
        assert.deepEqual(await a.get(['a', 'b', 'c', 'd']), [undefined, '2b', undefined, '4']);
      } finally {
        await a.close();
      }
    });

    t('a rejected batch leaves nothing behind after reopen', async () => {
      let a = await makeAdapter();
      try {
        await a.write({ put: [['keep', 'old']] });
        await rejectsWith(a.write({ put: [['keep', 'new'], ['n', /** @type {any} */ (undefined)]] }), 'INVALID_ARGUMENT', undefined, 'bad batch');
        await a.close();
        a = await reopen(a);
        assert.deepEqual(await a.range(ALL), [['keep', 'old']]);
      } finally {
        await a.close();
      }
    });
  }

  return count;
}
