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
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip, gzipSync } from 'node:zlib';
import { contentVersion } from '../js/server/static.js';
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
  // The exercises that ship are compiled into the core (include_str!).
  return Math.max(newest(join(root, 'src')), newest(join(root, 'exercises')), newest(join(root, 'js')), newest(join(root, 'scripts/vendor')), ...files);
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

/**
 * `meta.js` beside a wasm build: its size (the browser entry's download progress) and its
 * version (the `?v=` of its URL, which lets servers have browsers keep it: js/server/static.js).
 */
function writeWasmMeta(outDir) {
  const bytes = readFileSync(join(outDir, 'message_center_bg.wasm'));
  writeFileSync(
    join(outDir, 'meta.js'),
    `// Written by scripts/build.mjs: the size and version of message_center_bg.wasm.\nexport const wasmBytes = ${bytes.length};\nexport const wasmVersion = '${contentVersion(bytes)}';\n`,
  );
}

/** The package: dist/wasm/, dist/vendor/ and dist/node.cjs. */
export function build({ force = false } = {}) {
  ensureNodeModules();
  const stamp = join(dist, '.stamp');
  if (!force && fresh(stamp, join(dist, 'node.cjs'), join(dist, 'wasm', 'message_center_bg.wasm'), join(dist, 'wasm', 'meta.js'), join(dist, 'vendor', 'sorted-btree.js'))) return;
  ensureRustTools();
  vendor();
  const { before, bg } = buildWasm({ outDir: join(dist, 'wasm'), profile: 'wasm' });
  writeWasmMeta(join(dist, 'wasm'));
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
  writeWasmMeta(join(dist, 'bench'));
  writeFileSync(stamp, new Date().toISOString());
}

/** The trap-recovery test's wasm (dist/faults/): a dev build with `fault-injection`. */
export function buildFaults() {
  build();
  const stamp = join(dist, 'faults', '.stamp');
  if (fresh(stamp, join(dist, 'faults', 'message_center_bg.wasm'))) return;
  buildWasm({ outDir: join(dist, 'faults'), profile: 'dev', features: ['fault-injection'], optimize: false, targetDir: 'target/faults' });
  writeWasmMeta(join(dist, 'faults'));
  writeFileSync(stamp, new Date().toISOString());
}

/** The files of www/dist/ a browser loads, which the build also writes compressed (`.br`, `.gz`). */
const SERVED = ['app.js', 'app.css', 'worker.js', 'wasm/message_center.js', 'wasm/message_center_bg.wasm'];

/**
 * The browser app (www/dist/): the page bundle, then the worker bundle, minified, with the
 * package's wasm beside the worker (under wasm/, where the package's browser entry looks for it
 * from the bundle). The page names the worker with its version (`worker.js?v=…`) and the worker
 * names the wasm with its own, so that servers may let browsers keep both; each served file is
 * also written compressed at the best levels (brotli 11, gzip 9), which js/server/static.js
 * sends as they are. Prints the compressed size of what a first visit loads.
 */
export async function buildWww({ force = false } = {}) {
  build();
  const out = join(root, 'www', 'dist');
  const stamp = join(out, '.stamp');
  const www = Math.max(newest(join(root, 'www', 'src')), statSync(join(root, 'www', 'index.html')).mtimeMs, statSync(join(dist, '.stamp')).mtimeMs);
  const outputs = SERVED.flatMap((f) => [f, `${f}.br`, `${f}.gz`]).map((f) => join(out, f));
  if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= www && statSync(stamp).mtimeMs >= inputs() && outputs.every((o) => existsSync(o))) return;
  mkdirSync(join(out, 'wasm'), { recursive: true });
  const esbuild = (entry, define = []) =>
    sh(join(root, 'node_modules/.bin/esbuild'), [
      entry, '--bundle', '--format=esm', '--platform=browser', '--minify', '--sourcemap',
      '--target=chrome110,firefox115,safari16', '--outdir=www/dist', '--log-level=warning', ...define,
    ]);
  esbuild('worker=www/src/worker.js');
  const workerVersion = contentVersion(readFileSync(join(out, 'worker.js')));
  esbuild('app=www/src/main.js', [`--define:__MC_WORKER_VERSION__="${workerVersion}"`]);
  for (const f of ['message_center.js', 'message_center_bg.wasm']) copyFileSync(join(dist, 'wasm', f), join(out, 'wasm', f));
  const sizes = await Promise.all(SERVED.map((f) => compressFile(join(out, f))));
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const first = ['app.js', 'app.css', 'worker.js', 'wasm/message_center_bg.wasm'];
  const total = (k) => SERVED.reduce((sum, f, i) => sum + (first.includes(f) ? sizes[i][k] : 0), 0);
  console.log(`app: a first visit loads ${kib(total('raw'))}: ${kib(total('br'))} with brotli, ${kib(total('gz'))} with gzip (page ${kib(sizes[0].br)}, css ${kib(sizes[1].br)}, worker ${kib(sizes[2].br)}, wasm ${kib(sizes[4].br)}, brotli)`);
  writeFileSync(stamp, new Date().toISOString());
}

/** Writes `file.br` and `file.gz` at the best levels; returns the three sizes. */
async function compressFile(file) {
  const bytes = readFileSync(file);
  const [br, gz] = await Promise.all([
    promisify(brotliCompress)(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length } }),
    promisify(gzip)(bytes, { level: 9 }),
  ]);
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gz);
  return { raw: bytes.length, br: br.length, gz: gz.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const force = process.argv.includes('--force');
  build({ force });
  if (process.argv.includes('--www')) await buildWww({ force });
}
