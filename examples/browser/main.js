// The package as a browser app would use it: the browser entry, IndexedDB storage, the status list.
import { MessageCenter, openIndexedDBStorage, deleteIndexedDBStorage } from '../../js/browser.js';

const DB = 'message-center-example';
const mc = await MessageCenter.open({ storage: await openIndexedDBStorage({ name: DB }), seed: 7, now: '2026-03-02T08:00:00Z' });

if (mc.executionInstances().length === 0) {
  await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  await mc.createArchivingWorkflow('mcExec1');
  await mc.addEventType({ name: 'order_confirmation', label: 'Order confirmation' });
  await mc.createTemplate({
    name: 'orderConfirmation', eventType: 'order_confirmation',
    subject: 'Order <%= rtEvent.ctx.order.@number %>', html: '<p>Hello <%= rtEvent.ctx.customer.@firstName %></p>',
  });
  await mc.publish('orderConfirmation');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', wf);
}

const addresses = ['sent@mc-sim.test', 'hard@mc-sim.test', 'ada@example.com', 'soft-1@mc-sim.test', 'bounce-5m@mc-sim.test', 'grace@example.com'];
let n = 0;

async function more() {
  for (let i = 0; i < 3; i++) {
    const email = addresses[n++ % addresses.length];
    await mc.pushEvent({ type: 'order_confirmation', email, ctx: { order: { '@number': `CN${n}` }, customer: { '@firstName': 'Ada' } } });
  }
  await mc.advance(10 * 60_000);
  await render();
}

async function render() {
  document.querySelector('#clock').textContent = `Virtual clock: ${mc.settings().now}`;
  const { byStatus, total } = mc.countEvents({ instance: 'mcExec1' });
  document.querySelector('#counts').innerHTML = `<table><tr>${Object.keys(byStatus).map((s) => `<th class="${s}">${s}</th>`).join('')}<th>total</th></tr>`
    + `<tr>${Object.values(byStatus).map((c) => `<td>${c}</td>`).join('')}<td>${total}</td></tr></table>`;
  const page = await mc.listEvents({ instance: 'mcExec1', limit: 20 });
  const esc = (s) => String(s ?? '').replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
  document.querySelector('#list').innerHTML = '<table><tr><th>Id</th><th>Event type</th><th>Address</th><th>Status</th><th>Process requested on</th></tr>'
    + page.events.map((e) => `<tr><td><code>${e.id}</code></td><td>${esc(e.type)}</td><td>${esc(e.email)}</td><td class="${e.status}">${esc(e.statusLabel)}</td><td>${e.processRequestedOn}</td></tr>`).join('')
    + '</table>';
}

document.querySelector('#more').addEventListener('click', () => more());
document.querySelector('#reset').addEventListener('click', async () => {
  await mc.close();
  await deleteIndexedDBStorage({ name: DB });
  location.reload();
});
await render();
window.__ready = true;
