// Node tests of the SQLite storage adapter (js/storage/sqlite.js): the shared acceptance suite on a
// file (with reopen) and in memory; WAL and the file it leaves; one process at a time
// (STORAGE_LOCKED in this process and across processes, busyTimeoutMs); a writer killed with SIGKILL
// loses no resolved write and no half batch; SQLite failures (a corrupt page) reject with
// STORAGE_FAILED and write nothing; files that are not ours; hostile input; the optional peer
// dependency (really absent in a copy of the package, and not loaded by `require`); a Message Center
// run on SQLite, closed and reopened, against the same run on memory.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import Database from 'better-sqlite3';
import { runStorageAdapterTests } from '../../js/storage/acceptance.js';
import { MessageCenter, createMemoryStorage, openSQLiteStorage } from '../../js/node.js';
import { scenario, openOptions, dump, summary } from './helpers.mjs';
import { digest } from './digest.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/sqlite-child.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mc-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A fresh file path in the test directory. */
const fresh = (label = 'store') => join(dir, `${label}-${++files}.db`);
const ALL = { gte: '', lt: '\uffff', limit: 1_000_000 };

// ---------------------------------------------------------------------------------------------
// The acceptance suite

/** adapter → its file, so `reopen` opens the same one. */
const home = new WeakMap();
async function openAt(path, options = {}) {
  const a = await openSQLiteStorage({ path, ...options });
  home.set(a, path);
  return a;
}

runStorageAdapterTests('sqlite (file)', () => openAt(fresh('acceptance')), { test, assert }, {
  reopen: (closed) => openAt(home.get(closed)),
});
runStorageAdapterTests('sqlite (:memory:)', () => openSQLiteStorage({ path: ':memory:' }), { test, assert });

// ---------------------------------------------------------------------------------------------
// The file: WAL, what open and close leave, options

test('sqlite: WAL journal, no -shm (exclusive locking), the WAL checkpointed and removed at close', async () => {
  const path = fresh('wal');
  const a = await openSQLiteStorage({ path });
  await a.write({ put: [['k', 'v']] });
  assert.ok(existsSync(`${path}-wal`), 'the write went to the WAL');
  assert.ok(!existsSync(`${path}-shm`), 'exclusive locking mode keeps the WAL index in memory');
  await a.close();
  assert.ok(!existsSync(`${path}-wal`), 'close checkpoints and removes the WAL');
  // WAL is a property of the file: read it with a plain connection, now that the lock is released.
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('application_id', { simple: true }), 0x6d634b56);
    assert.deepEqual(db.prepare('SELECT k, v FROM kv').raw().all(), [['k', 'v']]);
    assert.deepEqual(db.prepare('SELECT type, name FROM sqlite_schema ORDER BY name').raw().all(), [['table', 'kv'], ['index', 'sqlite_autoindex_kv_1']]);
  } finally {
    db.close();
  }
});

test('sqlite: synchronous normal works and persists across reopen', async () => {
  const path = fresh('normal');
  const a = await openSQLiteStorage({ path, synchronous: 'normal' });
  await a.write({ put: [['k', 'v']] });
  await a.close();
  const b = await openSQLiteStorage({ path });
  assert.deepEqual(await b.get(['k']), ['v']);
  await b.close();
});

