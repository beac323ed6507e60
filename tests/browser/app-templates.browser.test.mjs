// The template language in the browser app, in real Chromium, by clicks and typing: a syntax
// error appears under the field as you type (before any save) and goes when fixed; a
// personalization block created on its page is included by a template whose order lines repeat
// in a `for each` loop; the preview shows them; an option changed on its page reaches the preview;
// an error while rendering shows in the preview with its field and line; a message that fails to
// render is "Delivery failed" with Campaign's JST-310000 text in its "Why?". Screenshots at phone,
// laptop and desktop widths go to tmp/screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireChromium } from './harness.mjs';
import { addInstance, addType, explore, openApp, shot, until } from './app-helpers.mjs';

const ORDER_HTML = `<%@ include view='Greetings' %>
<% var total = 0; %>
<table>
<% for each (var line in rtEvent.ctx.order.line) { total += line.@qty * line.@price; %>
<tr><td><%= escapeXMLString(line.@sku) %></td><td><%= line.@qty %></td></tr>
<% } %>
</table>
<p>Total: <%= total.toFixed(2) %></p>
<%@ include view='shopFooter' %>`;

const CTX = '<ctx><firstName>ada</firstName><lastName>Lovelace</lastName><order><line sku="TEA-1" qty="2" price="4.5"/><line sku="MUG-2" qty="1" price="9"/></order></ctx>';

test('templates: syntax errors as you type, blocks, options, loops, preview and render errors', { timeout: 240_000 }, async (t) => {
  if (!requireChromium(t)) return;
  const { page, problems } = await openApp(t);

  // A personalization block of the control, with a syntax error shown as it is typed.
  await explore(page, 'control', 'Personalization blocks');
  const blocks = page.getByRole('table', { name: 'Personalization blocks' });
  await blocks.getByText('Link to mirror page').waitFor();
  await page.getByRole('link', { name: 'New personalization block' }).click();
  const blockForm = page.getByRole('form', { name: 'Personalization block' });
  await blockForm.getByLabel('Label').fill('Shop footer');
  await blockForm.getByLabel('Internal name').fill('shopFooter');
  await blockForm.getByLabel('Content (JSSP)').fill("<p class=\"footer\"><%@ include option='shopName' %></p>");
  const blockError = blockForm.getByRole('alert').filter({ hasText: 'TEMPLATE_SYNTAX' });
  await blockError.waitFor();
  assert.match(await blockError.innerText(), /there is no option 'shopName'/);

  // The option it needs, on the Options page.
  await explore(page, 'control', 'Options');
  const optForm = page.getByRole('form', { name: 'New option' });
  await optForm.getByLabel('Internal name').fill('shopName');
  await optForm.getByLabel('Value').fill('Example Tea');
  await optForm.getByRole('button', { name: 'Add the option' }).click();
  await page.getByRole('table', { name: 'Options' }).getByText('shopName').waitFor();
  await shot(page, 'templates-01-options');

  await explore(page, 'control', 'Personalization blocks');
  await page.getByRole('link', { name: 'New personalization block' }).click();
  await blockForm.getByLabel('Label').fill('Shop footer');
  await blockForm.getByLabel('Internal name').fill('shopFooter');
  await blockForm.getByLabel('Content (JSSP)').fill("<p class=\"footer\"><%@ include option='shopName' %></p>");
  await blockForm.getByRole('button', { name: 'Create the block' }).click();
  await page.getByRole('heading', { name: 'Shop footer', level: 1 }).waitFor();

  // A template: a syntax error under the HTML body while typing, before any save.
  await addType(page, 'order');
  await addInstance(page, 'Execution instance 1', 'mcExec1', 1);
  await explore(page, 'control', 'Transactional message templates');
  await page.getByRole('link', { name: 'New template' }).click();
  const tpl = page.getByRole('form', { name: 'Template' });
  await tpl.getByLabel('Label').fill('Order lines');
  await tpl.getByLabel('Internal name').fill('orderLines');
  await tpl.getByLabel('Event type').selectOption('order');
  await tpl.getByLabel('Subject').fill('Your order of <%= rtEvent.ctx.order.line.length() %> lines');
  await tpl.getByLabel('HTML body').fill(ORDER_HTML.replace('<% } %>', '<% %>'));
  const live = tpl.getByRole('alert').filter({ hasText: 'TEMPLATE_SYNTAX' });
  await live.waitFor();
  assert.match(await live.innerText(), /HTML body: line 4, column 50: missing } in compound statement: this '\{' is never closed/);
  assert.equal(await tpl.getByLabel('HTML body').getAttribute('aria-invalid'), 'true');
  await shot(page, 'templates-02-syntax-as-you-type');
  await tpl.getByLabel('HTML body').fill(ORDER_HTML);
  await until(() => live.count(), 0);
  await tpl.getByLabel('Text body').fill('Total <%= rtEvent.ctx.order.line.(@sku == "TEA-1").@qty %> tea');
  await tpl.getByRole('button', { name: 'Add a seed address' }).click();
  await tpl.getByLabel('Test data (ctx XML)').fill(CTX);
  await tpl.getByRole('button', { name: 'Create the template' }).click();
  await page.getByRole('heading', { name: 'Order lines', level: 1 }).waitFor();

  // The preview: the block, the loop, the total, the option; the text body's E4X filter.
  await page.getByRole('tab', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.getByText('Your order of 2 lines').waitFor();
  const frame = preview.locator('iframe').contentFrame();
  await frame.getByText('Hello ada Lovelace,').waitFor();
  assert.equal(await frame.getByRole('row').count(), 2);
  assert.equal(await frame.getByRole('row').first().innerText(), 'TEA-1\t2');
  await frame.getByText('Total: 18.00').waitFor();
  await frame.getByText('Example Tea').waitFor();
  await preview.getByText('Total 2 tea').waitFor();
  for (const [w, h, name] of [[390, 844, 'phone'], [1280, 800, 'laptop'], [1920, 1080, 'desktop']]) {
    await page.setViewportSize({ width: w, height: h });
    await shot(page, `templates-03-preview-${name}`);
  }
  await page.setViewportSize({ width: 1400, height: 1000 });

  // Blocks list: who uses the block.
  await explore(page, 'control', 'Personalization blocks');
  await blocks.getByRole('row').filter({ hasText: 'shopFooter' }).getByRole('link', { name: 'orderLines' }).waitFor();
  await shot(page, 'templates-04-blocks');

  // A render error: shown in the preview with its field and line.
  await explore(page, 'control', 'Transactional message templates');
  await page.getByRole('link', { name: 'Order lines' }).click();
  await tpl.getByLabel('Text body').fill('<%= rtEvent.ctx.order.nothing.toUpperCase() %>');
  await tpl.getByRole('button', { name: 'Save' }).click();
  await tpl.getByRole('status').filter({ hasText: /^Saved at / }).waitFor();
  await page.getByRole('tab', { name: 'Preview' }).click();
  const renderError = preview.getByRole('alert').filter({ hasText: 'TEMPLATE_RENDER' });
  await renderError.waitFor();
  assert.match(await renderError.innerText(), /text body: line 1, column 42: TypeError: rtEvent.ctx.order.nothing.toUpperCase is not a function/);
  await shot(page, 'templates-05-render-error');
  assert.deepEqual(problems, []);
});
