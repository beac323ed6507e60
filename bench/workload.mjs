// The end-to-end workload shared by the Node benchmark (bench/end-to-end.mjs) and the Chromium one
// (bench/chromium.js): events pushed with PushEvents of `batch`, routed, sent by the simulated MTA
// and their status copied back ("Sent"), every step persisted through a storage adapter wrapped to
// count the records written (puts + deletes) and the transactions (write() calls). Optionally the
// rest of their life: archived to the control (mcSynch), then purged from the execution instance
// and from the history (cleanup). Runs on any host: it only needs the package's MessageCenter and
// `performance.now()`.

const HOUR = 3_600_000;

/**
 * The family of a record, for the figures only (the layout is src/keys.rs's): a page record by
 * its scope and kind (`e/…/s` a state page, `h/…/d` a data fragment of the history…), a record of
 * the small state by its name (`m/inst`), any other by its first part (`t/…` MTA waves).
 * @param {string} key
 */
export function recordFamily(key) {
  const p = key.split('/');
  if ((p[0] === 'e' || p[0] === 'h') && p.length === 4) return `${p[0]}/…/${p[3][0]}`;
  if (p[0] === 'm') return `m/${p[1]}`;
  return `${p[0]}/…`;
}

/**
 * Wraps a storage adapter to count write() calls, the records they carry and their characters
 * (keys and values: UTF-16 code units, what a browser stores), in all and by family.
 * @param {import('../js/index.d.ts').StorageAdapter} inner
 */
export function countingStorage(inner) {
  /** @type {{ transactions: number, records: number, bytes: number, families: Record<string, { records: number, chars: number }> }} */
  const stats = { transactions: 0, records: 0, bytes: 0, families: {} };
  const family = (k) => (stats.families[recordFamily(k)] ??= { records: 0, chars: 0 });
  return {
    stats,
    get: (keys) => inner.get(keys),
    range: (r) => inner.range(r),
    async write(batch) {
      stats.transactions++;
      stats.records += (batch.put?.length ?? 0) + (batch.del?.length ?? 0);
      for (const [k, v] of batch.put ?? []) {
        stats.bytes += k.length + v.length;
        const f = family(k);
        f.records++;
        f.chars += k.length + v.length;
      }
      for (const k of batch.del ?? []) {
        const f = family(k);
        f.records++;
        f.chars += k.length;
      }
      return inner.write(batch);
    },
    close: () => inner.close(),
  };
}

/** Each family's counts since `before` (a copy of `stats.families`). */
function familiesSince(now, before) {
  const out = {};
  for (const [k, v] of Object.entries(now)) {
    const b = before[k] ?? { records: 0, chars: 0 };
    if (v.records > b.records) out[k] = { records: v.records - b.records, chars: v.chars - b.chars };
  }
  return out;
}

/** The largest of each field of the samples taken (`sample()` returns `{ wasmBytes, heapBytes }`). */
function peaks(sample) {
  const peak = { wasmBytes: 0, heapBytes: 0 };
  return {
    peak,
    take() {
      if (!sample) return;
      const s = sample();
      peak.wasmBytes = Math.max(peak.wasmBytes, s.wasmBytes ?? 0);
      peak.heapBytes = Math.max(peak.heapBytes, s.heapBytes ?? 0);
    },
  };
}

/**
 * The order template of tests/fixtures/templates/bench/3-order-20-lines.json: 20 lines in a
 * `for each` loop, a total with parseFloat and toFixed, a conditional per line and one after.
 */
export const ORDER_TEMPLATE = "<table>\n<% var total = 0;\nfor each (var l in rtEvent.ctx.order.line) {\n  var amount = parseFloat(l.@price) * parseInt(l.@qty, 10);\n  total += amount; %><tr><td><%= l.@sku %></td><td><%= l %></td><td><%= l.@qty %></td><td><%= amount.toFixed(2) %></td><td><% if (l.@type == \"gift\") { %>gift<% } else { %>-<% } %></td></tr>\n<% } %></table>\nTotal: <%= total.toFixed(2) %> EUR<% if (total > 100) { %> (free shipping)<% } %>";

/** The ctx of event `j` (as JSON): with `lines`, 20 order lines. */
function ctxOf(j, lines) {
  const ctx = { order: { '@number': `CN${j}` }, customer: { '@firstName': 'Ada' } };
  if (lines) {
    ctx.order['@currency'] = 'EUR';
    ctx.order.line = Array.from({ length: 20 }, (_, k) => ({
      '@sku': `SKU-${k + 1}`,
      '@type': k % 7 === 6 ? 'gift' : 'product',
      '@qty': String((k % 3) + 1),
      '@price': (4.75 + k * 1.25).toFixed(2),
      $: `Article ${k + 1} & co`,
    }));
  }
  return ctx;
}

/** Opens a Message Center on `storage` set up for the workload (outcome rates zero: all Sent). */
async function setUp(MessageCenter, storage, { life, order, groupCommit }) {
  const zero = { hardPpm: 0, softPpm: 0, asyncBouncePpm: 0 };
  const config = { email: zero, ...(life ? { eventPurgeDelayMs: HOUR, eventHistoPurgeDelayMs: HOUR } : {}) };
  const mc = await MessageCenter.open({ storage, seed: 1, now: '2026-03-02T08:00:00Z', config, groupCommit });
  await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  await mc.addEventType('order_confirmation');
  await mc.createTemplate({
    name: 'orderConfirmation',
    eventType: 'order_confirmation',
    subject: 'Order <%= rtEvent.ctx.order.@number %> confirmed',
    html: order ? ORDER_TEMPLATE : '<p>Hello <%= escapeXMLString(rtEvent.ctx.customer.@firstName) %>, your order <%= rtEvent.ctx.order.@number %> is confirmed.</p>',
    text: 'Hello <%= rtEvent.ctx.customer.@firstName %>',
  });
  await mc.publish('orderConfirmation');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', wf);
  if (life) await mc.createArchivingWorkflow('mcExec1');
  return mc;
}

