#!/usr/bin/env node
// Differential test of src/script/regex/ (the regular expression engine) against Rhino.
//
//   node scripts/oracle/regex-diff.mjs [--cases N] [--seed S] [--show K] [--release]
//
// Generates N random cases (default 120,000): patterns from a small grammar (literals that
// fold in odd ways, classes with ranges and escapes, groups, lookaheads, backreferences,
// quantifiers of every form, anchors) plus random token soup for the parser, flags (some
// invalid), inputs from a small alphabet, and a lastIndex for global ones; a fifth of them
// "dense" (only 'a' and 'b', longer inputs: backtracking, captures in loops, backreferences)
// and a tenth patterns of the kind templates use on longer inputs. Runs them through
// Rhino 1.7.14 (one JVM, language version 1.8: RegexOracle.java beside this file) and through
// our engine (the ignored Rust test script::regex::tests::oracle_diff, reading REGEX_DIFF_CASES
// and writing REGEX_DIFF_OUT; 10^9 steps of fuel per case, REGEX_DIFF_FUEL to change), and lists
// every difference (exit 1 if any). Counted apart: cases where Rhino throws a Java exception (a
// crash, not a JavaScript error: our answer there is documented in src/script/regex/mod.rs) or
// takes over 5 s, and cases where our fuel runs out (a budget, not an answer). Seeded (--seed).
// REGEX_DIFF_MANIFEST=path/Cargo.toml runs the Rust side in another crate that includes the
// module (when the main crate's tests do not build); --release builds that side optimized.
// Needs java, javac, /usr/share/java/js.jar (`apt-get install -y rhino`) and cargo.

import { spawn, spawnSync } from 'node:child_process';
import vm from 'node:vm';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const work = join(root, 'target', 'oracle-regex');
const JAR = '/usr/share/java/js.jar';
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('--cases', 120000));
const SHOW = Number(arg('--show', 40));
let seed = Number(arg('--seed', 20260415)) >>> 0;

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
const chance = (p) => rnd() < p;

// --- the grammar -----------------------------------------------------------------------------
// Characters whose case mappings are odd: long s, Kelvin sign, micro sign / mu, dotted and
// dotless i, the titlecase DŽ family, Greek with ypogegrammeni, a surrogate.
const ODD = ['ſ', '\u212a', 'µ', 'μ', 'Μ', 'à', 'À', 'İ', 'ı', 'ǅ', 'ǆ', 'Ǆ', 'ᾀ', 'ᾈ', 'ß', 'ÿ', 'Ÿ', '\ud800'];
const SPACES = [' ', '\n', '\r', '\t', '\u000b', '\u000c', '\u00a0', '\u1680', '\u180e', '\u2000', '\u2028', '\u2029', '\u202f', '\ufeff', '\u200b'];
const PLAIN = ['a', 'a', 'a', 'b', 'b', 'c', 'A', 'B', 'k', 'K', 's', 'S', 'i', 'I', '1', '2', '_', '-', ',', '\\', '\u0000', '\u0001', '/'];
const META = '^$\\.*+?()[]{}|/';

function inputChar() {
  const r = rnd();
  if (r < 0.75) return pick(PLAIN);
  if (r < 0.88) return pick(ODD);
  return pick(SPACES);
}
function input() {
  let s = '';
  if (dense) {
    const n = int(24);
    for (let i = 0; i < n; i++) s += chance(0.6) ? 'a' : 'b';
    return s;
  }
  const n = chance(0.1) ? int(30) : int(10);
  for (let i = 0; i < n; i++) s += inputChar();
  return s;
}

// Dense mode: patterns and inputs over 'a' and 'b' only, inputs longer: backtracking, captures
// in loops and backreferences get exercised rather than the parser.
let dense = false;
function literal() {
  if (dense) return pick(['a', 'a', 'b', '.', '[ab]', '[^a]', 'a|b', '']);
  const c = chance(0.8) ? pick(PLAIN.filter((x) => x !== '\u0000')) : chance(0.7) ? pick(ODD) : pick(SPACES);
  return META.includes(c) ? '\\' + c : c;
}

