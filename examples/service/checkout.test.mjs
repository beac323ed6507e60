// A test file as an integrator writes one against the Campaign-compatible service
// (docs/service.md): the code under test pushes over SOAP, the test checks what Message Center did
// with it. Run it with `node --test examples/service/checkout.test.mjs`.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startService } from 'message-center/server';

let mc;
let service;
before(async () => {
  // In CI this is often `npx message-center serve --clock virtual` started beside the tests.
  service = await startService({
    port: 0,
    clock: 'virtual',
    // The simulated MTA bounces a few percent of messages, drawn from the seed: a fixed seed makes
    // the outcome the same at every run.
    seed: 1,
    topology: {
      eventTypes: ['order_confirmation'],
      // The template as Campaign's instance has it: JSSP, JavaScript with E4X on the event's ctx.
      templates: [
        {
          name: 'orderConfirmation',
          eventType: 'order_confirmation',
          subject: 'Order <%= rtEvent.ctx.@number %>',
          html:
            '<p>Thank you</p><ul><% var total = 0; for each (var l in rtEvent.ctx.line) { total += parseFloat(l.@price); %>' +
            '<li><%= escapeXMLString(l) %></li><% } %></ul><p>Total: <%= total.toFixed(2) %><% if (total > 100) { %> (free shipping)<% } %></p>',
        },
      ],
    },
  });
  mc = service.url;
});
after(() => service.close());

/** The code under test: it confirms an order through Message Center, as it does against Campaign. */
async function confirmOrder(endpoint, email, number, namespace) {
  const envelope = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent"><soapenv:Body><urn:PushEvent><urn:sessiontoken>admin/</urn:sessiontoken><urn:domEvent><rtEvent type="order_confirmation" email="${email}"><ctx number="${number}"><line price="80.00">Boots</line><line price="25.50">Socks &amp; laces</line></ctx></rtEvent></urn:domEvent></urn:PushEvent></soapenv:Body></soapenv:Envelope>`;
  const r = await fetch(`${endpoint}/nl/jsp/soaprouter.jsp`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: 'nms:rtEvent#PushEvent', 'x-mc-namespace': namespace }, body: envelope });
  if (r.status !== 200) throw new Error(`Message Center refused: ${await r.text()}`);
}

test('an order confirmation reaches Message Center and is sent', async () => {
  const ns = { 'x-mc-namespace': 'checkout-tests' };
  await fetch(`${mc}/__mc/reset`, { method: 'POST', headers: ns });
  await confirmOrder(mc, 'jane@example.com', 'CN1242', 'checkout-tests');
  const v = await fetch(`${mc}/__mc/verify`, {
    method: 'POST',
    headers: ns,
    body: JSON.stringify({ count: 1, type: 'order_confirmation', address: 'jane@example.com', withinMs: 5000 }),
  });
  assert.equal(v.status, 200);
  await fetch(`${mc}/__mc/clock/advance`, { method: 'POST', headers: ns, body: JSON.stringify({ ms: 3_600_000 }) });
  const latest = await (await fetch(`${mc}/__mc/latest?address=jane@example.com`, { headers: ns })).json();
  assert.equal(latest.status, 'sent');
  assert.equal(latest.template, 'orderConfirmation_rt');
  // The message as the MTA got it: the template rendered for this event.
  const { broadLog } = await (await fetch(`${mc}/__mc/events/${latest.id}`, { headers: ns })).json();
  assert.equal(broadLog.html, '<p>Thank you</p><ul><li>Boots</li><li>Socks &amp; laces</li></ul><p>Total: 105.50 (free shipping)</p>');
});
