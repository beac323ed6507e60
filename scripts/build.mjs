// Builds the package: the Rust core to wasm32 (profile `wasm`), wasm-bindgen (pinned CLI), wasm-opt (npm
// binaryen), and the CommonJS build of the Node entry. Prints the raw and gzipped wasm size.
// Skips the work when nothing changed since the last build.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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

export function build({ force = false } = {}) {
  ensureNodeModules();
  const dist = join(root, 'dist');
  const stamp = join(dist, '.stamp');
  const inputs = Math.max(newest(join(root, 'src')), newest(join(root, 'js')), statSync(join(root, 'Cargo.toml')).mtimeMs, statSync(join(root, 'Cargo.lock')).mtimeMs);
  if (!force && existsSync(stamp) && statSync(stamp).mtimeMs >= inputs && existsSync(join(dist, 'node.cjs'))) return;
  ensureRustTools();
  sh('cargo', ['build', '--profile', 'wasm', '--lib', '--target', 'wasm32-unknown-unknown']);
  const raw = join(root, 'target/wasm32-unknown-unknown/wasm/message_center.wasm');
  mkdirSync(join(dist, 'wasm'), { recursive: true });
  sh('wasm-bindgen', [raw, '--out-dir', join(dist, 'wasm'), '--out-name', 'message_center', '--target', 'web']);
  const bg = join(dist, 'wasm', 'message_center_bg.wasm');
  const before = statSync(bg).size;
  sh(join(root, 'node_modules/.bin/wasm-opt'), ['-O3', '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', bg, '-o', bg]);
  const bytes = readFileSync(bg);
  console.log(`wasm: ${(before / 1024).toFixed(1)} KiB from wasm-bindgen, ${(bytes.length / 1024).toFixed(1)} KiB after wasm-opt, ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB gzipped`);
  sh(join(root, 'node_modules/.bin/esbuild'), [
    'js/node.js', '--bundle', '--platform=node', '--format=cjs', '--outfile=dist/node.cjs',
    '--define:import.meta.url=__mc_import_meta_url',
    "--banner:js=const __mc_import_meta_url = require('node:url').pathToFileURL(__filename).href;",
    '--log-level=warning',
  ]);
  writeFileSync(stamp, new Date().toISOString());
}

if (import.meta.url === `file://${process.argv[1]}`) build({ force: process.argv.includes('--force') });
