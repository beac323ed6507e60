// The end-to-end workload shared by the Node benchmark (bench/end-to-end.mjs) and the Chromium one
// (bench/chromium.js): events pushed with PushEvents of `batch`, routed, sent by the simulated MTA
// and their status copied back ("Sent"), every step persisted through a storage adapter wrapped to
// count the records written (puts + deletes) and the transactions (write() calls). Runs on any
// host: it only needs the package's MessageCenter and `performance.now()`.

/**
 * Wraps a storage adapter to count write() calls and the records they carry.
 * @param {import('../js/index.d.ts').StorageAdapter} inner
 */
export function countingStorage(inner) {
  const stats = { transactions: 0, records: 0, bytes: 0 };
  return {
    stats,
    get: (keys) => inner.get(keys),
    range: (r) => inner.range(r),
    async write(batch) {
      stats.transactions++;
      stats.records += (batch.put?.length ?? 0) + (batch.del?.length ?? 0);
      for (const [k, v] of batch.put ?? []) stats.bytes += k.length + v.length;
      return inner.write(batch);
    },
    close: () => inner.close(),
  };
}

/**
 * Pushes `events` events in PushEvents calls of `batch`, then advances the clock a minute at a
 * time until every one is Sent (outcome rates set to zero so that all of them are).
 * @param {any} MessageCenter the package's class
 * @param {() => Promise<import('../js/index.d.ts').StorageAdapter>} makeStorage
 */
export async function endToEnd(MessageCenter, makeStorage, { events = 2000, batch = 100, onProgress } = {}) {
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
  for (let i = 0; i < events; i += batch) {
    const list = [];
    for (let j = i; j < Math.min(events, i + batch); j++) {
      list.push({ type: 'order_confirmation', email: `customer${j}@example.com`, ctx: { order: { '@number': `CN${j}` }, customer: { '@firstName': 'Ada' } } });
    }
    await mc.pushEvents(list, { instance: 'mcExec1' });
    if (onProgress && (i / batch) % 100 === 0) onProgress({ phase: 'push', done: i });
  }
  const pushMs = performance.now() - t;
  let sent = 0;
  let minutes = 0;
  while (sent < events) {
    await mc.advance(60_000);
    minutes++;
    sent = mc.countEvents({ instance: 'mcExec1' }).byStatus.sent;
    if (onProgress) onProgress({ phase: 'advance', done: sent });
    if (minutes > 24 * 60) throw new Error(`only ${sent} of ${events} events Sent after a day of virtual time`);
  }
  const seconds = (performance.now() - t) / 1000;
  const result = {
    events,
    seconds,
    pushSeconds: pushMs / 1000,
    virtualMinutes: minutes,
    transactions: storage.stats.transactions - before.transactions,
    records: storage.stats.records - before.records,
    bytes: storage.stats.bytes - before.bytes,
  };
  return { result, mc };
}
