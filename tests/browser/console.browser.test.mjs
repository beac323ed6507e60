// The live console: the browser app connected to a running service (served by it at /console/)
// instead of its own in-page engine, in real Chromium. Adobe's SDK pushes an event to the service;
// the status list shows it without a reload (server-sent events), then as Sent once the service's
// clock moves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import sdk from '@adobe/acc-js-sdk';
import { launchChromium, requireChromium } from './harness.mjs';
import { explore, shot } from './app-helpers.mjs';
import { buildWww } from '../../scripts/build.mjs';
import { startService } from '../../js/server/service.js';

test('the console shows the service: instances, workflows, and the status list live as the SDK pushes', { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  await buildWww();
  const svc = await startService({
    port: 0,
    clock: 'virtual',
    now: '2026-03-02T08:00:00Z',
    seed: 1,
    topology: { eventTypes: ['welcome'], templates: [{ name: 'welcome', eventType: 'welcome', subject: 'Welcome', html: '<p>Hello</p>' }] },
  });
  t.after(() => svc.close());
  const browser = await launchChromium();
  t.after(() => browser.close());
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });

  await page.goto(`${svc.url}/console/`);
  await page.getByRole('heading', { name: 'Topology' }).waitFor();
  await page.getByRole('status').filter({ hasText: `Live ${svc.url}` }).waitFor();
  // The service's instance and workflows, with the same screens.
  await explore(page, 'mcExec1', 'Real time events');
  const list = page.getByRole('grid', { name: 'Events' });
  await page.getByRole('group', { name: 'Counts per status (click one to filter)' }).waitFor();

  // Adobe's SDK, unchanged, pushes to the service: the list shows it without a reload.
  const client = await sdk.init(sdk.ConnectionParameters.ofUserAndPassword(svc.url, 'admin', ''));
  await client.logon();
  const id = await client.NLWS.nmsRtEvent.pushEvent({ type: 'welcome', email: 'jane@example.com', ctx: { firstName: 'Jane' } });
  await list.getByRole('row').filter({ hasText: 'jane@example.com' }).waitFor({ timeout: 15_000 });
  await shot(page, 'console-01-pushed');
  // The service's clock moves (an admin call, as a test would): the event is Sent, live.
  const r = await fetch(`${svc.url}/__mc/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 3_600_000 }) });
  assert.equal(r.status, 200);
  await list.getByRole('row').filter({ hasText: 'jane@example.com' }).filter({ hasText: 'Sent' }).waitFor({ timeout: 15_000 });
  await list.getByRole('row').filter({ hasText: 'jane@example.com' }).click();
  const detail = page.getByRole('region', { name: new RegExp(`^Event ${id}`) });
  await detail.getByText('Sent').first().waitFor();
  await shot(page, 'console-02-sent');
  await page.keyboard.press('Escape');

  // The service's execution workflows (Administration > Production > Message Center).
  await explore(page, 'mcExec1', 'Message Center');
  await page.getByText('rtEventsProcessing').first().waitFor();
  await shot(page, 'console-03-workflows');
  await client.logoff();
  assert.deepEqual(problems, []);
});