test('sqlite: bad options reject with INVALID_ARGUMENT before anything is opened', async () => {
  const cases = [
    [undefined, /options must be an object/],
    [{}, /path must be a non-empty string/],
    [{ path: '' }, /path must be a non-empty string/],
    [{ path: 42 }, /path must be a non-empty string/],
    [{ path: ` ${join(dir, 'spaced.db')}` }, /starts or ends with white space/],
    [{ path: fresh(), synchronous: 'off' }, /synchronous must be 'full' or 'normal', got "off"/],
    [{ path: fresh(), synchronous: 'FULL' }, /synchronous must be 'full' or 'normal'/],
    [{ path: fresh(), busyTimeoutMs: -1 }, /busyTimeoutMs must be an integer/],
    [{ path: fresh(), busyTimeoutMs: 1.5 }, /busyTimeoutMs must be an integer/],
    [{ path: fresh(), busyTimeoutMs: '10' }, /busyTimeoutMs must be an integer/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(openSQLiteStorage(options), { code: 'INVALID_ARGUMENT', message }, JSON.stringify(options));
    if (typeof options?.path === 'string' && options.path) assert.ok(!existsSync(options.path.trim()), 'nothing created');
  }
});

test('sqlite: a missing directory is an error naming it, and nothing is created', async () => {
  const path = join(dir, 'no', 'such', 'dir', 'store.db');
  await assert.rejects(openSQLiteStorage({ path }), (err) => {
    assert.equal(err.code, 'STORAGE_FAILED');
    assert.equal(err.message, `cannot open SQLite storage ${JSON.stringify(path)}: the directory ${JSON.stringify(join(dir, 'no', 'such', 'dir'))} does not exist (create it first)`);
    return true;
  });
  assert.ok(!existsSync(join(dir, 'no')));
});

test('sqlite: a file that is not a SQLite database is refused, named, and left as it was', async () => {
  const path = fresh('text');
  const text = 'this is not a database\n'.repeat(300);
  writeFileSync(path, text);
  await assert.rejects(openSQLiteStorage({ path }), (err) => {
    assert.equal(err.code, 'STORAGE_FAILED');
    assert.equal(err.message, `cannot open SQLite storage ${JSON.stringify(path)}: the file is not a SQLite database`);
    assert.equal(err.cause?.code, 'SQLITE_NOTADB');
    return true;
  });
  assert.equal(readFileSync(path, 'utf8'), text);
  assert.ok(!existsSync(`${path}-wal`));
  // A directory is no database file either.
  await assert.rejects(openSQLiteStorage({ path: dir }), { code: 'STORAGE_FAILED', message: new RegExp(`^cannot open SQLite storage ${JSON.stringify(dir)}: SQLITE_CANTOPEN`) });
});

test('sqlite: a SQLite database of another application is refused, not written to', async () => {
  const path = fresh('foreign');
  const db = new Database(path);
  db.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('ada')");
  db.close();
  const before = readFileSync(path);
  await assert.rejects(openSQLiteStorage({ path }), {
    code: 'STORAGE_FAILED',
    message: `cannot open SQLite storage ${JSON.stringify(path)}: it is a SQLite database of another application (application_id 0), not a message-center storage`,
  });
  assert.deepEqual(readFileSync(path), before);
  // Nor is a store whose table layout is newer than this adapter.
  const newer = fresh('newer');
  await (await openSQLiteStorage({ path: newer })).close();
  const d2 = new Database(newer);
  d2.pragma('user_version = 2');
  d2.close();
  await assert.rejects(openSQLiteStorage({ path: newer }), { code: 'STORAGE_FAILED', message: /its table layout is version 2, this adapter reads version 1$/ });
});

// ---------------------------------------------------------------------------------------------
// One process at a time

/** Runs the fixture in a child process: the process, its stdout lines so far, `until(pred)` on them, `exited`. */
function child(mode, path, ...args) {
  const proc = spawn(process.execPath, [CHILD, mode, path, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  let closed = false;
  proc.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    wake();
  });
  proc.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  // 'close': exited, and everything it printed has been read.
  const exited = once(proc, 'close').then(() => {
    closed = true;
    wake();
  });
  /** Lines printed so far (complete lines only). */
  const lines = () => out.split('\n').slice(0, -1);
  /** Resolves once `pred(lines())` holds; rejects if the child ends first. */
  const until = (pred) => new Promise((resolve, reject) => {
    const check = () => {
      if (pred(lines())) resolve(lines());
      else if (closed) reject(new Error(`child ended (${proc.exitCode ?? proc.signalCode}) before: ${err}`));
      else waiters.push(check);
    };
    check();
  });
  return { proc, lines, until, exited, stderr: () => err };
}

test('sqlite: a second adapter on the file in this process is refused with STORAGE_LOCKED; close releases it', async () => {
  const path = fresh('locked');
  const a = await openSQLiteStorage({ path });
  await a.write({ put: [['k', 'v']] });
  for (const options of [{}, { synchronous: 'normal' }]) {
    await assert.rejects(openSQLiteStorage({ path, ...options }), (err) => {
      assert.equal(err.code, 'STORAGE_LOCKED');
      assert.equal(err.message, `SQLite storage ${JSON.stringify(path)} is open in another process or adapter: close it there first (one Message Center works on a storage at a time)`);
      assert.equal(err.cause?.code, 'SQLITE_BUSY');
      return true;
    });
  }
  // With busyTimeoutMs it is still refused when nobody lets go (this thread is the holder); the
  // test below shows it waiting for a holder that does.
  await assert.rejects(openSQLiteStorage({ path, busyTimeoutMs: 150 }), { code: 'STORAGE_LOCKED' });
  assert.deepEqual(await a.get(['k']), ['v'], 'the holder is unharmed');
  await a.write({ put: [['k', 'w']] });
  await a.close();
  const b = await openSQLiteStorage({ path });
  assert.deepEqual(await b.get(['k']), ['w']);
  await b.close();
});

test('sqlite: another process is refused while this one holds the file, and opens it once closed', async () => {
  const path = fresh('cross');
  const a = await openSQLiteStorage({ path });
  await a.write({ put: [['k', 'v']] });
  const refused = child('open', path);
  await refused.exited;
  assert.deepEqual(JSON.parse(refused.lines()[0]), {
    code: 'STORAGE_LOCKED',
    message: `SQLite storage ${JSON.stringify(path)} is open in another process or adapter: close it there first (one Message Center works on a storage at a time)`,
  }, refused.stderr());
  await a.close();
  const opened = child('open', path);
  await opened.exited;
  assert.deepEqual(JSON.parse(opened.lines()[0]), { opened: true }, opened.stderr());
});

test('sqlite: while another process holds the file this one is refused; busyTimeoutMs waits for it to let go', async () => {
  const path = fresh('held');
  const holder = child('hold', path);
  try {
    await holder.until((l) => l.includes('locked'));
    await assert.rejects(openSQLiteStorage({ path }), { code: 'STORAGE_LOCKED', message: new RegExp(`^SQLite storage ${JSON.stringify(path)} is open in another process`) });
    await assert.rejects(openSQLiteStorage({ path, busyTimeoutMs: 50 }), { code: 'STORAGE_LOCKED' });
    // The holder closes 200 ms after reading this line; the open below waits (blocking) until then.
    await new Promise((resolve, reject) => holder.proc.stdin.write('release\n', (e) => (e ? reject(e) : resolve())));
    const b = await openSQLiteStorage({ path, busyTimeoutMs: 10_000 });
    assert.deepEqual(await b.get(['from-child']), [String(holder.proc.pid)]);
    await b.close();
    await holder.until((l) => l.includes('released'));
  } finally {
    holder.proc.kill('SIGKILL');
  }
});

// ---------------------------------------------------------------------------------------------
// Durability: kill -9

/** The value the writer fixture puts under `part` in batch `n`. */
const batchValue = (part, n) => `${n}:${part}:`.padEnd(20_000, part);

test('sqlite: a writer killed with SIGKILL at random moments loses no resolved write and no part of a batch', async () => {
  const path = fresh('killed');
  let printedMax = 0;
  for (let round = 0; round < 4; round++) {
    const writer = child('writer', path);
    const after = printedMax + 5 + Math.floor(Math.random() * 20);
    await writer.until((l) => l.length > 0 && Number(l[l.length - 1]) >= after);
    await new Promise((r) => setTimeout(r, Math.random() * 15));
    writer.proc.kill('SIGKILL');
    await writer.exited;
    assert.equal(writer.proc.signalCode, 'SIGKILL', writer.stderr());
    const printed = writer.lines().map(Number);
    assert.ok(printed.length >= 5 && printed[0] === printedMax + 1, `round ${round}: printed ${printed[0]}…${printed.at(-1)} after ${printedMax}`);
    assert.ok(existsSync(`${path}-wal`), 'killed before close: the WAL is left for recovery');

    const s = await openSQLiteStorage({ path });
    const entries = await s.range(ALL);
    await s.close();
    const byKey = new Map(entries);
    const last = Number(byKey.get('last'));
    assert.ok(last >= printed.at(-1), `round ${round}: every printed batch is there (last ${last}, printed up to ${printed.at(-1)})`);
    // Batches 1…last are whole, and nothing after them exists.
    assert.equal(entries.length, 3 * last + 1, `round ${round}: ${entries.length} keys for ${last} batches`);
    for (let n = 1; n <= last; n++) {
      const id = String(n).padStart(8, '0');
      for (const part of ['a', 'b', 'c']) {
        const v = byKey.get(`${part}/${id}`);
        assert.ok(v === batchValue(part, n), `round ${round}: ${part}/${id} is ${v === undefined ? 'missing' : 'wrong'}`);
      }
    }
    printedMax = last;
  }
});

// ---------------------------------------------------------------------------------------------
// SQLite failures

/**
 * A closed store of 3,000 keys whose b-tree page at 3/4 of the file is overwritten with garbage:
 * reading or writing the keys there fails in SQLite itself (SQLITE_CORRUPT).
 */
async function corrupted() {
  const path = fresh('corrupt');
  const a = await openSQLiteStorage({ path });
  const keys = [];
  for (let i = 0; i < 3000; i++) keys.push(`k/${String(i).padStart(5, '0')}`);
  await a.write({ put: keys.map((k) => [k, `value of ${k} `.repeat(10)]) });
  await a.close();
  const pageSize = 4096;
  const pages = statSync(path).size / pageSize;
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages * 0.75) * pageSize);
  closeSync(fd);
  return { path, keys };
}

