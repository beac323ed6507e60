// Browser test of examples/browser/: the package as a page uses it (browser entry, real IndexedDB),
// clicked like a user would, then reloaded: the Message Center is reopened from IndexedDB with its
// events, and a quarantined address stays quarantined.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, requireChromium } from './harness.mjs';

test('examples/browser: push, advance, reload, and the status list survives in IndexedDB', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems, server } = await openPage(t);
  const ready = () => page.waitForFunction(() => window.__ready === true, null, { timeout: 60_000 });
  const rows = () => page.$$eval('#list tr', (trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));

  await page.goto(server.url('/examples/browser/'));
  await ready();
  assert.deepEqual(await rows(), [], 'a new database starts empty');
  await page.click('#more');
  await page.waitForFunction(() => document.querySelectorAll('#list tr').length === 4);
  await page.click('#more');
  await page.waitForFunction(() => document.querySelectorAll('#list tr').length === 7);
  const before = await rows();
  assert.equal(before.length, 6);
  const statusOf = (list, address) => list.filter((r) => r[2] === address).map((r) => r[3]);
  assert.deepEqual(statusOf(before, 'sent@mc-sim.test'), ['Sent']);
  assert.deepEqual(statusOf(before, 'hard@mc-sim.test'), ['Delivery failed']);
  assert.equal(await page.textContent('#clock'), 'Virtual clock: 2026-03-02T08:20:00.000Z');

  await page.reload();
  await ready();
  assert.deepEqual(await rows(), before, 'the same events after a reload');
  await page.click('#more');
  await page.waitForFunction(() => document.querySelectorAll('#list tr').length === 10);
  // After the reload the page pushes to hard@ again: the address is quarantined since the first bounce.
  assert.deepEqual(statusOf(await rows(), 'hard@mc-sim.test'), ['Ignored by the delivery', 'Delivery failed']);

  await Promise.all([page.waitForEvent('load'), page.click('#reset')]);
  await ready();
  assert.deepEqual(await rows(), [], 'Reset deletes the database');
  assert.deepEqual(problems, []);
});
