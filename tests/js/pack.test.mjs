// The published package, as a user gets it: `npm pack` the repository, install the tarball in a
// fresh project outside it as a user does (`npm install <tarball>`: its dependencies come from the
// registry, or from the npm cache when it has them), and use it there from an ES module (`import`)
// and from CommonJS (`require`); its optional peer dependency, better-sqlite3, is not installed by
// npm, then linked as a user would install it. From that install, `message-center serve` serves
// the live console, loaded in real Chromium.
//
// The install is not `--offline`: `npm ci` (how `npm test` installs the repository's dependencies)
// caches tarballs but not the registry metadata a lock-less install needs to resolve a range
// (`pino@^10.4.0`), so on a fresh machine an offline install fails with ENOTCACHED.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, requireChromium } from '../browser/harness.mjs';
import { explore } from '../browser/app-helpers.mjs';
import { serveProcess } from './serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

let work;
let tarball;
let files;

/** The tiny scenario each consumer runs; prints the final status. */
const SCENARIO = `
  const mc = await MessageCenter.open({ seed: 1 });
  await mc.addEventType('order');
  await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  await mc.createTemplate({ name: 'conf', eventType: 'order', subject: 'Hello <%= rtEvent.ctx.customer.@name %>' });
  await mc.publish('conf');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('exec1', wf);
  const { id } = await mc.pushEvent({ type: 'order', email: 'sent@mc-sim.test', ctx: { customer: { '@name': 'Ann' } } });
  const event = await mc.waitForStatus(id, 'sent');
  const story = await mc.getEvent(id);
  if (story.broadLog.subject !== 'Hello Ann') throw new Error('rendered: ' + story.broadLog.subject);
  console.log(event.status);
`;

