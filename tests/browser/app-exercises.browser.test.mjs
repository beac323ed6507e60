// Issue 16, item 2, in real Chromium: a guided exercise completed by clicks alone. It starts in a
// new sandbox; each step is checked by the engine as the trainee works; "Check my work" on a step
// not done shows what it misses and the hint; the panel follows the trainee from page to page; the
// exercise says when it is complete. A trainer's file that is not an exercise is refused with
// where and what.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addInstance, addType, axe, explore, openApp, publishTemplate, pushOne, SHOTS, shot, until } from './app-helpers.mjs';

test('the technical workflows exercise, completed by clicks', { timeout: 300_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await explore(page, 'Exercises');
  await page.getByRole('heading', { name: 'Exercises', exact: true }).waitFor();
  await axe(page, 'the exercises');
  await page.getByRole('button', { name: 'Start in a new sandbox: Set up Message Center and follow an event to Sent' }).click();
  await page.getByRole('button', { name: 'Sandbox Set up Message Center and follow an event to Sent ▾' }).waitFor();
  // A long sandbox name is cut in the header, which stays within the window.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), 'no sideways scroll with a long sandbox name');
  const now = page.getByRole('region', { name: 'Set up Message Center and follow an event to Sent' });
  await now.getByText('0 of 7 steps done.').waitFor();

  // A wrong attempt: the step is not done, so Check my work says what it misses and hints.
  await now.getByRole('button', { name: 'Check my work' }).click();
  const hint = now.getByRole('status');
  assert.match(await hint.innerText(), /^Not yet: no execution instance mcExec1 with id 1 yet\.\n+Hint: Control instance › Administration › Platform › External accounts/);
  await shot(page, 'exercise-01-hint');

  // Step 1, with the panel following on every page.
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  const panel = page.getByRole('complementary', { name: 'Exercise' });
  await panel.getByText('1 of 7 steps').waitFor();
  assert.match(await panel.innerText(), /Create the archiving workflow of mcExec1/);
  // A wrong attempt in the panel too.
  await panel.getByRole('button', { name: 'Check my work' }).click();
  assert.match(await panel.getByRole('status').innerText(), /Not yet: mcSynch_mcExec1 does not exist on the control yet\./);
  await page.getByRole('table', { name: 'External accounts of type Execution instance' }).getByRole('button', { name: 'Create the archiving workflow' }).click();
  await panel.getByText('2 of 7 steps').waitFor();
  await shot(page, 'exercise-02-panel');

  await explore(page, 'mcExec1', 'Message Center');
  for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus']) await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();
  await panel.getByText('3 of 7 steps').waitFor();
  await addType(page, 'order_confirmation');
  await panel.getByText('4 of 7 steps').waitFor();
  await publishTemplate(page, { name: 'orderConfirmation', type: 'order_confirmation', subject: 'Your order', html: '<p>Thanks</p>', seedCtx: '<ctx/>' });
  await panel.getByText('5 of 7 steps').waitFor();

  await pushOne(page, 'order_confirmation', 'sent@mc-sim.test');
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  await clock.getByLabel('Advance by').selectOption({ label: '10 minutes' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await panel.getByText('6 of 7 steps').waitFor();
  await clock.getByLabel('Advance by').selectOption({ label: '1 hour' });
  await clock.getByRole('button', { name: 'Advance', exact: true }).click();
  await panel.getByText('7 of 7 steps').waitFor();
  await panel.getByText('Exercise complete.').waitFor();
  await shot(page, 'exercise-03-complete');

  // The exercise page lists every step done.
  await explore(page, 'Exercises');
  await now.getByText('7 of 7 steps done: complete.').waitFor();
  assert.equal(await now.locator('li.done').count(), 7);

  // The trainee hands in the completion record and the sandbox's export.
  const save = async (click, name) => {
    const downloading = page.waitForEvent('download');
    await click();
    const file = join(SHOTS, '..', name);
    await (await downloading).saveAs(file);
    return file;
  };
  const recordFile = await save(() => now.getByRole('button', { name: 'Export the completion record' }).click(), 'technical-workflows.mcrecord.json');
  const record = JSON.parse(readFileSync(recordFile, 'utf8'));
  assert.equal(record.format, 'message-center-exercise-record/1');
  assert.equal(record.exercise.id, 'technical-workflows');
  assert.equal(record.complete, true);
  assert.match(record.seed, /^\d+$/);
  assert.match(record.stateDigest, /^sha256:[0-9a-f]{64}$/);
  const sandboxFile = await save(() => now.getByRole('button', { name: 'Export this sandbox' }).click(), 'technical-workflows-sandbox.mcsandbox.jsonl');

  // The trainer imports the sandbox and verifies the record there.
  await page.getByRole('button', { name: /^Sandbox / }).click();
  await page.getByRole('dialog', { name: 'Sandboxes' }).getByLabel('Import a sandbox file').setInputFiles(sandboxFile);
  await page.getByRole('button', { name: 'Sandbox Set up Message Center and follow an event to Sent (2) ▾' }).waitFor();
  assert.equal(await page.getByRole('region', { name: /^Advance by/ }).count(), 0, "the last clock report was of the trainee's sandbox, not this one");
  await explore(page, 'Exercises');
  const verify = page.getByRole('region', { name: "Verify a trainee's completion record" });
  await verify.getByLabel('Completion record').setInputFiles(recordFile);
  const verdict = verify.getByRole('status', { name: 'Verification' });
  await verdict.getByText('Verified: Set up Message Center and follow an event to Sent').waitFor();
  assert.equal(await verdict.locator('li.ok').count(), 6);
  await verify.scrollIntoViewIfNeeded();
  await shot(page, 'exercise-04-verified');
  await axe(page, 'a verified record');

  // A record ticked by hand is not verified, and says why.
  const forged = { ...record, steps: record.steps.map((st) => ({ ...st, text: `${st.text}!` })) };
  await verify.getByLabel('Completion record').setInputFiles({ name: 'forged.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(forged)) });
  await verdict.getByText('Not verified: Set up Message Center and follow an event to Sent').waitFor();
  assert.equal((await verdict.locator('li.bad').textContent()).replace(/\s+/g, ' ').trim(), '✗ The record is as it was made (no): its seal does not match its content: it was edited or damaged');
  assert.deepEqual(problems, []);
});

test("a trainer's file that is not an exercise is refused with where and what", { timeout: 120_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await explore(page, 'Exercises');
  const input = page.getByLabel('Load an exercise file');
  await input.setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "format": "message-center-exercise/1",\n  "titel": "typo"\n}\n') });
  const error = page.getByRole('alert').filter({ hasText: 'INVALID_EXERCISE' });
  await error.waitFor();
  assert.match(await error.innerText(), /line 3, column \d+: unknown field `titel`/);
  // A good one becomes the exercise under way.
  const mine = {
    format: 'message-center-exercise/1', id: 'mine', version: 1, title: 'My first check', start: 'currentSandbox',
    steps: [{ text: 'Add the event type welcome.', hint: 'Enumerations (eventType).', check: { eventType: { name: 'welcome' } } }],
  };
  await input.setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(mine)) });
  await page.getByRole('region', { name: 'My first check' }).getByText('0 of 1 steps done.').waitFor();
  await addType(page, 'welcome');
  await page.getByRole('complementary', { name: 'Exercise' }).getByText('Exercise complete.').waitFor();
  assert.deepEqual(problems.filter((p) => !p.includes('INVALID_EXERCISE')), []);
});

test('a step stays done once reached: publish, change, publish again', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await addType(page, 'order_confirmation');
  await explore(page, 'Exercises');
  await page.getByRole('button', { name: 'Start in this sandbox: Publish, change, and publish again' }).click();
  await page.getByRole('region', { name: 'Publish, change, and publish again' }).getByText('1 of 4 steps done.').waitFor();
  await publishTemplate(page, { name: 'orderConfirmation', type: 'order_confirmation', subject: 'Your order', html: '<p>Thanks</p>' });
  const panel = page.getByRole('complementary', { name: 'Exercise' });
  await panel.getByText('2 of 4 steps').waitFor();
  const tpl = page.getByRole('form', { name: 'Template' });
  await tpl.getByLabel('Subject').fill('Your order is confirmed');
  await tpl.getByRole('button', { name: 'Save' }).click();
  await panel.getByText('3 of 4 steps').waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  // Publishing ends "modified since publication", the third step: it stays done.
  await panel.getByText('Exercise complete.').waitFor();
  assert.equal(await panel.getByText('4 of 4 steps').count(), 1);
  assert.deepEqual(problems, []);
});
