// Issue 16, problem 4 and item 3, in real Chromium: "Next step" and "Advance" say what they did
// (how far the clock moved, which workflow was due, what each step did, in the product's words,
// with links to what it touched) and which step runs next; the Activity page is the live feed of
// every run across the instances, each line linking to the journal, the published copy or the
// status list it touched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { explore, openApp, pushOne, setUpMcExec1, shot, until } from './app-helpers.mjs';

test('Next step and Advance report what ran, and the Activity page follows every run', { timeout: 300_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await setUpMcExec1(page, { workflows: [] });
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  const next = clock.getByRole('button', { name: 'Next step', exact: true });

  // Only the cleanup workflows start with an instance: Next step says what it would run.
  await until(() => next.getAttribute('title'), 'Advance to the next workflow step due: cleanup on mcExec1 at 04:00:00: deletes what is past its retention');

  await explore(page, 'mcExec1', 'Message Center');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) {
    await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();
  }
  await explore(page, 'Push events');
  const push = page.getByRole('form', { name: 'Push one event' });
  await push.getByLabel('Event type').fill('order_confirmation');
  const pushed = push.getByRole('status').getByRole('listitem');
  for (const [i, email] of ['ada@example.com', 'hard@mc-sim.test'].entries()) {
    await push.getByLabel('Email').fill(email);
    await push.getByRole('button', { name: 'Push the event' }).click();
    await until(() => pushed.count(), i + 1);
  }

  // The button says which step is next, and why.
  await until(() => next.getAttribute('title'), "Advance to the next workflow step due: rtEventsProcessing on mcExec1 at 00:00:00: routes the real-time queue's events to their published templates");
  await next.click();
  const report = page.getByRole('region', { name: 'Next step' });
  await report.waitFor();
  const text = await report.innerText();
  assert.match(text, /The clock (moved \d+ s, from 00:00:\d\d to 00:00:\d\d UTC|stayed at 00:00:\d\d UTC): rtEventsProcessing on mcExec1 was due then\./);
  assert.match(text, /rtEventsProcessing on mcExec1 took 2 events from the real-time queue: routed 2 to orderConfirmation_rt \(now "Pending delivery"\)/);
  assert.match(text, /Next step: The MTA of mcExec1 at 00:00:\d\d: the MTA sends the messages due\./);
  await shot(page, 'activity-01-next-step');

  // A link of the report opens what the run touched: the published copy the events went to.
  await report.getByRole('link', { name: 'orderConfirmation_rt' }).click();
  await page.getByRole('heading', { name: 'Transactional message templates' }).waitFor();
  assert.equal(await report.count(), 0, 'following a link closes the report');

  // Advance by an hour: every step on the way, newest first, and the clock's leap in words.
  await clock.getByLabel('Advance by').selectOption({ label: '1 hour' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  const adv = page.getByRole('region', { name: 'Advance by 1 hour' });
  await adv.waitFor();
  const a = await adv.innerText();
  assert.match(a, /The clock moved 1 h, from 00:00:\d\d to 01:00:\d\d UTC\./);
  assert.match(a, /updateEventsStatus on mcExec1 gave 2 events the status of their message: 1 "Sent" and 1 "Delivery failed"/);
  // The sandbox has a fresh seed: one wave or two, as the send delays were drawn.
  assert.match(a, /The MTA of mcExec1 made [12] send attempts?: [^\n]*hard bounce/);
  assert.ok(a.indexOf('updateEventsStatus on mcExec1') < a.indexOf('The MTA of mcExec1'), 'newest first');
  await shot(page, 'activity-02-advance');

  // The status link opens the list filtered on that status.
  // (With some seeds two lines of the report link to that list: either does.)
  await adv.getByRole('link', { name: '1 Delivery failed' }).first().click();
  await page.getByRole('heading', { name: 'Real time events' }).waitFor();
  await until(() => page.evaluate(() => new URLSearchParams(location.hash.split('?')[1]).get('status')), 'deliveryFailed');

  // The Activity page: every run, with the next step; its journal link opens the journal.
  await explore(page, 'Activity');
  await page.getByRole('heading', { name: 'Activity', exact: true }).waitFor();
  const feed = page.getByRole("main").getByRole("list").first();
  await until(async () => (await feed.getByRole("listitem").count()) >= 3, true);
  const lines = await feed.getByRole('listitem').allInnerTexts();
  assert.match(lines.at(-1), /rtEventsProcessing on mcExec1 took 2 events/);
  assert.match(await page.locator('.next-step').innerText(), /^Next step: /);
  await shot(page, 'activity-03-feed');
  await feed.getByRole('link', { name: 'rtEventsProcessing run #1' }).click();
  await page.getByRole('table', { name: /^Journal of rtEventsProcessing/ }).waitFor();

  // Live: a push and a step appear without a reload.
  await pushOne(page, 'order_confirmation', 'late@example.com');
  await explore(page, 'Activity');
  await page.getByRole('heading', { name: 'Activity', exact: true }).waitFor();
  await feed.getByRole('listitem').first().waitFor();
  const before = await feed.getByRole('listitem').count();
  await next.click();
  await until(async () => (await feed.getByRole('listitem').count()) === before + 1, true);
  assert.match(await feed.getByRole('listitem').first().innerText(), /rtEventsProcessing on mcExec1 took 1 event from the real-time queue/);
  assert.deepEqual(problems, []);
});
