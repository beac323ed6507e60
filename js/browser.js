// Browser entry: the wasm is fetched on the first MessageCenter.open() (no top-level await).

import init, * as glue from '../dist/wasm/message_center.js';
import { wasmBytes, wasmVersion } from '../dist/wasm/meta.js';
import { bindMessageCenter } from './message-center.js';

let ready;
let instances = 0;
/** Who wants the progress of the first load (`MessageCenter.load({ onProgress })`). */
const listeners = new Set();

/**
 * The wasm's response, its body counted as it arrives for the listeners. The URL carries the
 * wasm's version, so that a server may let browsers keep it (js/server/static.js does).
 */
async function fetchWasm() {
  const url = new URL('../dist/wasm/message_center_bg.wasm', import.meta.url);
  url.searchParams.set('v', wasmVersion);
  const res = await fetch(url);
  if (!res.ok) throw Object.assign(new Error(`the engine (${url.pathname}) could not be loaded: HTTP ${res.status}`), { code: 'STORAGE_FAILED' });
  if (!res.body || typeof TransformStream !== 'function') return res;
  let loaded = 0;
  const report = () => {
    for (const l of listeners) {
      try {
        l({ loaded, total: Math.max(loaded, wasmBytes) });
      } catch {
        // A listener's failure is its own.
      }
    }
  };
  report();
  const counted = res.body.pipeThrough(
    new TransformStream({
      transform(chunk, out) {
        loaded += chunk.byteLength;
        report();
        out.enqueue(chunk);
      },
    }),
  );
  // Same type as the original, so that the engine still compiles while it downloads.
  return new Response(counted, { headers: { 'content-type': res.headers.get('content-type') ?? 'application/wasm' } });
}

/**
 * The wasm module's exports; with `fresh`, those of a new instance (a second copy of the glue
 * module, so that nothing of a trapped instance is shared).
 */
async function loadEngine({ fresh = false, onProgress } = {}) {
  if (onProgress && !ready) listeners.add(onProgress);
  // A load that failed (a network error) is tried again by the next call.
  ready ??= init({ module_or_path: fetchWasm() }).then(
    () => {
      listeners.clear();
      return glue;
    },
    (e) => {
      listeners.clear();
      ready = undefined;
      throw e;
    },
  );
  const first = await ready;
  if (!fresh) return first;
  instances++;
  const other = await import(/* @vite-ignore */ `${new URL('../dist/wasm/message_center.js', import.meta.url).href}?instance=${instances}`);
  await other.default({ module_or_path: init.__wbindgen_wasm_module ?? new URL('../dist/wasm/message_center_bg.wasm', import.meta.url) });
  return other;
}

/** The Message Center (see index.d.ts). */
export const MessageCenter = bindMessageCenter(loadEngine);
export { mcError } from './message-center.js';
export { createMemoryStorage } from './storage/memory.js';
export { openIndexedDBStorage, deleteIndexedDBStorage } from './storage/indexeddb.js';
