// Node-only helpers of the tests (kept out of helpers.mjs, which a browser page imports).

import { createHash } from 'node:crypto';

/** sha256 (hex) of the JSON of `entries`: equal digests mean byte-for-byte equal dumps. */
export function digest(entries) {
  return createHash('sha256').update(JSON.stringify(entries)).digest('hex');
}
