// `npm test`: every test. Installs what is missing (see tools.mjs), builds the package, then runs
// the Rust core tests (cargo test) and the JavaScript and browser tests (node --test).

import { readdirSync } from 'node:fs';
import { build } from './build.mjs';
import { ensureChromium, root, sh } from './tools.mjs';

build();
ensureChromium();
sh('cargo', ['test', '--quiet']);
const files = [];
for (const dir of ['tests/js', 'tests/browser']) {
  for (const f of readdirSync(`${root}/${dir}`)) if (f.endsWith('.test.mjs')) files.push(`${dir}/${f}`);
}
sh(process.execPath, ['--test', '--test-concurrency=2', ...files.sort()]);
