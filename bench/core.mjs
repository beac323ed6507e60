// The core benchmark on both sides: `message_center::bench::route_and_derive` natively (the cargo
// example examples/bench_core.rs) and the same function compiled to wasm (`benchCore`, from
// dist/bench/, a build beside the package's), timed under Node. Same events, same seed, best of
// `repeats` after one warm-up.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { benchCore, benchRender, initSync } from '../dist/bench/message_center.js';

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

function init() {
  if (!ready) {
    initSync({ module: readFileSync(new URL('../dist/bench/message_center_bg.wasm', import.meta.url)) });
    ready = true;
  }
}

/** The three personalization benchmark cases (tests/fixtures/templates/bench/), in order. */
export function renderCases() {
  const dir = `${root}tests/fixtures/templates/bench`;
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => `${dir}/${f}`);
}

/**
 * Renders each case with the native example (examples/bench_render.rs): µs per render with the
 * event made once, and with its ctx parsed from the stored XML at each render.
 * @returns {Array<{ case: string, microseconds: number, storedMicroseconds: number }>}
 */
export function nativeRender(renders = 20_000) {
  const r = spawnSync('cargo', ['run', '--quiet', '--release', '--features', 'bench', '--example', 'bench_render', '--', ...renderCases(), String(renders)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`cargo run --example bench_render exited with ${r.status}`);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l));
}

/** The same in wasm under Node (`benchRender`): best of five runs after a warm-up. */
export function wasmRender(renders = 20_000) {
  init();
  return renderCases().map((file) => {
    const json = readFileSync(file, 'utf8');
    const time = (stored) => {
      benchRender(json, Math.max(1, renders / 10), stored);
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        benchRender(json, renders, stored);
        best = Math.min(best, performance.now() - t);
      }
      return (best * 1000) / renders;
    };
    return { case: file, microseconds: time(false), storedMicroseconds: time(true) };
  });
}

/**
 * Rhino rendering the same cases (scripts/oracle/bench.mjs: interpreted, warm, the template
 * compiled once to a function), or null when java or Rhino's jar is missing.
 * @returns {Array<{ case: string, microseconds: number, storedMicroseconds: number }> | null}
 */
export function rhinoRender(iterations = 5_000) {
  if (!existsSync('/usr/share/java/js.jar') || spawnSync('java', ['-version']).status !== 0) return null;
  const r = spawnSync(process.execPath, [`${root}scripts/oracle/bench.mjs`, `--iterations=${iterations}`, '--runs=5', '--json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) return null;
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}
