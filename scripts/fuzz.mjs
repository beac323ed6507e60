// `npm run fuzz -- --minutes M [--target NAME] [--jobs J]`: runs the cargo-fuzz targets of fuzz/
// (nightly, installed if missing) for M minutes in all, two at a time on this 2-core machine,
// each from its corpus (target/fuzz-corpus/<target>, seeded with tests/fixtures/fuzz/<target>),
// and prints what each ran (executions, executions per second, coverage) and what it found. A
// crash is kept in fuzz/artifacts/<target>/; once fixed, copy it into tests/fixtures/fuzz/<target>/
// so that `cargo test` (tests/fuzz_fixtures.rs) runs it from then on.
//
// The targets are built without a sanitizer (`-s none`): the engine is safe Rust, so AddressSanitizer
// finds nothing that a panic would not, at half the speed.
//
// `npm run fuzz -- templates [--cases N] [--seed S] [options]` is a target of another kind, not a
// cargo-fuzz one: the differential fuzzer of the personalization language (random templates run
// by our interpreter and by Rhino, every difference shrunk into tmp/fuzz-templates/;
// scripts/oracle/fuzz.mjs, its options at its top, scripts/oracle/NOTES.md "Differential fuzzer").
// It is not part of npm test.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureFuzzTools, root, sh } from './tools.mjs';

// Targets that are not cargo-fuzz ones: a script run with the remaining arguments.
const SCRIPT_TARGETS = { templates: 'scripts/oracle/fuzz.mjs' };
if (SCRIPT_TARGETS[process.argv[2]]) {
  const r = spawnSync(process.execPath, [join(root, SCRIPT_TARGETS[process.argv[2]]), ...process.argv.slice(3)], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

// The targets fuzz/Cargo.toml builds (each calls its namesake in sim::fuzz::TARGETS).
const TARGETS = [...readFileSync(join(root, 'fuzz/Cargo.toml'), 'utf8').matchAll(/^\[\[bin\]\]\nname = "([^"]+)"/gm)].map((m) => m[1]);

function parse(argv) {
  const o = { minutes: 10, targets: TARGETS, jobs: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} takes a value`);
      return x;
    };
    if (a === '--minutes') o.minutes = Number(v());
    else if (a === '--target') o.targets = v().split(',');
    else if (a === '--jobs') o.jobs = Number(v());
    else throw new Error(`unknown argument ${a}; usage: npm run fuzz -- --minutes M [--target NAME[,NAME…]] [--jobs J], or npm run fuzz -- templates [--cases N] [--seed S]`);
  }
  if (!(o.minutes > 0)) throw new Error('--minutes takes a positive number');
  if (!(o.jobs >= 1)) throw new Error('--jobs takes a positive number');
  for (const t of o.targets) if (!TARGETS.includes(t)) throw new Error(`no fuzz target ${t} (targets: ${TARGETS.join(', ')})`);
  return o;
}

function run(target, seconds) {
  const corpus = join(root, 'target/fuzz-corpus', target);
  const artifacts = join(root, 'fuzz/artifacts', target);
  mkdirSync(corpus, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  const args = ['+nightly', 'fuzz', 'run', '-s', 'none', '-O', target, corpus, join(root, 'tests/fixtures/fuzz', target), '--',
    `-max_total_time=${seconds}`, '-print_final_stats=1', `-artifact_prefix=${artifacts}/`, '-timeout=10', '-rss_limit_mb=4096'];
  return new Promise((resolve) => {
    const p = spawn('cargo', args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    p.stderr.on('data', (b) => {
      tail = (tail + b.toString()).slice(-20000);
    });
    p.on('close', (code) => {
      const stat = (k) => Number(tail.match(new RegExp(`stat::${k}:\\s+(\\d+)`))?.[1] ?? NaN);
      const cov = [...tail.matchAll(/cov: (\d+) ft: (\d+) corp: (\d+)/g)].pop();
      const crash = tail.match(/Test unit written to (\S+)/)?.[1];
      resolve({
        target,
        code,
        execs: stat('number_of_executed_units'),
        perSec: stat('average_exec_per_sec'),
        cov: cov ? Number(cov[1]) : NaN,
        features: cov ? Number(cov[2]) : NaN,
        corpus: readdirSync(corpus).length,
        crash,
        why: crash ? tail.slice(tail.lastIndexOf('panicked')).split('\n').slice(0, 3).join('\n') : '',
      });
    });
  });
}

const o = parse(process.argv.slice(2));
ensureFuzzTools();
sh('cargo', ['+nightly', 'fuzz', 'build', '-s', 'none', '-O']);
const seconds = Math.max(1, Math.floor((o.minutes * 60 * o.jobs) / o.targets.length));
console.log(`fuzzing ${o.targets.length} targets for ${seconds} s each, ${o.jobs} at a time`);
const queue = [...o.targets];
const results = [];
await Promise.all(
  Array.from({ length: o.jobs }, async () => {
    while (queue.length) {
      const r = await run(queue.shift(), seconds);
      console.log(`${r.target}: ${r.execs} executions (${r.perSec}/s), coverage ${r.cov} edges, ${r.features} features, corpus ${r.corpus}${r.crash ? `, CRASH ${r.crash}` : ''}`);
      results.push(r);
    }
  }),
);
const total = results.reduce((n, r) => n + (r.execs || 0), 0);
console.log(`\n| target | executions | per second | coverage (edges) | features | corpus | found |\n| --- | --- | --- | --- | --- | --- | --- |`);
for (const r of results.sort((a, b) => TARGETS.indexOf(a.target) - TARGETS.indexOf(b.target))) {
  console.log(`| ${r.target} | ${r.execs} | ${r.perSec} | ${r.cov} | ${r.features} | ${r.corpus} | ${r.crash ? `crash: ${r.crash}` : 'nothing'} |`);
}
console.log(`\n${total} executions in all`);
const crashes = results.filter((r) => r.crash);
for (const r of crashes) console.log(`\n${r.target} crashed on ${r.crash}:\n${r.why}\nreplay: cargo +nightly fuzz run -s none -O ${r.target} ${r.crash}`);
if (crashes.length === 0 && results.some((r) => r.code !== 0)) {
  console.log('a fuzzer exited with an error and no crash file: see above');
  process.exit(1);
}
process.exit(crashes.length ? 1 : 0);
