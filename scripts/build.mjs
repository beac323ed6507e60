// Builds the package: the Rust core to wasm32 (cargo profile `wasm`), wasm-bindgen (pinned CLI),
// wasm-opt (npm binaryen), and the CommonJS build of the Node entry. Prints the raw and gzipped wasm
// size. Skips the work when nothing changed since the last build.
//
// Two other wasm builds live beside the package, never in it (see `package.json` "files"):
// - `dist/bench/`: the same core with `--features bench` (`benchCore`, for `npm run bench`);
// - `dist/faults/`: with `--features fault-injection` (an event type that panics, for the shell's
//   trap-recovery test), unoptimized.
//
// And the browser app (`buildWww`, into the git-ignored www/dist/): www/src bundled by esbuild
// (the page, app.js + app.css, and the engine's worker, worker.js, which imports the package as
// any user does), with the package's wasm copied beside them.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureNodeModules, ensureRustTools, root, sh } from './tools.mjs';

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const dist = join(root, 'dist');

/** The newest of everything a build reads: sources, manifests and lock files, this script. */
function inputs() {
  const files = ['Cargo.toml', 'Cargo.lock', 'package-lock.json', 'scripts/build.mjs'].map((f) => statSync(join(root, f)).mtimeMs);
  return Math.max(newest(join(root, 'src')), newest(join(root, 'js')), newest(join(root, 'scripts/vendor')), ...files);
}

function fresh(stamp, ...outputs) {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= inputs() && outputs.every((o) => existsSync(o));
}

/** Sizes of a wasm file: raw and gzipped (level 9), in KiB. */
export function wasmSize(file) {
  const bytes = readFileSync(file);
  return { kib: bytes.length / 1024, gzipKib: gzipSync(bytes, { level: 9 }).length / 1024 };
}

/**
 * One wasm build: cargo (`profile`, `features`), wasm-bindgen into `outDir`, wasm-opt `-O3` unless
 * `optimize` is false. Separate cargo target directories keep the builds from invalidating each
 * other.
 */
