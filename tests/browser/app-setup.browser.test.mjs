// Issue 16, problems 5 and 6, in real Chromium: a new sandbox's home page shows the setup
// checklist (the engine's, each item done or what it misses, with a link to where it is done),
// and it follows the trainee; confirmations link to the next place (the instance's workflows, a
// template for the new event type, a push of that type); a push error shows once, under the
// button, and moves no field of the form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, axe, explore, openApp, shot, until } from './app-helpers.mjs';

test('the setup checklist guides a new sandbox, and confirmations link to the next place', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await page.setViewportSize({ width: 1440, height: 900 });
  const checklist = page.getByRole('region', { name: 'Setup checklist' });
  await checklist.getByText('0 of 7 done.').waitFor();
  const items = checklist.getByRole('listitem');
  assert.equal(await items.count(), 7);
  assert.match(await items.nth(0).innerText(), /Register an execution instance[\s\S]*none yet · External accounts/);
  await axe(page, 'the setup checklist');
  await shot(page, 'setup-01-checklist');

  // The first item's link leads to the external accounts.
  await items.nth(0).getByRole('link', { name: 'External accounts' }).click();
  await page.getByRole('form', { name: 'New external account' }).waitFor();
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  // The confirmation says what comes next, and links to the instance's workflows.
  const added = page.getByRole('status').filter({ hasText: 'Added Execution instance 1' });
  assert.match(await added.innerText(), /Next: Create the archiving workflow in its row above/);
  await added.getByRole('link', { name: 'mcExec1 › Administration › Production › Message Center' }).click();
  await page.getByRole('button', { name: 'Start rtEventsProcessing', exact: true }).waitFor();

  // Home again: one item done, the next ones say what they miss.
  await explore(page, 'Topology');
  await checklist.getByText('1 of 7 done.').waitFor();
  assert.match(await items.nth(1).innerText(), /mcSynch_mcExec1 not created or not started/);
  assert.match(await items.nth(2).innerText(), /not started: rtEventsProcessing on mcExec1, batchEventsProcessing on mcExec1, updateEventsStatus on mcExec1 · mcExec1 › Message Center/);

  // An event type, then its confirmation's link: a new template for that type.
  await items.nth(3).getByRole('link', { name: 'Enumerations (eventType)' }).click();
  const form = page.getByRole('form', { name: 'New event type' });
  await form.getByLabel('Internal name').fill('order_confirmation');
  await form.getByRole('button', { name: 'Add the event type' }).click();
  await form.getByRole('status').getByRole('link', { name: 'create a transactional message template for it' }).click();
  const tpl = page.getByRole('form', { name: 'Template' });
  assert.equal(await tpl.getByLabel('Event type').inputValue(), 'order_confirmation');
  await tpl.getByLabel('Internal name').fill('orderConfirmation');
  await tpl.getByLabel('Subject').fill('Your order');
  await tpl.getByLabel('HTML body').fill('<p>Thanks</p>');
  await tpl.getByRole('button', { name: 'Create the template' }).click();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  // The publication's confirmation: push an event of that type.
  await page.getByRole('region', { name: 'Publication log' }).getByRole('link', { name: 'push an event of type order_confirmation' }).click();
  const push = page.getByRole('form', { name: 'Push one event' });
  assert.equal(await push.getByLabel('Event type').inputValue(), 'order_confirmation');

  // A push error: shown once, under the button, and no field moves.
  const boxes = () => push.locator('.field').evaluateAll((fs) => fs.map((f) => { const r = f.getBoundingClientRect(); return [Math.round(r.x), Math.round(r.y), Math.round(r.width)]; }));
  await push.getByLabel('Email').fill('not an address');
  const before = await boxes();
  await push.getByRole('button', { name: 'Push the event' }).click();
  const error = push.getByRole('alert');
  await error.waitFor();
  assert.match(await error.innerText(), /^INVALID_EMAIL/);
  assert.deepEqual(await boxes(), before, 'the fields stay where they were');
  const email = push.getByLabel('Email');
  assert.equal(await email.getAttribute('aria-describedby').then((d) => d.split(' ').includes('push-error')), true, 'the field is described by the error');
  const [button, alert] = await Promise.all([push.getByRole('button', { name: 'Push the event' }).boundingBox(), error.boundingBox()]);
  assert.ok(alert.y >= button.y + button.height - 1, 'the error is under the button');
  await shot(page, 'setup-02-push-error');
  await email.fill('sent@mc-sim.test');
  await push.getByRole('button', { name: 'Push the event' }).click();
  await push.getByRole('status').getByRole('listitem').first().waitFor();
  assert.equal(await error.count(), 0);

  // The checklist follows: 4 of 7 now (instance, event type, template, event).
  await explore(page, 'Topology');
  await checklist.getByText('4 of 7 done.').waitFor();
  await until(() => items.evaluateAll((ls) => ls.map((l) => (l.classList.contains('done') ? 'done' : 'todo')).join(' ')), 'done todo todo done done done todo');
  assert.deepEqual(problems.filter((p) => !p.includes('INVALID_EMAIL')), []);
});
