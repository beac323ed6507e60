// Browser test: the shared scenario (tests/js/helpers.mjs) runs in real Chromium on REAL IndexedDB
// (page tests/browser/engine.html + engine.js), across two page reloads; Node runs the same
// scenario on the memory adapter. The storage must be byte for byte the same: the sha256 of the
// dump computed in the page (crypto.subtle) equals the one computed in Node (node:crypto), at the
// reload point and at the end, and the state survives each reload.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MessageCenter, createMemoryStorage } from '../../js/node.js';
import { scenario, openOptions, dump, EXPECTED } from '../js/helpers.mjs';
import { digest } from '../js/digest.mjs';
import { openPage, requireChromium } from './harness.mjs';

const SEED = '7';
const SPLIT = 'push-2';

/** Digests of the memory run, at the split and at the end. */
async function inNode() {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, ...openOptions(SEED) });
  let half;
  const rec = await scenario(mc, {
    checkpoint: async (label) => {
      if (label === SPLIT) half = await dump(storage);
    },
  });
  const entries = await dump(storage);
  return { half: digest(half), halfKeys: half.length, final: digest(entries), keys: entries.length, ids: rec.ids };
}

test('the scenario on real IndexedDB in Chromium, across reloads, gives the same bytes as Node on memory', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const node = await inNode();
  const { page, problems, server } = await openPage(t);

  /** Waits for the page's report of this load. */
  async function report(what) {
    try {
      await page.waitForFunction(() => /** @type {any} */ (window).__done === true, null, { timeout: 200_000 });
    } catch (err) {
      throw new Error(`${what}: the page did not finish: ${err.message}\n${problems.join('\n')}`);
    }
    const { fatal, result } = await page.evaluate(() => ({ fatal: /** @type {any} */ (window).__fatal, result: /** @type {any} */ (window).__result }));
    assert.equal(fatal, undefined, `${what}: the page failed: ${fatal}\n${problems.join('\n')}`);
    return result;
  }

  const db = `mc-engine-${Date.now()}`;
  await page.goto(server.url(`/tests/browser/engine.html?db=${db}&seed=${SEED}&split=${SPLIT}`));
  const half = await report('load 1');
  t.diagnostic(`load 1: ${half.keys} keys at ${half.now}`);
  assert.equal(half.stage, 'half');
  assert.equal(half.keys, node.halfKeys);
  assert.equal(half.digest, node.half, 'at the split, IndexedDB in Chromium holds the same bytes as memory in Node');

  await page.reload();
  const done = await report('load 2');
  t.diagnostic(`load 2: ${done.keys} keys at ${done.now}`);
  assert.equal(done.stage, 'done');
  assert.equal(done.survived, true, 'the database survived the reload byte for byte');
  assert.equal(done.now, '2026-03-02T05:30:00.000Z');
  assert.deepEqual(done.ids, node.ids, 'same ids');
  assert.equal(done.keys, node.keys);
  assert.equal(done.digest, node.final, 'at the end, the same bytes in Chromium (crypto.subtle) as in Node (node:crypto)');

  await page.reload();
  const verified = await report('load 3');
  assert.equal(verified.stage, 'verified');
  assert.equal(verified.survived, true, 'the final state survived the second reload');
  assert.equal(verified.digest, node.final);
  assert.deepEqual(verified.statuses, EXPECTED);
  assert.equal(verified.archivedAll, true, 'the control history holds every event');
  assert.deepEqual(verified.pings, ['Ok\n2026-03-02 05:30:00.000Z\n0/400 pending events', 'Ok\n2026-03-02 05:30:00.000Z\n0/400 pending events']);
  assert.deepEqual(problems, []);
});
