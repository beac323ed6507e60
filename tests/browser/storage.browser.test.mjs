// Browser test: runs the storage adapter acceptance suite against the IndexedDB adapter on Chromium's
// REAL IndexedDB (page tests/browser/storage.html), then checks that every acceptance test ran and passed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStorageAdapterTests } from '../../js/storage/acceptance.js';
import { openPage, requireChromium } from './harness.mjs';

/** Number of tests the suite registers when a reopen function is given (as the page does). */
function expectedCount() {
  return runStorageAdapterTests('count', () => { throw new Error('not run'); }, { test: () => {}, assert }, { reopen: async (a) => a });
}

test('storage acceptance suite passes on real IndexedDB in Chromium', { timeout: 180_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems, server } = await openPage(t);

  await page.goto(server.url('/tests/browser/storage.html'));
  try {
    await page.waitForFunction(() => /** @type {any} */ (window).__done === true, null, { timeout: 150_000 });
  } catch (err) {
    throw new Error(`the page did not finish: ${err.message}\n${problems.join('\n')}`);
  }
  const { fatal, report } = await page.evaluate(() => ({ fatal: /** @type {any} */ (window).__fatal, report: /** @type {any} */ (window).__results }));
  assert.equal(fatal, undefined, `page failed outside the tests: ${fatal}\n${problems.join('\n')}`);
  t.diagnostic(report.userAgent);

  const expected = expectedCount();
  assert.ok(expected > 0);
  assert.equal(report.count, expected, 'the page registered a different number of tests');
  assert.equal(report.results.length, expected, 'the page ran a different number of tests');

  // One subtest per acceptance test, so failures are reported by name.
  for (const r of report.results) {
    await t.test(r.name, () => {
      if (!r.ok) assert.fail(r.error);
    });
  }
  const failed = report.results.filter((r) => !r.ok).map((r) => r.name);
  assert.deepEqual(failed, [], 'acceptance tests failed in the browser');
});
