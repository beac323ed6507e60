// The shared scenario (tests/js/helpers.mjs) end to end through the public API: on the memory
// adapter and on the IndexedDB adapter (fake-indexeddb) it must give byte-identical storage, the
// same status lists, and the statuses the test addresses ask for; reopening at any checkpoint must
// not change the outcome; the seed alone decides the outcome.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';

import { MessageCenter, createMemoryStorage, openIndexedDBStorage } from '../../js/node.js';
import { scenario, scenarioSteps, checkpointLabels, openOptions, dump, restore, listAll, summary, EXPECTED, START, END, HOUR } from './helpers.mjs';
import { digest } from './digest.mjs';

const LABELS = checkpointLabels(scenarioSteps());

/** Runs the whole scenario on a fresh memory storage. */
async function onMemory(seed = '7', options = {}) {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, ...openOptions(seed) });
  const rec = await scenario(mc, options);
  return { storage, mc: rec.mc, rec, entries: await dump(storage) };
}

let dbCounter = 0;

/** Runs the whole scenario on IndexedDB over fake-indexeddb. */
async function onIndexedDB(seed = '7', options = {}) {
  const indexedDB = new IDBFactory();
  const name = `scenario-${++dbCounter}`;
  const storage = await openIndexedDBStorage({ name, indexedDB, IDBKeyRange });
  const mc = await MessageCenter.open({ storage, ...openOptions(seed) });
  const rec = await scenario(mc, options);
  return { storage, mc: rec.mc, rec, entries: await dump(storage), indexedDB, name };
}

/** The reference run (memory, seed 7), computed once. */
let reference;
async function ref() {
  reference ??= await (async () => {
    const r = await onMemory('7');
    return { ...r, digest: digest(r.entries), summary: await summary(r.mc) };
  })();
  return reference;
}

test('the scenario is a list of one-call steps ending in checkpoints', () => {
  const steps = scenarioSteps('7');
  assert.deepEqual(LABELS, ['catalogue', 'push-1', 'processing', 'push-2', 'archived', 'republished', 'cleanup']);
  const kinds = new Set(steps.map((s) => s.kind));
  assert.deepEqual([...kinds].sort(), ['advance', 'catalogue', 'push', 'read', 'topology', 'workflow']);
  assert.ok(steps.every((s) => typeof s.run === 'function' && s.name && s.phase));
  assert.equal(new Set(steps.map((s) => s.name)).size, steps.length, 'step names are unique');
});

test('(a) memory and IndexedDB (fake-indexeddb) give identical dumps, status lists and counts', async () => {
  const mem = await ref();
  const idb = await onIndexedDB('7');
  const bytes = mem.entries.reduce((n, [k, v]) => n + k.length + v.length, 0);
  assert.ok(mem.entries.length > 100 && bytes > 50_000, `the scenario writes a real amount of data (${mem.entries.length} keys, ${bytes} bytes)`);
  assert.equal(idb.entries.length, mem.entries.length);
  assert.deepEqual(idb.entries, mem.entries);
  assert.equal(digest(idb.entries), mem.digest);
  assert.deepEqual(idb.rec.ids, mem.rec.ids);
  assert.deepEqual(await summary(idb.mc), mem.summary);
  // Every key is ASCII (JavaScript string order = IndexedDB order = byte order).
  assert.ok(mem.entries.every(([k]) => /^[\x20-\x7e]+$/.test(k)), 'keys are printable ASCII');
  await idb.mc.close();
});

