// The bulk boundary format of src/boundary.rs (version 2), as the shell speaks it: one text (every
// field concatenated) and one Uint32Array of lengths (UTF-16 code units: a string's `length`) per
// call, ABSENT for a missing value or a deleted record. No separator: a stored value may hold any
// character. Internal: the shell and the tests that drive the engine directly use it.

export const BOUNDARY = 2;
export const ABSENT = 0xffffffff;

const utf8 = new TextEncoder();

/** The records of a done step, from its `writes` text and `lengths`: `{ put: [[key, value]…], del: [key…] }`. */
export function decodeWrites(text, lengths) {
  const put = [];
  const del = [];
  let at = 0;
  for (let i = 0; i < lengths.length; i += 2) {
    const key = text.slice(at, (at += lengths[i]));
    const n = lengths[i + 1];
    if (n === ABSENT) del.push(key);
    else put.push([key, text.slice(at, (at += n))]);
  }
  return { put, del };
}

/** A stored value must be a string; anything else is what the adapter was given by nobody. */
function checkStored(key, value) {
  if (typeof value !== 'string') {
    /** @type {Error & { code?: string }} */
    const e = new Error(`stored record ${key} is ${value === null ? 'null' : `a ${typeof value}`}, not a string`);
    e.code = 'STORAGE_CORRUPT';
    throw e;
  }
}

/** The answer to a `get` read of `keys`: its values (undefined for an absent key), as a part. */
export function encodeValues(keys, values) {
  const fields = [];
  const lengths = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) {
      lengths[i] = ABSENT;
    } else {
      checkStored(keys[i], v);
      fields.push(v);
      lengths[i] = v.length;
    }
  }
  return { fields, lengths };
}

/** The answer to a `range` read: its entries, `[key, value]`, as a part. */
export function encodeEntries(entries) {
  const fields = new Array(2 * entries.length);
  const lengths = new Array(2 * entries.length + 1);
  lengths[0] = entries.length;
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i];
    if (typeof k !== 'string') checkStored('of a range', k);
    checkStored(k, v);
    fields[2 * i] = k;
    fields[2 * i + 1] = v;
    lengths[2 * i + 1] = k.length;
    lengths[2 * i + 2] = v.length;
  }
  return { fields, lengths };
}

/** The answers of a read step, one part per read: `{ text, lengths }` for `engine.resume`. */
export function encodeParts(parts) {
  let n = 0;
  for (const p of parts) n += p.lengths.length;
  const lengths = new Uint32Array(n);
  let at = 0;
  for (const p of parts) {
    lengths.set(p.lengths, at);
    at += p.lengths.length;
  }
  const text = parts.length === 1 ? parts[0].fields.join('') : parts.map((p) => p.fields.join('')).join('');
  return { text: utf8.encode(text), lengths };
}
