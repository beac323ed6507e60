// The browser app in real Chromium: hostile event data runs no script (ctx values with <script>
// and onerror, rendered only as text or in a sandboxed iframe); invalid input is shown next to
// its field and pushes nothing; a malformed search is an error, not an empty list; the keyboard
// moves in the tree and the list (j/k, Enter, Esc with the focus restored); axe finds no serious
// or critical violation on the main screens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, addType, axe, explore, openApp, publishTemplate, shot } from './app-helpers.mjs';

const HOSTILE = `<ctx><name>&lt;img src=x onerror="window.top.__pwned='img';alert(1)"&gt;</name><note>&lt;script&gt;window.top.__pwned='script';alert(2)&lt;/script&gt;</note><script>alert(3)</script></ctx>`;

test('hostile data runs no script, invalid input pushes nothing, the keyboard works, axe finds nothing serious', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss();
  });
  await axe(page, 'topology (empty)');
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await axe(page, 'external accounts');
  await explore(page, 'mcExec1', 'Message Center');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();
  await axe(page, 'workflows');
  await addType(page, 'order');

  // A template that inserts ctx values unescaped, as Campaign's <%= %> does.
  await publishTemplate(page, {
    name: 'raw',
    type: 'order',
    subject: '<%= rtEvent.ctx.name %>',
    html: '<p><%= rtEvent.ctx.name %></p><div><%= rtEvent.ctx.note %></div>',
    seedCtx: HOSTILE,
    before: async () => {
      await page.getByRole('tab', { name: 'Preview' }).click();
      await page.getByRole('region', { name: 'Preview' }).locator('iframe').waitFor();
      await axe(page, 'template editor with preview');
    },
  });

  // Invalid input: the engine's error by its field, and nothing pushed.
  await explore(page, 'Push events');
  await axe(page, 'push form');
  const push = page.getByRole('form', { name: 'Push one event' });
  await push.getByLabel('Event type').fill('order');
  await push.getByLabel('Email').fill('hostile@example.com');
  await push.getByLabel('ctx (data specific to the event)').fill('<ctx><unclosed></ctx>');
  await push.getByRole('button', { name: 'Push the event' }).click();
  const ctxError = push.getByRole('alert').filter({ hasText: 'MALFORMED_XML' });
  await ctxError.waitFor();
  assert.ok((await push.getByLabel('ctx (data specific to the event)').getAttribute('aria-describedby')).includes(await ctxError.getAttribute('id')));
  // (A type not in the enumeration is accepted, as by Campaign: no type at all is refused.)
  await push.getByLabel('Event type').fill('');
  await push.getByLabel('ctx (data specific to the event)').fill('<ctx/>');
  await push.getByRole('button', { name: 'Push the event' }).click();
  await push.getByRole('alert').filter({ hasText: 'MISSING_EVENT_TYPE' }).waitFor();
  await push.getByRole('radio', { name: 'JSON' }).check();
  await push.getByLabel('Event type').fill('order');
  await push.getByLabel('ctx (data specific to the event)').fill('{"a": ');
  await push.getByRole('button', { name: 'Push the event' }).click();
  await push.getByRole('alert').filter({ hasText: 'INVALID_JSON' }).waitFor();
  assert.equal(await push.getByRole('status').count(), 0, 'nothing was pushed');
  await explore(page, 'Topology');
  await page.getByRole('link', { name: /^Execution instance 1 .*Queued \(Pending\): 0 Pending delivery: 0 Sent: 0$/ }).waitFor();

  // The hostile event itself.
  await explore(page, 'Push events');
  await push.getByRole('radio', { name: 'XML' }).check();
  await push.getByLabel('Event type').fill('order');
  await push.getByLabel('Email').fill('sent@mc-sim.test');
  await push.getByLabel('ctx (data specific to the event)').fill(HOSTILE);
  await push.getByRole('button', { name: 'Push the event' }).click();
  await push.getByRole('status').getByRole('link').first().click();
  const detail = page.getByRole('region', { name: /^Event \d+/ });
  await detail.waitFor();
  await page.getByRole('group', { name: 'Virtual clock' }).getByRole('button', { name: 'Advance', exact: true }).click();
  await detail.getByRole('tab', { name: 'Data' }).click();
  assert.match(await detail.locator('pre').innerText(), /&lt;img src=x onerror=/, 'the ctx is shown as text');
  await detail.getByRole('tab', { name: 'Message' }).click();
  const frame = detail.locator('iframe');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), '', 'no allow-scripts, no same origin');
  assert.match(await detail.getByText(/^Subject:/).locator('..').innerText(), /<img src=x onerror=/, 'the subject as text');
  await detail.getByRole('radio', { name: 'HTML source' }).check();
  assert.match(await detail.locator('pre').innerText(), /<script>window\.top\.__pwned='script'/);
  await detail.getByRole('radio', { name: 'Rendered HTML' }).check();
  await page.waitForTimeout(500);
  await shot(page, 'hostile-message');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(dialogs, [], 'no script ran: no alert');
  assert.equal(await page.locator('main img').count(), 0, 'no element from event data in the page');
  await axe(page, 'event detail');

  // A malformed search is an error, not an empty list.
  await page.keyboard.press('Escape');
  const search = page.getByRole('search');
  await search.getByLabel('Search').fill('status:sent colour:red');
  await search.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('alert').filter({ hasText: 'INVALID_QUERY' }).getByText(/column 13: unknown key 'colour'/).waitFor();
  assert.equal(await page.getByText('No event matches.').count(), 0);
  await search.getByLabel('Search').fill('');
  await search.getByRole('button', { name: 'Search' }).click();
  await axe(page, 'status list');

  // The keyboard: j/k move in the list, Enter opens, Esc goes back with the focus on the row.
  await explore(page, 'Push events');
  for (const [i, email] of ['a@example.com', 'b@example.com'].entries()) {
    await push.getByLabel('Event type').fill('order');
    await push.getByLabel('Email').fill(email);
    await push.getByLabel('ctx (data specific to the event)').fill('<ctx/>');
    await push.getByRole('button', { name: 'Push the event' }).click();
    await push.getByRole('status').getByRole('listitem').nth(i).waitFor();
  }
  await explore(page, 'mcExec1', 'Real time events');
  const rows = page.locator('.list-body [role=row]');
  await rows.nth(2).getByText('sent@mc-sim.test').waitFor();
  await rows.first().focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.index), '1');
  await page.keyboard.press('Enter');
  await page.getByRole('region', { name: /^Event \d+/ }).getByText('a@example.com').first().waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('region', { name: /^Event \d+/ }).waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.dataset?.index === '1');

  // The tree: arrows move, Enter opens a folder's page.
  const tree = page.getByRole('tree', { name: 'Instances and folders' });
  await tree.getByRole('treeitem', { name: 'Topology' }).focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Activity');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Exercises');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Push events');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/\/push/);

  await explore(page, 'control', 'Reports');
  await page.getByRole('list', { name: 'Service level' }).waitFor();
  await axe(page, 'reports');
  // The only console errors are the browser refusing the message's scripts (the proof that they
  // were there and did not run), and its CSP refusing the image; nothing else went wrong.
  const blocked = problems.filter((p) => /Blocked script execution in 'about:srcdoc'/.test(p) || /Content Security Policy/.test(p) || /^request failed: \S+\/x csp$/.test(p));
  assert.ok(blocked.some((p) => /Blocked script execution/.test(p)), 'the sandbox refused the scripts');
  assert.deepEqual(problems.filter((p) => !blocked.includes(p)), []);
});
