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

function coded(code, message) {
  /** @type {Error & { code?: string }} */
  const e = new Error(message);
  e.code = code;
  return e;
}

/**
 * A stored value as a field: a string (anything else is what the adapter was given by nobody).
 * A field ending in half of a surrogate pair (a garbled string) ends in U+FFFD instead, as
 * TextEncoder writes a lone surrogate: one unit either way, so its length still holds, and it
 * cannot join the next field's first unit into one character.
 */
function field(key, value) {
  if (typeof value !== 'string') throw coded('STORAGE_CORRUPT', `stored record ${key} is ${value === null ? 'null' : `a ${typeof value}`}, not a string`);
  const last = value.charCodeAt(value.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? `${value.slice(0, -1)}\ufffd` : value;
}

/** The answer to a `get` read of `keys`: its values (undefined for an absent key), as a part. */
export function encodeValues(keys, values) {
  if (values.length !== keys.length) throw coded('STORAGE_FAILED', `storage answered ${values.length} values for a get of ${keys.length} keys`);
  const fields = [];
  const lengths = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined) {
      lengths[i] = ABSENT;
    } else {
      fields.push(field(keys[i], v));
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
    fields[2 * i] = field('of a range', k);
    fields[2 * i + 1] = field(k, v);
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
