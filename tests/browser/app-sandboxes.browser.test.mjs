// The browser app's sandboxes in real Chromium: a reload keeps everything; two sandboxes do not
// see each other's data; export then import gives the same status list; a second tab on the same
// sandbox is told so (and writes nothing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireChromium } from './harness.mjs';
import { addInstance, addType, explore, openApp, shot, SHOTS } from './app-helpers.mjs';

async function pushOne(page, email) {
  await explore(page, 'Push events');
  const push = page.getByRole('form', { name: 'Push one event' });
  await push.getByLabel('Event type').fill('order');
  await push.getByLabel('Email').fill(email);
  await push.getByRole('button', { name: 'Push the event' }).click();
  await push.getByRole('status').getByText(/^Event \d+ on mcExec1/).first().waitFor();
}

/** The rows of the status list of mcExec1, as text. */
async function rows(page) {
  await explore(page, 'mcExec1', 'Real time events');
  const list = page.getByRole('grid', { name: 'Events' });
  await list.getByRole('row').nth(1).waitFor();
  await page.getByText(/^\d+ events?$/).waitFor();
  return list.locator('.list-body [role=row]').allInnerTexts();
}

async function sandboxMenu(page) {
  await page.getByRole('button', { name: /^Sandbox / }).click();
  return page.getByRole('dialog', { name: 'Sandboxes' });
}

