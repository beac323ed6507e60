// The bulk boundary, measured three ways in the same run: records crossing between JS and the wasm
// as the shell sends them (format 2: one text of the fields concatenated, as UTF-8 bytes into the
// core, a string out, with a Uint32Array of their lengths), as format 1 sent them (one string of
// fields separated by U+0001, every stored value checked for a separator), and as JS arrays of
// [key, value] pairs through serde-wasm-bindgen (the format of the ordinary calls). Uses the
// benchmark build (dist/bench/), already instantiated by bench/core.mjs.

import { performance } from 'node:perf_hooks';
import {
  benchReadLengths,
  benchReadObjects,
  benchReadSeparated,
  benchWriteLengths,
  benchWriteObjects,
  benchWriteSeparated,
} from '../dist/bench/message_center.js';
import { decodeWrites, encodeEntries, encodeParts } from '../js/boundary.js';

const SEP = '\u0001';
const FRAMING = /[\u0000-\u0003]/;
const utf8 = new TextEncoder();

function best(repeats, fn) {
  fn();
  let min = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/**
 * `records` records of `bytes` characters, read (JS → core) and written (core → JS), each way.
 * @returns {{ records: number, bytes: number, readLengthsMs: number, readSeparatedMs: number, readObjectsMs: number, writeLengthsMs: number, writeSeparatedMs: number, writeObjectsMs: number }}
 */
export function bulkBoundary({ records, bytes, repeats = 20 }) {
  const entries = [];
  for (let i = 0; i < records; i++) entries.push([`e/01/${i.toString(16).padStart(13, '0')}/s`, 'x'.repeat(bytes)]);
  // Format 2, as the shell does it (js/boundary.js).
  const readLengthsMs = best(repeats, () => {
    const { text, lengths } = encodeParts([encodeEntries(entries)]);
    if (benchReadLengths(text, lengths) !== records) throw new Error('read with lengths: wrong count');
  });
  // Format 1, as the shell did it: each value checked for a framing character, then joined.
  const readSeparatedMs = best(repeats, () => {
    const out = new Array(2 * entries.length);
    for (let i = 0; i < entries.length; i++) {
      if (FRAMING.test(entries[i][1])) throw new Error('framing character');
      out[2 * i] = entries[i][0];
      out[2 * i + 1] = entries[i][1];
    }
    if (benchReadSeparated(utf8.encode(out.join(SEP))) !== records) throw new Error('separated read: wrong count');
  });
  const readObjectsMs = best(repeats, () => {
    if (benchReadObjects(entries) !== records) throw new Error('object read: wrong count');
  });
  const writeLengthsMs = best(repeats, () => {
    const { writes, lengths } = benchWriteLengths(records, bytes);
    // The entries' count first, then key and value lengths: the writes' decoder from there.
    const { put } = decodeWrites(writes, lengths.subarray(1));
    if (put.length !== records) throw new Error('write with lengths: wrong count');
  });
  const writeSeparatedMs = best(repeats, () => {
    const f = benchWriteSeparated(records, bytes).split(SEP);
    const put = [];
    for (let i = 0; i < f.length; i += 2) put.push([f[i], f[i + 1]]);
    if (put.length !== records) throw new Error('separated write: wrong count');
  });
  const writeObjectsMs = best(repeats, () => {
    if (benchWriteObjects(records, bytes).length !== records) throw new Error('object write: wrong count');
  });
  return { records, bytes, readLengthsMs, readSeparatedMs, readObjectsMs, writeLengthsMs, writeSeparatedMs, writeObjectsMs };
}
