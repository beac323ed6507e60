// A first visit of the browser app as `npm start` serves it: everything compressed, the engine and
// its worker under versioned URLs the browser may keep, the engine's download shown as it comes,
// and a second visit that downloads neither again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchChromium, REPO_ROOT, requireChromium } from './harness.mjs';
import { shot } from './app-helpers.mjs';
import { buildWww } from '../../scripts/build.mjs';
import { serveStatic } from '../../scripts/serve.mjs';

test('a first visit is compressed, shows the engine loading, and a second visit keeps the engine and its worker', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  await buildWww();
  /** What reached the server: path, query, status. */
  const reached = [];
  const server = await serveStatic(join(REPO_ROOT, 'www'), {
    onRequest: (req) => {
      const u = new URL(req.url ?? '/', 'http://x');
      reached.push({ path: u.pathname, search: u.search });
    },
  });
  t.after(() => server.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => (msg.type() === 'error' || msg.type() === 'warning') && problems.push(`console ${msg.type()}: ${msg.text()}`));
  const responses = [];
  page.on('response', async (res) => {
    const h = await res.allHeaders();
    const u = new URL(res.url());
    responses.push({ path: u.pathname, search: u.search, status: res.status(), encoding: h['content-encoding'] ?? 'identity', cache: h['cache-control'] ?? '' });
  });
  // A slow link (about 100 kB/s), so that the download takes a few seconds and shows.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: 100_000, uploadThroughput: 100_000 });

  await page.goto(server.url('/'));
  const bar = page.getByRole('progressbar', { name: /^Loading the engine: [\d.]+ of [\d.]+ MB$/ });
  await bar.waitFor({ timeout: 30_000 });
  const [value, max] = await bar.evaluate((el) => [el.value, el.max]);
  assert.ok(max > 1_000_000 && value >= 0 && value <= max, `progress ${value} of ${max}`);
  await shot(page, 'loading-engine');
  await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 60_000 });
  assert.equal(await bar.count(), 0, 'the bar goes once the engine is there');

  const wasm = responses.find((r) => r.path.endsWith('/message_center_bg.wasm'));
  const worker = responses.find((r) => r.path.endsWith('/worker.js'));
  assert.ok(wasm && worker, JSON.stringify(responses));
  for (const r of [wasm, worker]) {
    assert.match(r.search, /^\?v=[0-9a-f]{16}$/, `${r.path} is versioned`);
    assert.equal(r.cache, 'public, max-age=31536000, immutable', `${r.path} may be kept`);
    assert.equal(r.encoding, 'br', `${r.path} is compressed`);
  }
  for (const f of ['/dist/app.js', '/dist/app.css', '/']) {
    const r = responses.find((x) => x.path === f);
    assert.equal(r?.cache, 'no-cache', `${f} is revalidated`);
    if (f !== '/') assert.equal(r?.encoding, 'br', `${f} is compressed`);
  }

  // A second visit: the worker and the engine never reach the server (the browser keeps them);
  // the page and its bundle are revalidated (304).
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  reached.length = 0;
  responses.length = 0;
  await page.reload();
  await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  assert.deepEqual(reached.filter((r) => r.path.endsWith('/message_center_bg.wasm') || r.path.endsWith('/worker.js')), [], 'the engine and the worker come from the cache');
  assert.ok(reached.some((r) => r.path === '/dist/app.js'), 'app.js is asked again');
  assert.equal(responses.find((r) => r.path === '/dist/app.js')?.status, 304, `app.js is revalidated: ${JSON.stringify(responses)}`);
  assert.deepEqual(problems, []);
});