test('sandboxes: reload keeps everything, two do not see each other, export then import gives the same list, a second tab is told', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await addType(page, 'order');
  await pushOne(page, 'ada@example.com');
  await pushOne(page, 'grace@example.com');
  const before = await rows(page);
  assert.equal(before.length, 2);
  assert.match(before[0], /grace@example\.com/);

  // A reload: the same sandbox, the same events.
  const url = page.url();
  await page.reload();
  await page.getByRole('tree', { name: 'Instances and folders' }).waitFor({ timeout: 8000 }).catch(async (e) => {
    await shot(page, 'debug-reload');
    console.log(await page.locator('body').innerText());
    throw e;
  });
  assert.equal(page.url(), url);
  assert.deepEqual(await rows(page), before);

  // A second sandbox sees none of it.
  let menu = await sandboxMenu(page);
  // A start time that is not a date: the engine's error, and no sandbox is left of it.
  await menu.getByLabel('New sandbox').fill('Broken');
  await menu.getByLabel('Start time (UTC, optional)').fill('next monday');
  await menu.getByRole('button', { name: 'Create' }).click();
  await menu.getByRole('alert').filter({ hasText: 'INVALID_DATE' }).waitFor();
  await menu.getByLabel('New sandbox').fill('Second class');
  await menu.getByLabel('Seed (optional)').fill('42');
  await menu.getByLabel('Start time (UTC, optional)').fill('2026-03-02T08:00:00Z');
  await menu.getByRole('button', { name: 'Create' }).click();
  await page.getByRole('button', { name: 'Sandbox Second class ▾' }).waitFor();
  await page.getByRole('group', { name: 'Virtual clock' }).getByText('2026-03-02 08:00:00 UTC').waitFor();
  await explore(page, 'control', 'External accounts');
  await page.getByText('No execution instance is registered yet').waitFor();
  assert.equal(await page.getByRole('tree').getByText('Execution instance 1').count(), 0);
  await shot(page, 'sandbox-second');

  // Back to the first, by the menu.
  menu = await sandboxMenu(page);
  await menu.getByRole('row').filter({ hasText: 'My first sandbox' }).getByRole('button', { name: 'Open' }).click();
  await page.getByRole('button', { name: 'Sandbox My first sandbox ▾' }).waitFor();
  assert.deepEqual(await rows(page), before);

  // Export, then import: a third sandbox with the same status list.
  menu = await sandboxMenu(page);
  const downloading = page.waitForEvent('download');
  await menu.getByRole('row').filter({ hasText: 'My first sandbox' }).getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  const file = join(SHOTS, '..', 'export.mcsandbox.jsonl');
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.deepEqual(JSON.parse(lines[0]), { format: 'message-center-sandbox/1', name: 'My first sandbox' });
  assert.ok(lines.length > 10);
  assert.ok(!lines.some((l) => l.startsWith('["m/sess')), 'an export holds no session');
  await menu.getByLabel('Import a sandbox file').setInputFiles(file);
  await page.waitForURL((u) => u.href !== url && !u.href.includes(new URL(url).hash.split('/')[1]));
  await page.getByRole('tree').getByText('Execution instance 1').waitFor();
  // Its name is its own, and the app says so (it was a silent twin).
  await page.getByRole('status').filter({ hasText: 'Imported as "My first sandbox (2)": a sandbox named "My first sandbox" is already in this browser.' }).waitFor();
  await page.getByRole('button', { name: 'Sandbox My first sandbox (2) ▾' }).waitFor();
  assert.deepEqual(await rows(page), before, 'the imported sandbox has the same status list');
  const imported = page.url();
  menu = await sandboxMenu(page);
  await menu.getByRole('row').filter({ hasText: 'My first sandbox' }).nth(1).waitFor();
  assert.equal(await menu.getByRole('row').filter({ hasText: 'My first sandbox' }).count(), 2, 'the original and the imported copy');
  await menu.getByRole('button', { name: 'Close the sandbox list' }).click();

  // A file that is not an export is refused, and nothing is left of it.
  menu = await sandboxMenu(page);
  await menu.getByLabel('Import a sandbox file').setInputFiles({ name: 'bad.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from('{"hello":1}\n') });
  await menu.getByRole('alert').getByText(/not a sandbox export/).waitFor();
  await menu.getByRole('row').nth(3).waitFor();
  assert.equal(await menu.getByRole('row').count(), 1 + 3, 'header and three sandboxes: nothing left of the refused file');
  await menu.getByRole('button', { name: 'Close the sandbox list' }).click();

  // A header, then a line that is not a record: refused, with its line, and nothing left of it.
  menu = await sandboxMenu(page);
  const torn = [JSON.stringify({ format: 'message-center-sandbox/1', name: 'Torn' }), JSON.stringify(['m/format', '"message-center/2"']), '["a", 1'].join('\n');
  await menu.getByLabel('Import a sandbox file').setInputFiles({ name: 'torn.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(torn) });
  await menu.getByRole('alert').getByText('line 3 of the file is not a record (["key", "value"])').waitFor();
  assert.equal(await menu.getByRole('row').filter({ hasText: 'Torn' }).count(), 0);
  await menu.getByRole('button', { name: 'Close the sandbox list' }).click();

  // A record the engine would trip on later (a framing character inside an event's page): refused
  // before anything is written, naming the record, and nothing left of it.
  const pageLine = lines.findIndex((l, i) => i > 0 && JSON.parse(l)[0].startsWith('e/'));
  assert.ok(pageLine > 0, 'the export holds an event page');
  const [pageKey, pageValue] = JSON.parse(lines[pageLine]);
  const garbled = lines.map((l, i) => (i === pageLine ? JSON.stringify([pageKey, `${pageValue.slice(0, 4)}\u0001${pageValue.slice(4)}`]) : l)).join('\n').replace('"My first sandbox"', '"Garbled"');
  menu = await sandboxMenu(page);
  await menu.getByLabel('Import a sandbox file').setInputFiles({ name: 'garbled.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(garbled) });
  await menu.getByRole('alert').getByText(`the record "${pageKey}" holds a character U+0000 to U+0003`, { exact: false }).waitFor();
  assert.equal(await menu.getByRole('row').filter({ hasText: 'Garbled' }).count(), 0);
  await menu.getByRole('button', { name: 'Close the sandbox list' }).click();

  // A file of another storage format: the engine's STORAGE_FORMAT, and the open sandbox stays open.
  menu = await sandboxMenu(page);
  const other = [JSON.stringify({ format: 'message-center-sandbox/1', name: 'From the future' }), JSON.stringify(['m/format', '"message-center/999"'])].join('\n');
  await menu.getByLabel('Import a sandbox file').setInputFiles({ name: 'future.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(other) });
  await menu.getByRole('alert').filter({ hasText: 'STORAGE_FORMAT' }).waitFor();
  await menu.getByRole('button', { name: 'Close the sandbox list' }).click();
  assert.equal(page.url(), imported);
  assert.deepEqual(await rows(page), before, 'the open sandbox is still open and answers');

  // A second tab on the open sandbox is told, and the first keeps working.
  const second = await page.context().newPage();
  await second.goto(imported);
  await second.getByRole('alert').getByText('This sandbox is open in another tab.').waitFor();
  await shot(second, 'sandbox-second-tab');
  await second.close();
  await pushOne(page, 'ken@example.com');
  assert.equal((await rows(page)).length, 3);

  // No export of a sandbox while a generator writes into it: said, and the generator goes on.
  await explore(page, 'Push events');
  await page.getByRole('tab', { name: 'Generator' }).click();
  const gen = page.getByRole('form', { name: 'Generate events' });
  await gen.getByLabel('Duration (virtual time)').selectOption({ label: '1 day' });
  await gen.getByRole('button', { name: 'Generate' }).click();
  await gen.getByRole('button', { name: 'Cancel' }).waitFor();
  menu = await sandboxMenu(page);
  await menu.getByRole('row').filter({ has: page.locator('.tag') }).getByRole('button', { name: 'Export' }).click();
  await menu.getByRole('alert').filter({ hasText: 'BUSY' }).getByText(/a generator is running in this sandbox/).waitFor();
  await menu.getByRole('button', { name: 'Close the sandbox list' }).click();
  await gen.getByRole('button', { name: 'Cancel' }).click();
  await gen.getByRole('status').getByText(/cancelled/).waitFor();
  assert.deepEqual(problems, []);
});