const ESCAPES = ['\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\n', '\\t', '\\r', '\\v', '\\f', '\\0', '\\00', '\\01', '\\07',
  '\\101', '\\377', '\\400', '\\x61', '\\x4', '\\xg', '\\u0041', '\\u212A', '\\u017f', '\\u00', '\\uZ', '\\u', '\\x', '\\cA',
  '\\ca', '\\cz', '\\c1', '\\c_', '\\c', '\\8', '\\9', '\\k', '\\-', '\\/', '\\.', '\\*', '\\[', '\\]', '\\{', '\\}', '\\|', '\\(',
  '\\)', '\\^', '\\$', '\\\\', '\\b', '\\B', '\\ud800'];

function classItem() {
  switch (int(9)) {
    case 0: case 1: return pick(['a', 'b', 'c', 'k', 's', 'A', 'K', 'S', '_', '1', ' ', '^', '-', '.', '$', '*', '(', '[']);
    case 2: return pick(['a-c', 'a-z', 'A-Z', '0-9', 'b-a', 'A-z', 'Z-a', '\\x00-\\x7f', 'a-\\u00e0', 'k-s', '\\u0100-\\u0180',
      '\\u2000-\\u200a', 'à-ÿ', 'ß-ÿ', '\\u00b5-\\u00b6', '-a', 'a-', 'ſ-\\u212a', '\\u1f80-\\u1f88']);
    case 3: return pick(['\\d', '\\D', '\\w', '\\W', '\\s', '\\S', '\\b', '\\B', '\\n', '\\-', '\\]', '\\\\', '\\^']);
    case 4: return pick(['\\x41', '\\x4', '\\xg', '\\u0061', '\\u212a', '\\u', '\\cA', '\\cz', '\\c1', '\\c', '\\0', '\\1', '\\12',
      '\\18', '\\377', '\\400', '\\8', '\\k', '\\.']);
    case 5: return pick(['\\d-z', 'a-\\d', '\\w-a', '\\s-\\x00', '\\cA-Z', '\\cA-\\cZ', '\\cZ-\\cA', '\\x41-\\x5a', 'a-\\x4']);
    case 6: return pick(ODD);
    case 7: return pick(SPACES);
    default: return pick(['a', 'b']);
  }
}
function charClass() {
  let s = '[';
  if (chance(0.3)) s += '^';
  const n = int(4);
  for (let i = 0; i < n; i++) s += classItem();
  if (chance(0.01)) return s; // unterminated
  return s + ']';
}

function quantifier() {
  let q = chance(0.97)
    ? pick(['*', '*', '*', '+', '+', '+', '?', '?', '?', '{0}', '{1}', '{2}', '{0,1}', '{1,3}', '{2,}', '{0,}', '{0,0}', '{,2}',
      '{1', '{1,', '{a}', '{2,3}', '{1,1}'])
    : pick(['{3,2}', '{65535}', '{65534}', '{99999}', '{1,99999}', '{300}']);
  if (chance(0.3)) q += '?';
  if (chance(0.01)) q += pick(['*', '+', '?', '{1}']);
  return q;
}