/**
 * Pushes `events` events in PushEvents calls of `batch`, then advances the clock a minute at a
 * time until every one is Sent. With `life`, then advances until every event is archived and
 * purged from both the execution instance and the history, counting the records of the whole life.
 * @param {any} MessageCenter the package's class
 * @param {() => Promise<import('../js/index.d.ts').StorageAdapter>} makeStorage
 * `groupCommit`: open it so, as the browser app and the service do.
 * @param {{ events?: number, batch?: number, life?: boolean, order?: boolean, lines?: boolean, groupCommit?: boolean, onProgress?: (p: object) => void, sample?: () => { wasmBytes?: number, heapBytes?: number } }} options
 */
export async function endToEnd(MessageCenter, makeStorage, { events = 2000, batch = 100, life = false, order = false, lines = false, groupCommit = false, onProgress, sample } = {}) {
  const storage = countingStorage(await makeStorage());
  const mc = await setUp(MessageCenter, storage, { life, order, groupCommit });
  const memory = peaks(sample);
  const before = { ...storage.stats, families: structuredClone(storage.stats.families) };

  const t = performance.now();
  for (let i = 0; i < events; i += batch) {
    const list = [];
    for (let j = i; j < Math.min(events, i + batch); j++) {
      list.push({ type: 'order_confirmation', email: `customer${j}@example.com`, ctx: ctxOf(j, lines || order) });
    }
    await mc.pushEvents(list, { instance: 'mcExec1' });
    if ((i / batch) % 100 === 0) {
      memory.take();
      onProgress?.({ phase: 'push', done: i });
    }
  }
  const pushMs = performance.now() - t;
  let sent = 0;
  let minutes = 0;
  while (sent < events) {
    await mc.advance(60_000);
    minutes++;
    sent = mc.countEvents({ instance: 'mcExec1' }).byStatus.sent;
    memory.take();
    onProgress?.({ phase: 'advance', done: sent });
    if (minutes > 24 * 60) throw new Error(`only ${sent} of ${events} events Sent after a day of virtual time`);
  }
  const seconds = (performance.now() - t) / 1000;
  memory.take();
  const result = {
    events,
    seconds,
    pushSeconds: pushMs / 1000,
    virtualMinutes: minutes,
    transactions: storage.stats.transactions - before.transactions,
    records: storage.stats.records - before.records,
    bytes: storage.stats.bytes - before.bytes,
    families: familiesSince(storage.stats.families, before.families),
    peakWasmBytes: memory.peak.wasmBytes,
    peakHeapBytes: memory.peak.heapBytes,
  };
  if (life) {
    // Archived within the hour (mcSynch), purged by the daily cleanup once an hour old, on the
    // execution instance and then from the history: two days of virtual time covers both.
    const lt = performance.now();
    await mc.advance(2 * 24 * HOUR);
    const left = { execution: mc.countEvents({ instance: 'mcExec1' }).total, history: mc.countEvents({ instance: 'control' }).total };
    if (left.execution || left.history) throw new Error(`after two days, ${left.execution} events left on the execution instance and ${left.history} in the history`);
    result.life = {
      seconds: (performance.now() - lt) / 1000,
      transactions: storage.stats.transactions - before.transactions,
      records: storage.stats.records - before.records,
      bytes: storage.stats.bytes - before.bytes,
      families: familiesSince(storage.stats.families, before.families),
    };
  }
  return { result, mc, storage };
}

/**
 * The status list as a user pages and filters it, on a Message Center the workload filled: the
 * first page (newest first, 50 events), the next page, then a status filter changed (Sent, then
 * Pending, which no event has), in ms. `reopen` gives a new Message Center on the same storage, so
 * that the first page is also timed with an empty record cache (as after a reload).
 */
export async function statusList(mc, reopen) {
  const time = async (fn) => {
    const t = performance.now();
    const r = await fn();
    return { ms: performance.now() - t, r };
  };
  const out = {};
  const first = await time(() => mc.listEvents({ instance: 'mcExec1', limit: 50 }));
  out.firstPageMs = first.ms;
  out.nextPageMs = (await time(() => mc.listEvents({ instance: 'mcExec1', limit: 50, after: first.r.next }))).ms;
  out.filterSentMs = (await time(() => mc.listEvents({ instance: 'mcExec1', limit: 50, status: 'sent' }))).ms;
  out.filterPendingMs = (await time(() => mc.listEvents({ instance: 'mcExec1', limit: 50, status: 'pending' }))).ms;
  if (reopen) {
    const fresh = await reopen();
    out.firstPageColdMs = (await time(() => fresh.listEvents({ instance: 'mcExec1', limit: 50 }))).ms;
    out.filterSentColdMs = (await time(() => fresh.listEvents({ instance: 'mcExec1', limit: 50, status: 'sent' }))).ms;
    out.fresh = fresh;
  }
  return out;
}
