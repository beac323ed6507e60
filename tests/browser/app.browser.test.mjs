// The browser app (www/), in real Chromium, by clicks and typing only: a trainee's whole path
// (register two execution instances, create their archiving workflows, start the technical
// workflows, create an event type and a template, preview, publish, push events by the form, a
// pasted SOAP envelope and the generator, run the clock, see the statuses change in the list and
// the detail, see the archived events on the control). Screenshots of every main screen go to
// tmp/screenshots/ (git-ignored; the path is printed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, explore, openApp, shot, SHOTS } from './app-helpers.mjs';

test('a trainee\'s whole path, by clicks and typing', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  const shots = [];
  shots.push(await shot(page, '01-topology-empty'));

  // Two execution instances, each with its archiving workflow (the product's warning until then).
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await addInstance(page, 'Execution instance 2', 'mcExec2', 2);
  const accounts = page.getByRole('table', { name: 'External accounts of type Execution instance' });
  await accounts.getByText('The archiving workflow does not seem to exist for this execution instance.').first().waitFor();
  shots.push(await shot(page, '02-external-accounts-warning'));
  for (let i = 0; i < 2; i++) await accounts.getByRole('button', { name: 'Create the archiving workflow' }).first().click();
  await accounts.getByText('mcSynch_mcExec2').waitFor();
  assert.equal(await accounts.getByText('does not seem to exist').count(), 0);

  // The three execution workflows of each instance, started from its Message Center folder.
  for (const inst of ['mcExec1', 'mcExec2']) {
    await explore(page, inst, 'Message Center');
    for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus']) {
      await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();
      await page.getByRole('row').filter({ hasText: wf }).getByText('Started').waitFor();
    }
  }
  shots.push(await shot(page, '03-workflows-started'));

  // An event type and a template: a syntax error shown at its line and column, then fixed.
  await explore(page, 'control', 'Enumerations (eventType)');
  const typeForm = page.getByRole('form', { name: 'New event type' });
  await typeForm.getByLabel('Internal name').fill('order_confirmation');
  await typeForm.getByLabel('Label').fill('Order confirmation');
  await typeForm.getByRole('button', { name: 'Add the event type' }).click();
  await page.getByRole('table', { name: 'Values of eventType' }).getByText('order_confirmation').waitFor();

  await explore(page, 'control', 'Transactional message templates');
  await page.getByRole('link', { name: 'New template' }).click();
  const tpl = page.getByRole('form', { name: 'Template' });
  await tpl.getByLabel('Label').fill('Order confirmation');
  await tpl.getByLabel('Internal name').fill('orderConfirmation');
  await tpl.getByLabel('Event type').selectOption('order_confirmation');
  await tpl.getByLabel('Subject').fill('Your order <%= rtEvent.ctx.order.@number %>');
  await tpl.getByLabel('HTML body').fill('<h1>Thank you <%= rtEvent.ctx.firstName %></h1>\n<p>Order <%= rtEvent.ctx. %></p>');
  await tpl.getByLabel('Text body').fill('Thank you <%= rtEvent.ctx.firstName %>');
  await tpl.getByRole('button', { name: 'Add a seed address' }).click();
  await tpl.getByLabel('Test data (ctx XML)').fill('<ctx><firstName>Ada</firstName><order number="A-1"/></ctx>');
  await tpl.getByRole('button', { name: 'Create the template' }).click();
  const syntax = tpl.getByRole('alert').filter({ hasText: 'TEMPLATE_SYNTAX' });
  await syntax.waitFor();
  assert.match(await syntax.innerText(), /HTML body: line 2, column 27/);
  await tpl.getByText('Line 2, column 27.').waitFor();
  shots.push(await shot(page, '04-template-syntax-error'));
  await tpl.getByLabel('HTML body').fill('<h1>Thank you <%= rtEvent.ctx.firstName %></h1>\n<p>Order <%= rtEvent.ctx.order.@number %></p>');
  await tpl.getByRole('button', { name: 'Create the template' }).click();
  await page.getByRole('heading', { name: 'Order confirmation', level: 1 }).waitFor();

  // Preview with the seed address, in a sandboxed iframe.
  await page.getByRole('tab', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.getByText('Your order A-1').waitFor();
  const frame = preview.locator('iframe');
  assert.equal(await frame.getAttribute('sandbox'), '');
  assert.equal(await frame.contentFrame().getByRole('heading').innerText(), 'Thank you Ada');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('region', { name: 'Publication log' }).waitFor();
  shots.push(await shot(page, '05-template-published'));
  await explore(page, 'mcExec1', 'Transactional message templates');
  await page.getByRole('table', { name: 'Published templates on mcExec1' }).getByText('orderConfirmation_rt').waitFor();

  // Push: the form (an invalid email first: the engine's error by the field, nothing pushed).
  await explore(page, 'Push events');
  const push = page.getByRole('form', { name: 'Push one event' });
  await push.getByLabel('Event type').fill('order_confirmation');
  await push.getByLabel('Email').fill('ada@');
  await push.getByRole('button', { name: 'Push the event' }).click();
  const emailError = push.getByRole('alert').filter({ hasText: 'INVALID_EMAIL' });
  await emailError.waitFor();
  // The error is the field's: described by it, and the field is marked invalid.
  const describedBy = await push.getByLabel('Email').getAttribute('aria-describedby');
  assert.ok(describedBy && (await emailError.getAttribute('id')) && describedBy.includes(await emailError.getAttribute('id')), describedBy);
  shots.push(await shot(page, '06-push-invalid-email'));
  await push.getByLabel('Email').fill('sent@mc-sim.test');
  await push.getByRole('button', { name: 'Push the event' }).click();
  await push.getByRole('status').getByText(/^Event \d+ on mcExec/).waitFor();

  // A pasted SOAP envelope, answered with Campaign's response envelope.
  await page.getByRole('tab', { name: 'SOAP envelope' }).click();
  const soap = page.getByRole('form', { name: 'Send a SOAP envelope' });
  await soap.getByLabel('Request envelope').fill((await soap.getByLabel('Request envelope').inputValue()).replace('john.doe@example.com', 'sent+soap@mc-sim.test'));
  await soap.getByRole('button', { name: 'Send' }).click();
  const response = soap.getByLabel('Response envelope');
  await response.waitFor();
  assert.match(await response.innerText(), /<PushEventResponse xmlns="urn:nms:rtEvent"[\s\S]*<plId xsi:type="xsd:long">\d+<\/plId>/);
  shots.push(await shot(page, '07-push-soap'));

  // The generator: 60 events over a minute of virtual time, with its progress.
  await page.getByRole('tab', { name: 'Generator' }).click();
  const gen = page.getByRole('form', { name: 'Generate events' });
  await gen.getByLabel('Rate (events per hour)').fill('3600');
  await gen.getByLabel('Duration (virtual time)').selectOption({ label: '1 minute' });
  await gen.getByRole('button', { name: 'Generate' }).click();
  await gen.getByRole('status').getByText(/60 of 60 events .* done/).waitFor({ timeout: 60_000 });
  shots.push(await shot(page, '08-generator'));

  // The clock: an hour of virtual time.
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  await clock.getByLabel('Advance by').selectOption({ label: '1 hour' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await clock.getByText(/01:01:\d\d UTC/).waitFor();

  // The status list of mcExec1: Sent events, their counts, and one event's detail.
  await explore(page, 'mcExec1', 'Real time events');
  const counts = page.getByRole('group', { name: 'Counts per status (click one to filter)' });
  await counts.getByRole('button', { name: /^Sent \d+/ }).waitFor();
  const list = page.getByRole('grid', { name: 'Events' });
  await list.getByRole('row').filter({ hasText: 'Sent' }).first().waitFor();
  shots.push(await shot(page, '09-status-list'));
  await counts.getByRole('button', { name: /^Sent \d+/ }).click();
  await page.waitForURL(/status=sent/);
  await page.getByRole('search').getByLabel('Search').fill('email:sent@mc-sim.test type:order_confirmation');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=email/);
  await list.getByRole('row').filter({ hasText: 'sent@mc-sim.test' }).first().click();
  const detail = page.getByRole('region', { name: /^Event \d+/ });
  await detail.getByText('Sent').first().waitFor();
  await detail.getByRole('tab', { name: 'Timeline' }).click();
  await detail.getByText(/Time at the MTA: \d/).waitFor();
  shots.push(await shot(page, '10-event-timeline'));
  await detail.getByRole('tab', { name: 'Message' }).click();
  assert.equal(await detail.locator('iframe').getAttribute('sandbox'), '');
  shots.push(await shot(page, '11-event-message'));
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'detached' });

  // The control: the archived events of both instances.
  await explore(page, 'control', 'Event history');
  await page.getByRole('grid', { name: 'Events' }).getByRole('row').filter({ hasText: 'Sent' }).first().waitFor();
  // Grouped by event type, as the console groups the event history; a group is a filter.
  await page.getByLabel('Group by').selectOption('type');
  const groups = page.getByRole('table', { name: 'Grouped by event type' });
  await groups.getByRole('row').filter({ hasText: 'order_confirmation' }).waitFor();
  assert.match(await groups.innerText(), /order_confirmation\s+6\d\s/);
  shots.push(await shot(page, '12-control-event-history'));
  await groups.getByRole('button', { name: 'order_confirmation' }).click();
  await page.waitForURL(/type=order_confirmation/);
  assert.equal(await page.getByRole('table', { name: 'Grouped by event type' }).count(), 0);
  // The reports: service level with its thresholds, and the history pivot.
  await explore(page, 'control', 'Reports');
  const sl = page.getByRole('list', { name: 'Service level' });
  await sl.getByText('Incoming (event vol)').waitFor();
  // A two-hour exercise's low throughput is no red tile: nothing waited in the queue.
  const out = sl.getByRole('listitem').filter({ hasText: 'Outgoing (throughput)' });
  assert.equal(await out.getAttribute('class'), 'tile ok');
  assert.match(await out.innerText(), /the throughput kept up with the incoming events/);
  // Campaign's pivot: year › quarter › month › event type, a column group per channel.
  const pivot = page.getByRole('table', { name: 'By date (year › quarter › month) and event type, by channel' });
  await pivot.getByRole('row').filter({ hasText: 'order_confirmation' }).first().waitFor();
  assert.deepEqual(await pivot.getByRole('rowheader').allInnerTexts(), ['▾ 2026', '▾ Q1 2026', '▾ January 2026', 'order_confirmation']);
  assert.match(await pivot.getByRole('columnheader').first().innerText(), /Date › Event type/);
  assert.equal(await pivot.getByRole('columnheader', { name: 'Email' }).count(), 1);
  assert.match(await pivot.getByRole('row').filter({ hasText: 'order_confirmation' }).innerText(), /^order_confirmation\s+6\d\s+\d+\s+[\d.]+\s+6\d\s+\d+\s+[\d.]+$/);
  shots.push(await shot(page, '13-reports'));
  await pivot.getByRole('button', { name: 'Q1 2026' }).click();
  assert.deepEqual(await pivot.getByRole('rowheader').allInnerTexts(), ['▾ 2026', '▸ Q1 2026']);
  // mcPing.jsp of an execution instance, as the JSP answers.
  await explore(page, 'mcExec1', 'mcPing.jsp');
  assert.match(await page.getByLabel('mcPing.jsp response').innerText(), /^Ok\n2026-01-01 \d\d:\d\d:\d\d\.\d{3}Z\n\d+\/400 pending events$/);
  await explore(page, 'Topology');
  const svg = page.getByRole('group', { name: 'Topology of the platform' });
  await svg.getByText('mcSynch_mcExec1').waitFor();
  assert.equal(await svg.getByText(/^last run 2026-01-01 01:00:00$/).count(), 2, 'both archiving arrows with the time of their last run');
  shots.push(await shot(page, '14-topology'));
  t.diagnostic(`screenshots: ${SHOTS}`);
  assert.deepEqual(problems, []);
});
