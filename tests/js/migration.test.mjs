// A store of storage format 3 (tests/fixtures/format3-store.json: written by that version, with
// what it showed) opened through the package on each adapter: migrated in place to format 4 by
// open, a bounded step per transaction, and showing the same status lists and events. A process
// that dies in the middle of the migration leaves a store the next open finishes.
// (Chromium's IndexedDB: tests/browser/migration.browser.test.mjs.)

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { MessageCenter, createMemoryStorage, openIndexedDBStorage, openSQLiteStorage } from '../../js/node.js';
import { createFaultyStorage } from '../../js/testing.js';
import { dump, dyingAt, listAll, restore } from './helpers.mjs';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/format3-store.json', import.meta.url), 'utf8'));
const PAGE_RECORD = /^[eh]\/[0-9a-f]{2}\/[0-9a-f]{13}\/(s|b|d[0-9a-f]{2}|m[0-9a-f]{2})$/;

const dir = mkdtempSync(join(tmpdir(), 'mc-migration-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const adapters = {
  memory: () => createMemoryStorage(),
  SQLite: () => openSQLiteStorage({ path: join(dir, `store-${files++}.db`) }),
  'IndexedDB (fake-indexeddb)': () => openIndexedDBStorage({ name: 'format3', indexedDB: new IDBFactory(), IDBKeyRange }),
};

/** What the fixture's version showed of it, and what this one shows. */
async function showsTheSame(mc) {
  const { expected } = fixture;
  assert.deepEqual(await listAll(mc, { instance: 'exec1' }, 100), expected.exec1, "the execution instance's status list");
  assert.deepEqual(await listAll(mc, { instance: 'control' }, 100), expected.control, "the history's status list");
  const events = Object.entries(expected.events);
  assert.ok(events.length > 30);
  for (const [k, want] of events) assert.deepEqual(await mc.getEvent(k.split('/')[1]), want, `getEvent ${k}`);
}

for (const [name, make] of Object.entries(adapters)) {
  test(`${name}: a store of storage format 3 is migrated in place at open and shows the same events, statuses and messages`, async () => {
    const storage = await restore(await make(), fixture.entries);
    const counted = { writes: 0 };
    const counting = { ...storage, get: (k) => storage.get(k), range: (r) => storage.range(r), close: () => storage.close(), write: (b) => (counted.writes++, storage.write(b)) };
    const mc = await MessageCenter.open({ storage: counting });
    assert.deepEqual(await storage.get(['m/format', 'm/migration']), ['message-center/4', undefined]);
    const pages = fixture.entries.filter(([k]) => PAGE_RECORD.test(k));
    assert.ok(counted.writes >= Math.ceil(pages.length / 16), `${counted.writes} transactions for ${pages.length} page records`);
    const after = new Map(await dump(storage));
    const [before, packed] = [pages.reduce((n, [, v]) => n + v.length, 0), pages.reduce((n, [k]) => n + after.get(k).length, 0)];
    assert.ok(packed * 3 < before, `page records: ${before} characters in format 3, ${packed} packed`);
    for (const [k, v] of fixture.entries) if (!PAGE_RECORD.test(k) && k !== 'm/format') assert.equal(after.get(k), v, `${k} is as it was`);
    await showsTheSame(mc);
    await mc.close();
  });
}

test('a process that dies in the middle of the migration leaves a store the next open finishes', async () => {
  const whole = await restore(createMemoryStorage(), fixture.entries);
  const first = await MessageCenter.open({ storage: whole });
  const migrated = await dump(whole);
  await first.close();
  for (const n of [1, 2, 3]) {
    const inner = await restore(createMemoryStorage(), fixture.entries);
    await assert.rejects(MessageCenter.open({ storage: dyingAt(inner, n) }), { code: 'STORAGE_FAILED' });
    const [format, cursor] = await inner.get(['m/format', 'm/migration']);
    assert.equal(format, 'message-center/3', 'not yet format 4');
    assert.equal(cursor === undefined, n === 1, `death at write ${n}: the cursor of the steps done`);
    const mc = await MessageCenter.open({ storage: inner });
    assert.deepEqual(await dump(inner), migrated, `after a death at write ${n}`);
    await showsTheSame(mc);
    await mc.close();
  }
});

test('a write that fails in the middle of the migration fails open; the store is rebuilt from storage, migrated', async () => {
  const inner = await restore(createMemoryStorage(), fixture.entries);
  await assert.rejects(MessageCenter.open({ storage: createFaultyStorage(inner, { failOnWrite: 2 }) }), { code: 'STORAGE_FAILED' });
  // The shell rebuilt its engine from storage after the failed write, which went on migrating.
  assert.deepEqual(await inner.get(['m/format', 'm/migration']), ['message-center/4', undefined]);
  const mc = await MessageCenter.open({ storage: inner });
  await showsTheSame(mc);
  await mc.close();
});
