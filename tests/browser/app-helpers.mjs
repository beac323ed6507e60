// Helpers of the browser app's tests: open the app in Chromium, go to a page of the explorer,
// register an execution instance, save a screenshot under tmp/screenshots/ (git-ignored).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { join } from 'node:path';
import { openPage, REPO_ROOT } from './harness.mjs';
import { buildWww } from '../../scripts/build.mjs';

export const SHOTS = join(REPO_ROOT, 'tmp', 'screenshots');

/** Opens the app in a fresh browser context. */
export async function openApp(t) {
  await buildWww();
  const { page, problems, server } = await openPage(t, join(REPO_ROOT, 'www'), { viewport: { width: 1400, height: 1000 } });
  await page.goto(server.url('/'));
  await page.getByRole('heading', { name: 'Topology' }).waitFor();
  return { page, problems, server };
}

export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A page of the explorer: its label, under an instance (`control`, an account name) or at the top. */
export async function explore(page, ...path) {
  const tree = page.getByRole('tree', { name: 'Instances and folders' });
  const items = tree.getByRole('treeitem', { name: path.at(-1), exact: true });
  // The tree may be (re)loading: look again until the item is there.
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await page.waitForTimeout(100)) {
    const hrefs = await items.evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    const i = path.length === 1 ? (hrefs.length > 0 ? 0 : -1) : hrefs.findIndex((h) => h.includes(`/${path[0]}/`));
    if (i >= 0) return items.nth(i).click();
  }
  throw new Error(`no explorer item ${path.join(' > ')}`);
}

export async function addInstance(page, label, name, id) {
  await explore(page, 'control', 'External accounts');
  const form = page.getByRole('form', { name: 'New external account' });
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('Internal name').fill(name);
  await form.getByLabel('URL').fill(`http://${name.toLowerCase()}.example.com:8080`);
  await form.getByLabel('Execution instance ID').fill(String(id));
  await form.getByRole('button', { name: 'Add the execution instance' }).click();
  await page.getByRole('status').filter({ hasText: `Added ${label}` }).waitFor();
}


/** Waits until `read()` gives `want` (the app answers asynchronously), then returns it. */
export async function until(read, want, timeout = 10_000) {
  let last;
  for (const deadline = Date.now() + timeout; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    last = await read();
    if (last === want) return last;
  }
  throw new Error(`waited for ${JSON.stringify(want)}, last saw ${JSON.stringify(last)}`);
}

/** Adds a value to the eventType enumeration, by its form. */
export async function addType(page, name) {
  await explore(page, 'control', 'Enumerations (eventType)');
  const form = page.getByRole('form', { name: 'New event type' });
  await form.getByLabel('Internal name').fill(name);
  await form.getByRole('button', { name: 'Add the event type' }).click();
  await page.getByRole('table', { name: 'Values of eventType' }).getByRole('code').getByText(name, { exact: true }).waitFor();
}

/**
 * Creates a template by its form (with a seed address whose ctx is `seedCtx`, if given); `before`
 * runs once it is created (the editor shows it), then it is published.
 */
export async function publishTemplate(page, { name, type, subject, html, seedCtx, before }) {
  await explore(page, 'control', 'Transactional message templates');
  await page.getByRole('link', { name: 'New template' }).click();
  const tpl = page.getByRole('form', { name: 'Template' });
  await tpl.getByLabel('Internal name').fill(name);
  await tpl.getByLabel('Event type').selectOption(type);
  await tpl.getByLabel('Subject').fill(subject);
  await tpl.getByLabel('HTML body').fill(html);
  if (seedCtx !== undefined) {
    await tpl.getByRole('button', { name: 'Add a seed address' }).click();
    await tpl.getByLabel('Test data (ctx XML)').fill(seedCtx);
  }
  await tpl.getByRole('button', { name: 'Create the template' }).click();
  await page.getByRole('button', { name: 'Publish', exact: true }).waitFor();
  if (before) await before();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByRole('region', { name: 'Publication log' }).waitFor();
}

/**
 * The setup most tests start from, by clicks: the execution instance mcExec1 (id 1), the event
 * type order_confirmation, a published template orderConfirmation for it, and `workflows` of
 * mcExec1 started.
 */
export async function setUpMcExec1(page, { workflows = ['rtEventsProcessing', 'updateEventsStatus'], types = [] } = {}) {
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  for (const type of ['order_confirmation', ...types]) await addType(page, type);
  await publishTemplate(page, { name: 'orderConfirmation', type: 'order_confirmation', subject: 'Your order', html: '<p>Thanks</p>' });
  if (workflows.length === 0) return;
  await explore(page, 'mcExec1', 'Message Center');
  for (const wf of workflows) await page.getByRole('button', { name: `Start ${wf}`, exact: true }).click();
}

/** axe on the page as it is: no serious or critical violation. */
export async function axe(page, name) {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`),
    [],
    `axe on ${name}`,
  );
}

/** Pushes one event by the form of Push events (a fresh form): its type and email; returns its id. */
export async function pushOne(page, type, email, { expiration = '' } = {}) {
  await explore(page, 'Push events');
  const push = page.getByRole('form', { name: 'Push one event' });
  await push.getByLabel('Event type').fill(type);
  await push.getByLabel('Email').fill(email);
  await push.getByLabel('Expiration (UTC)').fill(expiration);
  await push.getByRole('button', { name: 'Push the event' }).click();
  const item = push.getByRole('status').getByRole('listitem').first();
  await item.waitFor();
  return item.getByRole('code').innerText();
}