let groups = 0;
function atom(d) {
  const r = int(20);
  if (dense && r >= 8 && r < 12) return '\\' + (1 + int(3));
  if (r < 7) return literal();
  if (r < 8) return '.';
  if (r < 10) return charClass();
  if (r < 12) return pick(ESCAPES);
  if (r < 13) return pick(['^', '$']);
  if (r < 14) return '\\' + (1 + int(4));
  if (d > 3) return literal();
  const kind = pick(['(', '(', '(', '(?:', '(?:', '(?=', '(?!']);
  if (kind === '(') groups++;
  const body = disjunction(d + 1);
  return kind + body + (chance(0.01) ? '' : ')');
}
function term(d) {
  const a = atom(d);
  // Assertions take no quantifier in Rhino (a SyntaxError): rarely try it.
  const assertion = a === '^' || a === '$' || a === '\\b' || a === '\\B';
  return chance(assertion ? 0.03 : 0.35) ? a + quantifier() : a;
}
function alternative(d) {
  let s = '';
  const n = int(d === 0 ? 5 : 4);
  for (let i = 0; i < n; i++) s += term(d);
  return s;
}
function disjunction(d) {
  let s = alternative(d);
  while (chance(d === 0 ? 0.25 : 0.3)) s += '|' + alternative(d);
  return s;
}
function soup() {
  const toks = ['(', ')', '[', ']', '{', '}', '|', '*', '+', '?', '^', '$', '\\', '.', '-', ',', '0', '1', '2', '9', 'a', 'b', 'c',
    'u', 'x', '=', '!', ':', '\\b', '\\1', '(?', '{1,2}'];
  let s = '';
  const n = 1 + int(10);
  for (let i = 0; i < n; i++) s += pick(toks);
  return s;
}
// Patterns of the kind templates use, on longer inputs made of their pieces.
const REAL = [
  ['^\\s+|\\s+$', 'g'], ['^\\s*(.*?)\\s*$', ''], ['\\s+', 'g'], ['([^,]*),?', 'g'], ['^(\\w+)=(.*)$', 'm'],
  ['(\\d{1,2})/(\\d{1,2})/(\\d{4})', ''], ['^[\\w.+-]+@([\\w-]+\\.)+[a-z]{2,}$', 'i'], ['<(\\w+)[^>]*>(.*?)</\\1>', 'i'],
  ['(["\'])(?:\\\\.|(?!\\1).)*\\1', 'g'], ['\\b(\\w)(\\w*)\\b', 'g'], ['(\\d)(?=(\\d{3})+(?!\\d))', 'g'],
  ['^(?:\\+?33|0)[1-9](?:[ .-]?\\d{2}){4}$', ''], ['&(amp|lt|gt|quot|#\\d+);', 'g'], ['[&<>"\']', 'g'],
  ['^https?://([^/:]+)(:\\d+)?(/.*)?$', 'i'], ['(.)\\1+', 'g'], ['^(a+|b+)*c', ''], ['(?:^|,)("(?:[^"]|"")*"|[^,]*)', 'g'],
  ['\\$\\{([^}]*)\\}', 'g'], ['^\\s*$', 'm'], ['[\\u00c0-\\u017f]+', 'gi'], ['([a-z]+)\\s+\\1', 'gi'],
  ['^(\\d+)(?:\\.(\\d+))?(?:e([+-]?\\d+))?$', 'i'], ['\\r\\n|\\r|\\n', 'g'], ['^.{0,10}', ''], ['(.*?)(\\d+)(.*)', ''],
];
const REAL_PIECES = ['a', 'b', 'c', 'ab', ' ', '  ', '\t', '\n', '\r\n', ',', '"', "'", '=', 'x=1', '12', '2024', '/', '.', '@',
  'me@ex.com', '<b>', '</b>', '<i>', '&amp;', '&lt;', '&#38;', 'http://h:8/p', 'é', 'Ç', 'ſ', '1000000', '0612345678', '+33',
  '${v}', '}', '{', 'aa', 'bbb', 'the the', 'The', 'c', '\\', '\u2028', '\u00a0'];
function realCase() {
  const [p, f] = pick(REAL);
  let s = '';
  const n = int(25);
  for (let i = 0; i < n; i++) s += pick(REAL_PIECES);
  return { p, f: chance(0.8) ? f : flags(), s };
}
function pattern() {
  groups = 0;
  return chance(0.06) ? soup() : disjunction(0);
}
function flags() {
  if (chance(0.02)) return pick(['y', 'gg', 'I', 'x', 'u', 'mim']);
  return pick(['', '', '', '', 'i', 'i', 'i', 'g', 'g', 'm', 'm', 'gi', 'im', 'gm', 'gim', 'ig']);
}

// Rhino's `new RegExp(string)` escapes the slashes that are not escaped (NativeRegExp.escapeRegExp):
// the engine gets the source that way from the interpreter, so both sides get it here.
function escapeRegExp(s) {
  let out = '', start = 0, slash = s.indexOf('/');
  while (slash > -1) {
    if (slash === start || s.charAt(slash - 1) !== '\\') {
      out += s.substring(start, slash) + '\\/';
      start = slash + 1;
    }
    slash = s.indexOf('/', slash + 1);
  }
  return start === 0 ? s : out + s.substring(start);
}

const hex = (s) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('');
const show = (s) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, cwd: root, ...opts });
  if (r.error) throw r.error;
  return r;
}

// --- minimizing ---------------------------------------------------------------------------------
// A line-oriented server: one case a line in, one result a line out.
class Server {
  constructor(cmd, args, opts, prefix) {
    Object.assign(this, { cmd, args, opts, prefix, waiting: [] });
  }
  start() {
    this.proc = spawn(this.cmd, this.args, { cwd: root, stdio: ['pipe', 'pipe', 'ignore'], ...this.opts });
    this.proc.on('exit', () => { this.proc = null; for (const w of this.waiting.splice(0)) w('timeout'); });
    let buf = '';
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d) => {
      buf += d;
      let n;
      while ((n = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, n);
        buf = buf.slice(n + 1);
        if (this.prefix && !line.startsWith(this.prefix)) continue;
        this.waiting.shift()?.(line.slice(this.prefix.length));
      }
    });
  }
  ask(lines) {
    if (!this.proc) this.start();
    const ps = lines.map(() => new Promise((resolve) => this.waiting.push(resolve)));
    this.proc.stdin.write(lines.map((l) => l + '\n').join(''));
    return Promise.all(ps);
  }
  stop() { this.proc?.stdin.end(); }
}

