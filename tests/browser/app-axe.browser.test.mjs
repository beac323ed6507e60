// Issue 16's accessibility bar, in real Chromium: axe finds no serious or critical violation on
// any screen of the console, at a phone's, a laptop's and a desktop's size, with data on each
// (an instance, a published template with a proof, an event sent and archived, an exercise under
// way), and no screen scrolls sideways. Each screen's phone shot is kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { axe, explore, openApp, pushOne, setUpMcExec1, shot } from './app-helpers.mjs';

const SIZES = [
  ['phone', 390, 844],
  ['laptop', 1024, 768],
  ['desktop', 1440, 900],
];

test('axe finds nothing serious on any screen, at three sizes', { timeout: 600_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await setUpMcExec1(page);
  await explore(page, 'control', 'External accounts');
  await page.getByRole('table', { name: 'External accounts of type Execution instance' }).getByRole('button', { name: 'Create the archiving workflow' }).click();
  const event = await pushOne(page, 'order_confirmation', 'sent@mc-sim.test');
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  await clock.getByLabel('Advance by').selectOption({ label: '1 hour' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await page.getByRole('region', { name: 'Advance by 1 hour' }).getByRole('button', { name: 'Close the report' }).click();
  await explore(page, 'Exercises');
  await page.getByRole('button', { name: 'Start in this sandbox: Make events end in each final status' }).click();
  const sandbox = new URL(page.url()).hash.split('/')[1];

  const screens = [
    ['topology', '', 'topology', 'Topology'],
    ['activity', '', 'activity', 'Activity'],
    ['exercises', '', 'exercises', 'Exercises'],
    ['push', '', 'push', 'Push events'],
    ['push-soap', '', 'push?tab=soap', 'Push events'],
    ['push-generator', '', 'push?tab=generator', 'Push events'],
    ['accounts', 'control', 'accounts', 'External accounts'],
    ['event-types', 'control', 'eventTypes', 'Event type (eventType)'],
    ['options', 'control', 'options', 'Options'],
    ['blocks', 'control', 'blocks', 'Personalization blocks'],
    ['templates', 'control', 'templates', 'Transactional message templates'],
    ['template-content', 'control', 'templates/orderConfirmation', 'orderConfirmation'],
    ['template-preview', 'control', 'templates/orderConfirmation?tab=preview', 'orderConfirmation'],
    ['template-audit', 'control', 'templates/orderConfirmation?tab=audit', 'orderConfirmation'],
    ['control-workflows', 'control', 'workflows', 'Message Center'],
    ['event-history', 'control', 'events', 'Event history'],
    ['reports', 'control', 'reports', 'Reports'],
    ['workflows', 'mcExec1', 'workflows', 'Message Center'],
    ['published', 'mcExec1', 'published', 'Transactional message templates'],
    ['deliveries', 'mcExec1', 'deliveries', 'Deliveries'],
    ['events', 'mcExec1', 'events?queue=rt', 'Real time events'],
    ['event', 'mcExec1', `events?queue=rt&event=${event}`, 'Real time events'],
    ['mcping', 'mcExec1', 'mcping', 'mcPing.jsp'],
  ];
  for (const [size, width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    for (const [name, instance, rest, heading] of screens) {
      await page.evaluate((h) => (location.hash = h), `#/${sandbox}/${instance}/${rest}`);
      await page.getByRole('heading', { name: heading, level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => {});
      await axe(page, `${name} at ${size}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
      assert.ok(wide <= 0, `${name} at ${size}: no sideways scroll (${wide} px too wide)`);
      if (size === 'phone') await shot(page, `axe-${name}-phone`);
    }
  }
  assert.deepEqual(problems, []);
});
