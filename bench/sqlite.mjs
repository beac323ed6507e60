// The SQLite storage adapter (js/storage/sqlite.js), measured on this machine's disk, with records
// of the sizes a Message Center writes (10% of 10 B, 50% of 1.1 kB, 30% of 8 kB, 10% of 35 kB: queue
// records, data fragments, delivery-log pages, state pages):
//   - writes/s of batches of 1 and of 100 records, with synchronous FULL and NORMAL;
//   - get of 1 and of 200 keys, a range of 100, on a store of 20k records;
//   - what the adapter chose between, on better-sqlite3 directly: the table (a rowid table written
//     by upsert, the same by INSERT OR REPLACE, a WITHOUT ROWID table) and the way of getting many
//     keys (one prepared statement per key alone or inside one read transaction, one json_each join).
// Figures only, nothing asserted. Run: `node bench/sqlite.mjs` (needs better-sqlite3 12.x).
// `--dir=PATH` puts the files there (default: the OS temp directory).

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openSQLiteStorage } from '../js/storage/sqlite.js';

const dirArg = process.argv.find((a) => a.startsWith('--dir='))?.slice(6);
const dir = mkdtempSync(join(dirArg ?? tmpdir(), 'mc-sqlite-bench-'));
const N = 20_000;
const key = (i) => `e/01/${i.toString(16).padStart(13, '0')}/s`;
const SIZES = [10, 1100, 1100, 1100, 1100, 1100, 8000, 8000, 8000, 35_000];
const VALUES = SIZES.map((n) => 'v'.repeat(n));
const value = (i) => VALUES[(Math.imul(i, 2654435761) >>> 0) % 10];
let seed = 1;
const random = (n) => {
  seed = (seed * 16807) % 2147483647;
  return seed % n;
};

/** Calls per second of `fn`, run for about `ms`. */
async function rate(fn, ms = 1500) {
  await fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    await fn();
    n++;
  }
  return n / ((performance.now() - t0) / 1000);
}

/** The best of 3 runs of `n` calls, in µs per call. */
async function perCall(fn, n) {
  for (let i = 0; i < n / 10; i++) await fn();
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / n);
  }
  return best;
}

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const us = (x) => `${x < 10 ? x.toFixed(1) : fmt(x)} µs`;
const randomKeys = (n) => Array.from({ length: n }, () => key(random(N)));

try {
  console.log(`SQLite storage adapter (better-sqlite3), files in ${dir}`);
  for (const synchronous of ['full', 'normal']) {
    const s = await openSQLiteStorage({ path: join(dir, `write-${synchronous}.db`), synchronous });
    let i = 0;
    const single = await rate(() => s.write({ put: [[key(i), value(i++)]] }));
    const hundred = await rate(() => {
      const put = [];
      for (let j = 0; j < 100; j++) put.push([key(i), value(i++)]);
      return s.write({ put });
    });
    await s.close();
    console.log(`  synchronous ${synchronous.padEnd(6)}: ${fmt(single)} writes/s of 1 record; ${fmt(hundred)} writes/s of 100 records (${fmt(hundred * 100)} records/s)`);
  }

  const path = join(dir, 'read.db');
  const s = await openSQLiteStorage({ path });
  const all = [];
  for (let i = 0; i < N; i++) all.push([key(i), value(i)]);
  await s.write({ put: all });
  console.log(`  ${fmt(N)} records: get of 1 key ${us(await perCall(() => s.get(randomKeys(1)), 20_000))}, of 200 keys ${us(await perCall(() => s.get(randomKeys(200)), 200))}, range of 100 ${us(await perCall(() => s.range({ gte: key(random(N - 100)), lt: key(N), limit: 100 }), 500))}`);
  await s.close();

  console.log('  on better-sqlite3 directly, the same records (WAL, exclusive locking, synchronous FULL):');
  const tables = {
    'rowid table, upsert (the adapter)': ['CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY COLLATE BINARY, v TEXT NOT NULL)', 'INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v'],
    'rowid table, INSERT OR REPLACE': ['CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY COLLATE BINARY, v TEXT NOT NULL)', 'INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)'],
    'WITHOUT ROWID table': ['CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID', 'INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)'],
  };
  for (const [name, [ddl, upsert]] of Object.entries(tables)) {
    const file = join(dir, `table-${name.replace(/\W+/g, '-')}.db`);
    const db = new Database(file);
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(ddl);
    const put = db.prepare(upsert);
    const write = db.transaction((ids) => ids.forEach((i) => put.run(key(i), value(i))));
    for (let i = 0; i < N; i += 100) write(Array.from({ length: 100 }, (_, j) => i + j));
    const one = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
    const get1 = await perCall(() => one.get(key(random(N))), 20_000);
    const overwrite = await perCall(() => write(Array.from({ length: 10 }, () => random(N))), 300);
    db.close();
    console.log(`    ${name.padEnd(36)} get ${us(get1).padStart(8)}, overwrite of 10 records ${us(overwrite).padStart(8)}, file ${(statSync(file).size / 1e6).toFixed(0)} MB`);
  }
  const db = new Database(path);
  db.pragma('locking_mode = EXCLUSIVE');
  const one = db.prepare('SELECT v FROM kv WHERE k = ?').pluck();
  const each = db.prepare('SELECT kv.v FROM json_each(?) AS j LEFT JOIN kv ON kv.k = j.value ORDER BY j.key').pluck();
  const ways = {
    'statement per key, alone': (ks) => ks.map((k) => one.get(k)),
    'statement per key, in one transaction': db.transaction((ks) => ks.map((k) => one.get(k))),
    'one json_each join': (ks) => each.all(JSON.stringify(ks)),
  };
  for (const [name, fn] of Object.entries(ways)) {
    const a = await perCall(() => fn(randomKeys(1)), 20_000);
    const b = await perCall(() => fn(randomKeys(200)), 200);
    console.log(`    get by ${name.padEnd(37)} 1 key ${us(a).padStart(8)}, 200 keys ${us(b).padStart(8)}`);
  }
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
