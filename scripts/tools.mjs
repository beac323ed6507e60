// Installs what the build needs, once, and is quick when everything is there: the
// wasm32-unknown-unknown target, wasm-bindgen-cli at the version pinned in Cargo.lock, and the npm
// dependencies from the lock file. Used by `npm start`, `npm test` and `npm run bench`.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname;

export function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function out(cmd, args) {
  try {
    return execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

/** The wasm-bindgen version pinned in Cargo.lock. */
export function pinnedWasmBindgen() {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const m = lock.match(/name = "wasm-bindgen"\nversion = "([^"]+)"/);
  if (!m) throw new Error('wasm-bindgen is not in Cargo.lock');
  return m[1];
}

export function ensureRustTools() {
  const components = out('rustup', ['component', 'list', '--installed']);
  for (const c of ['clippy', 'rustfmt']) {
    if (!components.split('\n').some((l) => l.startsWith(`${c}-`))) {
      console.log(`> rustup component add ${c}`);
      sh('rustup', ['component', 'add', c]);
    }
  }
  if (!out('rustup', ['target', 'list', '--installed']).split('\n').includes('wasm32-unknown-unknown')) {
    console.log('> rustup target add wasm32-unknown-unknown');
    sh('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
  const want = pinnedWasmBindgen();
  const have = out('wasm-bindgen', ['--version']).split(' ')[1];
  if (have !== want) {
    console.log(`> cargo install wasm-bindgen-cli --version ${want} --locked (found ${have || 'none'})`);
    sh('cargo', ['install', 'wasm-bindgen-cli', '--version', want, '--locked']);
  }
}

export function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    console.log('> npm ci');
    sh('npm', ['ci', '--no-audit', '--no-fund']);
  }
}

/** Debian's nginx, the load balancer of the topology test (tests/js/topology.test.mjs). */
export function ensureNginx() {
  if (existsSync('/usr/sbin/nginx')) return;
  console.log('> apt-get install nginx-light (for the load-balancer topology test)');
  sh('apt-get', ['update', '-qq']);
  sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nginx-light']);
}

export function ensureChromium() {
  if (existsSync('/usr/bin/chromium')) return;
  if (process.env.MC_SKIP_BROWSER === '1') return;
  console.log('> apt-get install chromium (for the browser tests)');
  sh('apt-get', ['update', '-qq']);
  sh('apt-get', ['install', '-y', '-qq', 'chromium']);
}

/** The nightly toolchain and cargo-fuzz, for `npm run fuzz` only (the build stays on stable). */
export function ensureFuzzTools() {
  if (!out('rustup', ['toolchain', 'list']).split('\n').some((l) => l.startsWith('nightly'))) {
    console.log('> rustup toolchain install nightly --profile minimal');
    sh('rustup', ['toolchain', 'install', 'nightly', '--profile', 'minimal']);
  }
  if (!out('cargo', ['+nightly', 'fuzz', '--version'])) {
    console.log('> cargo +nightly install cargo-fuzz --locked');
    sh('cargo', ['+nightly', 'install', 'cargo-fuzz', '--locked']);
  }
}
