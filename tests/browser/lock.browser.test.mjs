// Browser test: two tabs on one IndexedDB database. The second is refused with STORAGE_LOCKED while
// the first holds it (two engines writing beside each other would corrupt the small state each
// keeps in memory), and can open it once the first closes it, or once the first tab is closed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, requireChromium } from './harness.mjs';

/** Two tabs of one browser context on a blank page of the test server. */
async function twoTabs(t) {
  const { page, problems, server } = await openPage(t);
  const second = await page.context().newPage();
  const blank = server.url('/tests/browser/blank.html');
  await page.goto(blank);
  await second.goto(blank);
  return { page, second, problems, blank };
}

test('a second tab cannot open a database the first holds; it can once the first closes it', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, second, problems, blank } = await twoTabs(t);
  const open = (p) => p.evaluate(async () => {
    const { MessageCenter, openIndexedDBStorage } = await import('/js/browser.js');
    try {
      window.mc = await MessageCenter.open({ storage: await openIndexedDBStorage({ name: 'lock-test' }), seed: 1 });
      if (window.mc.executionInstances().length === 0) await window.mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
      return { ok: true, instances: window.mc.executionInstances().length };
    } catch (e) {
      return { ok: false, code: e.code, message: e.message };
    }
  });

  assert.deepEqual(await open(page), { ok: true, instances: 1 });
  const refused = await open(second);
  assert.equal(refused.code, 'STORAGE_LOCKED', JSON.stringify(refused));
  assert.match(refused.message, /open in another tab or window/);

  await page.evaluate(() => window.mc.close());
  assert.deepEqual(await open(second), { ok: true, instances: 1 }, 'the same Message Center, once the first closed it');

  // Closing a tab releases its lock too.
  await second.close();
  const third = await page.context().newPage();
  await third.goto(blank);
  assert.deepEqual(await open(third), { ok: true, instances: 1 });
  assert.deepEqual(problems, []);
});

test('lockWaitMs: a second tab waits for the lock the first lets go of (a reload), and is refused when it is not', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, second, problems } = await twoTabs(t);
  const open = (p, lockWaitMs) => p.evaluate(async (lockWaitMs) => {
    const { openIndexedDBStorage } = await import('/js/browser.js');
    try {
      window.storage = await openIndexedDBStorage({ name: 'lock-wait', lockWaitMs });
      return { ok: true };
    } catch (e) {
      return { ok: false, code: e.code };
    }
  }, lockWaitMs);
  assert.equal((await open(page, 0)).ok, true);
  const refused = await open(second, 300);
  assert.equal(refused.code, 'STORAGE_LOCKED', 'a lock nobody lets go of: refused once lockWaitMs has passed');
  // The first lets go after the second asked (with lockWaitMs 0 the second would be refused, as
  // above and in the first test): the second waits for it and opens, without an error.
  const waiting = open(second, 10_000);
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)).then(() => window.storage.close()));
  const opened = await waiting;
  assert.equal(opened.ok, true, JSON.stringify(opened));
  const bad = await second.evaluate(async () => {
    const { openIndexedDBStorage } = await import('/js/browser.js');
    return openIndexedDBStorage({ name: 'x', lockWaitMs: -1 }).then(() => 'opened', (e) => e.code);
  });
  assert.equal(bad, 'INVALID_ARGUMENT');
  assert.deepEqual(problems, []);
});