test('(a) every test address ends in the status it asks for', async () => {
  const { mc, rec } = await ref();
  assert.deepEqual(Object.keys(rec.ids).sort(), Object.keys(EXPECTED).sort());
  const got = {};
  for (const [tag, id] of Object.entries(rec.ids)) got[tag] = (await mc.getEvent(id)).event.status;
  assert.deepEqual(got, EXPECTED);

  const story = async (tag) => mc.getEvent(rec.ids[tag]);
  const hard = await story('hard');
  assert.equal(hard.broadLog.failureType, 'hard');
  assert.equal(hard.event.statusLabel, 'Delivery failed');
  assert.equal((await story('hardAgain')).broadLog.failureReason, 'Address on quarantine', 'a hard bounce quarantines the address on its instance');
  assert.equal((await story('denylisted')).broadLog.failureReason, 'Denylisted');

  const soft2 = await story('soft2');
  assert.equal(soft2.broadLog.tries, 3, 'two soft bounces, then sent');
  const soft = await story('soft');
  assert.equal(soft.broadLog.tries, 5);
  assert.equal(soft.broadLog.failureType, 'soft');

  const bounce = await story('bounce');
  assert.deepEqual(bounce.event.history.map((h) => h.status), ['pending', 'pendingDelivery', 'sent', 'deliveryFailed'], 'sent, then the asynchronous bounce');
  assert.equal(bounce.broadLog.failureType, 'async');
  assert.equal(Date.parse(bounce.event.history[3].at) - Date.parse(bounce.event.history[2].at) >= 30 * 60_000, true);

  const procerr = await story('procerr');
  assert.equal(procerr.event.errors, 5);
  assert.equal(procerr.event.statusLabel, 'Event expired');
  assert.equal(procerr.broadLog, null, 'never routed');
  const procerr2 = await story('procerr2');
  assert.equal(procerr2.event.errors, 2);
  assert.equal(procerr2.event.history.filter((h) => h.status === 'pending').length, 3, 'pushed, then two retries');

  const ntia = await story('noTemplateChannel');
  assert.equal(ntia.event.statusLabel, 'Event not taken into account');
  assert.match(ntia.event.history.at(-1).note, /channel 'sms'/);
  assert.equal((await story('noTemplateType')).event.restStatus, 'routingFailed');
  assert.match((await story('unpublished')).event.history.at(-1).note, /no published template for event type 'invoice_ready'/);

  const expired = await story('expired');
  assert.equal(expired.event.queue, 'batch');
  assert.match(expired.event.history.at(-1).note, /expiration date passed/);

  const scheduled = await story('scheduled');
  assert.ok(Date.parse(scheduled.event.processing) >= START + 2 * HOUR, 'not processed before its scheduled date');
  assert.equal(scheduled.broadLog.subject, 'Your order CN300 is confirmed', 'routed after the republication: the new subject');

  const xml = await story('xmlSent');
  assert.equal(xml.broadLog.subject, 'Order CN1596 confirmed');
  assert.match(xml.broadLog.html, /<p>Dear Esther &amp; &lt;Co&gt;,<\/p>/, 'escapeXMLString escapes ctx data');
  assert.match(xml.broadLog.html, /If you are unable to view this message correctly, <a href="https:\/\/mc.example.com\/nl\/jsp\/m.jsp\?c=\d+" _type="mirrorPage"/);
  assert.equal(xml.event.country, 'EN');

  const invoice = await story('xmlBatch');
  assert.equal(invoice.event.queue, 'batch');
  assert.equal(invoice.event.template, 'invoice_batch');
  assert.equal(invoice.broadLog.subject, 'Invoice INV 1/2');
  assert.match(invoice.broadLog.html, /Amount: 12 &amp; 50/);
  assert.match(invoice.broadLog.html, /id=INV%201%2F2"/, 'encodeURIComponent');

  const sms = await story('smsSent');
  assert.equal(sms.broadLog.channel, 'sms');
  assert.equal(sms.broadLog.text, 'Your code: 111111');
  assert.equal((await story('late')).broadLog.subject, 'Your order CN600 is confirmed');
  assert.equal((await story('delay')).broadLog.sentAt, new Date(START + 90_000).toISOString());
});

test('(a) ids are 64-bit strings with the execution instance in the top byte', async () => {
  const { mc, rec } = await ref();
  assert.equal(rec.all.length, 64);
  assert.equal(new Set(rec.all).size, rec.all.length, 'ids are unique');
  const perInstance = { 1: 0, 2: 0 };
  for (const id of rec.all) {
    assert.equal(typeof id, 'string');
    assert.match(id, /^[0-9]+$/);
    const cell = Number(BigInt(id) >> 56n);
    perInstance[cell]++;
    const { event } = await mc.getEvent(id);
    assert.equal(event.id, id);
    assert.equal(event.executionInstanceId, cell);
    assert.equal(event.instance, `exec${cell}`);
  }
  assert.ok(perInstance[1] > 15 && perInstance[2] > 15, `both instances got events: ${JSON.stringify(perInstance)}`);
});

test('(a) counts per status equal what paging through listEvents finds, for every list and filter', async () => {
  const { mc } = await ref();
  for (const instance of ['exec1', 'exec2', 'control']) {
    const all = await listAll(mc, { instance }, 7);
    const counts = mc.countEvents({ instance });
    const byStatus = Object.fromEntries(Object.keys(counts.byStatus).map((s) => [s, 0]));
    for (const e of all) byStatus[e.status]++;
    assert.deepEqual(byStatus, counts.byStatus, `${instance}: counters = list`);
    assert.equal(counts.total, all.length);
    // Newest first, no duplicates across pages.
    assert.equal(new Set(all.map((e) => e.id)).size, all.length, `${instance}: no event twice`);
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].created >= all[i].created, `${instance}: newest first`);
    for (const status of Object.keys(counts.byStatus)) {
      const filtered = await listAll(mc, { instance, status }, 3);
      assert.equal(filtered.length, counts.byStatus[status], `${instance} ${status}`);
      assert.ok(filtered.every((e) => e.status === status));
    }
    for (const queue of ['rt', 'batch']) {
      const filtered = await listAll(mc, { instance, queue }, 50);
      assert.equal(filtered.length, mc.countEvents({ instance, queue }).total, `${instance} ${queue}`);
    }
    const byType = await listAll(mc, { instance, type: 'sms_code' }, 50);
    assert.equal(byType.length, mc.countEvents({ instance, type: 'sms_code' }).total);
  }
  // The execution instances kept only what the 04:00 cleanup did not purge (created after 02:00).
  const kept = [...(await listAll(mc, { instance: 'exec1' })), ...(await listAll(mc, { instance: 'exec2' }))];
  assert.ok(kept.length > 5, 'some events are left on the execution instances');
  assert.ok(kept.every((e) => Date.parse(e.created) >= START + 90 * 60_000), 'older events were purged');
  const journal = await mc.journal('exec1', 'cleanup');
  assert.equal(journal.runs[0].start, '2026-03-02T04:00:00.000Z');
  assert.ok(journal.runs[0].counts.eventsPurged > 10, `the cleanup purged: ${JSON.stringify(journal.runs[0].counts)}`);
});

