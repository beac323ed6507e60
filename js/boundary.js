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

/** The answer to a `get` read: its values (undefined for an absent key). */
export function encodeValues(values) {
  return values.map((v) => (v === undefined ? ABSENT : v)).join(SEP);
}

/** The answer to a `range` read: its entries, `[key, value]`. */
export function encodeEntries(entries) {
  const out = new Array(entries.length * 2);
  for (let i = 0; i < entries.length; i++) {
    out[2 * i] = entries[i][0];
    out[2 * i + 1] = entries[i][1];
  }
  return out.join(SEP);
}

/** The answers of a read step, one part per read. */
export function encodeParts(parts) {
  return parts.join(PART);
}
