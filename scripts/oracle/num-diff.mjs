#!/usr/bin/env node
// Differential test of src/script/num.rs (JavaScript's number algorithms) against Rhino.
//
//   node scripts/oracle/num-diff.mjs [--cases N] [--seed S] [--keep]
//
// Generates N random cases (default 120,000; doubles of every magnitude, integers, halves and
// near-ties, numeric-looking strings), runs them through Rhino 1.7.14 (one JVM, `rhino` shell,
// language version 1.8, the script below) and through our functions (the ignored Rust test
// script::num::oracle::oracle_diff, reading NUM_DIFF_CASES and writing NUM_DIFF_OUT), and lists
// the differences. Differences that num.rs documents as deliberate (a Rhino bug where we follow
// the spec) are counted apart, each under its reason; any other difference fails (exit 1).
// Needs java and /usr/share/java/js.jar (`apt-get install -y rhino`) and cargo.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(root, 'target', 'oracle');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('--cases', 120000));
let seed = Number(arg('--seed', 20260302)) >>> 0;

// --- random ----------------------------------------------------------------------------------
function rnd() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const buf = new DataView(new ArrayBuffer(8));
function fromBits(hi, lo) {
  buf.setUint32(0, hi >>> 0);
  buf.setUint32(4, lo >>> 0);
  return buf.getFloat64(0);
}
function nextUp(x, k) {
  // k ulps away (k may be negative), for finite non-zero x
  buf.setFloat64(0, x);
  const big = buf.getBigUint64(0) + BigInt(x > 0 ? k : -k);
  buf.setBigUint64(0, big & 0xffffffffffffffffn);
  return buf.getFloat64(0);
}
const digits = (n) => {
  let s = String(1 + int(9));
  for (let i = 1; i < n; i++) s += int(10);
  return s;
};

const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 5e-324, 1e-323, 1.5e-323, -5e-324, Number.MAX_VALUE, 2 ** 63, -(2 ** 63),
  2 ** 64, 2 ** 53, 2 ** 53 + 2, 1e21, 1e21 - 65536, 999999999999999900000, 0.1, 0.5, 1.005, 2.675, 1e-7, 1e-6, 0.000001, 123.456, 0.0625];

function randomDouble() {
  switch (int(8)) {
    case 0: { // any bit pattern (finite mostly)
      let x;
      do x = fromBits(int(2 ** 32), int(2 ** 32)); while (Number.isNaN(x) && rnd() < 0.95);
      return x;
    }
    case 1: { // a short decimal at any scale
      const x = Number(digits(1 + int(17)) + 'e' + (int(60) - 30));
      return rnd() < 0.3 ? -x : x;
    }
    case 2: { // integers
      const x = rnd() < 0.5 ? int(2 ** 31) : Math.floor(rnd() * 2 ** (int(80)));
      return rnd() < 0.3 ? -x : x;
    }
    case 3: { // halves and binary fractions
      const x = int(1000) + (int(2 ** 12) + 0.5) / 2 ** int(12);
      return rnd() < 0.3 ? -x : x;
    }
    case 4: { // decimal near-ties: d.dd5 and its neighbours
      const x = Number(digits(1 + int(6)) + '5e' + -(1 + int(8)));
      return int(3) === 0 ? x : nextUp(x, int(5) - 2);
    }
    case 5: { // tiny and huge
      const x = Number(digits(1 + int(17)) + 'e' + (rnd() < 0.5 ? -300 - int(24) : 280 + int(28)));
      return x;
    }
    case 6:
      return pick(SPECIAL);
    default: { // 0.x and around 1e21, 1e-7
      const base = pick([1, 1e21, 1e-7, 1e-6, 1e20, 0.001]);
      return nextUp(base * (0.5 + rnd()), int(7) - 3);
    }
  }
}

