#!/usr/bin/env node
// Rhino's warm render speed on the three benchmark templates of tests/fixtures/templates/bench/
// (the same cases, in the corpus format, that message-center's own benchmark renders):
//   1-greeting          a plain greeting with two paths
//   2-conditionals      if/else on a gender attribute, a ternary, a string method
//   3-order-20-lines    20 order lines in a for each loop, a total with parseFloat/toFixed, a condition
// Each template is compiled once to a function; it is rendered `--iterations` times per run, after a
// warm-up, with the event made once ("event once") and with the event (its ctx XML) made again for
// every render ("event each render"). Printed: the median of `--runs` runs, in µs per render and
// renders per second. Rhino runs interpreted (optimization level -1), as the oracle does; add
// --compiled for optimization level 9 (Java bytecode).
//
//   node scripts/oracle/bench.mjs [--iterations=20000] [--runs=7] [--compiled] [--json] [CASE.json…]
// Figures only, nothing asserted. On a loaded machine the figures move: run it alone.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FIXTURES, javaArgs, javaEnv } from './run.mjs';

const opt = (name, def) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const iterations = opt('iterations', 20000);
const runs = opt('runs', 7);
const compiled = process.argv.includes('--compiled');
let files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (!files.length) {
  const dir = join(FIXTURES, 'bench');
  files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f));
}

const args = javaArgs(['--bench', '--iterations', String(iterations), '--runs', String(runs), ...(compiled ? ['--compiled'] : []), ...files]);
const r = spawnSync(process.env.ORACLE_JAVA || 'java', args, { env: javaEnv(), encoding: 'utf8' });
if (r.status !== 0) {
  console.error(r.stderr || r.error);
  process.exit(1);
}
const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
const head = lines.shift();
if (process.argv.includes('--json')) {
  // For npm run bench: one line, the cases with their µs per render.
  console.log(JSON.stringify(lines.map((l) => ({ case: l.case, microseconds: l.eventOnce_us, storedMicroseconds: l.eventEachRender_us }))));
  process.exit(0);
}
console.log(`Rhino 1.7.14, ${head.mode}; ${head.iterations} renders per run, median of ${head.runs} runs after warm-up`);
const pad = (s, n) => String(s).padEnd(n);
const num = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
console.log(`${pad('case', 22)}${pad('event once: µs/render', 24)}${pad('renders/s', 12)}${pad('event each render: µs', 24)}renders/s`);
for (const l of lines) {
  console.log(
    `${pad(basename(l.case, '.json'), 22)}${pad(num(l.eventOnce_us), 24)}${pad(Math.round(1e6 / l.eventOnce_us), 12)}` +
      `${pad(num(l.eventEachRender_us), 24)}${Math.round(1e6 / l.eventEachRender_us)}`,
  );
}
