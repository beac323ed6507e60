// Browser entry: the wasm is fetched on the first MessageCenter.open() (no top-level await).

import init, * as glue from '../dist/wasm/message_center.js';
import { bindMessageCenter } from './message-center.js';

let ready;
let instances = 0;

/**
 * The wasm module's exports; with `fresh`, those of a new instance (a second copy of the glue
 * module, so that nothing of a trapped instance is shared).
 */
async function loadEngine({ fresh = false } = {}) {
  ready ??= init().then(() => glue);
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
export { createFaultyStorage } from './storage/faulty.js';
export { runStorageAdapterTests } from './storage/acceptance.js';