function buildWasm({ outDir, profile, features = [], optimize = true, targetDir = 'target' }) {
  const args = ['build', '--profile', profile, '--lib', '--target', 'wasm32-unknown-unknown', '--target-dir', targetDir];
  if (features.length) args.push('--features', features.join(','));
  sh('cargo', args);
  const dir = profile === 'dev' ? 'debug' : profile;
  const raw = join(root, targetDir, 'wasm32-unknown-unknown', dir, 'message_center.wasm');
  mkdirSync(outDir, { recursive: true });
  sh('wasm-bindgen', [raw, '--out-dir', outDir, '--out-name', 'message_center', '--target', 'web']);
  const bg = join(outDir, 'message_center_bg.wasm');
  const before = statSync(bg).size;
  if (optimize) {
    sh(join(root, 'node_modules/.bin/wasm-opt'), ['-O3', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', bg, '-o', bg]);
  }
  return { before, bg };
}

/** sorted-btree (MIT, from node_modules at the version of the lock file) as an ES module. */
function vendor() {
  const license = readFileSync(join(root, 'node_modules/sorted-btree/LICENSE'), 'utf8').trim();
  const version = JSON.parse(readFileSync(join(root, 'node_modules/sorted-btree/package.json'), 'utf8')).version;
  sh(join(root, 'node_modules/.bin/esbuild'), [
    'scripts/vendor/sorted-btree.mjs', '--bundle', '--format=esm', '--outfile=dist/vendor/sorted-btree.js', '--log-level=warning',
    `--banner:js=/*! sorted-btree ${version} (https://github.com/qwertie/btree-typescript)\n${license.replace(/\*\//g, '* /')}\n*/`,
  ]);
}

/** The package: dist/wasm/, dist/vendor/ and dist/node.cjs. */
export function build({ force = false } = {}) {
  ensureNodeModules();
  const stamp = join(dist, '.stamp');
  if (!force && fresh(stamp, join(dist, 'node.cjs'), join(dist, 'wasm', 'message_center_bg.wasm'), join(dist, 'vendor', 'sorted-btree.js'))) return;
  ensureRustTools();
  vendor();
  const { before, bg } = buildWasm({ outDir: join(dist, 'wasm'), profile: 'wasm' });
  const size = wasmSize(bg);
  console.log(`wasm: ${(before / 1024).toFixed(1)} KiB from wasm-bindgen, ${size.kib.toFixed(1)} KiB after wasm-opt, ${size.gzipKib.toFixed(1)} KiB gzipped`);
  sh(join(root, 'node_modules/.bin/esbuild'), [
    'js/node.js', '--bundle', '--platform=node', '--format=cjs', '--outfile=dist/node.cjs',
    // The optional peer dependency of openSQLiteStorage: required at its first call, from the user's
    // node_modules, never bundled (a native module).
    '--external:better-sqlite3',
    '--define:import.meta.url=__mc_import_meta_url',
    "--banner:js=const __mc_import_meta_url = require('node:url').pathToFileURL(__filename).href;",
    '--log-level=warning',
  ]);
  writeFileSync(stamp, new Date().toISOString());
}

/** The benchmark's wasm (dist/bench/): the shipped build plus `benchCore`. */
export function buildBench() {
  build();
  const stamp = join(dist, 'bench', '.stamp');
  if (fresh(stamp, join(dist, 'bench', 'message_center_bg.wasm'))) return;
  buildWasm({ outDir: join(dist, 'bench'), profile: 'wasm', features: ['bench'], targetDir: 'target/bench' });
  writeFileSync(stamp, new Date().toISOString());
}

/** The trap-recovery test's wasm (dist/faults/): a dev build with `fault-injection`. */
export function buildFaults() {
  build();
  const stamp = join(dist, 'faults', '.stamp');
  if (fresh(stamp, join(dist, 'faults', 'message_center_bg.wasm'))) return;
  buildWasm({ outDir: join(dist, 'faults'), profile: 'dev', features: ['fault-injection'], optimize: false, targetDir: 'target/faults' });
  writeFileSync(stamp, new Date().toISOString());
}

/**
 * The browser app (www/dist/): the page bundle and the worker bundle, minified, with the wasm the
 * package's glue looks for beside the worker (its first instance) and under wasm/ (the fresh
 * instance the shell loads after a trap). Prints the gzipped size of what a first visit loads.
 */
export function buildWww({ force = false } = {}) {
  build();
  const out = join(root, 'www', 'dist');
  const stamp = join(out, '.stamp');
  const www = Math.max(newest(join(root, 'www', 'src')), statSync(join(root, 'www', 'index.html')).mtimeMs, statSync(join(dist, '.stamp')).mtimeMs);
  const outputs = ['app.js', 'app.css', 'worker.js', 'message_center_bg.wasm', 'wasm/message_center.js', 'wasm/message_center_bg.wasm'].map((f) => join(out, f));
  if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= www && statSync(stamp).mtimeMs >= inputs() && outputs.every((o) => existsSync(o))) return;
  mkdirSync(join(out, 'wasm'), { recursive: true });
  sh(join(root, 'node_modules/.bin/esbuild'), [
    'app=www/src/main.js', 'worker=www/src/worker.js', '--bundle', '--format=esm', '--platform=browser', '--minify', '--sourcemap',
    '--target=chrome110,firefox115,safari16', '--outdir=www/dist', '--log-level=warning',
  ]);
  for (const f of ['message_center_bg.wasm']) copyFileSync(join(dist, 'wasm', f), join(out, f));
  for (const f of ['message_center.js', 'message_center_bg.wasm']) copyFileSync(join(dist, 'wasm', f), join(out, 'wasm', f));
  const gz = (f) => gzipSync(readFileSync(join(out, f)), { level: 9 }).length / 1024;
  console.log(`app: ${gz('app.js').toFixed(1)} KiB page + ${gz('app.css').toFixed(1)} KiB css + ${gz('worker.js').toFixed(1)} KiB worker + ${gz('message_center_bg.wasm').toFixed(1)} KiB wasm, gzipped`);
  writeFileSync(stamp, new Date().toISOString());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const force = process.argv.includes('--force');
  build({ force });
  if (process.argv.includes('--www')) buildWww({ force });
}