/** Opens a SQLite storage, writes and reads a record; prints what happened. */
const SQLITE = (file) => `
  try {
    const s = await openSQLiteStorage({ path: '${file}' });
    await s.write({ put: [['k', 'v']] });
    console.log((await s.get(['k']))[0]);
    await s.close();
  } catch (e) {
    console.log(e.code + ': ' + e.message);
  }
`;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'mc-pack-'));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, env: ENV, stdio: ['ignore', 'ignore', 'pipe'] });
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', work], { cwd: ROOT, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const json = JSON.parse(out.slice(out.indexOf('[')));
  tarball = join(work, json[0].filename);
  files = json[0].files.map((f) => f.path);

  const project = join(work, 'consumer');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  execFileSync(NPM, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock'], { cwd: project, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  writeFileSync(join(project, 'esm.mjs'), `import { MessageCenter } from 'message-center';\nconsole.log(import.meta.resolve('message-center'));\n${SCENARIO}`);
  writeFileSync(join(project, 'cjs.cjs'), `const { MessageCenter } = require('message-center');\nconsole.log(require.resolve('message-center'));\n(async () => {${SCENARIO}})().catch((e) => { console.error(e); process.exit(1); });\n`);
  writeFileSync(join(project, 'testing.mjs'), `import * as main from 'message-center';\nimport { runStorageAdapterTests, createFaultyStorage } from 'message-center/testing';\nconsole.log(import.meta.resolve('message-center/testing'));\nconsole.log(typeof runStorageAdapterTests, typeof createFaultyStorage, 'runStorageAdapterTests' in main, 'createFaultyStorage' in main);\n`);
  writeFileSync(join(project, 'sqlite-esm.mjs'), `import { openSQLiteStorage } from 'message-center';\n${SQLITE('esm.db')}`);
  writeFileSync(join(project, 'sqlite-cjs.cjs'), `const { openSQLiteStorage } = require('message-center');\n(async () => {${SQLITE('cjs.db')}})();\n`);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs a file of the consumer project; returns its output lines. */
function run(file) {
  const out = execFileSync(process.execPath, [file], { cwd: join(work, 'consumer'), env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  return out.trim().split('\n');
}

test('the tarball holds the wasm, both Node entries and the browser entry, and no sources or tests', () => {
  for (const f of ['dist/wasm/message_center_bg.wasm', 'dist/wasm/message_center.js', 'dist/wasm/meta.js', 'dist/node.cjs', 'js/node.js', 'js/browser.js', 'js/message-center.js', 'package.json', 'www/index.html', 'www/dist/app.js', 'www/dist/app.css', 'www/dist/worker.js']) {
    assert.ok(files.includes(f), `${f} is in the tarball (it holds: ${files.join(', ')})`);
  }
  assert.deepEqual(files.filter((f) => /^(src|tests|target|scripts|bench|examples|node_modules|www\/src)\//.test(f) || f === 'Cargo.toml'), [], 'no sources, tests or build files');
  // The console is the app's page and bundles, not its source maps or the app's own wasm copies.
  assert.deepEqual(files.filter((f) => f.startsWith('www/')).sort(), ['www/dist/app.css', 'www/dist/app.js', 'www/dist/worker.js', 'www/index.html']);
});

test('the tarball holds the TypeScript declarations js/index.d.ts', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.types, './js/index.d.ts');
  assert.ok(files.includes('js/index.d.ts'), 'js/index.d.ts is missing from the tarball: package.json "types" points to it, so TypeScript users get no types (write js/index.d.ts)');
});

test('an ES module of a fresh project imports it and delivers a message', () => {
  const [resolved, status] = run('esm.mjs');
  assert.match(resolved, /node_modules\/message-center\/js\/node\.js$/, 'the "node" + "import" export');
  assert.ok(!resolved.includes(ROOT.replace(/\/$/, '')), 'loaded from the installed package, not the repository');
  assert.equal(status, 'sent');
});

test('a CommonJS file of a fresh project requires it and delivers a message', () => {
  const [resolved, status] = run('cjs.cjs');
  assert.match(resolved, /node_modules\/message-center\/dist\/node\.cjs$/, 'the "node" + "require" export');
  assert.equal(status, 'sent');
});

test('the test helpers come from the subpath message-center/testing, not from the main entry', () => {
  const [resolved, kinds] = run('testing.mjs');
  assert.match(resolved, /node_modules\/message-center\/js\/testing\.js$/);
  assert.equal(kinds, 'function function false false');
  assert.ok(files.includes('js/testing.d.ts'), 'its TypeScript declarations are in the tarball');
});

test('without its optional peer dependency the package works and openSQLiteStorage says what to install; with it, it opens', () => {
  const missing = 'STORAGE_FAILED: openSQLiteStorage needs the optional peer dependency better-sqlite3 12.x: npm install better-sqlite3@12';
  assert.deepEqual(run('sqlite-esm.mjs'), [missing], 'npm did not install the optional peer');
  assert.deepEqual(run('sqlite-cjs.cjs'), [missing]);
  // The user installs it (here: the repository's build of it, since the test runs offline).
  mkdirSync(join(work, 'consumer/node_modules'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules/better-sqlite3'), join(work, 'consumer/node_modules/better-sqlite3'), 'dir');
  assert.deepEqual(run('sqlite-esm.mjs'), ['v']);
  assert.deepEqual(run('sqlite-cjs.cjs'), ['v']);
});

test('`message-center serve` from the installed package serves the live console, which shows an event pushed over SOAP', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const project = join(work, 'consumer');
  // The command npx runs: the package's bin, linked by npm into node_modules/.bin.
  const { child, url, out } = await serveProcess(['--port', '0', '--clock', 'virtual'], { cli: join(project, 'node_modules/.bin/message-center'), cwd: project });
  t.after(() => child.kill());
  assert.match(out, new RegExp(`console +${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/console/`), `the startup lines name the console:\n${out}`);
  const index = await fetch(`${url}/console/`, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(index.status, 200);

  // An event type and a template, then a PushEvent over SOAP as an integration sends it.
  const admin = (method, ...args) =>
    fetch(`${url}/__mc/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, args }) }).then(async (r) => {
      const body = await r.json();
      assert.equal(r.status, 200, JSON.stringify(body));
      return body;
    });
  await admin('addEventType', 'order_confirmation');
  await admin('createTemplate', { name: 'orderConfirmation', eventType: 'order_confirmation', subject: 'Order <%= rtEvent.ctx.order.@number %>' });
  await admin('publish', 'orderConfirmation');
  const envelope = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent"><soapenv:Body><urn:PushEvent><urn:sessiontoken>admin/</urn:sessiontoken><urn:domEvent><rtEvent type="order_confirmation" email="packed@example.com"><ctx><order number="CN7"/></ctx></rtEvent></urn:domEvent></urn:PushEvent></soapenv:Body></soapenv:Envelope>`;
  const pushed = await fetch(`${url}/nl/jsp/soaprouter.jsp`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'nms:rtEvent#PushEvent' }, body: envelope });
  const reply = await pushed.text();
  assert.equal(pushed.status, 200, reply);
  const id = /<plId[^>]*>(\d+)<\/plId>/.exec(reply)?.[1];
  assert.ok(id && id !== '0', reply);

  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error: ${msg.text()}`));
  await page.goto(`${url}/console/`);
  await page.getByRole('status').filter({ hasText: `Live ${url}` }).waitFor();
  await explore(page, 'mcExec1', 'Real time events');
  const row = page.getByRole('grid', { name: 'Events' }).getByRole('row').filter({ hasText: 'packed@example.com' });
  await row.waitFor({ timeout: 30_000 });
  assert.match(await row.innerText(), /order_confirmation/);
  assert.deepEqual(problems, []);
});
