// End-to-end benchmark in Node through the public API (see bench/workload.mjs), sampling the peak
// wasm memory (the module's linear memory, which only grows) and the JS heap as it goes.

import * as glue from '../dist/wasm/message_center.js';
import { MessageCenter } from '../js/node.js';
import { endToEnd as run } from './workload.mjs';

export { countingStorage } from './workload.mjs';

// js/node.js has instantiated the module: initSync answers its exports (memory included).
const wasm = glue.initSync({ module: new Uint8Array() });
const sample = () => ({ wasmBytes: wasm.memory.buffer.byteLength, heapBytes: process.memoryUsage().heapUsed });

/**
 * @param {() => Promise<import('../js/index.d.ts').StorageAdapter>} makeStorage
 * @param {{ events?: number, life?: boolean }} options
 */
export async function endToEnd(makeStorage, options = {}) {
  const { result, mc } = await run(MessageCenter, makeStorage, { ...options, sample });
  await mc.close();
  return result;
}