const WS = [' ', '\t', '\n', '\u00a0', '\ufeff', '\u2003', '\u3000', '\u2028', '\u180e', '\u200b'];
function randomString() {
  let s = '';
  if (rnd() < 0.3) s += pick(WS) + (rnd() < 0.3 ? pick(WS) : '');
  if (rnd() < 0.3) s += pick(['+', '-', '-', '+-']);
  switch (int(6)) {
    case 0: s += pick(['0x', '0X']) + Array.from({ length: 1 + int(20) }, () => pick('0123456789abcdefABCDEF')).join(''); break;
    case 1: s += pick(['Infinity', 'infinity', 'Infinit', 'Infinityx', 'NaN', 'inf']); break;
    case 2: s += String(randomDouble()); break;
    case 3: s += Array.from({ length: 1 + int(30) }, () => pick('0123456789')).join(''); break;
    default: {
      if (rnd() < 0.8) s += digits(1 + int(12)).slice(int(2));
      if (rnd() < 0.6) s += '.' + (rnd() < 0.8 ? digits(1 + int(10)) : '');
      if (rnd() < 0.4) s += pick(['e', 'E']) + pick(['', '+', '-']) + (rnd() < 0.85 ? String(int(400)) : '');
    }
  }
  if (rnd() < 0.25) s += pick(['x', ' ', '.5', 'e5', 'g', '1', ' 2', '\u00a0', 'e', '.', '_1', 'd']);
  if (rnd() < 0.1) s += pick(WS);
  return s;
}

const WS_RE = /^[\s\ufeff\u180e]+/;
const numStr = (x) => (Object.is(x, -0) ? '-0' : String(x));
function digitsArg(lo, hi) {
  const r = rnd();
  if (r < 0.05) return undefined;
  // NaN travels as the string "NaN" (JSON has no NaN): Rhino converts it with ToNumber.
  if (r < 0.1) return pick([lo - 1, hi + 1, 2.5, -0.5, 'NaN', 1e9, 100, 101, 20, 21]);
  return lo + int(Math.min(hi - lo + 1, rnd() < 0.8 ? 22 : 101));
}

function makeCase() {
  switch (int(10)) {
    case 0: return { op: 'str', x: numStr(randomDouble()) };
    case 1: return { op: 'radix', x: numStr(randomDouble()), a: 2 + int(35) };
    case 2: {
      // Rhino below ES6 accepts -20..-1 but then throws a Java exception: not compared here.
      let a = digitsArg(0, 100);
      if (a === -1) a = 0;
      return { op: 'fixed', x: numStr(randomDouble()), a };
    }
    case 3: return { op: 'exp', x: numStr(randomDouble()), a: digitsArg(0, 100) };
    case 4: return { op: 'prec', x: numStr(randomDouble()), a: digitsArg(1, 100) };
    case 5: return { op: 'num', s: randomString() };
    case 6: return { op: 'int', s: randomString(), a: pick([undefined, 0, 10, 16, 2, 8, 36, int(40) - 1, 16, 0]) };
    case 7: return { op: 'float', s: randomString() };
    case 8: return { op: 'int32', x: numStr(rnd() < 0.5 ? randomDouble() : (rnd() - 0.5) * 2 ** int(80)) };
    default: return { op: 'uint32', x: numStr(rnd() < 0.5 ? randomDouble() : (rnd() - 0.5) * 2 ** int(80)) };
  }
}

// JSON with every non-ASCII character escaped (the JVM reads its input in its own charset).
const ascii = (o) => JSON.stringify(o).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

// --- the Rhino side --------------------------------------------------------------------------
const RHINO_SCRIPT = String.raw`
var lines = String(readFile(arguments[0], 'UTF-8')).split('\n');
var out = [];
function num(v) { return v !== v ? 'NaN' : v === 0 ? (1 / v < 0 ? '-0' : '0') : String(v); }
for (var i = 0; i < lines.length; i++) {
  if (!lines[i]) continue;
  var c = JSON.parse(lines[i]), r;
  try {
    var x = Number(c.x);
    switch (c.op) {
      case 'str': r = { r: String(x) }; break;
      case 'radix': r = { r: x.toString(c.a) }; break;
      case 'fixed': r = { r: 'a' in c ? x.toFixed(c.a) : x.toFixed() }; break;
      case 'exp': r = { r: 'a' in c ? x.toExponential(c.a) : x.toExponential() }; break;
      case 'prec': r = { r: 'a' in c ? x.toPrecision(c.a) : x.toPrecision() }; break;
      case 'num': r = { n: num(Number(c.s)) }; break;
      case 'int': r = { n: num('a' in c ? parseInt(c.s, c.a) : parseInt(c.s)) }; break;
      case 'float': r = { n: num(parseFloat(c.s)) }; break;
      case 'int32': r = { n: num(x | 0) }; break;
      case 'uint32': r = { n: num(x >>> 0) }; break;
    }
  } catch (e) {
    r = { e: e.name + ': ' + e.message };
  }
  out.push(JSON.stringify(r).replace(/[\u0080-\uffff]/g, function (ch) { return '\\u' + ('000' + ch.charCodeAt(0).toString(16)).slice(-4); }));
}
print(out.join('\n'));
`;

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + '\n' + r.stderr);
    throw new Error(`${cmd} failed (${r.status})`);
  }
  return r.stdout;
}