test('sqlite: a SQLite failure in get, range or write rejects with STORAGE_FAILED and its cause; the write is undone', async () => {
  const { path, keys } = await corrupted();
  const s = await openSQLiteStorage({ path });
  try {
    assert.deepEqual(await s.get([keys[0]]), [`value of ${keys[0]} `.repeat(10)], 'pages before the damage read');
    const failed = (what) => (err) => {
      assert.equal(err.code, 'STORAGE_FAILED');
      assert.equal(err.cause?.code, 'SQLITE_CORRUPT', err.message);
      assert.match(err.message, new RegExp(`^sqlite ${what} failed on ${JSON.stringify(path)}: SQLITE_CORRUPT: `));
      return true;
    };
    await assert.rejects(s.range(ALL), failed('range'));
    await assert.rejects(s.get(keys), failed('get'));
    // Puts in key order: the first ones land on sound pages before one reaches the damaged page.
    await assert.rejects(s.write({ put: keys.map((k) => [k, 'new']), del: ['absent'] }), failed('write'));
    assert.deepEqual(await s.get([keys[0], keys[1]]), [`value of ${keys[0]} `.repeat(10), `value of ${keys[1]} `.repeat(10)], 'rolled back');
    // The adapter still works where the file is sound.
    await s.write({ put: [[keys[0], 'after']] });
    assert.deepEqual(await s.get([keys[0]]), ['after']);
  } finally {
    await s.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Hostile input

test('sqlite: a lone surrogate in a value is refused with INVALID_ARGUMENT, and the batch writes nothing', async () => {
  const s = await openSQLiteStorage({ path: fresh('surrogate') });
  try {
    await s.write({ put: [['keep', 'old']] });
    for (const [value, unit, at] of [['a\ud800b', 'D800', 1], ['\udfff', 'DFFF', 0], ['ok \ud83d\ude00 then \ude00', 'DE00', 11], ['tail \ud83d', 'D83D', 5]]) {
      await assert.rejects(s.write({ put: [['keep', 'new'], ['bad', value]] }), {
        code: 'INVALID_ARGUMENT',
        message: `write: put[1] value holds a lone surrogate (U+${unit} at index ${at}): SQLite stores UTF-8, which cannot carry it`,
      });
    }
    assert.deepEqual(await s.range(ALL), [['keep', 'old']]);
    // Well-formed text of any plane is stored as given.
    const text = 'h\u00e9 \u4e2d \ud83d\ude00 \u{10ffff} \ufffd \uffff \u0000';
    await s.write({ put: [['text', text]] });
    assert.ok((await s.get(['text']))[0] === text);
  } finally {
    await s.close();
  }
});

test('sqlite: keys with a surrogate are refused (their UTF-8 order differs from JavaScript\'s); bounds with one still select as in JavaScript', async () => {
  const s = await openSQLiteStorage({ path: fresh('keys') });
  const memory = createMemoryStorage();
  try {
    for (const key of ['\ud83d\ude00', 'a\ud800']) {
      await assert.rejects(s.write({ put: [['ok', '1'], [key, 'v']] }), { code: 'INVALID_ARGUMENT', message: /^write: put\[1\] key holds a surrogate/ });
      await assert.rejects(s.write({ del: ['ok', key] }), { code: 'INVALID_ARGUMENT', message: /^write: del\[1\] holds a surrogate/ });
      await assert.rejects(s.get(['ok', key]), { code: 'INVALID_ARGUMENT', message: /^get: keys\[1\] holds a surrogate/ });
    }
    // Keys of the BMP, non-ASCII included, come back in JavaScript's order (as the memory adapter
    // gives them), whatever the bounds.
    const chars = ['a', 'b', '~', '\u0000', '\u007f', '\u00e9', '\u4e2d', '\ud7ff', '\ue000', '\uffee', '\uffff'];
    const keys = [];
    for (const x of chars) for (const y of chars) keys.push(`k${x}${y}`);
    const put = keys.map((k) => [k, JSON.stringify(k)]);
    await s.write({ put });
    await memory.write({ put });
    const bounds = ['', 'k', 'k\u00e9', 'k\ud83d\ude00', 'k\ud800', 'k\udfff', 'k\ue000', 'ka\ud83d', 'k\ud7ff\ud800', 'k\uffff', '\uffff'];
    for (const gte of bounds) {
      for (const lt of bounds) {
        if (gte > lt) continue;
        assert.deepEqual(await s.range({ gte, lt, limit: 1000 }), await memory.range({ gte, lt, limit: 1000 }), `range ${JSON.stringify({ gte, lt })}`);
      }
    }
  } finally {
    await s.close();
    await memory.close();
  }
});

test('sqlite: a 10 MB value, and 100,000 keys in one write and in one get', async () => {
  const path = fresh('big');
  let s = await openSQLiteStorage({ path });
  try {
    const big = '0123456789abcdef\u00e9\u4e2d\ud83d\ude00'.repeat(Math.ceil(10_000_000 / 21)).slice(0, 10_000_000);
    await s.write({ put: [['big', big]] });
    const keys = [];
    for (let i = 0; i < 100_000; i++) keys.push(`k/${i}`);
    await s.write({ put: keys.map((k, i) => [k, String(i)]) });
    await s.close();
    s = await openSQLiteStorage({ path });
    assert.ok((await s.get(['big']))[0] === big, '10 MB value read back after reopen');
    assert.ok((await s.range({ gte: 'big', lt: 'big\u0000', limit: 1 }))[0][1] === big);
    const asked = [...keys, 'absent', keys[0]];
    const got = await s.get(asked);
    assert.equal(got.length, asked.length);
    assert.ok(got.every((v, i) => (i < keys.length ? v === String(i) : true)), 'every value in place');
    assert.deepEqual(got.slice(-2), [undefined, '0']);
    assert.equal((await s.range({ gte: 'k/', lt: 'k0', limit: 200_000 })).length, 100_000);
  } finally {
    await s.close();
  }
});

// ---------------------------------------------------------------------------------------------
// The optional peer dependency

test('sqlite: without better-sqlite3 the package still loads (ESM and CommonJS) and openSQLiteStorage says what to install', async () => {
  // A copy of the package where no node_modules can be found: better-sqlite3 is really absent.
  const copy = mkdtempSync(join(tmpdir(), 'mc-no-sqlite-'));
  try {
    for (const p of ['package.json', 'js', 'dist/node.cjs', 'dist/wasm', 'dist/vendor']) cpSync(join(ROOT, p), join(copy, p), { recursive: true });
    const probe = (path) => `
      const r = await m.openSQLiteStorage({ path: ${JSON.stringify(path)} }).then(() => ({ opened: true }), (e) => ({ code: e.code, message: e.message, cause: e.cause?.code }));
      console.log(JSON.stringify({ exports: typeof m.MessageCenter, ...r }));`;
    const env = { ...process.env, NODE_PATH: '' };
    const esm = execFileSync(process.execPath, ['--input-type=module', '-e', `import * as m from ${JSON.stringify(pathToFileURL(join(copy, 'js/node.js')).href)};${probe(join(copy, 'a.db'))}`], { encoding: 'utf8', env, cwd: copy });
    const cjs = execFileSync(process.execPath, ['-e', `(async () => { const m = require(${JSON.stringify(join(copy, 'dist/node.cjs'))});${probe(join(copy, 'b.db'))} })()`], { encoding: 'utf8', env, cwd: copy });
    const message = 'openSQLiteStorage needs the optional peer dependency better-sqlite3 12.x: npm install better-sqlite3@12';
    assert.deepEqual(JSON.parse(esm), { exports: 'function', code: 'STORAGE_FAILED', message, cause: 'ERR_MODULE_NOT_FOUND' });
    assert.deepEqual(JSON.parse(cjs), { exports: 'function', code: 'STORAGE_FAILED', message, cause: 'ERR_MODULE_NOT_FOUND' });
    assert.ok(!existsSync(join(copy, 'a.db')) && !existsSync(join(copy, 'b.db')));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('sqlite: require(\'message-center\') (dist/node.cjs) does not load better-sqlite3 until openSQLiteStorage is called', () => {
  const path = fresh('cjs');
  const out = execFileSync(process.execPath, ['-e', `
    const loaded = () => Object.keys(require.cache).some((f) => f.includes('better-sqlite3'));
    const { openSQLiteStorage } = require(${JSON.stringify(join(ROOT, 'dist/node.cjs'))});
    const before = loaded();
    openSQLiteStorage({ path: ${JSON.stringify(path)} }).then(async (s) => {
      await s.write({ put: [['k', 'v']] });
      console.log(JSON.stringify({ before, after: loaded(), got: await s.get(['k']) }));
      await s.close();
    });
  `], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), { before: false, after: true, got: ['v'] });
});

// ---------------------------------------------------------------------------------------------
// A Message Center on SQLite

test('sqlite: a Message Center runs on SQLite, and reopened on the file gives back the same events', async () => {
  const path = fresh('mc');
  const T0 = '2026-03-02T08:00:00Z';
  let mc = await MessageCenter.open({ storage: await openSQLiteStorage({ path }), now: T0, seed: 1 });
  await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  await mc.addEventType('order');
  await mc.createTemplate({ name: 'conf', eventType: 'order', subject: 'Order <%= rtEvent.ctx.@n %>' });
  await mc.publish('conf');
  for (const w of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', w);
  const addresses = ['sent@mc-sim.test', 'hard@mc-sim.test', 'ignored@mc-sim.test', 'soft-1@mc-sim.test', 'ada@example.com'];
  const pushed = await mc.pushEvents(addresses.map((email, i) => ({ type: 'order', email, ctx: { '@n': String(i) } })));
  await mc.advance(3_600_000);
  // While it is open, the file is taken.
  await assert.rejects(openSQLiteStorage({ path }), { code: 'STORAGE_LOCKED' });
  const read = async (m) => ({
    now: m.now(),
    list: await m.listEvents({ instance: 'mcExec1' }),
    stories: await Promise.all(pushed.map((p) => m.getEvent(p.id))),
    counts: m.countEvents({ instance: 'mcExec1' }),
  });
  const before = await read(mc);
  assert.deepEqual(before.stories.slice(0, 3).map((s) => s.event.status), ['sent', 'deliveryFailed', 'ignored']);
  assert.equal(before.stories[0].broadLog.subject, 'Order 0');
  assert.equal(before.list.events.length, addresses.length);
  await mc.close();

  mc = await MessageCenter.open({ storage: await openSQLiteStorage({ path }), seed: 1 });
  assert.deepEqual(await read(mc), before);
  // And it goes on from there.
  const { id } = await mc.pushEvent({ type: 'order', email: 'sent@mc-sim.test', ctx: { '@n': 'again' } });
  assert.equal((await mc.waitForStatus(id, 'sent')).status, 'sent');
  await mc.close();
});

test('sqlite: the shared scenario, reopened on the file at every checkpoint, writes the same bytes as on memory', async () => {
  const memory = createMemoryStorage();
  const ref = await scenario(await MessageCenter.open({ storage: memory, ...openOptions('7') }));
  const expected = { digest: digest(await dump(memory)), summary: await summary(ref.mc) };
  await ref.mc.close();

  const path = fresh('scenario');
  let storage = await openSQLiteStorage({ path });
  const seen = [];
  const rec = await scenario(await MessageCenter.open({ storage, ...openOptions('7') }), {
    checkpoint: async (label, mc) => {
      seen.push(label);
      const entries = await dump(storage);
      await mc.close();
      storage = await openSQLiteStorage({ path });
      assert.deepEqual(await dump(storage), entries, `SQLite kept everything at ${label}`);
      return MessageCenter.open({ storage, seed: '7' });
    },
  });
  assert.ok(seen.length > 3);
  assert.equal(digest(await dump(storage)), expected.digest);
  assert.deepEqual(await summary(rec.mc), expected.summary);
  await rec.mc.close();
});
