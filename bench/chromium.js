// Module script of bench/chromium.html. Exposes window.bench.{rawPuts, run} for bench/chromium.mjs
// to call one at a time; each returns figures measured in this page (the JS heap is Chromium's
// performance.memory, precise with --enable-precise-memory-info; the wasm memory is sampled).

import init from '/dist/wasm/message_center.js';
import { MessageCenter, openIndexedDBStorage, deleteIndexedDBStorage } from '/js/browser.js';
import { endToEnd, statusList } from '/bench/workload.mjs';

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

async function wasmMemoryBytes() {
  // The engine's instance: init() before the engine's own load has finished would instantiate a
  // second one and swap it under the engine (a trap: memory access out of bounds).
  await MessageCenter.load();
  return (await init()).memory.buffer.byteLength;
}

let wasmBytes = 0;
const sample = () => ({ wasmBytes, heapBytes: performance.memory?.usedJSHeapSize ?? 0 });

/**
 * The end-to-end workload on real IndexedDB (a new database), then the status list timed on it
 * (warm, and after reopening the storage: an empty record cache). The database is deleted after.
 */
async function run({ events = 10_000, life = false, list = false, order = false, lines = false, groupCommit = false } = {}) {
  const name = `e2e-${Date.now()}-${Math.random()}`;
  const tick = setInterval(async () => { wasmBytes = await wasmMemoryBytes(); }, 200);
  try {
    const { result, mc } = await endToEnd(MessageCenter, () => openIndexedDBStorage({ name }), {
      events,
      life,
      order,
      lines,
      groupCommit,
      sample,
      onProgress: (p) => { out.textContent = `${p.phase} ${p.done}/${events}`; },
    });
    wasmBytes = await wasmMemoryBytes();
    result.peakWasmBytes = Math.max(result.peakWasmBytes, wasmBytes);
    if (list) {
      const timings = await statusList(mc, async () => {
        await mc.close();
        return MessageCenter.open({ storage: await openIndexedDBStorage({ name }) });
      });
      await timings.fresh.close();
      delete timings.fresh;
      result.statusList = timings;
    } else {
      await mc.close();
    }
    return result;
  } finally {
    clearInterval(tick);
    await deleteIndexedDBStorage({ name });
  }
}

window.bench = { rawPuts, run };
window.benchReady = true;