test('(a) the control\'s history holds every event, archived with the same ids and final statuses', async () => {
  const { mc, rec } = await ref();
  const history = await listAll(mc, { instance: 'control' }, 9);
  assert.deepEqual(history.map((e) => e.id).sort(), [...rec.all].sort(), 'every pushed event is archived, once');
  for (const e of history) assert.ok(e.archived, `event ${e.id} has an archiving date`);
  const exec = new Map();
  for (const instance of ['exec1', 'exec2']) for (const e of await listAll(mc, { instance }, 50)) exec.set(e.id, e);
  for (const e of history) {
    if (exec.has(e.id)) assert.equal(e.status, exec.get(e.id).status, `archive of ${e.id} is up to date`);
  }
  for (const [tag, status] of Object.entries(EXPECTED)) {
    const archived = history.find((e) => e.id === rec.ids[tag]);
    assert.equal(archived.status, status, `archived status of ${tag}`);
  }
  const purged = await mc.getEvent(rec.ids.sent);
  assert.equal(purged.purgedFromExecution, true);
  assert.equal(purged.event.status, 'sent');
  assert.equal(purged.archivedBroadLog.status, 'Sent');
  // Both archiving workflows ran every hour where there was something to archive.
  for (const account of ['exec1', 'exec2']) {
    const { runs } = await mc.journal('control', `mcSynch_${account}`);
    assert.ok(runs.length >= 3, `mcSynch_${account} ran ${runs.length} times`);
    assert.ok(runs.every((r) => r.start.endsWith(':00:00.000Z')), 'hourly');
  }
});

test('(a) mcPing says Ok, the time and the pending real-time events', async () => {
  const pings = {};
  const { mc } = await onMemory('7', {
    checkpoint: async (label, mc) => {
      pings[label] = {};
      for (const instance of ['exec1', 'exec2']) {
        const ping = mc.mcPing(instance);
        const pending = mc.countEvents({ instance, queue: 'rt' }).byStatus.pending;
        assert.equal(ping.pending, pending, `${label} ${instance}`);
        pings[label][instance] = ping.text;
      }
    },
  });
  assert.equal(pings['push-1'].exec1, 'Ok\n2026-03-02 00:30:00.000Z\n19/400 pending events');
  assert.match(pings['push-1'].exec2, /^Ok\n2026-03-02 00:30:00\.000Z\n\d+\/400 pending events$/);
  assert.notEqual(pings['push-1'].exec2, 'Ok\n2026-03-02 00:30:00.000Z\n0/400 pending events');
  for (const instance of ['exec1', 'exec2']) {
    assert.equal(mc.mcPing(instance).text, 'Ok\n2026-03-02 05:30:00.000Z\n0/400 pending events');
    assert.match(mc.mcPing(instance).text, /^Ok\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z\n\d+\/400 pending events$/);
  }
  assert.equal(mc.now(), END);
});

