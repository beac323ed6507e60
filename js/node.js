// Node entry: loads the wasm synchronously (no top-level await), so both `import` and `require`
// (through the CommonJS build in dist/node.cjs) work.

import * as glue from '../dist/wasm/message_center.js';
import { nodeEngineLoader } from './load-node.js';
import { bindMessageCenter } from './message-center.js';

const loadEngine = nodeEngineLoader(glue, new URL('../dist/wasm/message_center.js', import.meta.url), new URL('../dist/wasm/message_center_bg.wasm', import.meta.url));

/** The Message Center (see index.d.ts). */
export const MessageCenter = bindMessageCenter(loadEngine);
export { mcError } from './message-center.js';
export { createMemoryStorage } from './storage/memory.js';
export { openIndexedDBStorage, deleteIndexedDBStorage } from './storage/indexeddb.js';
export { openSQLiteStorage } from './storage/sqlite.js';
