// Browser entry: the wasm is fetched on the first MessageCenter.open() (no top-level await).

import init, { WasmEngine } from '../dist/wasm/message_center.js';
import { bindMessageCenter } from './message-center.js';

let ready;

/** The Message Center (see index.d.ts). */
export const MessageCenter = bindMessageCenter(() => {
  ready ??= init().then(() => WasmEngine);
  return ready;
});
export { mcError } from './message-center.js';
export { createMemoryStorage } from './storage/memory.js';
export { openIndexedDBStorage, deleteIndexedDBStorage } from './storage/indexeddb.js';
export { createFaultyStorage } from './storage/faulty.js';
export { runStorageAdapterTests } from './storage/acceptance.js';
