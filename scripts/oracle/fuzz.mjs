#!/usr/bin/env node
// The differential fuzzer of the personalization language: random JSSP template cases run by
// Rhino (the oracle, scripts/oracle/run.mjs) and by our interpreter (the render_cases example),
// compared, every difference shrunk and filed by signature. NOTES.md ("Differential fuzzer")
// says what it generates, compares and normalizes.
//
//   npm run fuzz -- templates [--cases N] [--seed S] [--jobs J] [--out DIR] [options]
//   node scripts/oracle/fuzz.mjs   (same options)
//
//   --seed N        the run's seed (default 1); case i of seed N is always the same case
//   --cases N       cases to compare (default 100000; also --count)
//   --jobs J        Rhino JVMs (default 2; our side is one process, far faster)
//   --out DIR       where the shrunk differences go (default tmp/fuzz-templates), one file per
//                   signature, merged with the files already there (--fresh empties it first)
//   --window W      cases in flight per JVM (default 48)
//   --shrink-budget N  checks (pairs of runs) per shrink at most (default 1500)
//   --no-shrink     file differences unshrunk
//   --include-known generate the constructs of NOTES.md's "Where Rhino is not Campaign's
//                   SpiderMonkey" list too (off by default: they only find known divergences)
//   --dump N        print the first N generated cases (template and ctx) and exit
//   --emit N        print the first N generated cases as JSON lines (render_cases' and --serve's
//                   input) and exit
//   --case I        run only case I of the seed, print both results, and shrink a difference
//   --small         smaller templates (depth ≤ 2, 1–4 pieces): about three times the
//                   comparisons per second, for long runs
//   --no-build      do not run cargo build first
//
// Needs java/javac 17 and /usr/share/java/js.jar (`apt-get install -y rhino`), and cargo.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Oracle, root } from './run.mjs';

// --- options ---------------------------------------------------------------------------------

