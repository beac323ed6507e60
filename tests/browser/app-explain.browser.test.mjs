// Every outcome explained where it shows (issue 16, item 1), in real Chromium at 1440×900: the
// event's detail shows its status with "Why?" above every tab, final statuses included (a hard
// bounce with its failure reason and the quarantine it made, an event ignored for that quarantine
// and since when, an event type without template); each row of the status list carries the same
// "Why?" as the tooltip of its status; the list has an id column (the decimal 64-bit id, as
// text) and `id:` in the search finds the event an integration logged, a malformed id being an
// INVALID_QUERY error; the columns are as wide as their content, so neither "Event not taken into
// account" nor the template name is cut. Screenshots go to tmp/screenshots/explain-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireChromium } from './harness.mjs';
import { addInstance, addType, explore, openApp, publishTemplate, SHOTS } from './app-helpers.mjs';

async function view(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

test('every status says why, on the detail and the list; the id column and id: search; columns fit', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await page.setViewportSize({ width: 1440, height: 900 });
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await addType(page, 'order_confirmation');
  await addType(page, 'password_reset');
  await publishTemplate(page, { name: 'orderConfirmationEmail', type: 'order_confirmation', subject: 'Your order', html: '<p>Thanks</p>' });
  await explore(page, 'mcExec1', 'Message Center');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();

  const push = page.getByRole('form', { name: 'Push one event' });
  const ids = [];
  const pushOne = async (type, email) => {
    await explore(page, 'Push events');
    await push.getByLabel('Event type').fill(type);
    await push.getByLabel('Email').fill(email);
    await push.getByRole('button', { name: 'Push the event' }).click();
    // The newest first; wait for one not seen before.
    const link = push.getByRole('status').getByRole('listitem').first().getByRole('code');
    let id;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && (!id || ids.includes(id)); await page.waitForTimeout(50)) {
      id = await link.innerText().catch(() => undefined);
    }
    assert.ok(id && !ids.includes(id), `a new event id after pushing to ${email}`);
    ids.push(id);
    return id;
  };
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  const advance = async (label) => {
    await clock.getByLabel('Advance by').selectOption({ label });
    await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  };
  const hard = await pushOne('order_confirmation', 'hard@mc-sim.test');
  const sent = await pushOne('order_confirmation', 'sent@mc-sim.test');
  const noTemplate = await pushOne('password_reset', 'ada@example.com');
  await advance('10 minutes');
  const ignored = await pushOne('order_confirmation', 'hard@mc-sim.test');
  await advance('10 minutes');

  // The list: an id column with the ids as the engine wrote them, a "Why?" on every status.
  await explore(page, 'mcExec1', 'Real time events');
  const list = page.getByRole('grid', { name: 'Events' });
  const row = (id) => list.getByRole('row').filter({ has: page.getByRole('gridcell').getByText(id, { exact: true }) });
  await row(ignored).getByText('Ignored by the delivery').waitFor();
  assert.deepEqual(await list.getByRole('columnheader').allInnerTexts(), ['Id', 'Event type', 'Channel', 'Process requested on', 'Status', 'Number of errors', 'Created', 'Address', 'Template']);
  for (const [id, label, why] of [
    [hard, 'Delivery failed', /^Why\? Delivery failed: hard bounce at \S+ \S+ UTC \(mta#\d+\): Hard bounce: user unknown/],
    [sent, 'Sent', /^Why\? Sent: delivered by the MTA at .* after 1 try/],
    [noTemplate, 'Event not taken into account', /^Why\? Event not taken into account: .*no published template for event type 'password_reset'/],
    [ignored, 'Ignored by the delivery', /^Why\? Ignored by the delivery: hard@mc-sim\.test is on quarantine on mcExec1/],
  ]) {
    const pill = row(id).getByText(label, { exact: true });
    assert.match(await pill.getAttribute('title'), why, `the tooltip of ${label}`);
  }
  assert.ok(BigInt(ids[0]) > 2n ** 53n, 'ids above 2^53 are shown exactly');

  // Columns as wide as their content: no pill, template name, id, or anything else is cut at 1440 px.
  // The text of the cells whose content is wider than the cell (or a pill cut inside it).
  const cutCells = () => list.evaluate((g) => {
    const out = [];
    const range = document.createRange();
    for (const r of g.querySelectorAll('.list-row[data-loaded]')) {
      for (const cell of r.querySelectorAll('[role=gridcell]')) {
        range.selectNodeContents(cell);
        const content = range.getBoundingClientRect().width;
        const pill = cell.querySelector('.status');
        if (content > cell.getBoundingClientRect().width + 0.5 || (pill && pill.scrollWidth > pill.clientWidth)) out.push(cell.innerText);
      }
    }
    return out;
  });
  const sideways = () => list.evaluate((g) => g.closest('.list-scroll').scrollWidth > g.closest('.list-scroll').clientWidth);
  assert.deepEqual(await cutCells(), [], 'cells cut at 1440 px');
  assert.equal(await sideways(), false, 'no sideways scroll at 1440 px');
  // Narrower: only the event type and the address give way (their text in a tooltip).
  await page.setViewportSize({ width: 1200, height: 900 });
  await page.waitForTimeout(100);
  const given = await cutCells();
  assert.ok(given.every((x) => /^(order_confirmation|password_reset|\S+@\S+)$/.test(x)), `only types and addresses are cut at 1200 px: ${given}`);
  assert.equal(await list.getByRole('gridcell').getByText('sent@mc-sim.test').getAttribute('title'), 'sent@mc-sim.test');
  await page.setViewportSize({ width: 1440, height: 900 });
  await view(page, 'explain-01-list-1440');

  // id: finds the event an integration logged; a malformed id says where.
  const search = page.getByRole('search').getByLabel('Search');
  await search.fill(`id:${ignored}`);
  await search.press('Enter');
  await page.waitForURL(new RegExp(`q=id%3A${ignored}`));
  await page.locator('.list-foot').getByText('1 event', { exact: true }).waitFor();
  assert.deepEqual(await list.locator('.list-row[data-loaded] code').allInnerTexts(), [ignored]);
  await search.fill('status:sent id:12x');
  await search.press('Enter');
  const error = page.getByRole('alert').filter({ hasText: 'INVALID_QUERY' });
  await error.waitFor();
  assert.match(await error.innerText(), /column 13: id:12x — not an event id/);
  await search.fill('');
  await search.press('Enter');

  // The detail: the status and its cause above the tabs.
  const open = async (id) => {
    await row(id).click();
    const detail = page.getByRole('region', { name: `Event ${id}` });
    const note = detail.getByRole('note', { name: 'Status and why' });
    await note.waitFor();
    return note;
  };
  let note = await open(hard);
  assert.match(await note.innerText(), /^Delivery failed\s+Why\? Delivery failed: hard bounce at .*Hard bounce: user unknown; hard@mc-sim\.test is on quarantine since \S+ \S+ UTC$/);
  await view(page, 'explain-02-delivery-failed-1440');
  await page.keyboard.press('Escape');
  note = await open(ignored);
  assert.match(await note.innerText(), /^Ignored by the delivery\s+Why\? Ignored by the delivery: hard@mc-sim\.test is on quarantine on mcExec1 since \S+ \S+ UTC \(Address on quarantine\); the MTA set the delivery log to Ignored at/);
  await view(page, 'explain-03-ignored-1440');
  // On another tab too.
  await page.getByRole('tab', { name: 'Delivery log' }).click();
  await note.waitFor();
  await page.keyboard.press('Escape');
  note = await open(noTemplate);
  assert.match(await note.innerText(), /the control has no template of event type 'password_reset' and channel 'email': create one and publish it/);
  assert.deepEqual(problems, []);
});
