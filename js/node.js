// Node entry: loads the wasm synchronously (no top-level await), so both `import` and `require`
// (through the CommonJS build in dist/node.cjs) work.

import { readFileSync } from 'node:fs';
import * as glue from '../dist/wasm/message_center.js';
import { bindMessageCenter } from './message-center.js';

const module = new WebAssembly.Module(readFileSync(new URL('../dist/wasm/message_center_bg.wasm', import.meta.url)));
glue.initSync({ module });
let instances = 0;

/**
 * The wasm module's exports; with `fresh`, those of a new instance (a second copy of the glue
 * module, so that nothing of a trapped instance is shared).
 */
async function loadEngine({ fresh = false } = {}) {
  if (!fresh) return glue;
  instances++;
  const other = await import(`${new URL('../dist/wasm/message_center.js', import.meta.url).href}?instance=${instances}`);
  other.initSync({ module });
  return other;
}

/** The Message Center (see index.d.ts). */
export const MessageCenter = bindMessageCenter(loadEngine);
export { mcError } from './message-center.js';
export { createMemoryStorage } from './storage/memory.js';
export { openIndexedDBStorage, deleteIndexedDBStorage } from './storage/indexeddb.js';
export { createFaultyStorage } from './storage/faulty.js';
export { runStorageAdapterTests } from './storage/acceptance.js';
