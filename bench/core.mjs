// The core benchmark on both sides: `message_center::bench::route_and_derive` natively (the cargo
// example examples/bench_core.rs) and the same function compiled to wasm (`benchCore`, from
// dist/bench/, a build beside the package's), timed under Node. Same events, same seed, best of
// `repeats` after one warm-up.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { benchCore, initSync } from '../dist/bench/message_center.js';

const root = new URL('..', import.meta.url).pathname;
let ready = false;

/**
 * Times `benchCore(events, seed)` in wasm.
 * @returns {{ events: number, seconds: number, recordsWritten: number, runs: number[] }}
 */
export function wasmCore(events, repeats = 5, seed = 1) {
  if (!ready) {
    initSync({ module: readFileSync(new URL('../dist/bench/message_center_bg.wasm', import.meta.url)) });
    ready = true;
  }
  let recordsWritten = benchCore(events, seed);
  const runs = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    recordsWritten = benchCore(events, seed);
    runs.push((performance.now() - t) / 1000);
  }
  return { events, seconds: Math.min(...runs), recordsWritten, runs };
}

/**
 * Builds (release) and runs the native example; cargo's progress goes to stderr.
 * @returns {{ events: number, seconds: number, recordsWritten: number, runs: number[] }}
 */
export function nativeCore(events, repeats = 5, seed = 1) {
  const r = spawnSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_core', '--', String(events), String(repeats), String(seed)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`cargo run --example bench_core exited with ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}
