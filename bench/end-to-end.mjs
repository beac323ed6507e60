// End-to-end benchmark through the public API: events pushed with PushEvents, routed, sent by the
// simulated MTA and their status copied back ("Sent"), every step persisted through a storage
// adapter, which is wrapped to count the records written (puts + deletes) and transactions.

import { performance } from 'node:perf_hooks';
import { MessageCenter } from '../js/node.js';

/**
 * Wraps a storage adapter to count write() calls and the records they carry.
 * @param {import('../js/index.d.ts').StorageAdapter} inner
 */
export function countingStorage(inner) {
  const stats = { transactions: 0, records: 0 };
  return {
    stats,
    get: (keys) => inner.get(keys),
    range: (r) => inner.range(r),
    async write(batch) {
      stats.transactions++;
      stats.records += (batch.put?.length ?? 0) + (batch.del?.length ?? 0);
      return inner.write(batch);
    },
    close: () => inner.close(),
  };
}

/**
 * Pushes `events` events in PushEvents calls of `batch`, then advances the clock a minute at a
 * time until every one is Sent (outcome rates set to zero so that all of them are).
 * @param {() => Promise<import('../js/index.d.ts').StorageAdapter>} makeStorage
 */
export async function endToEnd(makeStorage, { events = 2000, batch = 100 } = {}) {
  const storage = countingStorage(await makeStorage());
  const zero = { hardPpm: 0, softPpm: 0, asyncBouncePpm: 0 };
  const mc = await MessageCenter.open({ storage, seed: 1, now: '2026-03-02T08:00:00Z', config: { email: zero } });
  await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  await mc.addEventType('order_confirmation');
  await mc.createTemplate({
    name: 'orderConfirmation',
    eventType: 'order_confirmation',
    subject: 'Order <%= rtEvent.ctx.order.@number %> confirmed',
    html: '<p>Hello <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %>, your order <%= rtEvent.ctx.order.@number %> is confirmed.</p>',
    text: 'Hello <%= rtEvent.ctx.customer.@firstName %>',
  });
  await mc.publish('orderConfirmation');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', wf);
  const before = { ...storage.stats };

  const t = performance.now();
  let pushMs = 0;
  for (let i = 0; i < events; i += batch) {
    const list = [];
    for (let j = i; j < Math.min(events, i + batch); j++) {
      list.push({ type: 'order_confirmation', email: `customer${j}@example.com`, ctx: { order: { '@number': `CN${j}` }, customer: { '@firstName': 'Ada' } } });
    }
    await mc.pushEvents(list, { instance: 'mcExec1' });
  }
  pushMs = performance.now() - t;
  let sent = 0;
  let minutes = 0;
  while (sent < events) {
    await mc.advance(60_000);
    minutes++;
    sent = mc.countEvents({ instance: 'mcExec1' }).byStatus.sent;
    if (minutes > 24 * 60) throw new Error(`only ${sent} of ${events} events Sent after a day of virtual time`);
  }
  const seconds = (performance.now() - t) / 1000;
  await mc.close();
  return {
    events,
    seconds,
    pushSeconds: pushMs / 1000,
    virtualMinutes: minutes,
    transactions: storage.stats.transactions - before.transactions,
    records: storage.stats.records - before.records,
  };
}
