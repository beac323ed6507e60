// The bulk boundary format of src/boundary.rs (version 1), as the shell speaks it: fields separated
// by SEP, parts by PART, ABSENT for a missing value. Records never hold these characters (the core
// checks it). Internal: the shell and the tests that drive the engine directly use it.

export const BOUNDARY = 1;
export const SEP = '\u0001';
export const ABSENT = '\u0002';
export const PART = '\u0003';

/** The records of a done step: `{ put: [[key, value]…], del: [key…] }`. */
export function decodeWrites(text) {
  const cut = text.indexOf(PART);
  const puts = text.slice(0, cut);
  const dels = text.slice(cut + 1);
  const put = [];
  if (puts !== '') {
    const f = puts.split(SEP);
    for (let i = 0; i < f.length; i += 2) put.push([f[i], f[i + 1]]);
  }
  return { put, del: dels === '' ? [] : dels.split(SEP) };
}

// The core never writes a framing character; one in a stored value was garbled in storage, and
// framed it would read as other records: refused with its key, as src/driver.rs does.
const FRAMING = /[\u0000-\u0003]/;

function checkStored(key, value) {
  const m = FRAMING.exec(value);
  if (m) {
    /** @type {Error & { code?: string }} */
    const e = new Error(`stored record ${key} holds a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}) at offset ${m.index}`);
    e.code = 'STORAGE_CORRUPT';
    throw e;
  }
}

/** The answer to a `get` read of `keys`: its values (undefined for an absent key). */
export function encodeValues(keys, values) {
  for (let i = 0; i < values.length; i++) if (values[i] !== undefined) checkStored(keys[i], values[i]);
  return values.map((v) => (v === undefined ? ABSENT : v)).join(SEP);
}

/** The answer to a `range` read: its entries, `[key, value]`. */
export function encodeEntries(entries) {
  const out = new Array(entries.length * 2);
  for (let i = 0; i < entries.length; i++) {
    checkStored(entries[i][0], entries[i][1]);
    out[2 * i] = entries[i][0];
    out[2 * i + 1] = entries[i][1];
  }
  return out.join(SEP);
}

/** The answers of a read step, one part per read. */
export function encodeParts(parts) {
  return parts.join(PART);
}