function parseArgs(argv) {
  const o = { seed: 1, count: 100000, jobs: 2, out: join(root, 'tmp', 'fuzz-templates'), window: 48, shrink: true,
    shrinkBudget: 1500, small: false, includeKnown: false, dump: 0, caseIndex: null, build: true, fresh: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${a} takes a value`);
      return x;
    };
    const num = () => {
      const x = Number(v());
      if (!Number.isFinite(x) || x < 0) throw new Error(`${a} takes a number`);
      return x;
    };
    if (a === '--seed') o.seed = num() >>> 0;
    else if (a === '--count' || a === '--cases') o.count = num();
    else if (a === '--jobs') o.jobs = Math.max(1, num());
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--window') o.window = Math.max(1, num());
    else if (a === '--shrink-budget') o.shrinkBudget = num();
    else if (a === '--no-shrink') o.shrink = false;
    else if (a === '--include-known') o.includeKnown = true;
    else if (a === '--dump') o.dump = num();
    else if (a === '--emit') o.emit = num();
    else if (a === '--case') o.caseIndex = num();
    else if (a === '--no-build') o.build = false;
    else if (a === '--small') o.small = true;
    else if (a === '--fresh') o.fresh = true;
    else throw new Error(`unknown argument ${a} (see the top of scripts/oracle/fuzz.mjs)`);
  }
  return o;
}

// --- random ----------------------------------------------------------------------------------

function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of case i of a run: a hash of both, so that every case can be made alone. */
function caseSeed(seed, i) {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

class Rand {
  constructor(seed) {
    this.f = mulberry32(seed);
  }
  float() {
    return this.f();
  }
  int(n) {
    return Math.floor(this.f() * n);
  }
  range(a, b) {
    return a + this.int(b - a + 1);
  }
  chance(p) {
    return this.f() < p;
  }
  pick(a) {
    return a[this.int(a.length)];
  }
  /** [[weight, value or function], …]: a value, or what the function returns (null: try again). */
  weighted(table) {
    for (let tries = 0; tries < 20; tries++) {
      let total = 0;
      for (const [w] of table) total += w;
      let x = this.f() * total;
      for (const [w, v] of table) {
        x -= w;
        if (x < 0) {
          const r = typeof v === 'function' ? v() : v;
          if (r != null) return r;
          break;
        }
      }
    }
    return null;
  }
}

// --- the trees (generated, printed, shrunk) --------------------------------------------------
//
// A node is {cat, kind, parts} (printed as its parts one after the other; a part is a string or a
// node) or {cat, kind, items, sep} (a list: items joined by sep; the shrinker removes items).
// cat says what the shrinker may put in its place: a node of cat 'e' (expression), 's'
// (statement), 'p' (a template piece) or 'xe' (a ctx element) may be replaced by a node of the
// same cat found inside it; lists of those cats lose items. kind names the construct, for the
// signature of a difference (null: not worth naming).

const node = (cat, kind, ...parts) => ({ cat, kind, parts: parts.flat(Infinity) });
const list = (cat, kind, items, sep = '') => ({ cat, kind, items, sep });
const E = (kind, ...parts) => ({ cat: 'e', kind, parts: parts.flat(Infinity), prim: true });

function print(n) {
  if (typeof n === 'string') return n;
  if (n.items) {
    let s = '';
    for (let i = 0; i < n.items.length; i++) s += (i ? n.sep : '') + print(n.items[i]);
    return s;
  }
  let s = '';
  for (const p of n.parts) s += typeof p === 'string' ? p : print(p);
  return s;
}

/** An expression in a position that needs a primary expression (a receiver). */
const recv = (e) => (e.prim ? e : { cat: 'w', kind: null, parts: ['(', e, ')'], prim: true });

/** A JavaScript string literal. */
function jsStr(s, r) {
  const q = r && r.chance(0.3) ? "'" : '"';
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + q;
}

// --- the values the generator draws from -----------------------------------------------------

const NUMS = ['0', '1', '2', '3', '4', '7', '10', '16', '100', '255', '1000', '0.5', '1.5', '2.5', '0.1', '0.2', '0.3', '1e21', '1e-7',
  '123.456', '12.345', '2147483647', '2147483648', '4294967295', '4294967296', '9007199254740993', '1e3', '5e-324',
  '1.7976931348623157e308', '0.000001', '1000000', '0x1F', '3.14159', '99.99', '1e100', '31', '32', '33'];
const NEG_NUMS = ['-1', '-0', '-2.5', '-7', '-0.5', '-1e21', '-2147483649', '-Infinity'];
const SPECIAL_NUMS = ['NaN', 'Infinity', 'Number.MAX_VALUE', 'Number.MIN_VALUE', 'Math.PI', 'Math.E', 'Math.LN2', 'Math.SQRT1_2',
  'Number.POSITIVE_INFINITY', 'Number.NaN'];
const STRS = ['', 'a', 'b', 'abc', 'ABC', 'AbC', 'Hello World', ' x ', '  12px', '10', '9', '007', '1e3', '0x1A', '-0', '3.50', ' 42 ',
  'true', 'false', 'null', 'undefined', 'NaN', 'Infinity', 'a,b,,c', 'a-b-c', 'x&y<z>"q"\'', 'é', 'naïve café', 'Straße', '€ 5',
  '\t\n', 'aaa', 'abcabc', '2026-03-02', '2026-03-02T08:15:30Z', 'a.b.c', 'foo@bar.com', '12.50', '\u00a0x\u00a0', ',', ' ',
  'line1\nline2', 'a%20b', '%E9', '%', '$1', 'a\\b', 'one two  three', 'x1y22z333', 'Mr. Smith', 'UPPER lower', '\ufeffbom',
  'tab\there', '12,5', '1 000', '+5', '.5', '5.', 'Z', 'zz', '😀', '<b>bold</b>', 'a=1&b=2'];
const WORDS = ['alpha', 'beta', 'gamma', 'Hello', 'World', 'x', '42', '3.5', '-1', 'Ünïcödé', 'A&B', 'a<b', 'q"q', "it's", '€', 'tab\tx'];
const REGEXES = [
  ['/a/', 0], ['/a/g', 0], ['/b+/g', 0], ['/[aeiou]/gi', 0], ['/(\\w+)@(\\w+)/', 2], ['/(\\d+)/g', 1], ['/\\d+/', 0],
  ['/^\\s+|\\s+$/g', 0], ['/\\s+/g', 0], ['/(a)|(b)/g', 2], ['/x*/g', 0], ['/\\b\\w/g', 0], ['/(\\d{2})-(\\d{2})/', 2],
  ['/[.*+?^${}()|[\\]\\\\]/g', 0], ['/a(?=b)/g', 0], ['/(?:ab)+/', 0], ['/^/gm', 0], ['/$/m', 0], ['/[^a-z]/gi', 0],
  ['/(a+)(b*)/g', 2], ['/,/', 0], ['/(,)/', 1], ['/\\./g', 0], ['/([A-Z])/g', 1], ['/./g', 0], ['/l+/', 0], ['/(o)(?!o)/g', 1],
  ['/\\u00e9|é/g', 0], ['/(x)?y/', 1], ['/&/g', 0], ['/[<>&"]/g', 0], ['/\\s/', 0], ['/(\\w)(\\w)?/g', 2], ['/e/i', 0]];
const REPLACEMENTS = ['', '-', '$1', '[$&]', '$`', "$'", '$$', '$2', '$0', '$10', '<$1>', 'x$1y$2z', '$', '\\', '&amp;', '$&$&'];
const FORMATS = ['%2D/%2M/%4Y', '%2D/%2M/%4Y %2H:%2N', '%4Y-%2M-%2D', '%D %B %4Y', '%A %D %Bl %4Y', '%Al %Bi', '%2H:%2N:%2S',
  '%I:%2N %P', '%J', '%W', '%2Y', '%%', '%Q', 'x', '', '%4Y/%2M/%2D %2H:%2N:%2S', '%02H', '%3D', '%M', '%Ai %Bl'];
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Europe/London', 'America/Los_Angeles'];
const XML_NAMES = ['a', 'b', 'c', 'item', 'name', 'price', 'order', 'line', 'x-y', 'c_d', 'customer', 'list', 'p', 'sku', 'qty'];
const ATTR_NAMES = ['id', 'type', 'n', 'label', 'v', 'a-b', 'date', 'name', 'x'];
const TEXT_VALUES = ['1', '2', '2.50', '-3', '007', '1e3', '10', '0', 'NaN', 'abc', 'Hello World', 'x&y', '<b>', 'a"b', "it's", 'é',
  'true', 'null', '2026-03-02', '2026/03/02 08:15:00', '2026-03-02T08:15:00Z', 'Mr', 'Ms', 'FR', 'en', '12,5', '3.14159', 'A'];

// --- the ctx -----------------------------------------------------------------------------------
//
// The model (what the generator knows of the ctx, to write paths that exist): {name, attrs: [[k, v]],
// kids: [element | {text}]}; the printed tree is made from it.

function escText(s, r) {
  let out = '';
  for (const ch of s) {
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += r.chance(0.5) ? '&gt;' : '>';
    else if (ch === "'" && r.chance(0.3)) out += '&apos;';
    else if (ch === '"' && r.chance(0.3)) out += '&quot;';
    else if (ch.codePointAt(0) > 127 && r.chance(0.3)) out += r.chance(0.5) ? `&#${ch.codePointAt(0)};` : `&#x${ch.codePointAt(0).toString(16)};`;
    else out += ch;
  }
  return out;
}
const escAttr = (s, r) => escText(s, r).replace(/"/g, '&quot;').replace(/\t/g, '&#9;');
const ENTITY_RE = /&/;

class Ctx {
  constructor(r, known) {
    this.r = r;
    this.known = known;
  }

  make() {
    const r = this.r;
    const root = { name: 'ctx', attrs: [], kids: [], parent: null };
    const n = r.range(0, 4);
    if (r.chance(0.3)) root.attrs = this.attrs();
    for (let i = 0; i < n; i++) root.kids.push(this.element(root, r.range(0, 3)));
    this.root = root;
    return { model: root, tree: this.printElement(root, true) };
  }

  attrs() {
    const r = this.r;
    const names = [...new Set(Array.from({ length: r.range(1, 3) }, () => r.pick(ATTR_NAMES)))];
    // Rhino prints attributes sorted by name (NOTES.md, 1): keep them sorted unless asked not to.
    if (!this.known) names.sort();
    return names.map((k) => [k, r.chance(0.85) ? r.pick(TEXT_VALUES) : '']);
  }

  element(parent, depth) {
    const r = this.r;
    const el = { name: r.pick(XML_NAMES), attrs: r.chance(0.6) ? this.attrs() : [], kids: [], parent };
    if (depth > 0 && r.chance(0.7)) {
      const n = r.range(1, 4);
      // Repeated names: siblings often share one.
      const names = [r.pick(XML_NAMES), r.pick(XML_NAMES)];
      for (let i = 0; i < n; i++) {
        if (r.chance(0.2)) el.kids.push({ text: r.pick(WORDS) });
        else {
          const k = this.element(el, depth - 1);
          if (r.chance(0.7)) k.name = names[i % 2];
          el.kids.push(k);
        }
      }
      // Mixed content with whitespace around its text: both engines trim there.
      if (el.kids.length > 1 && r.chance(0.2)) el.kids.splice(r.int(el.kids.length), 0, { text: r.pick(['  padded ', '\n  x\n', ' ']) });
    } else if (r.chance(0.75)) {
      let t = r.pick(TEXT_VALUES);
      // A single text child with spaces around it: Rhino trims it, SpiderMonkey does not (NOTES.md, 4).
      if (this.known && r.chance(0.2)) t = ` ${t}  `;
      el.kids.push({ text: t, cdata: r.chance(0.05) });
    }
    return el;
  }

  printElement(el, isRoot) {
    const r = this.r;
    const attrs = list('xa', null, el.attrs.map(([k, v]) => {
      const text = escAttr(v, r);
      return node('xat', ENTITY_RE.test(text) ? 'x:attr-entity' : null, ` ${k}="${text}"`);
    }));
    const kids = list('xk', null, el.kids.map((k) => {
      if (k.name) return this.printElement(k, false);
      if (k.cdata) return node('xt', 'x:cdata', `<![CDATA[${k.text}]]>`);
      const text = escText(k.text, r);
      return node('xt', ENTITY_RE.test(text) ? 'x:entity' : /^\s|\s$/.test(k.text) ? 'x:space' : null, text);
    }));
    const extra = [];
    if (r.chance(0.03)) extra.push(node('xt', 'x:comment', '<!-- note -->'));
    if (r.chance(0.02)) extra.push(node('xt', 'x:pi', '<?pi data?>'));
    if (extra.length) kids.items.splice(r.int(kids.items.length + 1), 0, ...extra);
    const ws = (!isRoot && r.chance(0.1)) ? '\n  ' : '';
    if (el.kids.length === 0 && !extra.length && r.chance(0.6)) return node(isRoot ? 'xr' : 'xe', null, `<${el.name}`, attrs, '/>');
    return node(isRoot ? 'xr' : 'xe', null, ws, `<${el.name}`, attrs, '>', kids, `</${el.name}>`);
  }
}

/** The elements of a model set: children, descendants, by name. */
const elems = (set) => set.filter((x) => x.name);
const childElems = (set) => set.flatMap((e) => (e.kids || []).filter((k) => k.name));
function descendants(set) {
  const out = [];
  const walk = (e) => {
    for (const k of e.kids || []) if (k.name) {
      out.push(k);
      walk(k);
    }
  };
  for (const e of set) walk(e);
  return out;
}

// --- the template generator ------------------------------------------------------------------
//
// Typed: every expression is made for a type ('num', 'str', 'bool', 'arr', 'obj', 'fn', 'date',
// 're', 'xl' (an E4X value: XML or XMLList, with the model nodes it holds), 'any'), so that most
// programs run without a TypeError; variables are tracked with their types in scopes, and are
// only assigned values of their own type. Every loop is bounded by a counter that the body does
// not touch.

const PRINTABLE = ['num', 'str', 'bool', 'arr', 'obj', 'xl', 'any'];
const SPECIAL_ANY = ['null', 'undefined', 'NaN', '(-0)', '[]', '{}', '[0]', '[1, 2]', '[[]]', '[null]', '""', '"0"', '" "', '"\\n"',
  'new Number(0)', 'new String("")', 'new Boolean(false)', 'true', 'false', '1e21', 'Infinity', '(-Infinity)', '[undefined]',
  '{valueOf: function () { return 7; }}', '{toString: function () { return "ts"; }}', 'new Date(0)', '[1, [2, [3]]]', '(void 0)'];

class Gen {
  constructor(r, known, ctx, event) {
    this.r = r;
    this.known = known;
    this.ctx = ctx; // the ctx model's root
    this.event = event;
    this.n = 0;
    this.scope = { vars: [], parent: null, fn: true };
    this.loopDepth = 0;
    this.blockDepth = 0; // blocks inside the current function (function declarations only at 0)
    this.fnDepth = 0;
    this.noLet = false; // in a personalization block (it may be included twice)
    this.inTry = 0;
  }

  fresh(p) {
    return `${p}${this.n++}`;
  }

  vars(t, pred) {
    const out = [];
    for (let s = this.scope; s; s = s.parent) for (const v of s.vars) if ((t === null || v.t === t) && (!pred || pred(v))) out.push(v);
    return out;
  }

  declare(name, t, meta = {}, ro = false) {
    this.scope.vars.push({ name, t, meta, ro });
  }

  pushScope(fn = false) {
    this.scope = { vars: [], parent: this.scope, fn };
  }

  popScope() {
    this.scope = this.scope.parent;
  }

  varRef(t, pred) {
    const vs = this.vars(t, pred);
    if (!vs.length) return null;
    const v = this.r.pick(vs);
    const e = E(null, v.name);
    e.v = v;
    return e;
  }

  numLit() {
    const r = this.r;
    return r.weighted([
      [8, () => ({ cat: 'e', kind: null, parts: [r.pick(NUMS)], prim: false })],
      [2, () => E(null, '(', r.pick(NEG_NUMS), ')')],
      [1, () => E(null, r.pick(SPECIAL_NUMS))],
      [this.known ? 0.3 : 0, () => ({ cat: 'e', kind: 'lit:octal', parts: ['010'], prim: false })],
    ]);
  }

  strLit() {
    return E(null, jsStr(this.r.pick(STRS), this.r));
  }

  smallInt() {
    return { cat: 'e', kind: null, parts: [String(this.r.pick([0, 1, 2, 3, 5, -1, -2, 10, 100]))], prim: false };
  }

  idx() {
    // an index or position argument: small, sometimes odd
    const r = this.r;
    return r.weighted([
      [6, () => ({ cat: 'e', kind: null, parts: [String(r.range(0, 6))], prim: false })],
      [1, () => E(null, r.pick(['(-1)', '(-3)', 'NaN', 'undefined', 'null', '1.7', '"2"', 'Infinity', '(-Infinity)', '100', 'true']))],
      [1, () => this.num(0)],
    ]);
  }

  expr(t, d) {
    if (t === 'any') return this.any(d);
    return this[t](d);
  }

  printable(d) {
    return this.expr(this.r.pick(PRINTABLE), d);
  }

  // ---- numbers
  num(d) {
    const r = this.r;
    const deeper = d > 0;
    const sub = (t = 'num') => this.expr(t, d - 1);
    return r.weighted([
      [6, () => this.numLit()],
      [5, () => this.varRef('num')],
      [deeper ? 5 : 0, () => {
        const op = r.pick(['+', '-', '*', '/', '%']);
        return E(`op:${op}`, '(', sub(), ` ${op} `, sub(op === '+' ? 'num' : r.pick(['num', 'num', 'str', 'any', 'bool'])), ')');
      }],
      [deeper ? 2 : 0, () => {
        const op = r.pick(['&', '|', '^', '<<', '>>', '>>>']);
        return E(`op:${op}`, '(', sub(r.chance(0.8) ? 'num' : 'any'), ` ${op} `, sub(), ')');
      }],
      [deeper ? 2 : 0, () => {
        const op = r.pick(['-', '+', '~', '- -']);
        return E(`op:unary${op}`, '(', op, op === '+' ? sub(r.pick(['any', 'str', 'bool', 'num'])) : sub(), ')');
      }],
      [deeper ? 3 : 0, () => {
        const f = r.pick(['floor', 'ceil', 'round', 'abs', 'sqrt', 'max', 'min', 'pow', 'sin', 'cos', 'exp', 'log', 'atan2', 'tan', 'atan', 'asin', 'acos']);
        const n = ['max', 'min'].includes(f) ? r.range(0, 3) : ['pow', 'atan2'].includes(f) ? 2 : 1;
        return E(`Math.${f}`, `Math.${f}(`, list('a', null, Array.from({ length: n }, () => sub(r.chance(0.85) ? 'num' : 'any')), ', '), ')');
      }],
      [deeper ? 3 : 0, () => r.weighted([
        [3, () => E('parseInt', 'parseInt(', sub('str'), ', ', E(null, r.pick(['10', '16', '2', '36', '8', '0', '37', '1'])), ')')],
        [this.known ? 1 : 0, () => E('parseInt', 'parseInt(', sub('str'), ')')],
        [2, () => E('parseFloat', 'parseFloat(', sub(r.pick(['str', 'str', 'xl'])), ')')],
        [2, () => E('Number', 'Number(', sub(r.pick(['str', 'any', 'bool', 'xl'])), ')')],
      ])],
      [deeper ? 3 : 0, () => r.weighted([
        [3, () => E('.length', recv(sub('str')), '.length')],
        [2, () => E('.length', recv(sub('arr')), '.length')],
        [2, () => E('xml.length()', recv(sub('xl')), '.length()')],
        [this.fnDepth > 0 ? 1 : 0, () => E('arguments.length', 'arguments.length')],
      ])],
      [deeper ? 2 : 0, () => {
        const m = r.pick(['charCodeAt', 'indexOf', 'lastIndexOf', 'search', 'localeCompare']);
        const a = m === 'charCodeAt' ? this.idx() : m === 'search' ? this.re(d - 1) : sub('str');
        const extra = (m === 'indexOf' || m === 'lastIndexOf') && r.chance(0.4) ? [', ', this.idx()] : [];
        if (m === 'localeCompare' && r.chance(0.7)) return null;
        return E(`String.${m}`, recv(sub('str')), `.${m}(`, a, ...extra, ')');
      }],
      [deeper ? 1 : 0, () => E('Array.indexOf', recv(sub('arr')), r.pick(['.indexOf(', '.lastIndexOf(']), sub('any'), ')')],
      [deeper ? 2 : 0, () => {
        const m = r.pick(['getTime', 'getUTCFullYear', 'getUTCMonth', 'getUTCDate', 'getUTCDay', 'getUTCHours', 'getUTCMinutes',
          'getUTCSeconds', 'getUTCMilliseconds', 'valueOf', 'getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes',
          'getTimezoneOffset', 'getYear']);
        return E(`Date.${m}`, recv(sub('date')), `.${m}()`);
      }],
      [deeper ? 1 : 0, () => r.weighted([
        [2, () => E('Date.UTC', 'Date.UTC(', list('a', null, [E(null, String(r.range(1960, 2040))), this.idx(), ...Array.from({ length: r.range(0, 4) }, () => this.idx())], ', '), ')')],
        [1, () => E('Date.parse', 'Date.parse(', E(null, jsStr(r.pick(['2026-03-02T08:15:30Z', '2026-03-02', '2026-03-02T08:15:30.123Z', '1970-01-01T00:00:00Z', '2000-02-29T12:00:00+02:00']))), ')')],
        [1, () => E('Date.now', 'Date.now()')],
      ])],
      [1, () => this.call('num', d)],
      [1, () => this.objField('num')],
      [deeper ? 1 : 0, () => E('op:?:', '(', sub('bool'), ' ? ', sub(), ' : ', sub(), ')')],
      [1, () => {
        const v = this.varRef('num', (x) => !x.ro);
        if (!v) return null;
        const op = r.pick(['++', '--']);
        return r.chance(0.5) ? E(`op:post${op}`, '(', v, op, ')') : E(`op:pre${op}`, '(', op, v, ')');
      }],
      [deeper ? 1 : 0, () => E('Array.reduce', recv(sub('arr')), r.pick(['.reduce(', '.reduceRight(']), 'function (acc, x) { return acc + (+x || 0); }', ', 0)')],
      [0.5, () => E('Math.random', 'Math.random()')],
      [deeper ? 2 : 0, () => {
        const x = sub('xl');
        return r.weighted([[1, E('xml:Number', 'Number(', x, ')')], [1, E('xml:unary+', '(+', x, ')')], [1, E('xml:op:*', '(', x, ' * ', this.numLit(), ')')], [1, E('xml:op:-', '(', x, ' - ', this.numLit(), ')')]]);
      }],
      [deeper ? 0.5 : 0, () => E('op:,', '(', sub('any'), ', ', sub(), ')')],
      [deeper ? 0.5 : 0, () => E('String.length', 'String(', sub('any'), ').length')],
      [deeper ? 0.5 : 0, () => this.xlSingle(d - 1, (x) => E('xml.childIndex()', recv(x), '.childIndex()'))],
      [deeper ? 0.5 : 0, () => E('op:in-count', '(', sub('str'), ' in ', sub('obj'), ' ? 1 : 0)')],
    ]);
  }

  // ---- strings
  str(d) {
    const r = this.r;
    const deeper = d > 0;
    const sub = (t = 'str') => this.expr(t, d - 1);
    return r.weighted([
      [6, () => this.strLit()],
      [5, () => this.varRef('str')],
      [deeper ? 4 : 0, () => (r.chance(0.5) ? E('op:+', '(', sub(), ' + ', sub(r.pick(PRINTABLE)), ')') : E('op:+', '(', sub(r.pick(PRINTABLE)), ' + ', sub(), ')'))],
      [deeper ? 2 : 0, () => (r.chance(0.5) ? E('String', 'String(', sub('any'), ')') : E('op:+""', '("" + ', sub(r.pick(['any', 'arr', 'obj', 'bool', 'num'])), ')'))],
      [deeper ? 3 : 0, () => {
        const m = r.pick(['toFixed', 'toPrecision', 'toExponential', 'toString', 'toString']);
        const a = m === 'toFixed' ? r.pick(['0', '1', '2', '3', '5', '10', '20', '']) : m === 'toPrecision' ? r.pick(['1', '2', '3', '6', '10', '21', '']) : m === 'toExponential' ? r.pick(['0', '1', '2', '5', '']) : r.pick(['', '2', '16', '36', '8', '10']);
        return E(`Number.${m}`, recv(sub('num')), `.${m}(${a})`);
      }],
      [deeper ? 5 : 0, () => this.strMethod(d)],
      [deeper ? 2 : 0, () => this.replace(d)],
      [deeper ? 2 : 0, () => E('String.split', recv(sub()), '.split(', r.chance(0.3) ? this.re(d - 1) : sub(), r.chance(0.2) ? [', ', this.idx()] : '', ').join(', this.strLit(), ')')],
      [deeper ? 2 : 0, () => (r.chance(0.7) ? E('Array.join', recv(sub('arr')), '.join(', r.chance(0.8) ? sub() : E(null, r.pick(['', 'undefined', 'null', '1'])), ')') : E('String(arr)', 'String(', sub('arr'), ')'))],
      [deeper ? 2 : 0, () => {
        const v = sub(r.pick(['obj', 'arr', 'any', 'str', 'num', 'bool']));
        const extra = r.chance(0.25) ? [', null, ', E(null, r.pick(['2', '"  "', '"\\t"', '0', '10', '"abcdefghijkl"']))] : r.chance(0.1) ? [', ', E(null, '["a", "b", "0"]')] : [];
        return E('JSON.stringify', 'JSON.stringify(', v, ...extra, ')');
      }],
      [deeper ? 1 : 0, () => E('typeof', '(typeof ', sub(r.pick(['any', 'any', 'xl', 'fn', 'date', 're', 'arr', 'obj'])), ')')],
      [deeper ? 2 : 0, () => {
        const f = r.pick(['escapeXMLString', 'escapeXmlStr', 'escapeUrl', 'encodeURIComponent', 'encodeURI']);
        return E(f, `${f}(`, sub(r.chance(0.8) ? 'str' : r.pick(['any', 'xl', 'num'])), ')');
      }],
      [deeper ? 0.5 : 0, () => {
        const f = r.pick(['decodeURIComponent', 'decodeURI', 'escape', 'unescape']);
        const arg = f.startsWith('decode') ? E('encodeURIComponent', 'encodeURIComponent(', sub(), ')') : sub();
        return E(f, `${f}(`, arg, ')');
      }],
      [deeper ? 2 : 0, () => {
        const fmt = E(null, jsStr(r.pick(FORMATS)));
        const tz = r.chance(0.2) ? [', ', E(null, jsStr(r.pick(ZONES)))] : [];
        const date = r.weighted([[5, () => sub('date')], [1, () => sub('num')], [1, () => this.xlDate(d - 1)], [1, () => E(null, jsStr(r.pick(['2026-03-02', '2026/03/02 08:15:00', '2026-03-02T08:15:00Z', '2026-03-02 08:15:00+02:00', 'garbage', ''])))], [0.3, () => E(null, r.pick(['null', 'undefined']))]]);
        return E('formatDate', 'formatDate(', date, ', ', fmt, ...tz, ')');
      }],
      [deeper ? 1 : 0, () => {
        const m = r.pick(['toISOString', 'toISOString', 'toJSON', 'toUTCString', ...(this.known ? ['toString', 'toDateString', 'toLocaleString'] : [])]);
        return E(`Date.${m}`, recv(sub('date')), `.${m}()`);
      }],
      [deeper ? 5 : 0, () => this.xlString(d)],
      [deeper ? 1 : 0, () => E('op:?:', '(', sub('bool'), ' ? ', sub(), ' : ', sub(), ')')],
      [deeper ? 1 : 0, () => E('op:||', '(', sub(), ' || ', sub(), ')')],
      [1, () => this.call('str', d)],
      [1, () => E('rtEvent', `rtEvent.${r.pick(['id', 'type', 'email', 'mobilePhone', 'externalId', 'origin', 'language', 'country', 'registrationToken'])}`)],
      [deeper ? 0.5 : 0, () => E(r.chance(0.5) ? 'RegExp.source' : 'String(regexp)', ...(r.chance(0.5) ? [recv(this.re(d - 1)), '.source'] : ['String(', this.re(d - 1), ')']))],
      [deeper ? 1.5 : 0, () => {
        const re = this.re(d - 1);
        return r.chance(0.6)
          ? E('String.match', '(', recv(sub()), '.match(', re, ') || []).join(', E(null, jsStr(r.pick(['|', ',', '']))), ')')
          : E('RegExp.exec', '(', recv(re), '.exec(', sub(), ') || ["none"]).join("|")');
      }],
      [deeper ? 0.5 : 0, () => E('String.fromCharCode', 'String.fromCharCode(', list('a', null, Array.from({ length: r.range(0, 3) }, () => E(null, r.pick(['65', '97', '233', '8364', '0x41', '65.9', '65601', '(-1)', '"66"', '55357']))), ', '), ')')],
      [1, () => this.objField('str')],
      [deeper ? 0.5 : 0, () => E('arr[i]', '(', recv(sub('arr')), '[', this.idx(), '] + "")')],
      [deeper ? 0.3 : 0, () => E('Object.toString.call', 'Object.prototype.toString.call(', sub(r.pick(['any', 'arr', 'date', 're', 'xl', 'fn'])), ')')],
    ]);
  }

  strMethod(d) {
    const r = this.r;
    const s = recv(this.expr('str', d - 1));
    const m = r.pick(['charAt', 'substring', 'substr', 'slice', 'toUpperCase', 'toLowerCase', 'trim', 'concat', 'indexOfSlice',
      'charAt', 'substring', 'slice', 'trimLeft', 'trimRight', 'toLocaleUpperCase', 'anchor', 'bold', 'link']);
    switch (m) {
      case 'charAt':
        return E('String.charAt', s, '.charAt(', this.idx(), ')');
      case 'substring':
      case 'substr':
      case 'slice': {
        const n = r.range(0, 2);
        return E(`String.${m}`, s, `.${m}(`, list('a', null, Array.from({ length: n }, () => this.idx()), ', '), ')');
      }
      case 'concat':
        return E('String.concat', s, '.concat(', list('a', null, Array.from({ length: r.range(0, 3) }, () => this.expr(r.pick(PRINTABLE), d - 1)), ', '), ')');
      case 'indexOfSlice':
        return E('String.slice', s, '.slice(', recv(this.expr('str', d - 1)), '.indexOf(', this.strLit(), '))');
      case 'anchor':
      case 'bold':
      case 'link':
        return E(`String.${m}`, s, `.${m}(${m === 'bold' ? '' : '"x\\"y"'})`);
      default:
        return E(`String.${m}`, s, `.${m}()`);
    }
  }

  replace(d) {
    const r = this.r;
    const s = recv(this.expr('str', d - 1));
    const [pat, groups] = r.chance(0.75) ? this.reLit() : [this.strLit(), 0];
    return r.weighted([
      [3, () => E('String.replace', s, '.replace(', pat, ', ', E(null, jsStr(r.pick(REPLACEMENTS))), ')')],
      [1, () => E('String.replace', s, '.replace(', pat, ', ', this.expr('str', d - 1), ')')],
      [2, () => {
        const params = ['m', ...Array.from({ length: groups }, (_, i) => `p${i + 1}`), 'off'];
        const body = r.pick([
          'return m.toUpperCase();',
          `return "[" + ${params.slice(0, -1).join(' + "," + ')} + "@" + off + "]";`,
          'return arguments.length + ":" + typeof arguments[arguments.length - 1];',
          'return "";',
          `return ${groups ? 'p1' : 'm'} === undefined ? "u" : String(${groups ? 'p1' : 'm'}).length;`,
          'return off % 2 ? m : "$1";',
        ]);
        return E('String.replace(fn)', s, '.replace(', pat, ', function (', params.join(', '), ') { ', body, ' })');
      }],
    ]);
  }

  // ---- booleans
  bool(d) {
    const r = this.r;
    const deeper = d > 0;
    const sub = (t = 'bool') => this.expr(t, d - 1);
    return r.weighted([
      [2, () => E(null, r.pick(['true', 'false']))],
      [2, () => this.varRef('bool')],
      [deeper ? 4 : 0, () => {
        const op = r.pick(['==', '!=', '===', '!==', '<', '>', '<=', '>=']);
        return E(`op:${op}`, '(', sub(r.pick(['any', 'any', 'num', 'str', 'bool', 'arr'])), ` ${op} `, sub(r.pick(['any', 'any', 'num', 'str', 'bool', 'arr'])), ')');
      }],
      [deeper ? 2 : 0, () => {
        const op = r.pick(['==', '!=', '===', '<', '>', '<=', '>=']);
        const t = r.pick(['num', 'str']);
        return E(`op:${op}`, '(', sub(t), ` ${op} `, sub(t), ')');
      }],
      [deeper ? 1 : 0, () => E('op:!', '(!', sub(r.pick(['any', 'bool', 'num', 'str', 'xl'])), ')')],
      [deeper ? 1 : 0, () => {
        const op = r.pick(['&&', '||']);
        return E(`op:${op}`, '(', sub(), ` ${op} `, sub(), ')');
      }],
      [deeper ? 1 : 0, () => (r.chance(0.5)
        ? E('op:in', '(', sub('str'), ' in ', sub('obj'), ')')
        : E('op:in', '(', r.chance(0.5) ? this.idx() : E(null, '"length"'), ' in ', sub('arr'), ')'))],
      [deeper ? 1 : 0, () => {
        const [t, c] = r.pick([['arr', 'Array'], ['arr', 'Object'], ['date', 'Date'], ['obj', 'Object'], ['re', 'RegExp'], ['fn', 'Function'], ['xl', 'XML'], ['xl', 'XMLList'], ['any', 'Object'], ['str', 'String'], ['any', 'Number']]);
        return E(`instanceof ${c}`, '(', sub(t), ` instanceof ${c})`);
      }],
      [deeper ? 1 : 0, () => E('isNaN', r.pick(['isNaN(', 'isFinite(']), sub(r.pick(['any', 'str', 'num', 'xl'])), ')')],
      [deeper ? 1 : 0, () => E('RegExp.test', recv(this.re(d - 1)), '.test(', sub('str'), ')')],
      [deeper ? 0.5 : 0, () => E('Array.isArray', 'Array.isArray(', sub(r.pick(['any', 'arr', 'obj'])), ')')],
      [deeper ? 0.5 : 0, () => E('hasOwnProperty', recv(sub('obj')), '.hasOwnProperty(', sub('str'), ')')],
      [deeper ? 0.5 : 0, () => E(`Array.some`, recv(sub('arr')), r.pick(['.some(', '.every(']), 'function (x, i) { return ', r.pick(['x > 1', 'typeof x == "string"', 'i < 2', '!x']), '; })')],
      [deeper ? 3 : 0, () => this.xlBool(d)],
      [deeper ? 0.5 : 0, () => E('Boolean', r.pick(['Boolean(', '!!(']), sub('any'), ')')],
    ]);
  }

  // ---- arrays
  arr(d) {
    const r = this.r;
    const deeper = d > 0;
    const sub = (t = 'arr') => this.expr(t, d - 1);
    return r.weighted([
      [3, () => this.arrLit(d)],
      [4, () => this.varRef('arr')],
      [deeper ? 2 : 0, () => E('String.split', recv(this.expr('str', d - 1)), '.split(', r.chance(0.3) ? this.re(d - 1) : r.chance(0.15) ? E(null, r.pick(['undefined', ''])) : this.expr('str', d - 1), r.chance(0.2) ? [', ', this.idx()] : '', ')')],
      [deeper ? 1 : 0, () => E('Array.concat', recv(sub()), '.concat(', list('a', null, Array.from({ length: r.range(0, 2) }, () => this.expr(r.pick(['arr', 'num', 'str']), d - 1)), ', '), ')')],
      [deeper ? 1 : 0, () => E('Array.slice', recv(sub()), '.slice(', list('a', null, Array.from({ length: r.range(0, 2) }, () => this.idx()), ', '), ')')],
      [deeper ? 1 : 0, () => E('Array.map', recv(sub()), '.map(function (x, i) { return ', r.pick(['x + i', 'String(x).length', 'typeof x', '[x]', 'x * 2', 'i']), '; })')],
      [deeper ? 1 : 0, () => E('Array.filter', recv(sub()), '.filter(function (x, i) { return ', r.pick(['x', 'i % 2', 'typeof x == "number"', 'x != null']), '; })')],
      [deeper ? 1 : 0, () => r.weighted([
        [2, () => E('Array.sort', recv(this.arrLit(d)), '.sort()')],
        [1, () => E('Array.sort(cmp)', recv(this.numArr(d)), '.sort(function (a, b) { return a - b; })')],
        [1, () => E('Array.sort(cmp)', recv(this.numArr(d)), '.sort(function (a, b) { return b - a; })')],
        [1, () => E('Array.sort(cmp)', '[{k: 2, v: "a"}, {k: 1, v: "b"}, {k: 2, v: "c"}, {k: 1, v: "d"}].sort(function (a, b) { return a.k - b.k; }).map(function (o) { return o.v; })')],
        [1, () => E('Array.reverse', recv(this.arrLit(d)), '.reverse()')],
      ])],
      [deeper ? 1 : 0, () => E('Object.keys', 'Object.keys(', sub(r.pick(['obj', 'obj', 'arr'])), ')')],
      [deeper ? 1 : 0, () => E('String.match', '(', recv(this.expr('str', d - 1)), '.match(', this.re(d - 1), ') || [])')],
      [deeper ? 0.5 : 0, () => E('new Array', r.pick(['new Array(', 'Array(']), list('a', null, Array.from({ length: r.range(0, 3) }, () => (r.chance(0.5) ? E(null, r.pick(['0', '1', '3', '"3"', '2.5'])) : this.printable(d - 1))), ', '), ')')],
      [deeper ? 0.5 : 0, () => {
        const v = this.varRef('arr', (x) => !x.ro);
        if (!v) return null;
        const m = r.pick(['splice', 'push', 'unshift', 'pop', 'shift']);
        if (m === 'splice') return E('Array.splice', v, '.splice(', this.idx(), ', ', this.idx(), r.chance(0.5) ? [', ', this.printable(d - 1)] : '', ')');
        if (m === 'pop' || m === 'shift') return E(`Array.${m}`, '[', v, `.${m}()]`);
        return E(`Array.${m}`, '[', v, `.${m}(`, this.printable(d - 1), ')]');
      }],
    ]);
  }

  arrLit(d) {
    const r = this.r;
    const n = r.range(0, 4);
    const items = Array.from({ length: n }, () => (r.chance(0.08) ? E(null, '') : this.expr(r.pick(['num', 'str', 'bool', 'any', 'num', 'str', 'arr']), Math.min(d - 1, 1))));
    return E('lit:array', '[', list('a', null, items, ', '), r.chance(0.05) ? ',' : '', ']');
  }

  numArr() {
    const r = this.r;
    const n = r.range(0, 5);
    return E(null, '[', list('a', null, Array.from({ length: n }, () => this.numLit()), ', '), ']');
  }

  // ---- objects
  obj(d) {
    const r = this.r;
    return r.weighted([
      [3, () => this.objLit(d)],
      [4, () => this.varRef('obj')],
      [d > 0 ? 1 : 0, () => E('JSON.parse', 'JSON.parse(JSON.stringify(', this.obj(d - 1), '))')],
      [d > 0 ? 0.5 : 0, () => E('JSON.parse', 'JSON.parse(', E(null, jsStr(r.pick(['{"a":1,"b":[1,2,{"c":null}]}', '{"x":"\\u00e9\\n","2":true,"1":false}', '{}', '{"a":{"b":{"c":"deep"}},"n":-0.5e-3}']))), ')')],
      [0.3, () => E(null, 'new Object()')],
    ]);
  }

  objLit(d) {
    const r = this.r;
    const keys = [...new Set(Array.from({ length: r.range(0, 4) }, () => r.pick(['a', 'b', 'c', 'k1', 'x', '"x y"', '2', '10', '1', '0', '"-1"', 'name', 'length', 'value'])))];
    const meta = {};
    const items = keys.map((k) => {
      const t = r.pick(['num', 'str', 'bool', 'arr', 'any', 'num', 'str', 'obj']);
      if (/^[a-z]\w*$/.test(k) && t !== 'obj' && t !== 'any') meta[k] = t;
      return node('ea', null, k, ': ', this.expr(t, Math.min(d - 1, 1)));
    });
    if (r.chance(0.1)) items.push(node('ea', 'getter', 'get g() { return this.', keys[0] && /^[a-z]/.test(keys[0]) ? keys[0] : 'zz', '; }'));
    if (r.chance(0.1)) items.push(node('ea', 'method', 'm: function () { return typeof this; }'));
    const e = E('lit:object', '{', list('a', null, items, ', '), '}');
    e.meta = meta;
    return e;
  }

  objField(t) {
    const vs = this.vars('obj', (v) => v.meta && Object.values(v.meta.keys || {}).includes(t));
    if (!vs.length) return null;
    const v = this.r.pick(vs);
    const ks = Object.keys(v.meta.keys).filter((k) => v.meta.keys[k] === t);
    const k = this.r.pick(ks);
    return this.r.chance(0.7) ? E('obj.prop', `${v.name}.${k}`) : E('obj[prop]', `${v.name}["${k}"]`);
  }

  // ---- functions
  fn(d) {
    const r = this.r;
    const v = this.varRef('fn');
    if (v && r.chance(0.5)) return v;
    return this.fnExpr(d, r.pick(['num', 'str', 'bool', 'any']), r.range(0, 2)).e;
  }

  fnExpr(d, ret, nParams, name = '') {
    const r = this.r;
    const params = Array.from({ length: nParams }, () => [this.fresh('p'), r.pick(['num', 'str', 'any'])]);
    const saved = [this.loopDepth, this.blockDepth, this.inTry];
    this.pushScope(true);
    this.fnDepth++;
    this.loopDepth = 0;
    this.blockDepth = 0;
    this.inTry = 0;
    for (const [p, t] of params) this.declare(p, t, {}, false);
    const body = this.stmts(Math.min(d, 1), r.range(0, 2));
    const ret0 = this.expr(ret, Math.min(d, 2));
    this.fnDepth--;
    this.popScope();
    [this.loopDepth, this.blockDepth, this.inTry] = saved;
    const e = E('function', `function ${name}(`, params.map((p) => p[0]).join(', '), ') { ', body, ' return ', ret0, '; }');
    return { e, sig: { params: params.map((p) => p[1]), ret } };
  }

  call(ret, d) {
    const r = this.r;
    const fns = this.vars('fn', (v) => v.meta.ret === ret || ret === 'any');
    if (!fns.length || d <= 0) return null;
    const f = r.pick(fns);
    if (f.meta.rec) return E('call:recursive', `${f.name}(`, E(null, String(r.range(0, 6))), ')');
    const args = f.meta.params.map((t) => this.expr(t, d - 1));
    if (r.chance(0.1)) args.push(this.printable(0));
    if (args.length && r.chance(0.1)) args.pop();
    return E('call', f.name, '(', list('a', null, args, ', '), ')');
  }

  // ---- dates
  date(d) {
    const r = this.r;
    return r.weighted([
      [2, () => E('new Date()', r.pick(['new Date()', 'getCurrentDate()']))],
      [3, () => this.varRef('date')],
      [2, () => E('new Date(ms)', 'new Date(', r.chance(0.6) ? E(null, r.pick(['0', '1772439330000', '-1', '86400000', '951782400000', '1e12', '253402300799999', '8.64e15'])) : this.num(Math.min(d - 1, 1)), ')')],
      [2, () => E('new Date(y,m,d)', 'new Date(', list('a', null, [E(null, String(r.pick([1970, 1999, 2000, 2024, 2026, 2038, 99, 0]))), this.idx(), ...Array.from({ length: r.range(0, 4) }, () => this.idx())], ', '), ')')],
      [1, () => E('new Date(string)', 'new Date(', E(null, jsStr(r.pick(['2026-03-02T08:15:30Z', '2026-03-02', '2026-03-02T08:15:30.5Z', '2026-02-30T00:00:00Z', '2026-03-02T08:15:30+05:30', 'not a date']))), ')')],
      [d > 0 ? 1 : 0, () => E('new Date(ms)', 'new Date(', recv(this.date(d - 1)), '.getTime() + ', this.num(d - 1), ')')],
      [this.event.created ? 1 : 0, () => E('rtEvent.created', 'rtEvent.created')],
      [d > 0 ? 0.5 : 0, () => {
        const v = this.varRef('date', (x) => !x.ro);
        if (!v) return null;
        const m = r.pick(['setUTCDate', 'setUTCHours', 'setUTCMonth', 'setUTCFullYear', 'setDate', 'setHours', 'setMinutes', 'setTime']);
        return E(`Date.${m}`, '(', v, `.${m}(`, this.idx(), '), ', v, ')');
      }],
    ]);
  }

  // ---- regular expressions
  reLit() {
    const [src, groups] = this.r.pick(REGEXES);
    return [E('lit:regexp', src), groups];
  }

  re(d) {
    const r = this.r;
    return r.weighted([
      [4, () => this.reLit()[0]],
      [2, () => this.varRef('re')],
      [1, () => E('new RegExp', 'new RegExp(', E(null, jsStr(r.pick(['a', '\\\\d+', '[a-c]', '(.)\\\\1', '\\\\s', '^x', '.', '(a)(b)?', 'é']))), r.chance(0.6) ? E(null, `, "${r.pick(['g', 'i', 'gi', 'm', ''])}"`) : '', ')')],
    ]);
  }

  // ---- E4X
  /** A path from rtEvent.ctx (or an XML variable) along names that mostly exist: {e, set, kind}. */
  path(d) {
    const r = this.r;
    let e;
    let set;
    const v = r.chance(0.35) ? this.varRef('xl', (x) => x.meta.kind === 'elem') : null;
    if (v) {
      e = v;
      set = v.v.meta.set;
    } else {
      e = E('rtEvent.ctx', 'rtEvent.ctx');
      set = [this.ctx];
    }
    const steps = r.range(0, 3);
    for (let i = 0; i < steps; i++) {
      const kids = childElems(set);
      const names = [...new Set(kids.map((k) => k.name))];
      const step = r.weighted([
        [6, 'child'], [1, 'star'], [1.5, 'desc'], [1.5, 'index'], [1.5, 'filter'], [0.5, 'children'], [0.5, 'elements'], [0.3, 'parent'], [0.3, 'missing'],
      ]);
      if (step === 'child' && names.length) {
        const n = r.pick(names);
        e = E('xml.child', recv(e), `.${/^[a-z_]\w*$/i.test(n) ? n : `["${n}"]`}`);
        if (n.includes('-')) e = E('xml.child', recv(e.parts[0]), `["${n}"]`);
        set = kids.filter((k) => k.name === n);
      } else if (step === 'star') {
        e = E('xml.*', recv(e), '.*');
        set = kids; // (text children are in .* too; the model keeps elements only)
      } else if (step === 'desc') {
        const ds = descendants(set);
        if (!ds.length) continue;
        const n = r.pick(ds).name;
        e = E('xml..', recv(e), /^[a-z_]\w*$/i.test(n) ? `..${n}` : `.descendants("${n}")`);
        set = ds.filter((k) => k.name === n);
      } else if (step === 'index' && set.length) {
        const i2 = r.int(set.length);
        e = E('xml[i]', recv(e), `[${i2}]`);
        set = [set[i2]];
      } else if (step === 'filter' && set.length) {
        const withAttrs = set.filter((x) => x.attrs.length);
        const withKids = set.filter((x) => childElems([x]).length);
        if (withAttrs.length && r.chance(0.6)) {
          const el = r.pick(withAttrs);
          const [k, val] = r.pick(el.attrs);
          const op = r.pick(['==', '!=', '==', '>', '<']);
          const rhs = op === '==' || op === '!=' ? jsStr(r.chance(0.8) ? val : 'zz') : r.pick(['1', '2', '"2"', '0']);
          const acc = k.includes('-') ? `attribute("${k}")` : `@${k}`;
          e = E('xml.(filter)', recv(e), `.(${acc} ${op} ${rhs})`);
          set = set.filter((x) => {
            const a = x.attrs.find((p) => p[0] === k);
            if (!a) return op === '!=';
            return op === '==' ? a[1] === val : op === '!=' ? a[1] !== val : true;
          });
        } else if (withKids.length) {
          const el = r.pick(withKids);
          const c = r.pick(childElems([el]));
          const t = c.kids.find((k) => k.text !== undefined);
          const nm = /^[a-z_]\w*$/i.test(c.name) ? c.name : null;
          if (!nm) continue;
          const form = r.pick(['eq', 'len', 'fn']);
          if (form === 'eq') e = E('xml.(filter)', recv(e), `.(${nm} == ${jsStr(t ? t.text : '')})`);
          else if (form === 'len') e = E('xml.(filter)', recv(e), `.(${nm}.length() > 0)`);
          else e = E('xml.(filter)', recv(e), `.(String(${nm}).length < 4)`);
          set = set.filter((x) => childElems([x]).some((k) => k.name === nm));
        } else {
          e = E('xml.(filter)', recv(e), `.(name() == ${jsStr(set[0].name)})`);
          set = set.filter((x) => x.name === set[0].name);
        }
      } else if (step === 'children') {
        e = E('xml.children()', recv(e), '.children()');
        set = kids;
      } else if (step === 'elements') {
        if (names.length && r.chance(0.5)) {
          const n = r.pick(names);
          e = E('xml.elements()', recv(e), `.elements("${n}")`);
          set = kids.filter((k) => k.name === n);
        } else {
          e = E('xml.elements()', recv(e), '.elements()');
          set = kids;
        }
      } else if (step === 'parent' && set.length === 1 && set[0].parent) {
        e = E('xml.parent()', recv(e), '.parent()');
        set = [set[0].parent];
      } else if (step === 'missing') {
        e = E('xml.child(missing)', recv(e), `.${r.pick(['nothing', 'zz', 'promo'])}`);
        set = [];
      }
    }
    return { e, set, kind: 'elem' };
  }

  /** An E4X value of any kind (elements, attributes, text). */
  xlAny(d) {
    const r = this.r;
    const p = this.path(d);
    const attrNames = [...new Set(elems(p.set).flatMap((x) => x.attrs.map((a) => a[0])))];
    return r.weighted([
      [5, () => p],
      [3, () => {
        if (!attrNames.length && r.chance(0.8)) return null;
        const k = attrNames.length && r.chance(0.9) ? r.pick(attrNames) : 'zz';
        const acc = k.includes('-') || r.chance(0.15) ? `.@["${k}"]` : r.chance(0.1) ? `.attribute("${k}")` : `.@${k}`;
        return { e: E('xml.@attr', recv(p.e), acc), set: p.set, kind: 'attr' };
      }],
      [0.7, () => ({ e: E('xml.@*', recv(p.e), '.@*'), set: p.set, kind: 'attr' })],
      [1.5, () => ({ e: E('xml.text()', recv(p.e), '.text()'), set: p.set, kind: 'text' })],
    ]);
  }

  xl(d) {
    const r = this.r;
    return r.weighted([
      [8, () => this.xlAny(d).e],
      [d > 0 ? 1 : 0, () => {
        const tag = r.pick(['item', 'a', 'p']);
        return E('xml literal', `<${tag}${r.chance(0.5) ? ' id="1"' : ''}>`, '{', this.expr(r.pick(['str', 'num']), d - 1), '}', `</${tag}>`);
      }],
      [0.5, () => E('new XML', r.pick(['new XML(', 'XML(']), E(null, jsStr(r.pick(['<a><b>1</b><b>2</b></a>', '<x y="1">t</x>', 'text', '<a>&amp;</a>', '<a><!-- c --><b/></a>']))), ')')],
      [0.5, () => E('new XMLList', 'new XMLList(', E(null, jsStr(r.pick(['<a>1</a><a>2</a>', '', '<b/>']))), ')')],
      [d > 0 ? 0.5 : 0, () => E('xml.copy()', recv(this.xlAny(d - 1).e), '.copy()')],
      [d > 0 ? 0.7 : 0, () => E('op:xml+xml', '(', this.xlAny(d - 1).e, ' + ', this.xlAny(d - 1).e, ')')],
    ]);
  }

  /** f(an E4X value of exactly one element), or null. */
  xlSingle(d, f) {
    for (let i = 0; i < 4; i++) {
      const p = this.path(d);
      if (p.set.length === 1) return f(p.e, p.set[0]);
    }
    return null;
  }

  xlDate(d) {
    const r = this.r;
    const p = this.path(d);
    const withDate = p.set.filter((x) => x.attrs.some((a) => a[0] === 'date'));
    if (withDate.length && r.chance(0.7)) return E('xml.@attr', recv(p.e), '.@date');
    return p.e;
  }

  xlString(d) {
    const r = this.r;
    const x = this.xlAny(d - 1);
    return r.weighted([
      [3, () => E('xml:String', 'String(', x.e, ')')],
      [2, () => E('xml.toString()', recv(x.e), '.toString()')],
      [3, () => E('xml:op:+', '(', x.e, ' + ', this.expr(r.pick(['str', 'num', 'xl']), d - 1), ')')],
      [2, () => E('xml:op:+', '(', this.expr(r.pick(['str', 'num']), d - 1), ' + ', x.e, ')')],
      [3, () => E('xml.toXMLString()', recv(x.e), '.toXMLString()')],
      [x.set.length === 1 && x.kind !== 'text' ? 2 : 0, () => E(`xml.${r.pick(['name', 'localName', 'nodeKind'])}()`, '("" + ', recv(x.e), `.${r.pick(['name', 'localName', 'nodeKind'])}())`)],
      [1, () => E('xml.text()', '("" + ', recv(this.path(d - 1).e), '.text())')],
      [0.5, () => E('xml.@*', 'String(', recv(this.path(d - 1).e), '.@*)')],
      [0.5, () => E('xml:JSON.stringify', 'JSON.stringify(String(', x.e, '))')],
    ]);
  }

  xlBool(d) {
    const r = this.r;
    const x = this.xlAny(d - 1);
    return r.weighted([
      [3, () => {
        const vals = x.set.flatMap((el) => (x.kind === 'attr' ? el.attrs.map((a) => a[1]) : (el.kids || []).filter((k) => k.text !== undefined).map((k) => k.text)));
        const rhs = vals.length && r.chance(0.7) ? E(null, jsStr(r.pick(vals))) : this.expr(r.pick(['str', 'num']), d - 1);
        const op = r.pick(['==', '!=', '===', '<', '>']);
        return r.chance(0.5) ? E(`xml:op:${op}`, '(', x.e, ` ${op} `, rhs, ')') : E(`xml:op:${op}`, '(', rhs, ` ${op} `, x.e, ')');
      }],
      [1.5, () => {
        // two E4X values of one kind (an attribute and an element with the same text are == in
        // E4X and not in Rhino: NOTES.md, 2)
        const y = this.xlAny(d - 1);
        if (!this.known && (x.kind === 'attr') !== (y.kind === 'attr')) return null;
        return E('xml:op:==xml', '(', x.e, r.pick([' == ', ' != ']), y.e, ')');
      }],
      [2, () => E('xml.length()', '(', recv(x.e), '.length() ', r.pick(['>', '==', '<']), ` ${r.range(0, 2)})`)],
      [1, () => E('xml.hasSimpleContent()', recv(x.e), r.pick(['.hasSimpleContent()', '.hasComplexContent()']))],
      [this.known ? 1 : 0, () => E('xml:==undefined', '(', x.e, ' == undefined)')],
      [0.5, () => E('xml:typeof', '(typeof ', x.e, ' == "xml")')],
    ]);
  }

  any(d) {
    const r = this.r;
    return r.weighted([
      [3, () => E('lit:special', r.pick(SPECIAL_ANY))],
      [2, () => this.varRef('any')],
      [6, () => this.expr(r.pick(['num', 'str', 'bool', 'arr', 'obj', 'xl', 'num', 'str']), d)],
      [0.5, () => this.re(d)],
      [d > 0 ? 0.5 : 0, () => E('op:&&', '(', this.printable(d - 1), r.pick([' && ', ' || ']), this.printable(d - 1), ')')],
    ]);
  }

  // ---- statements
  stmts(d, n) {
    const items = [];
    for (let i = 0; i < n; i++) items.push(this.stmt(d));
    return list('S', null, items, ' ');
  }

  block(d, n, extra) {
    this.pushScope();
    this.blockDepth++;
    if (extra) extra();
    const s = this.stmts(d, n);
    this.blockDepth--;
    this.popScope();
    return s;
  }

  stmt(d) {
    const r = this.r;
    return r.weighted([
      [5, () => this.varDecl(d)],
      [4, () => node('s', null, r.chance(0.9) ? 'out.write(' : 'document.write(', this.printable(d), ');')],
      [3, () => this.assign(d)],
      [d > 0 ? 2.5 : 0, () => {
        const c = this.bool(d);
        const a = this.block(d - 1, r.range(1, 3));
        const b = r.chance(0.4) ? [' else { ', this.block(d - 1, r.range(1, 2)), ' }'] : [];
        return node('s', b.length ? 'if-else' : 'if', 'if (', c, ') { ', a, ' }', ...b);
      }],
      [d > 0 ? 2.5 : 0, () => {
        const L = this.loopParts(d);
        return node('s', L.kind, L.pre, ...L.head, ' ', this.loopBody(L, () => this.stmts(d - 1, r.range(1, 3))), ' ', ...L.tail);
      }],
      [d > 0 ? 0.8 : 0, () => this.switchStmt(d)],
      [d > 0 ? 1.2 : 0, () => this.tryStmt(d)],
      [d > 0 && this.blockDepth === 0 ? 1.5 : 0, () => this.fnDecl(d)],
      [this.loopDepth > 0 ? 1 : 0, () => node('s', null, 'if (', this.bool(Math.min(d, 1)), `) ${r.pick(['break', 'continue'])};`)],
      [1.5, () => this.exprStmt(d)],
      [this.inTry > 0 ? 0.8 : 0.03, () => this.throwStmt(d)],
      [d > 0 ? 0.4 : 0, () => this.closureLoop(d)],
    ]);
  }

  varDecl(d) {
    const r = this.r;
    const kw = this.noLet ? 'var' : r.weighted([[6, 'var'], [2, 'let'], [1, 'const']]);
    const t = r.pick(['num', 'str', 'bool', 'arr', 'obj', 'date', 're', 'xl', 'fn', 'any', 'num', 'str', 'xl', 'arr']);
    const name = this.fresh('v');
    let e;
    let meta = {};
    if (t === 'xl') {
      const p = r.chance(0.8) ? this.path(d) : this.xlAny(d);
      e = p.e;
      meta = { set: p.set, kind: p.kind };
    } else if (t === 'obj') {
      e = r.chance(0.7) ? this.objLit(d) : this.obj(d);
      meta = { keys: e.meta || {} };
    } else if (t === 'fn') {
      const f = this.fnExpr(d, r.pick(['num', 'str', 'bool']), r.range(0, 2));
      e = f.e;
      meta = f.sig;
    } else e = this.expr(t, d);
    const s = node('s', kw === 'var' ? null : kw, `${kw} ${name} = `, e, ';');
    this.declare(name, t, meta, kw === 'const' || t === 'fn');
    return s;
  }

  assign(d) {
    const r = this.r;
    const v = this.varRef(null, (x) => !x.ro && ['num', 'str', 'bool', 'arr', 'obj', 'date', 'any'].includes(x.t));
    if (!v) return null;
    const t = v.v.t;
    if (t === 'num') {
      const op = r.pick(['=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '<<=', '>>=', '>>>=']);
      return node('s', `op:${op}`, v, ` ${op} `, this.num(d), ';');
    }
    if (t === 'str') return node('s', null, v, r.pick([' = ', ' += ']), this.expr(r.chance(0.7) ? 'str' : r.pick(PRINTABLE), d), ';');
    if (t === 'arr') {
      return r.weighted([
        [2, () => node('s', 'arr[i]=', v, '[', this.idx(), '] = ', this.printable(d), ';')],
        [2, () => node('s', 'Array.push', v, '.push(', this.printable(d), ');')],
        [0.5, () => node('s', 'arr.length=', v, '.length = ', E(null, String(r.range(0, 5))), ';')],
        [0.5, () => node('s', 'arr[k]=', v, '["', r.pick(['x', '5', '-1', '1.5']), '"] = ', this.printable(d), ';')],
      ]);
    }
    if (t === 'obj') {
      const k = r.pick(['a', 'b', 'zz', 'k1', '3']);
      if (r.chance(0.15)) {
        delete v.v.meta.keys?.[k];
        return node('s', 'delete', 'delete ', v, `["${k}"];`);
      }
      const vt = r.pick(['num', 'str']);
      const s = node('s', 'obj.p=', v, `["${k}"] = `, this.expr(vt, d), ';');
      if (/^[a-z]/.test(k) && v.v.meta.keys) v.v.meta.keys[k] = vt;
      return s;
    }
    if (t === 'date') return node('s', null, v, ' = ', this.date(d), ';');
    if (t === 'bool') return node('s', null, v, ' = ', this.bool(d), ';');
    return node('s', null, v, ' = ', this.any(d), ';');
  }

  exprStmt(d) {
    const r = this.r;
    return r.weighted([
      [3, () => {
        const f = this.varRef('fn', (x) => x.meta.writer);
        if (!f) return null;
        return node('s', 'call', f, '(', list('a', null, f.v.meta.params.map((t) => this.expr(t, d - 1)), ', '), ');');
      }],
      [2, () => {
        const c = this.call(r.pick(['num', 'str', 'bool']), d);
        return c && node('s', null, c, ';');
      }],
      [1, () => {
        const v = this.varRef('num', (x) => !x.ro);
        return v && node('s', null, v, r.pick(['++;', '--;']));
      }],
      [1, () => {
        // E4X assignment, on one element of a variable (the ctx model is not updated)
        const v = this.varRef('xl', (x) => x.meta.kind === 'elem' && x.meta.set.length === 1 && !x.ro);
        if (!v) return null;
        return r.weighted([
          [2, () => node('s', 'xml.@attr=', v, `.@${r.pick(['id', 'type', 'added'])} = `, this.expr(r.pick(['str', 'num']), d - 1), ';')],
          [1, () => node('s', 'xml.appendChild', v, '.appendChild(', E(null, r.pick(['<added>new</added>', '<b x="1"/>'])), ');')],
          [1, () => node('s', 'xml.child=', v, `.${r.pick(['added', 'name', 'x'])} = `, this.expr('str', d - 1), ';')],
        ]);
      }],
      [1, () => {
        const v = this.varRef('re', (x) => !x.ro);
        return v && node('s', 'RegExp.exec', v, r.pick(['.test(', '.exec(']), this.str(d - 1), ');');
      }],
    ]);
  }

  throwStmt(d) {
    const r = this.r;
    return r.weighted([
      [3, () => node('s', 'throw', 'throw ', E(null, r.pick(['new Error("e")', 'new TypeError("t")', 'new RangeError("r")', '"str"', '42', 'null', '{code: 7}', 'new Error()', 'undefined', 'Error("x")'])), ';')],
      [4, () => node('s', 'natural-error', E(null, r.pick(['null.x', 'undefined.y', 'zz_undefined_name', '(1).toFixed(200)', 'decodeURIComponent("%")', 'JSON.parse("{")',
        '[].reduce(function (a, b) { return a; })', 'new Array(-1)', '"abc".nope()', 'rtEvent.ctx.nothing.foo()', 'undefined()', '(void 0)()', 'new RegExp("(")',
        'String.prototype.toString.call(1)', 'Number(1).toString(1)', '({}).x.y', 'rtEvent.nope.x', '"x" in "y"', '1 instanceof 1'])), ';')],
      [1, () => node('s', 'throw', 'throw ', this.printable(d - 1), ';')],
    ]);
  }

  tryStmt(d) {
    const r = this.r;
    this.inTry++;
    const body = this.block(d - 1, r.range(1, 3));
    this.inTry--;
    const e = this.fresh('e');
    const cat = this.block(d - 1, r.range(0, 2), () => {});
    const fin = r.chance(0.3) ? [' finally { ', this.block(d - 1, r.range(1, 2)), ' }'] : [];
    const report = r.pick([`out.write(${e} instanceof Error ? ${e}.name : ${e});`, `out.write(typeof ${e});`, `out.write(${e} && ${e}.name);`, `out.write(${e} instanceof TypeError);`]);
    if (r.chance(0.1) && !fin.length) return node('s', 'try-finally', 'try { ', body, ' } finally { ', cat, ' }');
    return node('s', 'try', 'try { ', body, ` } catch (${e}) { ${report} `, cat, ' }', ...fin);
  }

  switchStmt(d) {
    const r = this.r;
    const disc = r.chance(0.5) ? this.num(d - 1) : r.chance(0.6) ? this.str(d - 1) : this.any(d - 1);
    const saved = this.noLet;
    this.noLet = true;
    const cases = Array.from({ length: r.range(1, 4) }, () => {
      const label = E(null, r.pick(['0', '1', '2', '"1"', '"a"', '""', 'true', 'null', 'undefined', 'NaN', '"abc"', '3', '(-0)']));
      const body = this.block(d - 1, r.range(0, 2));
      return node('sc', null, ' case ', label, ': ', body, r.chance(0.7) ? ' break;' : '');
    });
    if (r.chance(0.6)) cases.splice(r.int(cases.length + 1), 0, node('sc', null, ' default: ', this.block(d - 1, r.range(0, 2)), r.chance(0.5) ? ' break;' : ''));
    this.noLet = saved;
    this.loopDepth++; // break is allowed inside
    this.loopDepth--;
    return node('s', 'switch', 'switch (', disc, ') {', list('sl', null, cases), ' }');
  }

  fnDecl(d) {
    const r = this.r;
    const name = this.fresh('f');
    return r.weighted([
      [4, () => {
        const f = this.fnExpr(d, r.pick(['num', 'str', 'bool', 'any']), r.range(0, 3), name);
        this.declare(name, 'fn', f.sig, true);
        return node('s', 'function-declaration', f.e);
      }],
      [1.5, () => {
        const [ret, base, step] = r.pick([['num', '0', 'n + '], ['str', '""', 'n + "," + '], ['num', '1', 'n * ']]);
        this.declare(name, 'fn', { params: ['num'], ret, rec: true }, true);
        return node('s', 'recursion', `function ${name}(n) { if (n <= 0) return ${base}; return ${step}${name}(n - 1); }`);
      }],
      [1.5, () => {
        const g = this.fresh('v');
        this.declare(g, 'fn', { params: [], ret: 'num' }, true);
        return node('s', 'closure', `function ${name}(start) { var c = start; return function () { c += 1; return c; }; } var ${g} = ${name}(`, this.numLit(), ');');
      }],
    ]);
  }

  closureLoop(d) {
    const r = this.r;
    const kw = this.noLet ? 'var' : r.pick(['var', 'let']);
    const fs = this.fresh('v');
    const i = this.fresh('i');
    const inner = r.chance(0.5) ? `${kw} x = ${i} * 2; ` : '';
    const ret = inner ? 'x' : i;
    return node('s', `closure-in-loop:${kw}`, `var ${fs} = []; for (${kw} ${i} = 0; ${i} < 3; ${i}++) { ${inner}${fs}.push(function () { return ${ret}; }); } out.write(${fs}.map(function (f) { return f(); }).join(","));`);
  }

  /** A bounded loop: {kind, pre, head, tail, declare, coll}. The body comes from loopBody. */
  loopParts(d) {
    const r = this.r;
    const k = String(r.range(0, 4));
    const kind = r.weighted([[4, 'for'], [2, 'for-in'], [3, 'for-each'], [1.5, 'while'], [1, 'do']]);
    const i = this.fresh('i');
    if (kind === 'for') {
      const kw = this.noLet ? 'var' : r.pick(['var', 'var', 'let']);
      return { kind, pre: '', head: [`for (${kw} ${i} = 0; ${i} < ${k}; ${i}++) {`], tail: ['}'], declare: () => this.declare(i, 'num', {}, true) };
    }
    if (kind === 'for-in') {
      const c = r.chance(0.5) ? this.obj(d - 1) : this.arr(d - 1);
      return { kind, pre: '', head: [`for (var ${i} in `, c, ') {'], tail: ['}'], declare: () => this.declare(i, 'str', {}, true), coll: c };
    }
    if (kind === 'for-each') {
      const which = r.weighted([[3, 'xl'], [2, 'arr'], [1, 'obj']]);
      if (which === 'xl') {
        const p = this.path(d - 1);
        const e = r.chance(0.2) ? E('xml.@attr', recv(p.e), '.@*') : p.e;
        const kindOf = e === p.e ? 'elem' : 'attr';
        return { kind: 'for-each-xml', pre: '', head: [`for each (var ${i} in `, e, ') {'], tail: ['}'], declare: () => this.declare(i, 'xl', { set: p.set.length ? [p.set[0]] : [], kind: kindOf }, true) };
      }
      const c = which === 'arr' ? this.arr(d - 1) : this.obj(d - 1);
      return { kind, pre: '', head: [`for each (var ${i} in `, c, ') {'], tail: ['}'], declare: () => this.declare(i, 'any', {}, true), coll: c };
    }
    const w = this.fresh('w');
    if (kind === 'while') return { kind, pre: `var ${w} = 0; `, head: [`while (${w}++ < ${k}) {`], tail: ['}'], declare: () => {} };
    return { kind, pre: `var ${w} = 0; `, head: ['do {'], tail: [`} while (++${w} < ${k});`], declare: () => {} };
  }

  loopBody(L, make) {
    // the collection a for-in/for-each walks is not changed by the body (the order of a walk
    // over a changing object is not specified)
    const v = L.coll && L.coll.v;
    const ro = v ? v.ro : false;
    if (v) v.ro = true;
    this.pushScope();
    this.blockDepth++;
    this.loopDepth++;
    L.declare();
    const body = make();
    this.loopDepth--;
    this.blockDepth--;
    this.popScope();
    if (v) v.ro = ro;
    return body;
  }

  // ---- template pieces
  pieces(d, n) {
    const items = [];
    for (let i = 0; i < n; i++) {
      const p = this.piece(d);
      if (p) items.push(p);
    }
    return list('P', null, items);
  }

  inner(d, n, extra) {
    this.pushScope();
    this.blockDepth++;
    if (extra) extra();
    const p = this.pieces(d, n);
    this.blockDepth--;
    this.popScope();
    return p;
  }

  text() {
    const r = this.r;
    const frags = ['Hello', ' ', 'world', '\n', '<p>', '</p>', '"', "'", '\\', '%', '%>', '&amp;', 'é', '\t', '{', '}', '$1', ', ', 'Total: ',
      '<a href="x">', '</a>', '\r\n', '\\n', '😀', '\u2028', '<', '>'];
    let s = '';
    const n = r.range(1, 4);
    for (let i = 0; i < n; i++) s += r.pick(frags);
    if (s.includes('<%') || s.endsWith('<')) s = s.replace(/</g, '[');
    return node('p', /\u2028/.test(s) ? 'text:u2028' : null, s);
  }

  piece(d) {
    const r = this.r;
    const tag = (s) => (r.chance(0.8) ? s : s.replace(/ /g, r.pick(['', '\n', '  '])));
    return r.weighted([
      [4, () => this.text()],
      [6, () => node('p', null, tag('<%= '), this.printable(d), tag(' %>'))],
      [4, () => node('p', null, tag('<% '), this.stmts(d, r.range(1, 3)), tag(' %>'))],
      [d > 0 ? 2 : 0, () => {
        const c = this.bool(d);
        const a = this.inner(d - 1, r.range(1, 3));
        const parts = ['<% if (', c, ') { %>', a];
        if (r.chance(0.3)) parts.push('<% } else if (', this.bool(d - 1), ') { %>', this.inner(d - 1, r.range(1, 2)));
        if (r.chance(0.4)) parts.push('<% } else { %>', this.inner(d - 1, r.range(1, 2)));
        parts.push('<% } %>');
        return node('p', 'jssp:if', ...parts);
      }],
      [d > 0 ? 2 : 0, () => {
        const L = this.loopParts(d);
        const body = this.loopBody(L, () => this.pieces(d - 1, r.range(1, 3)));
        return node('p', `jssp:${L.kind}`, '<% ', L.pre, ...L.head, ' %>', body, '<% ', ...L.tail, ' %>');
      }],
      [d > 0 ? 0.7 : 0, () => {
        const disc = r.chance(0.5) ? this.num(d - 1) : this.str(d - 1);
        const saved = this.noLet;
        this.noLet = true;
        const cases = Array.from({ length: r.range(1, 3) }, () => node('pc', null, '<% case ', E(null, r.pick(['0', '1', '"1"', '"a"', '""', '2'])), ': %>', this.inner(d - 1, r.range(1, 2)), r.chance(0.7) ? '<% break; %>' : ''));
        if (r.chance(0.5)) cases.push(node('pc', null, '<% default: %>', this.inner(d - 1, r.range(1, 2))));
        this.noLet = saved;
        return node('p', 'jssp:switch', '<% switch (', disc, ') { %>', list('pl', null, cases), '<% } %>');
      }],
      [d > 0 ? 0.7 : 0, () => {
        this.inTry++;
        const body = this.inner(d - 1, r.range(1, 3));
        this.inTry--;
        const e = this.fresh('e');
        return node('p', 'jssp:try', '<% try { %>', body, `<% } catch (${e}) { %><%= ${e} instanceof Error ? ${e}.name : ${e} %>`, this.inner(d - 1, r.range(0, 1)), '<% } %>');
      }],
      [d > 0 && this.blockDepth === 0 ? 0.8 : 0, () => {
        const name = this.fresh('f');
        const params = Array.from({ length: r.range(0, 2) }, () => [this.fresh('p'), r.pick(['num', 'str'])]);
        const saved = [this.loopDepth, this.blockDepth, this.inTry];
        this.pushScope(true);
        this.fnDepth++;
        this.loopDepth = 0;
        this.blockDepth = 0;
        this.inTry = 0;
        for (const [p, t] of params) this.declare(p, t);
        const body = this.pieces(d - 1, r.range(1, 3));
        this.fnDepth--;
        this.popScope();
        [this.loopDepth, this.blockDepth, this.inTry] = saved;
        this.declare(name, 'fn', { params: params.map((p) => p[1]), ret: 'any', writer: true }, true);
        const call = node('p', 'call', '<% ', name, '(', list('a', null, params.map((p) => this.expr(p[1], 1)), ', '), '); %>');
        return node('p', 'jssp:function', `<% function ${name}(${params.map((p) => p[0]).join(', ')}) { %>`, body, '<% } %>', call);
      }],
      [0.4, () => node('p', 'jssp:comment', r.pick(['<%-- a comment --%>', '<%-- <%= nope %> --%>', '<%----%>', '<%-- %> --%>']))],
      [0.6, () => this.include()],
    ]);
  }

  include() {
    const r = this.r;
    const q = r.pick(["'", '"']);
    if (r.chance(0.4) && this.blocks) {
      const names = Object.keys(this.blocks);
      if (names.length) return node('p', 'jssp:include-block', `<%@ include view=${q}${r.pick(names)}${q} %>`);
    }
    return r.weighted([
      [2, () => node('p', 'jssp:include-builtin', `<%@ include view=${q}${r.pick(['MirrorPageUrl', 'MirrorPage', 'Greetings', 'NotificationStyle', 'UnsubscriptionLink', 'toSmartCase'])}${q} %>`)],
      [2, () => node('p', 'jssp:include-option', `<%@ include option=${q}${r.pick(['NmsServer_URL', 'NmsTracking_ServerUrl', 'NmsEmail_OrganizationName', 'MyOption'])}${q} %>`)],
    ]);
  }
}

// A table whose every row is impossible here (no variable of the type, depth 0) gives null: then
// the simplest value of the type, so that no caller sees a null.
const FALLBACK = {
  num: () => E(null, '0'), str: () => E(null, '""'), bool: () => E(null, 'true'), arr: () => E(null, '[]'), obj: () => E(null, '({})'),
  fn: () => E(null, '(function () { return 1; })'), date: () => E(null, 'new Date(0)'), re: () => E(null, '/a/'),
  xl: () => E('rtEvent.ctx', 'rtEvent.ctx'), any: () => E(null, 'null'),
};
for (const [m, f] of Object.entries(FALLBACK)) {
  const orig = Gen.prototype[m];
  Gen.prototype[m] = function (...a) {
    return orig.apply(this, a) ?? f();
  };
}
{
  const stmt = Gen.prototype.stmt;
  Gen.prototype.stmt = function (d) {
    return stmt.call(this, d) ?? node('s', null, ';');
  };
  const xlAny = Gen.prototype.xlAny;
  Gen.prototype.xlAny = function (d) {
    return xlAny.call(this, d) ?? { e: E('rtEvent.ctx', 'rtEvent.ctx'), set: [this.ctx], kind: 'elem' };
  };
  const strMethod = Gen.prototype.strMethod;
  Gen.prototype.strMethod = function (d) {
    return strMethod.call(this, d) ?? FALLBACK.str();
  };
}

// --- cases ------------------------------------------------------------------------------------

const EMAILS = ['esther.hall@example.com', 'a+b@example.org', '', 'x@y'];

/** Case i of a seed: {tree: {tpl, ctx, blocks}, rest of the case}. */
function makeCase(seed, i, opts) {
  const r = new Rand(caseSeed(seed, i));
  const ctx = new Ctx(r, opts.includeKnown).make();
  const event = {
    id: String(r.range(1, 999999999)),
    type: r.pick(['order', 'welcome', 'reset_password']),
    email: r.pick(EMAILS),
  };
  if (r.chance(0.3)) event.language = r.pick(['en', 'fr']);
  if (r.chance(0.3)) event.wishedChannel = r.pick([0, 1, 2]);
  if (r.chance(0.3)) event.created = r.pick(['2026-03-02T07:59:58Z', '2025-12-31T23:30:00Z', '2024-02-29T12:00:00Z']);
  const g = new Gen(r, opts.includeKnown, ctx.model, event);
  const blocks = {};
  const options = {};
  if (r.chance(0.15)) {
    const saved = g.scope;
    g.scope = { vars: [], parent: null, fn: true };
    g.noLet = true;
    g.blockDepth = 1; // no function declarations: a block may be included inside a block
    for (let b = 0; b < r.range(1, 2); b++) blocks[`Block${b}`] = g.pieces(1, r.range(1, 3));
    g.noLet = false;
    g.blockDepth = 0;
    g.scope = saved;
    g.blocks = blocks;
  }
  if (r.chance(0.1)) options.MyOption = r.pick(['plain', 'with <%= tags %>', 'a & b', '']);
  const depth = opts.small ? r.weighted([[2, 1], [2, 2]]) : r.weighted([[1, 1], [3, 2], [2, 3]]);
  const tpl = opts.small ? g.pieces(depth, r.range(1, 4)) : g.pieces(depth, r.range(2, 8));
  const c = {
    tree: { tpl, ctx: ctx.tree, blocks },
    event,
    now: r.chance(0.5) ? '2026-03-02T08:00:00Z' : new Date(Date.UTC(r.range(1990, 2040), r.int(12), r.range(1, 28), r.int(24), r.int(60), r.int(60))).toISOString(),
    seed: r.int(2 ** 32),
    timeZone: r.chance(0.7) ? 'UTC' : r.pick(ZONES),
  };
  if (!options.MyOption && /MyOption/.test(print(tpl))) options.MyOption = 'default';
  if (Object.keys(options).length) c.options = options;
  return c;
}

/** The case object (corpus format) of a generated case. */
function toCase(c, id) {
  const out = { template: print(c.tree.tpl), event: { ...c.event, ctx: print(c.tree.ctx) } };
  const names = Object.keys(c.tree.blocks);
  if (names.length) {
    out.blocks = {};
    for (const b of names) out.blocks[b] = print(c.tree.blocks[b]);
  }
  if (c.options) out.options = c.options;
  out.now = c.now;
  out.seed = c.seed;
  out.timeZone = c.timeZone;
  if (id !== undefined) out.id = id;
  return out;
}

/** A tree without the generator's bookkeeping (variables, models): what the shrinker copies. */
function clean(n) {
  if (typeof n === 'string') return n;
  if (n.items) return { cat: n.cat, kind: n.kind, items: n.items.map(clean), sep: n.sep };
  return { cat: n.cat, kind: n.kind, parts: n.parts.map(clean) };
}

// --- the engines -------------------------------------------------------------------------------

const OURS_BIN = join(root, 'target', 'release', 'examples', 'render_cases');
const HANG_MS = Number(process.env.FUZZ_HANG_MS) || 10000;

/** Our render_cases process: case lines in, result lines out, in order. A crash or a hang of
 * the process is the result of the case it was on (named "Crash" / "Hang"); the cases behind it
 * go to a new process. */
class Ours {
  constructor() {
    this.proc = null;
    this.pending = [];
    this.lastProgress = Date.now();
    this.timer = setInterval(() => {
      if (this.proc && this.pending.length && Date.now() - this.lastProgress > HANG_MS) {
        this.hung = true;
        this.proc.kill('SIGKILL');
      }
    }, 1000);
    this.timer.unref();
  }

  start() {
    const proc = spawn(OURS_BIN, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    this.hung = false;
    this.lastProgress = Date.now();
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    createInterface({ input: proc.stdout }).on('line', (line) => {
      this.lastProgress = Date.now();
      const p = this.pending.shift();
      if (!p) return;
      try {
        p.resolve(JSON.parse(line));
      } catch {
        p.resolve({ error: { name: 'BadLine', message: line.slice(0, 300) } });
      }
    });
    proc.on('exit', (code, signal) => {
      if (this.proc === proc) this.proc = null;
      const lost = this.pending.splice(0);
      if (!lost.length) return;
      const head = lost.shift();
      const why = this.hung ? 'Hang' : 'Crash';
      head.resolve({ error: { name: why, message: `render_cases ${why === 'Hang' ? `stopped after ${HANG_MS / 1000} s without an answer` : `exited (${code ?? signal})`}: ${stderr.trim().split('\n').slice(-6).join(' | ')}` } });
      for (const p of lost) this.send(p);
    });
    proc.stdin.on('error', () => {});
  }

  send(p) {
    if (!this.proc) this.start();
    if (!this.pending.length) this.lastProgress = Date.now();
    this.pending.push(p);
    this.proc.stdin.write(p.line + '\n');
  }

  run(line) {
    return new Promise((resolve) => this.send({ line, resolve }));
  }

  close() {
    clearInterval(this.timer);
    if (this.proc) this.proc.stdin.end();
  }
}

/** Both engines: Rhino JVMs (the least busy one takes a case) and our process. */
class Engines {
  constructor(jobs) {
    this.rhinos = Array.from({ length: jobs }, () => new Oracle());
    this.ours = new Ours();
  }

  /** -> {rh, us} for a case object (with no id). */
  async run(c) {
    const line = JSON.stringify(c);
    let o = this.rhinos[0];
    for (const x of this.rhinos) if (x.pending.length < o.pending.length) o = x;
    const [rh, us] = await Promise.all([o.run(c), this.ours.run(line)]);
    delete rh.id;
    return { rh, us };
  }

  async close() {
    this.ours.close();
    await Promise.all(this.rhinos.map((o) => o.close()));
  }
}

// --- comparing -------------------------------------------------------------------------------

const RHINO_NOT_AN_ANSWER = new Set(['OracleCrash', 'OracleError', 'HarnessError']);
const outcome = (r) => (r.error ? r.error.name : 'output');

/** 'equal', 'differ' or 'skip' (Rhino hit a limit or failed: nothing to compare). */
function verdict(rh, us) {
  if (rh.error && (rh.error.limit || RHINO_NOT_AN_ANSWER.has(rh.error.name))) return 'skip';
  if (!rh.error && !us.error) return rh.output === us.output ? 'equal' : 'differ';
  if (rh.error && us.error) {
    const a = rh.error.name;
    const b = us.error.name;
    if (a === b || (a === 'TemplateError' && b === 'SyntaxError')) return 'equal';
  }
  return 'differ';
}

const pairKey = (rh, us) => `${outcome(rh)}~${outcome(us)}`;

/** The constructs of a case (its nodes' kinds), for its signature. */
function kindsOf(c) {
  const out = new Set();
  const walk = (n) => {
    if (typeof n === 'string') return;
    if (n.kind) out.add(n.kind);
    for (const k of n.items || n.parts) walk(k);
  };
  walk(c.tree.tpl);
  for (const b of Object.values(c.tree.blocks)) walk(b);
  walk(c.tree.ctx);
  if (c.timeZone !== 'UTC') out.add(`tz`);
  return out;
}

function signatureOf(key, kinds) {
  const k = [...kinds].sort();
  return `${key}|${k.length ? k.join(',') : 'plain'}`;
}

function fileNameOf(sig) {
  let s = sig.replace(/~/g, '-vs-').replace(/\|/g, '--').replace(/[^A-Za-z0-9._+-]+/g, '_');
  if (s.length > 120) {
    let h = 0;
    for (const ch of sig) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
    s = `${s.slice(0, 110)}-${h.toString(16)}`;
  }
  return `${s}.json`;
}

// --- shrinking ---------------------------------------------------------------------------------

const REPLACE = { e: ['e'], s: ['s', 'S'], p: ['p', 'P'], xe: ['xe', 'xk'] };
const kidsOf = (n) => (typeof n === 'string' ? [] : n.items || n.parts);

function update(n, path, f) {
  if (!path.length) return f(n);
  const key = n.items ? 'items' : 'parts';
  const arr = n[key].slice();
  arr[path[0]] = update(arr[path[0]], path.slice(1), f);
  return { ...n, [key]: arr };
}

/** Every node of a tree with its path, in preorder. */
function nodesOf(tree) {
  const out = [];
  const walk = (n, path) => {
    if (typeof n === 'string') return;
    out.push({ n, path });
    kidsOf(n).forEach((k, i) => walk(k, [...path, i]));
  };
  walk(tree, []);
  return out;
}

/** The nearest nodes under n (not n) whose cat is in cats. */
function nearest(n, cats) {
  const out = [];
  const walk = (x) => {
    for (const k of kidsOf(x)) {
      if (typeof k === 'string') continue;
      if (cats.includes(k.cat)) out.push(k);
      else walk(k);
    }
  };
  walk(n);
  return out;
}

/** Smaller versions of a case, the most promising first (lazily). */
function* candidates(c) {
  const roots = [['tpl', c.tree.tpl], ['ctx', c.tree.ctx], ...Object.entries(c.tree.blocks).map(([k, v]) => [`block:${k}`, v])];
  const withTree = (rootName, tree) => {
    const t = { ...c.tree, blocks: { ...c.tree.blocks } };
    if (rootName === 'tpl') t.tpl = tree;
    else if (rootName === 'ctx') t.ctx = tree;
    else t.blocks[rootName.slice(6)] = tree;
    return { ...c, tree: t };
  };
  // 1. Remove chunks of lists, halves first, then single items.
  for (const chunkDiv of [2, 4, 0]) {
    for (const [rn, tree] of roots) {
      for (const { n, path } of nodesOf(tree)) {
        if (!n.items || n.items.length === 0) continue;
        const len = n.items.length;
        const size = chunkDiv === 0 ? 1 : Math.ceil(len / chunkDiv);
        if (chunkDiv && size <= 1 && len > 1) continue;
        for (let at = 0; at < len; at += size) {
          yield withTree(rn, update(tree, path, (x) => ({ ...x, items: [...x.items.slice(0, at), ...x.items.slice(at + size)] })));
        }
      }
    }
  }
  // 2. Replace a node by one of its own sub-nodes of the same category.
  for (const [rn, tree] of roots) {
    for (const { n, path } of nodesOf(tree)) {
      const cats = REPLACE[n.cat];
      if (!cats) continue;
      for (const k of nearest(n, cats)) yield withTree(rn, update(tree, path, () => (k.cat === 'xk' ? { ...k, cat: 'xe', kind: null, items: undefined, parts: [k] } : k)));
    }
  }
  // 3. Simpler leaves.
  for (const [rn, tree] of roots) {
    for (const { n, path } of nodesOf(tree)) {
      const text = print(n);
      if (n.cat === 'e' && text.length > 2) {
        for (const s of ['0', '""', '1', '"a"']) if (s !== text) yield withTree(rn, update(tree, path, () => ({ cat: 'e', kind: null, parts: [s] })));
      }
      if (n.cat === 'e' && n.parts.length === 1 && typeof n.parts[0] === 'string' && /^["']/.test(text) && text.length > 3) {
        const inner = text.slice(1, -1);
        yield withTree(rn, update(tree, path, () => ({ cat: 'e', kind: null, parts: [`"${inner.slice(0, inner.length >> 1).replace(/\\$/, '')}"`] })));
      }
      if ((n.cat === 'p' || n.cat === 'xt') && n.parts.length === 1 && typeof n.parts[0] === 'string' && text.length > 1 && !text.startsWith('<')) {
        yield withTree(rn, update(tree, path, () => ({ ...n, parts: [text.slice(0, text.length >> 1)] })));
        if (text !== 'x') yield withTree(rn, update(tree, path, () => ({ ...n, parts: ['x'] })));
      }
    }
  }
  // 4. The case's other fields.
  if (c.timeZone !== 'UTC') yield { ...c, timeZone: 'UTC' };
  if (c.now !== '2026-03-02T08:00:00Z') yield { ...c, now: '2026-03-02T08:00:00Z' };
  if (c.seed !== 0) yield { ...c, seed: 0 };
  for (const k of Object.keys(c.event)) if (k !== 'id' && k !== 'type') yield { ...c, event: Object.fromEntries(Object.entries(c.event).filter(([x]) => x !== k)) };
  if (c.options) yield { ...c, options: undefined };
}

/** The smallest case found (by delta debugging) that still differs the same way. */
async function shrink(engines, c0, key, budget) {
  let cur = c0;
  let result = null;
  let checks = 0;
  const tried = new Set();
  const B = 4 * engines.rhinos.length;
  for (;;) {
    let found = null;
    let batch = [];
    const flush = async () => {
      const rs = await Promise.all(batch.map((x) => engines.run(toCase(x))));
      checks += batch.length;
      for (let i = 0; i < batch.length; i++) {
        const { rh, us } = rs[i];
        if (verdict(rh, us) === 'differ' && pairKey(rh, us) === key) {
          found = batch[i];
          result = rs[i];
          break;
        }
      }
      batch = [];
    };
    for (const cand of candidates(cur)) {
      const text = JSON.stringify(toCase(cand));
      if (tried.has(text)) continue;
      tried.add(text);
      batch.push(cand);
      if (batch.length >= B) await flush();
      if (found || checks >= budget) break;
    }
    if (!found && batch.length && checks < budget) await flush();
    if (!found) break;
    cur = found;
  }
  return { c: cur, result, checks };
}

// --- the run -------------------------------------------------------------------------------------

/** A difference class: {sig, key, kinds (of the shrunk case), count, file, example}. A later
 * difference with the same outcome pair whose constructs include a class's constructs is counted
 * in that class without being shrunk (the class's smallest case needs nothing more). */
class Classes {
  constructor(out) {
    this.out = out;
    this.list = [];
  }

  match(key, kinds) {
    let best = null;
    for (const c of this.list) {
      if (c.key !== key) continue;
      if (c.kinds.every((k) => kinds.has(k)) && (!best || c.kinds.length > best.kinds.length)) best = c;
    }
    return best;
  }

  add(key, shrunk, result, checks, seed, index) {
    const kinds = [...kindsOf(shrunk)].sort();
    const sig = signatureOf(key, new Set(kinds));
    let c = this.list.find((x) => x.sig === sig);
    if (!c) {
      c = { sig, key, kinds, count: 0, file: join(this.out, fileNameOf(sig)) };
      this.list.push(c);
      const doc = { signature: sig, seed, index, shrinkChecks: checks, case: toCase(shrunk), rhino: result.rh, ours: result.us };
      writeFileSync(c.file, JSON.stringify(doc, null, 2) + '\n');
    }
    c.count++;
    return c;
  }
}

function buildOurs() {
  const r = spawnSync('cargo', ['build', '--release', '--example', 'render_cases', '--features', 'bench'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('cargo build of render_cases failed');
}

function show(label, r) {
  return `${label}: ${r.error ? `ERROR ${r.error.name}: ${r.error.message}${r.error.line ? ` (line ${r.error.line})` : ''}` : JSON.stringify(r.output)}`;
}

async function main(o) {
  if (o.emit) {
    const lines = [];
    for (let i = 0; i < o.emit; i++) lines.push(JSON.stringify(toCase(makeCase(o.seed, i, o))));
    process.stdout.write(lines.join('\n') + '\n');
    return;
  }
  if (o.dump) {
    for (let i = 0; i < o.dump; i++) {
      const c = toCase(makeCase(o.seed, i, o));
      console.log(`--- case ${i}\n${c.template}\n--- ctx\n${c.event.ctx}${c.blocks ? `\n--- blocks ${JSON.stringify(c.blocks)}` : ''}`);
    }
    return;
  }
  if (o.build) buildOurs();
  if (!existsSync(OURS_BIN)) throw new Error(`${OURS_BIN} is missing (cargo build --release --example render_cases --features bench)`);
  const engines = new Engines(o.jobs);
  if (o.caseIndex !== null) {
    const c = toCase(makeCase(o.seed, o.caseIndex, o));
    const { rh, us } = await engines.run(c);
    console.log(JSON.stringify(c, null, 2));
    console.log(show('rhino', rh));
    console.log(show('ours ', us));
    const v = verdict(rh, us);
    console.log(v);
    if (v === 'differ' && o.shrink) {
      const s = await shrink(engines, makeCase(o.seed, o.caseIndex, o), pairKey(rh, us), o.shrinkBudget);
      console.log(`shrunk (${s.checks} checks):`);
      console.log(JSON.stringify(toCase(s.c), null, 2));
      if (s.result) {
        console.log(show('rhino', s.result.rh));
        console.log(show('ours ', s.result.us));
      }
    }
    await engines.close();
    return;
  }
  if (o.fresh) rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  const classes = new Classes(o.out);
  // Classes already on disk (earlier runs) take part in matching, with their counts from zero.
  for (const f of readdirSync(o.out)) {
    if (!f.endsWith('.json')) continue;
    try {
      const doc = JSON.parse(readFileSync(join(o.out, f), 'utf8'));
      const [key, ks] = doc.signature.split('|');
      classes.list.push({ sig: doc.signature, key, kinds: ks === 'plain' ? [] : ks.split(','), count: 0, file: join(o.out, f), old: true });
    } catch {
      // not one of ours
    }
  }
  const stats = { compared: 0, equal: 0, differ: 0, skip: 0, bothError: 0, rhinoError: 0, oursError: 0, byKey: new Map(), shrinks: 0, shrinkChecks: 0, unshrunk: 0 };
  const errNames = { rh: new Map(), us: new Map() };
  const bump = (m, k) => m.set(k, (m.get(k) || 0) + 1);
  const maxShrinksPerKey = 12;
  const shrinksByKey = new Map();
  const t0 = Date.now();
  let lastReport = t0;
  let next = 0;
  let shrinkTime = 0;
  const window = o.window * o.jobs;
  const inflight = new Set();
  const onResult = async (i, tree, rh, us) => {
    const v = verdict(rh, us);
    if (v === 'skip') {
      stats.skip++;
      return;
    }
    stats.compared++;
    if (rh.error && us.error) stats.bothError++;
    else if (rh.error) stats.rhinoError++;
    else if (us.error) stats.oursError++;
    if (rh.error) bump(errNames.rh, rh.error.name);
    if (us.error) bump(errNames.us, us.error.name);
    if (v === 'equal') {
      stats.equal++;
      return;
    }
    stats.differ++;
    const key = pairKey(rh, us);
    bump(stats.byKey, key);
    const kinds = kindsOf(tree);
    const known = classes.match(key, kinds);
    if (known) {
      known.count++;
      return;
    }
    if (!o.shrink || (shrinksByKey.get(key) || 0) >= maxShrinksPerKey) {
      stats.unshrunk++;
      if (!o.shrink) classes.add(key, tree, { rh, us }, 0, o.seed, i);
      return;
    }
    bump(shrinksByKey, key);
    const s0 = Date.now();
    const s = await shrink(engines, tree, key, o.shrinkBudget);
    shrinkTime += Date.now() - s0;
    stats.shrinks++;
    stats.shrinkChecks += s.checks;
    const c = classes.add(key, s.c, s.result || { rh, us }, s.checks, o.seed, i);
    console.log(`difference ${key} (case ${i}) -> ${c.sig} [${s.checks} checks]`);
  };
  // The pipeline: up to `window` cases in flight; a difference's shrink runs inline (it awaits
  // the engines, so the main stream pauses behind it: only the first differences of a kind shrink).
  let shrinking = Promise.resolve();
  // SIGINT/SIGTERM: no new cases; the ones in flight finish and the summary is printed.
  let stopAt = o.count;
  const stop = () => {
    if (stopAt !== next) console.log(`stopping after case ${next} (signal)`);
    stopAt = next;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise((resolveAll) => {
    const pump = () => {
      while (inflight.size < window && next < Math.min(o.count, stopAt)) {
        const i = next++;
        let tree;
        try {
          tree = makeCase(o.seed, i, o);
        } catch (e) {
          stats.genErrors = (stats.genErrors || 0) + 1;
          if (stats.genErrors <= 3) console.error(`generator failed on case ${i}: ${e.stack || e}`);
          continue;
        }
        const p = engines.run(toCase(tree)).then(({ rh, us }) => {
          shrinking = shrinking.then(() => onResult(i, tree, rh, us)).catch((e) => console.error(e.stack || e));
          return shrinking;
        }).then(() => {
          inflight.delete(p);
          const now = Date.now();
          if (now - lastReport > 30000) {
            lastReport = now;
            const s = (now - t0) / 1000;
            console.log(`[${s.toFixed(0)} s] ${next} cases, ${stats.compared} compared, ${stats.equal} agree, ${stats.differ} differ, ${(stats.compared / s).toFixed(0)}/s`);
          }
          if (next >= Math.min(o.count, stopAt) && inflight.size === 0) resolveAll();
          else pump();
        });
        inflight.add(p);
      }
      if (next >= Math.min(o.count, stopAt) && inflight.size === 0) resolveAll();
    };
    pump();
  });
  await engines.close();
  const secs = (Date.now() - t0) / 1000;
  const pct = (n) => (stats.compared ? ((100 * n) / stats.compared).toFixed(3) : '0');
  console.log(`\nseed ${o.seed}: ${next} cases in ${secs.toFixed(1)} s (${(next / secs).toFixed(0)} cases/s, ${(stats.compared / secs).toFixed(0)} comparisons/s; shrinking ${(shrinkTime / 1000).toFixed(1)} s)`);
  console.log(`comparisons ${stats.compared} (skipped ${stats.skip}: Rhino hit a limit or failed)`);
  console.log(`agree ${stats.equal} (${pct(stats.equal)} %), differ ${stats.differ} (${pct(stats.differ)} %)`);
  console.log(`errors: both ${stats.bothError}, Rhino only ${stats.rhinoError}, ours only ${stats.oursError}`);
  const fmt = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`  Rhino's errors: ${fmt(errNames.rh) || 'none'}`);
  console.log(`  our errors:     ${fmt(errNames.us) || 'none'}`);
  console.log(`differences by outcome (rhino~ours): ${fmt(stats.byKey) || 'none'}`);
  console.log(`shrinks ${stats.shrinks} (${stats.shrinkChecks} checks), unclassified (over ${maxShrinksPerKey} shrinks of a kind) ${stats.unshrunk}`);
  const live = classes.list.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
  console.log(`difference classes (${live.length}), files in ${o.out}:`);
  for (const c of live) console.log(`  ${String(c.count).padStart(7)}  ${c.sig}`);
  const summary = { seed: o.seed, cases: next, seconds: secs, ...stats, byKey: Object.fromEntries(stats.byKey),
    errors: { rhino: Object.fromEntries(errNames.rh), ours: Object.fromEntries(errNames.us) }, classes: Object.fromEntries(live.map((c) => [c.sig, c.count])) };
  writeFileSync(join(o.out, `_summary-seed${o.seed}.json.txt`), JSON.stringify(summary, null, 2) + '\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(e.stack || String(e));
    process.exit(1);
  });
}
