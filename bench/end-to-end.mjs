// End-to-end benchmark in Node through the public API (see bench/workload.mjs).

import { MessageCenter } from '../js/node.js';
import { endToEnd as run } from './workload.mjs';

export { countingStorage } from './workload.mjs';

/**
 * @param {() => Promise<import('../js/index.d.ts').StorageAdapter>} makeStorage
 */
export async function endToEnd(makeStorage, options = {}) {
  const { result, mc } = await run(MessageCenter, makeStorage, options);
  await mc.close();
  return result;
}
