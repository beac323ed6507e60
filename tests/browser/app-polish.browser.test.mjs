// Issue 16, problems 6, 8 and 10, in real Chromium: the Sandboxes dialog takes the focus, closes on
// Esc (the focus back on its button), names its buttons by sandbox, and shows the open sandbox's
// seed; a malformed search shows its error under the search box, tied to it; an error of an action
// does not stretch its button; the workflows' Journal buttons are named by workflow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, addType, axe, explore, openApp, publishTemplate, shot, until } from './app-helpers.mjs';

test('dialogs, errors and buttons where a trainee looks for them', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);

  // The Sandboxes dialog.
  const button = page.getByRole('button', { name: 'Sandbox My first sandbox ▾' });
  await button.waitFor();
  await page.getByRole('tree', { name: 'Instances and folders' }).waitFor();
  await button.click();
  const dialog = page.getByRole('dialog', { name: 'Sandboxes' });
  await dialog.waitFor();
  await until(() => page.evaluate(() => document.activeElement?.id), 'sandboxes-title');
  const seed = await dialog.locator('p').filter({ hasText: "The open sandbox's seed is" }).locator('code').innerText();
  assert.match(seed, /^\d+$/);
  const row = dialog.getByRole('row').filter({ hasText: 'My first sandbox' });
  for (const name of ['Rename My first sandbox', 'Export My first sandbox', 'Reset My first sandbox', 'Delete My first sandbox']) {
    assert.equal(await row.getByRole('button', { name, exact: true }).count(), 1, name);
  }
  await axe(page, 'the Sandboxes dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('sandbox-button')), true, 'the focus is back on the button');

  // A malformed search: its error under the search box, tied to it.
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await explore(page, 'mcExec1', 'Real time events');
  const search = page.getByRole('search');
  const box = search.getByLabel('Search');
  await box.fill('status:sent colour:red');
  await search.getByRole('button', { name: 'Search' }).click();
  const error = search.getByRole('alert').filter({ hasText: 'INVALID_QUERY' });
  await error.waitFor();
  assert.ok((await box.getAttribute('aria-describedby')).includes(await error.getAttribute('id')));
  const [b, e] = [await box.boundingBox(), await error.boundingBox()];
  assert.ok(e.y > b.y && e.y - (b.y + b.height) < 60, `the error is right under the box (${b.y + b.height} → ${e.y})`);
  assert.ok(e.y + e.height < 900, 'and on screen');
  await shot(page, 'polish-01-search-error');

  // An action's error does not stretch its button.
  await addType(page, 'order_confirmation');
  await publishTemplate(page, { name: 'orderConfirmation', type: 'order_confirmation', subject: 'Your order', html: '<p>Thanks</p>' });
  const del = page.getByRole('button', { name: 'Delete', exact: true });
  const before = (await del.boundingBox()).width;
  await del.click();
  await page.getByRole('alert').filter({ hasText: /published/ }).waitFor();
  const after = (await del.boundingBox()).width;
  assert.ok(Math.abs(after - before) < 1, `Delete kept its width (${before} → ${after})`);
  await shot(page, 'polish-02-delete-error');

  // Buttons named by what they act on.
  await explore(page, 'mcExec1', 'Message Center');
  await page.getByRole('table', { name: 'Workflows of mcExec1' }).waitFor();
  for (const wf of ['batchEventsProcessing', 'rtEventsProcessing', 'updateEventsStatus']) {
    assert.equal(await page.getByRole('button', { name: `Journal of ${wf}`, exact: true }).count(), 1, wf);
  }
  // Database cleanup is where Campaign keeps it: Administration › Production › Technical workflows.
  assert.equal(await page.getByRole('button', { name: 'Journal of cleanup', exact: true }).count(), 0, 'not in the Message Center folder');
  await explore(page, 'mcExec1', 'Technical workflows');
  await page.getByRole('table', { name: 'Workflows of mcExec1' }).getByRole('cell', { name: 'Database cleanup' }).waitFor();
  await explore(page, 'control', 'Technical workflows');
  await page.getByRole('table', { name: 'Workflows of Control instance' }).getByRole('cell', { name: 'Database cleanup' }).waitFor();
  assert.deepEqual(problems, []);
});
