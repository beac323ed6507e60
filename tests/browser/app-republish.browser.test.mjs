// Issue 16, items 3 and 6, in real Chromium: saving a published template whose content then
// differs from the published copies says so in Campaign's terms (the published version is the one
// sent; publish again), and publishing again clears it; a save that changes nothing sent (the
// label) does not. And an event of a type not in the eventType enumeration is accepted at push, as
// by Campaign and the service, then routed to "Event not taken into account" with its "Why?".

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, addType, explore, openApp, publishTemplate, shot, until } from './app-helpers.mjs';

test('saving a published template with new content asks for a new publication', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await addType(page, 'order_confirmation');
  await publishTemplate(page, { name: 'orderConfirmationEmail', type: 'order_confirmation', subject: 'Your order', html: '<p>Thanks</p>' });
  const status = page.getByText(/^Publication status:/);
  const notice = page.getByRole('note', { name: 'Republication' });
  assert.match(await status.innerText(), /^Publication status: Published \(last published /);
  assert.equal(await notice.count(), 0);

  // A label only: nothing sent changes.
  const tpl = page.getByRole('form', { name: 'Template' });
  await tpl.getByLabel('Label').fill('Order confirmation');
  await tpl.getByRole('button', { name: 'Save' }).click();
  await tpl.getByRole('status').filter({ hasText: 'Saved at' }).waitFor();
  assert.match(await status.innerText(), /^Publication status: Published \(last published /);
  assert.equal(await notice.count(), 0);

  // The body: the published copies are what is sent until the next publication.
  await tpl.getByLabel('HTML body').fill('<p>Thank you for your order</p>');
  await tpl.getByRole('button', { name: 'Save' }).click();
  await until(async () => /^Publication status: Published — modified since publication \(last published /.test(await status.innerText()), true);
  await notice.waitFor();
  assert.equal(await notice.innerText(), 'The published version is the one sent: publish again to send these changes.');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  assert.equal(await publish.isEnabled(), true);
  // The list says it too.
  await shot(page, 'republish-01-modified');
  // The window's title says where the page is (it was "Message Center simulator" everywhere).
  assert.equal(await page.title(), 'Order confirmation · Control instance — Message Center simulator');
  await explore(page, 'control', 'Transactional message templates');
  await until(() => page.title(), 'Transactional message templates · Control instance — Message Center simulator');
  const row = page.getByRole('row').filter({ hasText: 'orderConfirmationEmail' });
  await row.getByText('Published — modified since publication').waitFor();
  await row.getByRole('link', { name: 'Order confirmation' }).click();
  await notice.waitFor();

  // Publishing again: the copies are the template again.
  await publish.click();
  await page.getByRole('region', { name: 'Publication log' }).waitFor();
  await until(() => notice.count(), 0);
  assert.match(await status.innerText(), /^Publication status: Published \(last published /);
  assert.deepEqual(problems, []);
});

test('an event of an unknown type is accepted, then not taken into account, with its Why?', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await addType(page, 'order_confirmation');
  await explore(page, 'mcExec1', 'Message Center');
  await page.getByRole('button', { name: 'Start rtEventsProcessing', exact: true }).click();

  await explore(page, 'Push events');
  const push = page.getByRole('form', { name: 'Push one event' });
  await push.getByLabel('Event type').fill('not_a_known_type');
  await push.getByLabel('Email').fill('ada@example.com');
  await push.getByRole('button', { name: 'Push the event' }).click();
  const link = push.getByRole('status').getByRole('listitem').first().getByRole('code');
  await link.waitFor({ timeout: 10_000 });
  const id = await link.innerText();
  assert.match(id, /^\d+$/);

  const clock = page.getByRole('group', { name: 'Virtual clock' });
  await clock.getByLabel('Advance by').selectOption({ label: '10 minutes' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();

  await explore(page, 'mcExec1', 'Real time events');
  const list = page.getByRole('grid', { name: 'Events' });
  const row = list.getByRole('row').filter({ has: page.getByRole('gridcell').getByText(id, { exact: true }) });
  await row.getByText('Event not taken into account', { exact: true }).waitFor();
  await row.click();
  const note = page.getByRole('region', { name: `Event ${id}` }).getByRole('note', { name: 'Status and why' });
  await note.waitFor();
  assert.match(await note.innerText(), /^Event not taken into account\s+Why\? Event not taken into account: .*the event type 'not_a_known_type' is unknown on the control/);
  await shot(page, 'republish-02-unknown-type');
  assert.deepEqual(problems, []);
});