// NaN/±0-aware number equality of two result strings
const sameNum = (a, b) => a === b || Object.is(Number(a), Number(b));

/** The documented divergences (see the doc comment of num.rs): a reason, or null. */
function documented(c, rhino, ours) {
  if (c.op === 'prec' && rhino.r && ours.r && rhino.r.length < ours.r.length && ours.r.startsWith(rhino.r)) {
    return 'Rhino bug: toPrecision drops digits of short exact values below 0.1 (spec: p significant digits)';
  }
  if (c.op === 'float' && /^[+-]?\d+[eE][+-]?\d*\./.test(c.s.replace(WS_RE, '')) && rhino.n === 'NaN') {
    return 'Rhino bug: parseFloat("1e5.5") is NaN (spec: the longest valid prefix, 1e5)';
  }
  if (c.op === 'radix' && Math.abs(Number(c.x)) === 2 ** 63) {
    return 'Rhino bug: toString(radix) of ±2^63 prints 2^63-1 (a saturating long cast)';
  }
  if (c.op === 'radix' && Number(c.x) < 0 && Number(c.x) > -1 && ours.r === '-' + rhino.r) {
    return 'Rhino bug: toString(radix) of a number in (-1, 0) loses its sign ("-0" integer part)';
  }
  return null;
}

function main() {
  mkdirSync(work, { recursive: true });
  const cases = Array.from({ length: N }, makeCase);
  const casesFile = join(work, 'num-cases.jsonl');
  writeFileSync(casesFile, cases.map(ascii).join('\n') + '\n');
  const script = join(work, 'num-oracle.js');
  writeFileSync(script, RHINO_SCRIPT);

  let t = Date.now();
  const rhinoOut = run('java', ['-Xmx1g', '-cp', '/usr/share/java/js.jar', 'org.mozilla.javascript.tools.shell.Main',
    '-version', '180', '-opt', '-1', script, casesFile], { env: { ...process.env, TZ: 'UTC', JAVA_TOOL_OPTIONS: '' } });
  const rhino = rhinoOut.trim().split('\n').map((l) => JSON.parse(l));
  console.log(`rhino: ${rhino.length} results in ${Date.now() - t} ms`);

  t = Date.now();
  const oursFile = join(work, 'num-ours.jsonl');
  run('cargo', ['test', '--lib', '-q', 'num::oracle::oracle_diff', '--', '--ignored'],
    { cwd: process.env.ORACLE_CARGO_DIR || root, env: { ...process.env, NUM_DIFF_CASES: casesFile, NUM_DIFF_OUT: oursFile }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ours = readFileSync(oursFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  console.log(`ours: ${ours.length} results in ${Date.now() - t} ms`);
  if (ours.length !== cases.length || rhino.length !== cases.length) throw new Error('result counts differ');

  const byOp = {};
  const reasons = {};
  const failures = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i], a = rhino[i], b = ours[i];
    byOp[c.op] = (byOp[c.op] || 0) + 1;
    const same = a.e !== undefined ? a.e === b.e : a.n !== undefined ? b.n !== undefined && sameNum(a.n, b.n) : a.r === b.r;
    if (same) continue;
    const why = documented(c, a, b);
    if (why) {
      reasons[why] = reasons[why] || [];
      reasons[why].push({ c, rhino: a, ours: b });
    } else {
      failures.push({ c, rhino: a, ours: b });
    }
  }
  console.log(`${cases.length} comparisons: ${Object.entries(byOp).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const [why, list] of Object.entries(reasons)) {
    console.log(`documented (${list.length}): ${why}\n  e.g. ${JSON.stringify(list[0])}`);
  }
  for (const f of failures.slice(0, 40)) console.log('DIFF', JSON.stringify(f));
  const documentedCount = Object.values(reasons).reduce((n, l) => n + l.length, 0);
  console.log(`${cases.length - failures.length - documentedCount} same, ${documentedCount} documented, ${failures.length} different`);
  process.exitCode = failures.length ? 1 : 0;
}

main();