// A pattern's tokens: an atom (escape, class, other unit), a group opening, ")", "|" or a quantifier.
function tokens(p) {
  const t = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i], rest = p.slice(i);
    let m, k = 'atom';
    if (c === '\\') {
      m = /^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|c[a-zA-Z]|[0-9]+|[^]?)/.exec(rest)[0];
    } else if (c === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      while (j < p.length && p[j] !== ']') j += p[j] === '\\' ? 2 : 1;
      m = p.slice(i, j + 1);
    } else if (c === '(') {
      m = /^\(\?[:=!]/.exec(rest)?.[0] ?? '(';
      k = 'open';
    } else if (c === ')' || c === '|') {
      m = c;
      k = c;
    } else if ((m = /^([*+?]|\{\d+(,\d*)?\})\??/.exec(rest)?.[0])) {
      k = 'quant';
    } else m = c;
    t.push({ s: m, k });
    i += m.length;
  }
  return t;
}

// Smaller variants of a case, the biggest cuts first.
function* shrink(c) {
  const t = tokens(c.p);
  const join = (a) => a.map((x) => x.s).join('');
  const close = (i) => { // the index of the ")" closing the group opened at i (or the end)
    for (let d = 0, j = i; j < t.length; j++) {
      if (t[j].k === 'open') d++;
      else if (t[j].k === ')' && --d === 0) return j;
    }
    return t.length - 1;
  };
  const variant = (p) => ({ ...c, p });
  // Alternatives: drop one (with its bar).
  for (let i = 0; i < t.length; i++) if (t[i].k === '|') {
    let a = i, d = 0;
    while (a > 0 && !(d === 0 && (t[a - 1].k === '|' || t[a - 1].k === 'open'))) { a--; if (t[a].k === ')') d++; else if (t[a].k === 'open') d--; }
    let b = i + 1; d = 0;
    while (b < t.length && !(d === 0 && (t[b].k === '|' || t[b].k === ')'))) { if (t[b].k === 'open') d++; else if (t[b].k === ')') d--; b++; }
    yield variant(join([...t.slice(0, a), ...t.slice(i + 1)]));
    yield variant(join([...t.slice(0, i), ...t.slice(b)]));
  }
  // Terms: drop an atom or group with its quantifiers.
  for (let i = 0; i < t.length; i++) if (t[i].k === 'atom' || t[i].k === 'open') {
    let e = t[i].k === 'open' ? close(i) + 1 : i + 1;
    while (e < t.length && t[e].k === 'quant') e++;
    yield variant(join([...t.slice(0, i), ...t.slice(e)]));
  }
  // Groups: unwrap, or make non-capturing.
  for (let i = 0; i < t.length; i++) if (t[i].k === 'open') {
    const e = close(i);
    yield variant(join([...t.slice(0, i), ...t.slice(i + 1, e), ...t.slice(e + 1)]));
    if (t[i].s === '(') yield variant(join([...t.slice(0, i), { s: '(?:' }, ...t.slice(i + 1)]));
  }
  // Quantifiers: drop one.
  for (let i = 0; i < t.length; i++) if (t[i].k === 'quant') yield variant(join([...t.slice(0, i), ...t.slice(i + 1)]));
  // Inside classes and escapes: drop a unit.
  for (let i = 0; i < t.length; i++) if (t[i].k === 'atom' && t[i].s.length > 2) {
    for (let j = 1; j < t[i].s.length - 1; j++) yield variant(join([...t.slice(0, i), { s: t[i].s.slice(0, j) + t[i].s.slice(j + 1) }, ...t.slice(i + 1)]));
  }
  // Flags, input, lastIndex.
  for (let j = 0; j < c.f.length; j++) yield { ...c, f: c.f.slice(0, j) + c.f.slice(j + 1) };
  if (c.s) yield { ...c, s: '', st: 0 };
  for (let j = 0; j < c.s.length; j++) yield { ...c, s: c.s.slice(0, j) + c.s.slice(j + 1), st: Math.min(c.st, c.s.length - 1) };
  if (c.st) yield { ...c, st: 0 };
}

