// Module script of bench/chromium.html. Exposes window.bench.{rawPuts, endToEnd} for
// bench/chromium.mjs to call one at a time; each returns figures measured in this page.

import { MessageCenter, openIndexedDBStorage, deleteIndexedDBStorage } from '/js/browser.js';
import { endToEnd } from '/bench/workload.mjs';

const out = document.getElementById('out');

function idb(name) {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('kv');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function tx(db, fn) {
  return new Promise((resolve, reject) => {
    const t = db.transaction('kv', 'readwrite', { durability: 'strict' });
    fn(t.objectStore('kv'));
    t.oncomplete = () => resolve();
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error);
  });
}

/**
 * Raw IndexedDB puts in this page: `records` puts of `bytes`-character values, `perTx` puts per
 * transaction (the shape of a workflow step).
 */
async function rawPuts({ records = 20_000, bytes = 500, perTx = 100 } = {}) {
  const name = `raw-${Date.now()}-${Math.random()}`;
  const db = await idb(name);
  let value = ''; while (value.length < bytes) value += JSON.stringify({ id: Math.floor(Math.random() * 1e15), email: `c${Math.floor(Math.random() * 1e9)}@example.com`, ctx: `<ctx><order number="CN${Math.floor(Math.random() * 1e6)}"/></ctx>`, at: Math.floor(Math.random() * 1e13) }) + '\n'; value = value.slice(0, bytes);
  const t = performance.now();
  for (let i = 0; i < records; i += perTx) {
    await tx(db, (s) => {
      for (let j = i; j < Math.min(records, i + perTx); j++) s.put(value, `k/${String(j).padStart(10, '0')}`);
    });
  }
  const seconds = (performance.now() - t) / 1000;
  db.close();
  await new Promise((r) => { const q = indexedDB.deleteDatabase(name); q.onsuccess = r; q.onerror = r; });
  return { records, bytes, perTx, seconds, putsPerSecond: records / seconds, megabytesPerSecond: (records * bytes * 2) / seconds / 1e6 };
}

window.bench = {
  rawPuts,
  async endToEnd({ events = 10_000 } = {}) {
    const name = `e2e-${Date.now()}`;
    const { result, mc } = await endToEnd(MessageCenter, () => openIndexedDBStorage({ name }), {
      events,
      onProgress: (p) => { out.textContent = `${p.phase} ${p.done}/${events}`; },
    });
    await mc.close();
    await deleteIndexedDBStorage({ name });
    return { ...result, jsHeapBytes: performance.memory?.usedJSHeapSize ?? null };
  },
};
window.benchReady = true;
