// `npm test`: every test. Installs what is missing (see tools.mjs), checks formatting and lints
// (cargo fmt, clippy), builds the package and the fault-injection wasm, then runs the Rust core tests
// (cargo test) and the JavaScript and browser tests (node --test, under a non-UTC time zone).

import { readdirSync } from 'node:fs';
import { build, buildFaults, buildWww } from './build.mjs';
import { ensureChromium, ensureNginx, ensureRustTools, root, sh } from './tools.mjs';

ensureRustTools();
// Style and lints first: formatting, and clippy with warnings as errors (natively with every
// feature, and the wasm binding layer for its target).
sh('cargo', ['fmt', '--check']);
sh('cargo', ['clippy', '--quiet', '--all-targets', '--features', 'driver,bench,fault-injection,sim', '--', '-D', 'warnings']);
sh('cargo', ['clippy', '--quiet', '--lib', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']);
build();
buildFaults();
await buildWww();
ensureChromium();
ensureNginx();
sh('cargo', ['test', '--quiet']);
const files = [];
for (const dir of ['tests/js', 'tests/browser']) {
  for (const f of readdirSync(`${root}/${dir}`)) if (f.endsWith('.test.mjs')) files.push(`${dir}/${f}`);
}
// Under a time zone other than UTC, so that a date read in local time anywhere would show (the
// machines that run this are on UTC); tests/js/timezone.test.mjs also compares several zones.
sh(process.execPath, ['--test', '--test-concurrency=2', ...files.sort()], { env: { ...process.env, TZ: 'America/New_York' } });
