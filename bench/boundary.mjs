// The bulk boundary, measured both ways in the same run: records crossing between JS and the wasm as
// the shell sends them (one framed string of the boundary format, as UTF-8 bytes into the core, a
// string out), and as JS arrays of [key, value] pairs through serde-wasm-bindgen (the format of the
// ordinary calls). Uses the benchmark build (dist/bench/), already instantiated by bench/core.mjs.

import { performance } from 'node:perf_hooks';
import { benchReadFramed, benchReadObjects, benchWriteFramed, benchWriteObjects } from '../dist/bench/message_center.js';

const SEP = '\u0001';
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
 * @returns {{ records: number, bytes: number, readFramedMs: number, readObjectsMs: number, writeFramedMs: number, writeObjectsMs: number }}
 */
export function bulkBoundary({ records, bytes, repeats = 20 }) {
  const entries = [];
  for (let i = 0; i < records; i++) entries.push([`e/01/${i.toString(16).padStart(13, '0')}/s`, 'x'.repeat(bytes)]);
  const readFramedMs = best(repeats, () => {
    const out = new Array(2 * entries.length);
    for (let i = 0; i < entries.length; i++) {
      out[2 * i] = entries[i][0];
      out[2 * i + 1] = entries[i][1];
    }
    if (benchReadFramed(utf8.encode(out.join(SEP))) !== records) throw new Error('framed read: wrong count');
  });
  const readObjectsMs = best(repeats, () => {
    if (benchReadObjects(entries) !== records) throw new Error('object read: wrong count');
  });
  const writeFramedMs = best(repeats, () => {
    const f = benchWriteFramed(records, bytes).split(SEP);
    const put = [];
    for (let i = 0; i < f.length; i += 2) put.push([f[i], f[i + 1]]);
    if (put.length !== records) throw new Error('framed write: wrong count');
  });
  const writeObjectsMs = best(repeats, () => {
    if (benchWriteObjects(records, bytes).length !== records) throw new Error('object write: wrong count');
  });
  return { records, bytes, readFramedMs, readObjectsMs, writeFramedMs, writeObjectsMs };
}
