// Module script of tests/browser/engine.html. Runs the shared scenario on REAL IndexedDB over
// three loads of the page (the state between loads lives in IndexedDB; localStorage only keeps the
// ids of the tagged events and the digest seen at the end of each load):
//   load 1: open a new database, run the scenario up to the checkpoint `split`, close;
//   load 2 (after a reload): check the database is byte for byte what load 1 left, reopen, run the
//           rest of the scenario, close;
//   load 3 (after a reload): check again, reopen, report the statuses of the tagged events, delete
//           the database.
// Each load reports { stage, digest (sha256 of the JSON of the dump, by crypto.subtle), … }.
// Query parameters: db (database name), seed (default 7), split (default push-2).

import { MessageCenter, openIndexedDBStorage, deleteIndexedDBStorage } from '/js/browser.js';
import { scenario, openOptions, dump } from '/tests/js/helpers.mjs';

const out = document.getElementById('out');
const params = new URLSearchParams(location.search);
const db = params.get('db');
const seed = params.get('seed') ?? '7';
const split = params.get('split') ?? 'push-2';
const key = `mc-engine-test:${db}`;

async function sha256(entries) {
  const bytes = new TextEncoder().encode(JSON.stringify(entries));
  const hash = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function main() {
  if (!db) throw new Error('no db parameter');
  const saved = JSON.parse(localStorage.getItem(key) ?? 'null');
  const storage = await openIndexedDBStorage({ name: db });
  const found = await dump(storage);
  const survived = saved ? (await sha256(found)) === saved.digest : null;

  if (saved === null) {
    if (found.length !== 0) throw new Error(`database ${db} is not new`);
    const mc = await MessageCenter.open({ storage, ...openOptions(seed) });
    const rec = await scenario(mc, { until: split });
    const entries = await dump(storage);
    const report = { stage: 'half', ids: rec.ids, all: rec.all, digest: await sha256(entries), keys: entries.length, now: new Date(rec.mc.now()).toISOString() };
    await rec.mc.close();
    localStorage.setItem(key, JSON.stringify(report));
    return report;
  }

  if (saved.stage === 'half') {
    const mc = await MessageCenter.open({ storage, seed });
    const rec = await scenario(mc, { from: split, rec: { ids: saved.ids, all: saved.all } });
    const entries = await dump(storage);
    const report = { stage: 'done', survived, ids: rec.ids, all: rec.all, digest: await sha256(entries), keys: entries.length, now: new Date(rec.mc.now()).toISOString() };
    await rec.mc.close();
    localStorage.setItem(key, JSON.stringify(report));
    return report;
  }

  // saved.stage === 'done': check, report, clean up.
  const mc = await MessageCenter.open({ storage, seed });
  const statuses = {};
  for (const [tag, id] of Object.entries(saved.ids)) statuses[tag] = (await mc.getEvent(id)).event.status;
  const archived = (await mc.listEvents({ instance: 'control', limit: 500 })).events.map((e) => e.id).sort();
  const report = {
    stage: 'verified',
    survived,
    digest: await sha256(found),
    keys: found.length,
    statuses,
    archivedAll: JSON.stringify(archived) === JSON.stringify([...saved.all].sort()),
    pings: ['exec1', 'exec2'].map((i) => mc.mcPing(i).text),
    counts: mc.countEvents({ instance: 'control' }),
  };
  await mc.close();
  await deleteIndexedDBStorage({ name: db });
  localStorage.removeItem(key);
  return report;
}

try {
  window.__result = await main();
  out.textContent = JSON.stringify(window.__result, null, 2);
} catch (e) {
  window.__fatal = `${e?.name}: ${e?.message} (code ${e?.code})\n${e?.stack ?? ''}`;
  out.textContent = window.__fatal;
} finally {
  window.__done = true;
}