test('(b) reopening on memory at every checkpoint gives the same final dump', async () => {
  const { digest: expected } = await ref();
  let storage = createMemoryStorage();
  const seen = [];
  const mc = await MessageCenter.open({ storage, ...openOptions('7') });
  const rec = await scenario(mc, {
    checkpoint: async (label, mc) => {
      seen.push(label);
      const entries = await dump(storage);
      const before = { now: mc.now(), workflows: mc.workflows(), templates: mc.templates(), accounts: mc.executionInstances() };
      await mc.close();
      await assert.rejects(mc.pushEvent({ type: 'sms_code' }), { code: 'CLOSED' });
      // The memory adapter forgets everything at close: reopen on a copy of what it held.
      storage = await restore(createMemoryStorage(), entries);
      const again = await MessageCenter.open({ storage });
      assert.deepEqual({ now: again.now(), workflows: again.workflows(), templates: again.templates(), accounts: again.executionInstances() }, before, `state after reopening at ${label}`);
      return again;
    },
  });
  assert.deepEqual(seen, LABELS);
  assert.equal(digest(await dump(storage)), expected);
  assert.equal(rec.mc.settings().seed, '7');
});

test('(b) reopening on memory at one checkpoint at a time gives the same final dump', async () => {
  const { digest: expected } = await ref();
  for (const at of LABELS) {
    const first = createMemoryStorage();
    const mc = await MessageCenter.open({ storage: first, ...openOptions('7') });
    const half = await scenario(mc, { until: at });
    const copy = await restore(createMemoryStorage(), await dump(first));
    await half.mc.close();
    const again = await MessageCenter.open({ storage: copy, seed: '7' });
    await scenario(again, { from: at, rec: half });
    assert.equal(digest(await dump(copy)), expected, `reopened at ${at}`);
  }
});

test('(b) reopening IndexedDB (same factory and name) at every checkpoint gives the same final dump', async () => {
  const { digest: expected, summary: expectedSummary } = await ref();
  const indexedDB = new IDBFactory();
  const name = `reopen-${++dbCounter}`;
  let storage = await openIndexedDBStorage({ name, indexedDB, IDBKeyRange });
  const mc = await MessageCenter.open({ storage, ...openOptions('7') });
  const seen = [];
  const rec = await scenario(mc, {
    checkpoint: async (label, mc) => {
      seen.push(label);
      const entries = await dump(storage);
      await mc.close();
      await assert.rejects(storage.get(['m/clock']), { code: 'STORAGE_FAILED' });
      storage = await openIndexedDBStorage({ name, indexedDB, IDBKeyRange });
      assert.deepEqual(await dump(storage), entries, `IndexedDB kept everything at ${label}`);
      return MessageCenter.open({ storage, seed: '7' });
    },
  });
  assert.deepEqual(seen, LABELS);
  assert.equal(digest(await dump(storage)), expected);
  assert.deepEqual(await summary(rec.mc), expectedSummary);
  await rec.mc.close();
});

test('(c) the same seed twice gives the same dump; another seed another one', async () => {
  const { digest: expected, entries } = await ref();
  const again = await onMemory('7');
  assert.equal(digest(again.entries), expected);
  assert.deepEqual(again.entries, entries);

  const other = await onMemory('8');
  assert.notEqual(digest(other.entries), expected);
  // The test addresses still get the statuses they ask for: only drawn outcomes and addresses change.
  const got = {};
  for (const [tag, id] of Object.entries(other.rec.ids)) got[tag] = (await other.mc.getEvent(id)).event.status;
  assert.deepEqual(got, EXPECTED);
  // The addresses of the events of both instances and the history.
  const emails = async (mc) => {
    const all = [];
    for (const instance of ['exec1', 'exec2', 'control']) all.push(...(await listAll(mc, { instance }, 100)));
    return all.map((e) => e.email).filter(Boolean).sort();
  };
  assert.notDeepEqual(await emails(other.mc), await emails(again.mc), 'ordinary addresses are drawn from the seed');

  const idb8 = await onIndexedDB('8');
  assert.equal(digest(idb8.entries), digest(other.entries), 'seed 8 on IndexedDB = seed 8 on memory');
  await idb8.mc.close();
});