const outcome = (r) => (r.startsWith('i=') ? 'match' : r === 'null' ? 'null' : r.replace(/^(e=\w+).*$/s, '$1'));

async function minimizeAll(list) {
  const rh = new Server('java', ['-Xmx1g', '-Xss16m', '-cp', `${JAR}:${work}`, 'RegexOracle', '-'], { env: { ...process.env, TZ: 'UTC' } }, '');
  const us = new Server('cargo', ['test', ...manifest, ...release, '--lib', '-q', 'regex::tests::oracle_serve', '--', '--ignored', '--nocapture'],
    { env: { ...process.env, REGEX_DIFF_FUEL: '10000000' } }, 'R ');
  const memo = new Map();
  const line = (c) => `${hex(c.p)}\t${c.f}\t${hex(c.s)}\t${c.st}`;
  const evalAll = async (cs) => {
    const todo = [...new Set(cs.map(line))].filter((l) => !memo.has(l));
    if (todo.length) {
      const [a, b] = await Promise.all([rh.ask(todo), us.ask(todo)]);
      todo.forEach((l, j) => memo.set(l, { rhino: a[j], ours: b[j] }));
    }
    return cs.map((c) => ({ ...c, ...memo.get(line(c)) }));
  };
  const out = new Map();
  let done = 0;
  for (const i of list) {
    let [c] = await evalAll([{ p: cases[i].p, f: cases[i].f, s: cases[i].s, st: cases[i].st }]);
    const want = [outcome(c.rhino), outcome(c.ours)];
    const ok = (d) => d.rhino !== 'timeout' && !d.rhino.startsWith('crash=') && d.ours !== 'e=OutOfFuel'
      && kind(d.rhino) !== kind(d.ours) && outcome(d.rhino) === want[0] && outcome(d.ours) === want[1] && v8(d) === kind(d.ours);
    if (ok(c)) {
      for (let round = 0; round < 200; round++) {
        const cand = [...shrink(c)];
        const next = (await evalAll(cand)).find(ok);
        if (!next) break;
        c = next;
      }
    } else c = { ...cases[i], rhino: rhino[i], ours: ours[i] }; // not reproducible with less fuel
    out.set(i, c);
    if (++done % 500 === 0) console.log(`  minimized ${done}/${list.length}`);
  }
  rh.stop();
  us.stop();
  return out;
}

// --- main --------------------------------------------------------------------------------------
mkdirSync(work, { recursive: true });
const cases = [];
for (let i = 0; i < N; i++) {
  let p, f, s;
  dense = chance(0.2);
  if (chance(0.1)) ({ p, f, s } = realCase());
  else [p, f, s] = [pattern(), flags(), input()];
  p = escapeRegExp(p);
  const st = f.includes('g') ? int(s.length + 2) : 0;
  cases.push({ p, f, s, st });
}
const casesFile = join(work, 'cases.tsv');
const lines = cases.map((c) => `${hex(c.p)}\t${c.f}\t${hex(c.s)}\t${c.st}`);
writeFileSync(casesFile, lines.join('\n') + '\n');

