// Browser test: a store of storage format 3 (tests/fixtures/format3-store.json, written by that
// version with what it showed) put into Chromium's REAL IndexedDB and opened by the package in the
// page: migrated in place to format 4, it shows the same status lists and events. A page that dies
// in the middle of the migration fails open, and the next open finishes it with the same bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openPage, requireChromium } from './harness.mjs';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/format3-store.json', import.meta.url), 'utf8'));

test('a store of storage format 3 in IndexedDB is migrated in place at open and shows the same', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems, server } = await openPage(t);
  await page.goto(server.url('/tests/browser/blank.html'));
  const ids = Object.keys(fixture.expected.events);
  const got = await page.evaluate(async (ids) => {
    const { MessageCenter, openIndexedDBStorage, deleteIndexedDBStorage } = await import('/js/browser.js');
    const { dump, dyingAt, listAll } = await import('/tests/js/helpers.mjs');
    const { entries } = await (await fetch('/tests/fixtures/format3-store.json')).json();
    const open = async (name) => {
      const storage = await openIndexedDBStorage({ name });
      await storage.write({ put: entries });
      return storage;
    };
    // Whole.
    const storage = await open('format3-whole');
    const mc = await MessageCenter.open({ storage });
    const [format, cursor] = await storage.get(['m/format', 'm/migration']);
    const shown = {
      exec1: await listAll(mc, { instance: 'exec1' }, 100),
      control: await listAll(mc, { instance: 'control' }, 100),
      events: Object.fromEntries(await Promise.all(ids.map(async (k) => [k, await mc.getEvent(k.split('/')[1])]))),
    };
    const whole = JSON.stringify(await dump(storage));
    await mc.close();
    await deleteIndexedDBStorage({ name: 'format3-whole' });
    // The page dies at the second step's write (every call fails from there): open fails, and
    // the next open finishes the migration.
    const inner = await open('format3-crash');
    const dying = dyingAt(inner, 2);
    const failed = await MessageCenter.open({ storage: dying }).then(() => null, (e) => e.code);
    const [midFormat, midCursor] = await inner.get(['m/format', 'm/migration']);
    const again = await MessageCenter.open({ storage: inner });
    const resumed = JSON.stringify(await dump(inner)) === whole;
    await again.close();
    await deleteIndexedDBStorage({ name: 'format3-crash' });
    return { format, cursor: cursor ?? null, shown, failed, midFormat, midCursor: midCursor ?? null, resumed };
  }, ids);
  assert.equal(got.format, 'message-center/4');
  assert.equal(got.cursor, null);
  assert.deepEqual(got.shown.exec1, fixture.expected.exec1, "the execution instance's status list");
  assert.deepEqual(got.shown.control, fixture.expected.control, "the history's status list");
  for (const k of ids) assert.deepEqual(got.shown.events[k], fixture.expected.events[k], `getEvent ${k}`);
  assert.equal(got.failed, 'STORAGE_FAILED');
  assert.equal(got.midFormat, 'message-center/3');
  assert.ok(typeof got.midCursor === 'string', 'the first step was kept');
  assert.equal(got.resumed, true, 'the next open finished the migration with the same bytes');
  assert.deepEqual(problems, []);
});
