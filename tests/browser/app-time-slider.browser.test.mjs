// Issue 16, item 4 and problem 2 (the chart), in real Chromium: the chart covers the period shown
// (from the oldest event to the clock), not a minute around the last sample, so it is not empty
// after an Advance; the time slider shows the status list, its counts and an event's detail as
// they stood at a moment (an event's status at three moments), and "Back to now" returns.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { axe, explore, openApp, pushOne, setUpMcExec1, shot, until } from './app-helpers.mjs';

const ms = (iso) => String(Date.parse(iso));

test('the time slider shows the list, its counts and an event as they stood then', { timeout: 300_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await setUpMcExec1(page, { workflows: ['updateEventsStatus'] });
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  // Pushed at 00:01:00 while rtEventsProcessing is stopped: Pending until it starts at 00:02:00.
  await clock.getByLabel('Advance by').selectOption({ label: '1 minute' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await page.getByRole('region', { name: 'Advance by 1 minute' }).waitFor();
  await pushOne(page, 'order_confirmation', 'ada@example.com');
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await page.getByRole('region', { name: 'Advance by 1 minute' }).waitFor();
  await explore(page, 'mcExec1', 'Message Center');
  await page.getByRole('button', { name: 'Start rtEventsProcessing', exact: true }).click();
  // Started (its Start button is disabled then) before the clock moves on.
  await until(() => page.getByRole('button', { name: 'Start rtEventsProcessing', exact: true }).isDisabled(), true);
  await clock.getByLabel('Advance by').selectOption({ label: '1 hour' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await page.getByRole('region', { name: 'Advance by 1 hour' }).waitFor();

  await explore(page, 'mcExec1', 'Real time events');
  const row = page.getByRole('row').filter({ hasText: 'ada@example.com' }).first();
  await row.getByText('Sent', { exact: true }).waitFor();
  // The chart covers the period: from the push (00:01:00) to the clock (01:01:00), after an hour's Advance.
  const chart = page.getByRole('figure', { name: /^Chart of the counts per status over the period shown/ });
  await chart.waitFor();
  assert.equal(await chart.locator('figcaption').innerText(), 'From 2026-01-01 00:01:00 to 2026-01-01 01:02:00 UTC: 1 event; at the end, 1 Sent.');

  const slider = page.getByRole('slider', { name: 'Show the list as it stood at' });
  assert.equal(await slider.getAttribute('min'), ms('2026-01-01T00:01:00Z'));
  assert.equal(await slider.getAttribute('max'), ms('2026-01-01T01:02:00Z'));
  const counts = page.getByRole('group', { name: 'Counts per status (click one to filter)' });
  const note = page.locator('.as-of-note');
  const moments = [
    ['2026-01-01T00:01:30Z', 'Pending'],
    ['2026-01-01T00:02:30Z', 'Pending delivery'],
    ['2026-01-01T00:05:00Z', 'Sent'],
  ];
  for (const [at, label] of moments) {
    await slider.fill(ms(at));
    await until(() => note.count(), 1);
    assert.match(await note.innerText(), new RegExp(`^As it stood at ${at.slice(0, 10)} ${at.slice(11, 19)} UTC`));
    // The list as of a moment is read again from storage: give a loaded machine time.
    await until(() => row.locator('.status').innerText(), label, 30_000);
    await counts.getByRole('button', { name: `${label} 1`, exact: true }).waitFor();
    await shot(page, `slider-${at.slice(11, 16).replace(':', '')}`);
  }

  // An event's detail as it stood then: its status, its history up to then.
  await slider.fill(ms('2026-01-01T00:02:30Z'));
  await until(() => row.locator('.status').innerText(), 'Pending delivery');
  await row.click();
  const detail = page.getByRole('region', { name: /^Event \d+ as it stood at 2026-01-01 00:02:30 UTC$/ });
  await detail.waitFor();
  const why = detail.getByRole('note', { name: 'Status and why' });
  assert.match(await why.innerText(), /As it stood at 2026-01-01 00:02:30 UTC: Pending delivery since 2026-01-01 00:02:[01]0 UTC \(rtEventsProcessing#\d+\)\./);
  await shot(page, 'slider-detail');
  await axe(page, 'the status list as of a moment');

  // Back to now.
  await page.getByRole('button', { name: 'Back to now' }).click();
  await until(() => note.count(), 0);
  await until(() => row.locator('.status').innerText(), 'Sent');
  assert.equal(await page.getByRole('heading', { name: /^Event \d+$/ }).count() + (await page.getByRole('heading', { name: /as it stood/ }).count()), 1);
  assert.deepEqual(problems, []);
});
