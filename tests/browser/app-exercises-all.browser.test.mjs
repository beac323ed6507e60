// Issue 16's "done when", in real Chromium: after the technical workflows exercise (its own test),
// a trainee completes the five other shipped exercises in one sandbox by clicks and typing alone:
// the five final statuses (each explained by its "Why?"), personalization (a seed's ctx, a
// greeting, a loop and a condition, republished), archiving into the control's history, and two
// execution instances behind the load balancer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, explore, openApp, pushOne, setUpMcExec1, shot } from './app-helpers.mjs';

test('the five other exercises, completed by clicks', { timeout: 600_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await page.setViewportSize({ width: 1440, height: 900 });
  await setUpMcExec1(page);
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  const advance = async (label) => {
    await clock.getByLabel('Advance by').selectOption({ label });
    await clock.getByRole('button', { name: 'Advance', exact: true }).click();
    await page.getByRole('region', { name: `Advance by ${label}` }).getByRole('button', { name: 'Close the report' }).click();
  };
  const panel = page.getByRole('complementary', { name: 'Exercise' });
  const start = async (title) => {
    await explore(page, 'Exercises');
    await page.getByRole('button', { name: `Start in this sandbox: ${title}` }).click();
    await page.getByRole('region', { name: title }).waitFor();
  };
  const complete = async () => panel.getByText('Exercise complete.').waitFor();

  // The five final statuses.
  await start('Make events end in each final status');
  await pushOne(page, 'order_confirmation', 'sent@mc-sim.test');
  await pushOne(page, 'order_confirmation', 'hard@mc-sim.test');
  await advance('10 minutes');
  await pushOne(page, 'order_confirmation', 'hard@mc-sim.test');
  await pushOne(page, 'cart_abandoned', 'ada@example.com');
  await pushOne(page, 'order_confirmation', 'ada@example.com', { expiration: '2025-12-31T00:00:00Z' });
  await advance('10 minutes');
  await complete();
  // Each final status says why, on the list.
  await explore(page, 'mcExec1', 'Real time events');
  const grid = page.getByRole('grid', { name: 'Events' });
  for (const status of ['Sent', 'Delivery failed', 'Ignored by the delivery', 'Event not taken into account', 'Event expired']) {
    await grid.locator(`[title^="Why? ${status}: "]`).first().waitFor();
  }
  await shot(page, 'exercises-all-01-statuses');

  // Personalization: a seed's ctx, a greeting, a loop and a condition, then republished.
  await start("Personalize a message with the event's data");
  await explore(page, 'control', 'Transactional message templates');
  await page.getByRole('link', { name: 'orderConfirmation' }).click();
  const tpl = page.getByRole('form', { name: 'Template' });
  await tpl.getByRole('button', { name: 'Add a seed address' }).click();
  await tpl.getByLabel('Test data (ctx XML)').fill('<ctx><customer firstName="Ada"/><order number="CN1042"><line product="Espresso beans" qty="2"/><line product="Milk frother" qty="1"/></order></ctx>');
  await tpl.getByLabel('HTML body').fill(
    '<p>Hello <%= rtEvent.ctx.customer.@firstName %></p><ul><% for each (var line in rtEvent.ctx.order.line) { %><li><%= line.@product %> × <%= line.@qty %></li><% } %></ul>' +
      '<% if (rtEvent.ctx.order.line.length() > 1) { %><p><%= rtEvent.ctx.order.line.length() %> items</p><% } %>',
  );
  await tpl.getByRole('button', { name: 'Save' }).click();
  await tpl.getByRole('status').filter({ hasText: /^Saved at / }).waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('region', { name: 'Publication log' }).waitFor();
  await complete();
  await page.getByRole('tab', { name: 'Preview' }).click();
  await page.getByRole('region', { name: 'Preview' }).locator('iframe').contentFrame().getByText('2 items').waitFor();

  // Archiving into the control's event history.
  await start("Archiving and the control's event history");
  await explore(page, 'control', 'External accounts');
  await page.getByRole('table', { name: 'External accounts of type Execution instance' }).getByRole('button', { name: 'Create the archiving workflow' }).click();
  await panel.getByText('2 of 4 steps').waitFor();
  for (let i = 0; i < 3; i++) await pushOne(page, 'order_confirmation', 'sent@mc-sim.test');
  await advance('10 minutes');
  await panel.getByText('3 of 4 steps').waitFor();
  await advance('1 hour');
  await complete();

  // Two execution instances behind the load balancer.
  await start('Two execution instances behind the load balancer');
  await addInstance(page, 'Execution instance 2', 'mcExec2', 2);
  await page.getByRole('table', { name: 'External accounts of type Execution instance' }).getByRole('row').filter({ hasText: 'mcExec2' }).getByRole('button', { name: 'Create the archiving workflow' }).click();
  await explore(page, 'mcExec2', 'Message Center');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();
  await explore(page, 'control', 'Transactional message templates');
  await page.getByRole('link', { name: 'orderConfirmation' }).click();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('region', { name: 'Publication log' }).waitFor();
  for (let i = 0; i < 4; i++) await pushOne(page, 'order_confirmation', 'sent@mc-sim.test');
  await advance('10 minutes');
  await advance('1 hour');
  await complete();
  await shot(page, 'exercises-all-02-load-balancer');
  assert.deepEqual(problems, []);
});