let t = Date.now();
// Rhino's results are kept per (seed, count): --reuse skips running Rhino again.
const rhinoCache = join(work, `rhino-${arg('--seed', 20260415)}-${N}.txt`);
const rhino = [];
if (process.argv.includes('--reuse') && existsSync(rhinoCache)) rhino.push(...readFileSync(rhinoCache, 'utf8').split('\n').slice(0, N));
else {
const javac = run('javac', ['-nowarn', '-cp', JAR, '-d', work, join(here, 'RegexOracle.java')]);
if (javac.status !== 0) throw new Error('javac failed:\n' + javac.stderr);
// Rhino runs the cases; a case that times out ends the JVM (status 3): start again after it.
while (rhino.length < cases.length) {
  const r = run('java', ['-Xmx1g', '-Xss16m', '-cp', `${JAR}:${work}`, 'RegexOracle', casesFile, String(rhino.length)],
    { env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const got = r.stdout.split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
  if (got.length === 0) throw new Error('Rhino gave no result:\n' + r.stderr);
  rhino.push(...got);
  if (r.status !== 0 && r.status !== 3) throw new Error(`java exited with ${r.status}:\n${r.stderr}`);
}
console.log(`rhino: ${rhino.length} results in ${Date.now() - t} ms`);
writeFileSync(rhinoCache, rhino.join('\n') + '\n');
}

t = Date.now();
const oursFile = join(work, 'ours.txt');
// REGEX_DIFF_MANIFEST: another Cargo.toml whose library includes the module (to test it alone).
const manifest = process.env.REGEX_DIFF_MANIFEST ? ['--manifest-path', process.env.REGEX_DIFF_MANIFEST] : [];
const release = process.argv.includes('--release') ? ['--release'] : [];
const cargo = run('cargo', ['test', ...manifest, ...release, '--lib', '-q', 'regex::tests::oracle_diff', '--', '--ignored'], {
  env: { ...process.env, REGEX_DIFF_CASES: casesFile, REGEX_DIFF_OUT: oursFile },
  stdio: ['ignore', 'pipe', 'pipe'],
});
if (cargo.status !== 0) throw new Error('cargo test failed:\n' + cargo.stdout + cargo.stderr);
const ours = readFileSync(oursFile, 'utf8').split('\n').slice(0, cases.length);
console.log(`ours: ${ours.length} results in ${Date.now() - t} ms`);
if (ours.length !== cases.length || rhino.length !== cases.length) throw new Error('result counts differ');

const decode = (r) => r.replace(/(^|[=,])([0-9a-f]{4,})(?=,|$)/g, (_, pre, h) => pre + show(h.match(/.{4}/g).map((x) => String.fromCharCode(parseInt(x, 16))).join('')));
// Errors compare by kind: our messages are SpiderMonkey's, not Rhino's.
const kind = (r) => (r.startsWith('e=') ? r.replace(/^(e=\w+).*$/s, '$1') : r);
// V8 (this node), a second reference: its regular expressions without the `u` flag follow ES5's
// rules plus Annex B, and add only lookbehind, named groups and the flags y, u, s, d, v.
// Run in a context with a timeout (2 s: "timeout"), as V8 backtracks without bound too.
const v8Context = vm.createContext({ hex });
const v8Exec = vm.runInContext(`(function (p, f, s, st) {
  try {
    const re = new RegExp(p, f);
    re.lastIndex = st;
    const m = re.exec(s);
    return m === null ? 'null' : 'i=' + m.index + ';m=' + Array.from(m, (x) => (x === undefined ? '-' : hex(x))).join(',');
  } catch (e) {
    return 'e=' + e.name;
  }
})`, v8Context);
const v8Memo = new Map();
function v8(c) {
  const key = JSON.stringify(c);
  if (!v8Memo.has(key)) {
    v8Context.args = [c.p, c.f, c.s, c.st];
    let r;
    try {
      r = vm.runInContext('v8Exec(...args)', Object.assign(v8Context, { v8Exec }), { timeout: 2000 });
    } catch {
      r = 'timeout';
    }
    v8Memo.set(key, r);
  }
  return v8Memo.get(key);
}
const postEs5 = (c) => /\(\?</.test(c.p) || /[^gim]/.test(c.f);
let same = 0, crashes = 0, timeouts = 0;
const outOfFuel = [];
const crashKinds = {};
const diffs = [];
for (let i = 0; i < cases.length; i++) {
  const a = kind(rhino[i]), b = kind(ours[i]);
  if (a.startsWith('crash=')) {
    crashes++;
    crashKinds[a] = (crashKinds[a] || 0) + 1;
    continue;
  }
  if (a === 'timeout') {
    timeouts++;
    continue;
  }
  if (a === b) same++;
  else if (b === 'e=OutOfFuel') outOfFuel.push(i); // our budget ran out: no answer to compare
  else diffs.push(i);
}
const kinds = { match: 0, null: 0, error: 0 };
for (const r of rhino) kinds[r.startsWith('i=') ? 'match' : r === 'null' ? 'null' : 'error']++;
console.log(`${cases.length} cases (Rhino: ${kinds.match} matches, ${kinds.null} no match, ${kinds.error} errors or crashes)`);
const errs = {};
for (const r of rhino) if (r.startsWith('e=')) { const k = r.replace(/(Invalid quantifier|Overly large \w+|Maximum) .*/, '$1 ...'); errs[k] = (errs[k] || 0) + 1; }
console.log('Rhino errors: ' + Object.entries(errs).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${v} ${k}`).join('; '));
console.log(`${same} agree, ${diffs.length} differ; Rhino crashed on ${crashes} ${JSON.stringify(crashKinds)}, timed out on ${timeouts}; `
  + `we ran out of fuel (10^9 steps) on ${outOfFuel.length} that Rhino answered`);
for (const i of outOfFuel.slice(0, SHOW)) {
  const c = cases[i];
  console.log(`out of fuel: #${i} /${show(c.p).slice(1, -1)}/${c.f} on ${show(c.s)}: rhino ${decode(rhino[i])}, v8 ${decode(v8(c))}`);
}

// Every difference with Rhino must be V8's answer too (then it is a Rhino deviation from ES5), or
// V8's own post-ES5 syntax; anything else is ours to explain. --minimize then reduces each
// difference to a smallest case that still differs the same way (Rhino's answer of one kind,
// ours of another, V8's ours), and sorts those by the deviation they show (see
// src/script/regex/mod.rs for the list, with the sections of the specification).
const causes = new Map();
const note = (name, i) => { if (!causes.has(name)) causes.set(name, []); causes.get(name).push(i); };
let unexplained = 0;
const rhinoDiffs = [];
for (const i of diffs) {
  const c = cases[i];
  if (v8(c) !== kind(ours[i])) {
    if (postEs5(c)) note('V8 post-ES5 syntax (lookbehind, named groups, flags y/u/s/d/v): ES5 says SyntaxError', i);
    else { note('OURS DIFFERS FROM V8 TOO', i); unexplained++; }
  } else rhinoDiffs.push(i);
}
const minimal = new Map(); // case index -> smallest case
if (process.argv.includes('--minimize')) {
  t = Date.now();
  const m = await minimizeAll(rhinoDiffs);
  for (const [i, c] of m) minimal.set(i, c);
  console.log(`minimized ${rhinoDiffs.length} differences in ${Date.now() - t} ms`);
}
const distinct = new Map(); // category -> Map(minimal case text -> count)
for (const i of rhinoDiffs) {
  const c = minimal.get(i) ?? { ...cases[i], rhino: rhino[i], ours: ours[i] };
  const cat = classify(c);
  if (cat === null) unexplained++;
  const name = cat ?? 'UNCLASSIFIED (V8 agrees with us)';
  note(name, i);
  if (!distinct.has(name)) distinct.set(name, new Map());
  const text = `/${show(c.p).slice(1, -1)}/${c.f} on ${show(c.s)}${c.st ? ' lastIndex ' + c.st : ''}: rhino ${decode(c.rhino)}, ours ${decode(c.ours)}`;
  distinct.get(name).set(text, (distinct.get(name).get(text) || 0) + 1);
}
writeFileSync(join(work, 'diffs.json'), JSON.stringify(diffs.map((i) => ({ i, ...cases[i], rhino: rhino[i], ours: ours[i], v8: v8(cases[i]), minimal: minimal.get(i) }))));
console.log(`\nDifferences by cause (${diffs.length}; details in target/oracle-regex/diffs.json):`);
for (const [name, list] of [...causes].sort((a, b) => b[1].length - a[1].length)) {
  const d = distinct.get(name);
  console.log(`\n${list.length} ${name}` + (d ? ` (${d.size} distinct${minimal.size ? ' minimal' : ''} cases; the most frequent:)` : ''));
  if (d) for (const [text, n] of [...d].sort((a, b) => b[1] - a[1]).slice(0, SHOW)) console.log(`  ${n} x ${text}`);
  else for (const i of list.slice(0, SHOW)) {
    const c = cases[i];
    console.log(`  #${i} /${show(c.p).slice(1, -1)}/${c.f} on ${show(c.s)}: rhino ${decode(rhino[i])}, ours ${decode(ours[i])}, v8 ${decode(v8(c))}`);
  }
}
const crashList = rhino.map((r, i) => (r.startsWith('crash=') || r === 'timeout' ? i : -1)).filter((i) => i >= 0);
if (crashList.length) console.log(`\nRhino crashed or timed out (our answer instead; V8's):`);
for (const i of crashList.slice(0, SHOW)) {
  const c = cases[i];
  console.log(`#${i} /${show(c.p).slice(1, -1)}/${c.f} on ${show(c.s)}: rhino ${rhino[i]}, ours ${decode(ours[i])}, v8 ${decode(v8(c))}`);
}
console.log(`\n${unexplained} unexplained`);
process.exit(unexplained ? 1 : 0);

// Which of Rhino's deviations a (minimized) difference shows, by the construct it contains (the
// first that applies); null: none known. The names say what ES5 does, with its sections.
function classify(c) {
  const outside = c.p.replace(/\[(\\.|[^\]\\])*\]?/g, 'C'); // the pattern without its classes
  const classes = c.p.match(/\[(\\.|[^\]\\])*\]?/g) ?? [];
  const ncap = (outside.match(/\((?!\?)/g) ?? []).length - (outside.match(/\\\(/g) ?? []).length;
  const backrefs = [...outside.matchAll(/\\+([1-9][0-9]*)/g)].filter((m) => (m[0].length - m[1].length) % 2 === 1).map((m) => Number(m[1]));
  const rh = kind(c.rhino), us = kind(c.ours);
  if (/Overly large/.test(c.rhino)) return 'counts of 65535 and more (and backreference numbers): ES5 sets no bound (§15.10.1 DecimalDigits); Rhino: "Overly large minimum"';
  if (/nothing to repeat/.test(c.ours) && rh !== 'e=SyntaxError') return 'a quantifier with nothing to repeat: after an assertion (`^*`, `\\b{1}`: Term :: Assertion takes none, §15.10.1), a quantifier or at the start (`{1}`, `a{1}{2}`: B.1.4 InvalidBracedQuantifier); Rhino reads `{n}` as text or quantifies the assertion';
  if (classes.some((k) => /\\c/.test(k))) return '`\\c` in a class: `\\cA` is U+0001 (§15.10.2.10), `\\c1` and `\\c_` control characters (B.1.4 ClassControlLetter); Rhino reads `[\\cA-Z]` as an invalid range, `[Z-\\cA]` as a valid one, `[\\c1]` as `\\`, `c`, `1`';
  if (/invalid range in character class/.test(c.ours) && rh !== 'e=SyntaxError') return 'an out-of-order range is a SyntaxError when the pattern compiles (§15.10.2.15 CharacterRange); Rhino checks the ranges of a class holding a class escape only when a match first tries it';
  if (/\\(x(?![0-9a-fA-F]{2})|u(?![0-9a-fA-F]{4}))/.test(c.p.replace(/\\\\/g, ''))) return 'an incomplete `\\x` or `\\u` is the letter itself (B.1.4 IdentityEscape; `\\x4` is "x4"); Rhino reads the digits there are (`\\x4` is U+0004, `\\u` U+0000)';
  if (/(^|[^\\])(\\\\)*\\[89]/.test(outside) && backrefs.every((n) => n > ncap)) return '`\\8` and `\\9` (no such group) are "8" and "9" (B.1.4 IdentityEscape); Rhino: a backslash, then the digit';
  if (backrefs.some((n) => n > ncap)) return 'a backreference number above the group count is an octal escape, and only that one (B.1.4: DecimalEscape only up to NcapturingParens); Rhino then reads every `\\1`-`\\7` of the pattern as octal';
  if (/\{0(,0)?\}/.test(outside)) return '`x{0}` and `x{0,0}` match empty (§15.10.2.5 RepeatMatcher step 1: max zero, no iteration); Rhino repeats them like `x*`';
  if (/\(\?[=!]/.test(c.p)) return 'a lookahead whose body matches empty: `(?=)` succeeds, `(?!)` fails (§15.10.2.8); Rhino inverts the result then';
  if (/invalid range in character class/.test(c.rhino) && us !== 'e=SyntaxError' && c.f.includes('i')) return 'a class under `i` with a range whose case images are out of order (`[a-\\u00e0]`, `[5-b]`): valid (§15.10.2.15, ranges compare the characters themselves); Rhino throws "invalid range" when the class is first used';
  if (/\[(\\.|[^\]\\])*\\[dDwWsS]-|-\\[dDwWsS]/.test(c.p)) return 'a class escape at the end of a range is a union with "-" (B.1.4 NonemptyClassRanges); Rhino: "Invalid range" for some';
  if (/\)(\*|\+|\?|\{)/.test(outside) && ncap > 0) return 'captures inside a quantified group are reset at each iteration (§15.10.2.5 RepeatMatcher step 4); Rhino keeps those of earlier iterations';
  if (c.f.includes('i')) return 'case folding: Canonicalize (§15.10.2.8) is toUpperCase of the unit when that is one unit, never non-ASCII to ASCII, and a class matches when one of its members canonicalizes as the input does; Rhino uses Java\'s simple mappings, per class an upper and a lower case';
  return null;
}
