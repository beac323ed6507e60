// Issue 16, problem 7 and item 5, in real Chromium: a layout from a phone to a wide desktop. At
// 390×844 and 1024×768 the explorer opens over the page (and closes once a page is chosen, or on
// Esc) and the page gets the whole width; from 1200 px it is docked and can be hidden. The header
// is one line at every width (the clock folds its speed and advance controls behind "More clock
// controls" on a phone), no page scrolls sideways, a workflow's row is one line, and the event's
// detail opens over the list on a phone, under it on a laptop, beside it on a wide screen. axe
// finds nothing serious at each size.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { axe, explore, openApp, pushOne, setUpMcExec1, shot, until } from './app-helpers.mjs';

const SIZES = [
  ['phone', 390, 844],
  ['laptop', 1024, 768],
  ['desktop', 1440, 900],
];

/** What the layout is made of, measured in the page. */
function measure(page) {
  return page.evaluate(() => {
    const box = (sel) => {
      const el = document.querySelector(sel);
      if (!el || el.hidden || el.getClientRects().length === 0) return null;
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom };
    };
    const header = document.querySelector('header.top');
    // Everything shown in the header, within it.
    const outside = [...header.querySelectorAll('button, select, output, a, label')]
      .filter((el) => el.offsetParent !== null && !el.closest('.clock-more.open'))
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > innerWidth + 0.5 || r.bottom > header.getBoundingClientRect().bottom + 0.5;
      })
      .map((el) => el.textContent.trim() || el.getAttribute('aria-label'));
    return {
      width: innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      header: box('header.top'),
      outside,
      explorer: box('#explorer'),
      main: box('main.page'),
      detail: box('.detail'),
      list: box('.list'),
    };
  });
}

test('the layout works from a phone to a wide desktop', { timeout: 300_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);
  await setUpMcExec1(page);
  await pushOne(page, 'order_confirmation', 'ada@example.com');
  const clock = page.getByRole('group', { name: 'Virtual clock' });
  const toggle = page.getByRole('button', { name: 'Explorer' });
  const tree = page.getByRole('tree', { name: 'Instances and folders' });
  // A page of the explorer, opening it first where it is closed.
  const go = async (...path) => {
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
    await explore(page, ...path);
  };

  for (const [name, width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    const docked = width >= 1200;
    await until(() => toggle.getAttribute('aria-expanded'), String(docked));
    await go('Topology');
    await page.getByRole('heading', { name: 'Topology', exact: true }).waitFor();
    await until(() => toggle.getAttribute('aria-expanded'), String(docked));
    let m = await measure(page);
    assert.ok(m.header.h <= 50, `${name}: the header is one line (${m.header.h} px)`);
    assert.deepEqual(m.outside, [], `${name}: everything in the header shows within it`);
    assert.ok(m.scrollWidth <= m.width, `${name}: no sideways scroll (${m.scrollWidth} > ${m.width})`);
    if (docked) {
      assert.ok(m.explorer && m.explorer.w <= 300, `${name}: the explorer is docked`);
      assert.ok(m.main.x >= m.explorer.right - 1, `${name}: the page is beside it`);
    } else {
      assert.equal(m.explorer, null, `${name}: the explorer is closed at first`);
      assert.ok(m.main.w >= width - 1, `${name}: the page has the whole width (${m.main.w})`);
    }

    // The workflows of mcExec1, chosen in the explorer: over the page, it closes once chosen.
    if (!docked) {
      await toggle.click();
      await tree.waitFor();
      m = await measure(page);
      assert.ok(m.explorer.w <= Math.min(320, width * 0.86) + 1, `${name}: the explorer opens over the page`);
      await tree.getByRole('treeitem').first().focus();
      await page.keyboard.press('Escape');
      await until(() => toggle.getAttribute('aria-expanded'), 'false');
    }
    await go('mcExec1', 'Message Center');
    await page.getByRole('table', { name: 'Workflows of mcExec1' }).waitFor();
    if (!docked) await until(() => toggle.getAttribute('aria-expanded'), 'false');
    const rows = await page.getByRole('table', { name: 'Workflows of mcExec1' }).locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    assert.ok(rows.length >= 3 && rows.every((h) => h <= 48), `${name}: a workflow's row is one line (${rows.join(', ')})`);
    m = await measure(page);
    assert.ok(m.scrollWidth <= m.width, `${name}: the workflows table scrolls in its own box`);
    await shot(page, `layout-01-workflows-${width}`);
    await axe(page, `workflows at ${width}`);

    // The clock: on a phone, speed and advance are behind "More clock controls".
    const advance = clock.getByRole('button', { name: 'Advance', exact: true });
    if (width < 900) {
      assert.equal(await advance.isVisible(), false);
      await clock.getByRole('button', { name: 'More clock controls' }).click();
    }
    await clock.getByLabel('Advance by').selectOption({ label: '10 minutes' });
    await advance.click();
    const report = page.getByRole('region', { name: 'Advance by 10 minutes' });
    await report.waitFor();
    if (width < 900) await clock.getByRole('button', { name: 'More clock controls' }).click();
    await report.getByRole('button', { name: 'Close the report' }).click();

    // The status list and an event's detail.
    await go('mcExec1', 'Real time events');
    const row = page.getByRole('row').filter({ hasText: 'ada@example.com' });
    await row.first().click();
    await page.getByRole('heading', { name: /^Event \d+$/ }).waitFor();
    m = await measure(page);
    if (width < 900) {
      assert.ok(m.detail.y <= 50 && m.detail.w >= width - 1, `${name}: the detail covers the list (${JSON.stringify(m.detail)})`);
    } else {
      assert.ok(m.detail.y >= m.list.bottom - 1, `${name}: the detail is under the list`);
    }
    assert.ok(m.scrollWidth <= m.width, `${name}: no sideways scroll with the detail open`);
    await shot(page, `layout-02-event-${width}`);
    await axe(page, `event detail at ${width}`);
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await go('Activity');
    await page.getByRole('heading', { name: 'Activity', exact: true }).waitFor();
    await axe(page, `activity at ${width}`);
    if (!docked) assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  }

  // A wide screen: the detail beside the list; the docked explorer can be hidden.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await go('mcExec1', 'Real time events');
  await page.getByRole('row').filter({ hasText: 'ada@example.com' }).first().click();
  await page.getByRole('heading', { name: /^Event \d+$/ }).waitFor();
  let m = await measure(page);
  assert.ok(m.detail.x >= m.list.right - 1 && Math.abs(m.detail.y - m.list.y) < 2, `wide: the detail is beside the list (${JSON.stringify([m.list, m.detail])})`);
  await shot(page, 'layout-03-event-1920');
  await toggle.click();
  await until(() => toggle.getAttribute('aria-expanded'), 'false');
  m = await measure(page);
  assert.equal(m.explorer, null);
  assert.ok(m.main.x <= 1, 'the page takes the explorer\'s place');
  assert.deepEqual(problems, []);
});
