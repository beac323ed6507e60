#!/usr/bin/env node
// Differential test of src/script/date.rs and tz.rs (JavaScript's Date, Campaign's formatDate)
// against Rhino.
//
//   node scripts/oracle/date-diff.mjs [--cases N] [--seed S]
//
// Two runs, each with one JVM per time zone (Rhino reads its zone once, when Date loads):
//  1. "rule": the JVM's default zone is a java.util.SimpleTimeZone built from the same POSIX rule
//     as our zone table (and named with its IANA id, so that Java prints the same short names):
//     the same rule on both sides, so every difference is an algorithm difference. Times are
//     spread over 1900–2100 (and around DST changes); every formatter, getter, setter, the
//     constructor, Date.UTC, Date.parse (random date strings), and formatDate (prelude.js, the
//     oracle's own, with the JVM's zone) are compared.
//  2. "iana": the JVM runs the real IANA zone (-Duser.timezone), over 2024–2037: this checks our
//     table of current rules against Java's tz database.
//  3. with --history: "iana" over 1900–2023, to measure (not fail on) what our lack of history costs.
// N cases per run (default 40,000 + 12,000), split over the zones. Differences that date.rs
// documents are counted apart, under their reason; any other fails (exit 1).
// Needs java, javac, /usr/share/java/js.jar (`apt-get install -y rhino`), cargo.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const work = join(root, 'target', 'oracle');
const RHINO_JAR = '/usr/share/java/js.jar';
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const N = Number(arg('--cases', 40000));
const N_IANA = Number(arg('--iana-cases', Math.round(N * 0.3)));
let seed = Number(arg('--seed', 20260302)) >>> 0;

// The zones compared, with the POSIX rule of src/script/tz.rs's table (the "rule" run builds
// Java's zone from it).
const ZONES = {
  UTC: 'UTC0',
  'Europe/Paris': 'CET-1CEST,M3.5.0,M10.5.0/3',
  'Europe/London': 'GMT0BST,M3.5.0/1,M10.5.0',
  'Europe/Athens': 'EET-2EEST,M3.5.0/3,M10.5.0/4',
  'America/New_York': 'EST5EDT,M3.2.0,M11.1.0',
  'America/Los_Angeles': 'PST8PDT,M3.2.0,M11.1.0',
  'America/St_Johns': 'NST3:30NDT,M3.2.0,M11.1.0',
  'America/Sao_Paulo': 'BRT3',
  'Asia/Kolkata': 'IST-5:30',
  'Asia/Tokyo': 'JST-9',
  'Australia/Sydney': 'AEST-10AEDT,M10.1.0,M4.1.0/3',
  'Pacific/Auckland': 'NZST-12NZDT,M9.5.0,M4.1.0/3',
  'Africa/Cairo': 'EET-2EEST,M4.5.5/0,M10.5.4/24',
};

// --- random ----------------------------------------------------------------------------------
function rnd() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const pad = (n, w) => String(n).padStart(w, '0');

function randomTime(y0, y1) {
  if (rnd() < 0.35) {
    // around a DST change: a transition month, a day, the small hours (UTC ± a zone's offset)
    const y = y0 + int(y1 - y0 + 1);
    return Date.UTC(y, pick([2, 3, 8, 9, 10]), 1 + int(31), int(24), pick([0, 0, 30, 59, int(60)]), int(60), int(1000));
  }
  if (y0 < 2000 && rnd() < 0.05) return pick([0, -1, 1, NaN, 8.64e15, -8.64e15, -62198755200000, 253402300799999]);
  const a = Date.UTC(y0, 0, 1), b = Date.UTC(y1 + 1, 0, 1);
  return Math.floor(a + rnd() * (b - a));
}

const METHODS = ['toString', 'toDateString', 'toTimeString', 'toUTCString', 'toISOString', 'toLocaleString', 'toLocaleDateString',
  'toLocaleTimeString', 'getTimezoneOffset', 'getFullYear', 'getYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes',
  'getSeconds', 'getMilliseconds', 'getUTCFullYear', 'getUTCMonth', 'getUTCDate', 'getUTCDay', 'getUTCHours'];
const SETTERS = { Milliseconds: 1, Seconds: 2, Minutes: 3, Hours: 4, Date: 1, Month: 2, FullYear: 3 };

function randomFormat() {
  const toks = ['%Y', '%4Y', '%2Y', '%M', '%2M', '%D', '%2D', '%H', '%2H', '%02H', '%I', '%N', '%2N', '%S', '%2S', '%P', '%J', '%3J',
    '%W', '%2W', '%A', '%Al', '%Ai', '%B', '%Bl', '%Bli', '%%', '%Q', '%5D', '/', '-', ' ', ':', 'T', 'x', 'é'];
  let f = '';
  for (let k = 1 + int(6); k > 0; k--) f += pick(toks);
  if (rnd() < 0.05) f += '%';
  return f;
}

function randomArg(kind) {
  const r = rnd();
  if (r < 0.03) return 'NaN';
  // (Not ±1e10: Rhino's local-time code fails an assertion, a Java error, on years past 2^31.)
  if (r < 0.05) return pick([1.5, -0.5, 1e5, -1e5, 'Infinity']);
  switch (kind) {
    case 'year': return pick([int(250) + 1900, int(100), -int(3000), 1970 + int(60), 275760, -271821]);
    case 'month': return int(20) - 4;
    case 'date': return int(40) - 4;
    case 'hour': return int(30) - 3;
    case 'ms': return int(2400) - 200;
    default: return int(75) - 5;
  }
}
const KINDS = { Milliseconds: ['ms'], Seconds: ['min', 'ms'], Minutes: ['min', 'min', 'ms'], Hours: ['hour', 'min', 'min', 'ms'],
  Date: ['date'], Month: ['month', 'date'], FullYear: ['year', 'month', 'date'] };

function randomComponents() {
  // local times, many of them in or near a DST gap or overlap
  const a = [1900 + int(201), pick([2, 3, 8, 9, 10, int(12)]), 1 + int(31), rnd() < 0.6 ? int(5) : int(24), pick([0, 30, int(60)]),
    int(60), int(1000)];
  if (rnd() < 0.1) a[0] = int(100);
  if (rnd() < 0.1) a[1] = int(30) - 10;
  if (rnd() < 0.05) a[int(7)] = 'NaN';
  return a.slice(0, 2 + int(6));
}

// Date strings: the forms Rhino reads, and near misses.
const WD = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MO = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
function randomDateString() {
  const t = randomTime(1900, 2100);
  const d = new Date(Number.isNaN(t) ? 0 : t);
  const Y = d.getUTCFullYear(), M = d.getUTCMonth(), D = d.getUTCDate(), h = d.getUTCHours(), m = d.getUTCMinutes(), s = d.getUTCSeconds();
  const zone = () => pick(['Z', '+02:00', '-05:30', '+0100', '+14:00', '-00:00', '+2', '']);
  const off = () => pick(['GMT+0100', 'GMT-0500', 'GMT', 'UTC', 'GMT+1', 'GMT-3:30', 'EST', 'PDT', 'UT', 'gmt-0430', '+0200', '']);
  let str;
  switch (int(12)) {
    case 0: str = `${Y}-${pad(M + 1, 2)}-${pad(D, 2)}`; break;
    case 1: str = `${Y}-${pad(M + 1, 2)}-${pad(D, 2)}T${pad(h, 2)}:${pad(m, 2)}${rnd() < 0.7 ? ':' + pad(s, 2) : ''}${rnd() < 0.4 ? '.' + pad(int(1000), 3) : ''}${zone()}`; break;
    case 2: str = pick([`+${pad(Y, 6)}-${pad(M + 1, 2)}-${pad(D, 2)}T${pad(h, 2)}:${pad(m, 2)}Z`, `T${pad(h, 2)}:${pad(m, 2)}`, `${Y}`, `${Y}-${pad(M + 1, 2)}`]); break;
    case 3: str = d.toUTCString(); break;
    case 4: str = `${WD[d.getUTCDay()]} ${MO[M]} ${pad(D, 2)} ${Y} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)} ${off()} (${pick(['CET', 'UTC', 'x (y) z'])})`; break;
    case 5: str = `${Y}/${pad(M + 1, 2)}/${pad(D, 2)} ${pad(h, 2)}:${pad(m, 2)}${rnd() < 0.5 ? ':' + pad(s, 2) : ''}`; break;
    case 6: str = `${M + 1}/${D}/${rnd() < 0.3 ? Y % 100 : Y} ${1 + (h % 12)}:${pad(m, 2)} ${pick(['AM', 'PM', 'am', 'pm', ''])} ${off()}`; break;
    case 7: str = `${pick([MONTHS[M], MO[M], MONTHS[M].toLowerCase(), MONTHS[M].slice(0, 2)])} ${D}, ${Y}${rnd() < 0.5 ? ` ${h}:${pad(m, 2)}` : ''}`; break;
    case 8: str = `${pick(['', WD[d.getUTCDay()] + ', '])}${D} ${pick([MONTHS[M], MO[M]])} ${Y} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)} ${off()}`; break;
    case 9: str = `${Y}-${pad(pick([M + 1, 0, 13]), 2)}-${pad(pick([D, 0, 29, 30, 31, 32]), 2)}T${pad(pick([h, 24, 25]), 2)}:${pad(pick([m, 60]), 2)}${zone()}`; break;
    case 10: {
      const toks = ['Mon', 'March', 'mar', '2026', '12', '1999', '3', '/', ':', '-', ',', ' ', 'GMT', '+', '0100', 'PM', 'am', '(c)', '70', '69', '99999999999', 'Sept', 'x', '.'];
      str = '';
      for (let k = 2 + int(8); k > 0; k--) str += pick(toks) + (rnd() < 0.6 ? ' ' : '');
      break;
    }
    default: str = `${D} ${MONTHS[M]} ${Y}`;
  }
  if (rnd() < 0.1) {
    const i = int(str.length + 1);
    str = str.slice(0, i) + pick(['', ' ', 'x', ',', '0', '(', ')']) + str.slice(i + (rnd() < 0.5 ? 1 : 0));
  }
  return str;
}

function makeCase(zone, y0, y1, iana) {
  const t = randomTime(y0, y1);
  const r = int(iana ? 7 : 14);
  if (r < 4) return { z: zone, op: 'get', t, m: pick(METHODS) };
  if (r < 6) return { z: zone, op: 'fd', t, f: randomFormat() };
  if (r < 7) return { z: zone, op: 'ctor', a: randomComponents().map((v, i) => (i === 0 && iana && typeof v === 'number' ? y0 + int(y1 - y0) : v)) };
  if (r < 8) {
    const f = pick(Object.keys(SETTERS));
    const utc = rnd() < 0.4;
    const n = rnd() < 0.05 ? 0 : 1 + int(SETTERS[f] + 1);
    return { z: zone, op: 'set', t: rnd() < 0.03 ? 'NaN' : t, m: (utc ? 'setUTC' : 'set') + f, a: Array.from({ length: n }, (_, i) => randomArg((KINDS[f][i] || 'min'))) };
  }
  if (r < 9) return { z: zone, op: 'set', t, m: 'setYear', a: [randomArg('year')] };
  if (r < 10) return { z: zone, op: 'utc', a: randomComponents().slice(0, int(8)) };
  return { z: zone, op: 'parse', s: randomDateString() };
}

// --- the Java side ---------------------------------------------------------------------------

// Starts Rhino's shell with a default time zone: a SimpleTimeZone from a POSIX rule ("rule") or
// a tz database zone ("iana"), then runs the shell on the remaining arguments.
const LAUNCHER = String.raw`
import java.util.SimpleTimeZone;
import java.util.TimeZone;

public final class DateOracleMain {
    public static void main(String[] a) throws Exception {
        TimeZone tz;
        if (a[0].equals("iana")) {
            tz = TimeZone.getTimeZone(a[1]);
        } else if (a[2].equals("-")) {
            tz = new SimpleTimeZone(Integer.parseInt(a[3]), a[1]);
        } else {
            int[] v = new int[11];
            for (int i = 0; i < 11; i++) v[i] = Integer.parseInt(a[3 + i]);
            tz = new SimpleTimeZone(v[0], a[1], v[1], v[2], v[3], v[4], SimpleTimeZone.WALL_TIME,
                    v[5], v[6], v[7], v[8], SimpleTimeZone.WALL_TIME, v[9]);
        }
        TimeZone.setDefault(tz);
        int skip = a[0].equals("iana") ? 2 : (a[2].equals("-") ? 4 : 14);
        String[] rest = java.util.Arrays.copyOfRange(a, skip, a.length);
        org.mozilla.javascript.tools.shell.Main.main(rest);
    }
}
`;

// The SimpleTimeZone arguments of a POSIX rule (M rules only).
function simpleZoneArgs(id, rule) {
  const m = /^([A-Za-z]+|<[^>]*>)([+-]?\d+(?::\d+)?)(?:([A-Za-z]+|<[^>]*>)(?:,(M[\d.]+)(?:\/(-?\d+(?::\d+)?))?,(M[\d.]+)(?:\/(-?\d+(?::\d+)?))?)?)?$/.exec(rule);
  if (!m) throw new Error(`rule ${rule}`);
  const secs = (s) => {
    const neg = s.startsWith('-');
    const [h, mm = '0'] = s.replace(/^[+-]/, '').split(':');
    return (neg ? -1 : 1) * (Number(h) * 3600 + Number(mm) * 60);
  };
  const raw = -secs(m[2]) * 1000;
  if (!m[3]) return [id, '-', String(raw)];
  const mrule = (r, time) => {
    const [mo, w, d] = r.slice(1).split('.').map(Number);
    return [mo - 1, w === 5 ? -1 : w, d + 1, (time ? secs(time) : 7200) * 1000];
  };
  return [id, 'dst', String(raw), ...mrule(m[4], m[5]).map(String), ...mrule(m[6], m[7]).map(String), '3600000', '0'];
}

function ensureLauncher() {
  mkdirSync(work, { recursive: true });
  const src = join(work, 'DateOracleMain.java');
  writeFileSync(src, LAUNCHER);
  run('javac', ['-nowarn', '-cp', RHINO_JAR, '-d', work, src]);
}

// The Rhino script: the cases file, prelude.js's formatDate with a host whose offset is the
// JVM's zone.
const RHINO_SCRIPT = String.raw`
var RealDate = Date;
var global = this;
global.__host = {
  knownZone: function () { return true; },
  offset: function (zone, ms) { return Number(java.util.TimeZone.getDefault().getOffset(ms)); },
  maxOutput: function () { return 1e9; },
  outputLimit: function () {}
};
load(arguments[1]);
var formatDate = global.formatDate;
Date = RealDate;
RealDate.prototype.constructor = RealDate;
function construct(a) {
  switch (a.length) {
    case 2: return new Date(a[0], a[1]);
    case 3: return new Date(a[0], a[1], a[2]);
    case 4: return new Date(a[0], a[1], a[2], a[3]);
    case 5: return new Date(a[0], a[1], a[2], a[3], a[4]);
    case 6: return new Date(a[0], a[1], a[2], a[3], a[4], a[5]);
    default: return new Date(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
  }
}
var lines = String(readFile(arguments[0], 'UTF-8')).split('\n');
var out = [];
for (var i = 0; i < lines.length; i++) {
  if (!lines[i]) continue;
  var c = JSON.parse(lines[i]), r;
  try {
    var a = (c.a || []).map(Number);
    var t = Number(c.t);
    switch (c.op) {
      case 'get': r = String(new Date(t)[c.m]()); break;
      case 'fd': r = formatDate(t, c.f); break;
      case 'set': var d = new Date(t); d[c.m].apply(d, a); r = String(d.getTime()); break;
      case 'ctor': r = String(construct(a).getTime()); break;
      case 'utc': r = String(Date.UTC.apply(null, a)); break;
      case 'parse': r = String(Date.parse(c.s)); break;
    }
    r = { r: r };
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
    process.stderr.write((r.stdout || '').slice(0, 4000) + '\n' + r.stderr);
    throw new Error(`${cmd} failed (${r.status})`);
  }
  return r.stdout;
}

const ascii = (o) => JSON.stringify(o).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

function rhino(mode, zone, cases, tag) {
  const file = join(work, `date-cases-${tag}.jsonl`);
  writeFileSync(file, cases.map(ascii).join('\n') + '\n');
  const zoneArgs = mode === 'iana' ? ['iana', zone] : ['rule', ...simpleZoneArgs(zone, ZONES[zone])];
  const script = join(work, 'date-oracle.js');
  const out = run('java', ['-Xmx1g', '-Duser.language=en', '-Duser.country=US', '-cp', `${RHINO_JAR}:${work}`, 'DateOracleMain', ...zoneArgs,
    '-version', '180', '-opt', '-1', script, file, join(here, 'prelude.js')], { env: { ...process.env, TZ: 'UTC', JAVA_TOOL_OPTIONS: '' } });
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

/** The documented divergences (see the doc comments of date.rs and tz.rs): a reason, or null. */
function documented(c, a, b, mode) {
  const t = Number(c.t);
  if (mode === 'history') {
    return 'history: Rhino (Java) applies each year\'s tz database rules, we apply today\'s rule to every year';
  }
  if ((c.op === 'fd' || (c.op === 'get' && /^toLocale/.test(c.m))) && t < -12219292800000) {
    return 'before 1582-10-15, Java (toLocale…String, and the zone offset prelude.js formatDate asks Java for) uses the Julian calendar; we stay proleptic Gregorian';
  }
  if (c.op === 'fd' && Math.abs(t) > 8.64e15 - 86400000 && (a.e || /NaN|undefined/.test(a.r))) {
    return 'prelude.js formatDate adds the zone offset to the time, which leaves Date\'s range at ±8.64e15 (an oracle limit)';
  }
  if (c.op === 'parse' && Math.abs(Number(a.r)) > 8.64e15 && Math.abs(Number(a.r) - Number(b.r)) <= 86400000) {
    return 'Date.parse of a year far outside Date\'s range (not clipped, as in Rhino): DST there per Java\'s calendar vs our rule';
  }
  if (c.op === 'set' && c.m === 'setYear' && !Number.isInteger(Number(c.a[0]))) {
    return 'Rhino bug: setYear does not apply ToInteger to its argument (Annex B.2.5 does); we do';
  }
  return null;
}

function compare(cases, ra, rb, reasons, failures, byOp, mode) {
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i], a = ra[i], b = rb[i];
    const key = c.op === 'get' ? c.m : c.op === 'set' ? c.m : c.op;
    byOp[key] = (byOp[key] || 0) + 1;
    const same = a.e !== undefined ? a.e === b.e : a.r === b.r;
    if (same) continue;
    const why = documented(c, a, b, mode);
    if (why) (reasons[why] = reasons[why] || []).push({ c, rhino: a, ours: b });
    else failures.push({ c, rhino: a, ours: b });
  }
}

function main() {
  ensureLauncher();
  writeFileSync(join(work, 'date-oracle.js'), RHINO_SCRIPT);
  const zones = Object.keys(ZONES);
  const all = [];
  const runs = [['rule', N, 1900, 2100], ['iana', N_IANA, 2024, 2037]];
  if (process.argv.includes('--history')) runs.push(['history', N_IANA, 1900, 2023]);
  for (const [mode, total, y0, y1] of runs) {
    for (const zone of zones) {
      const cases = Array.from({ length: Math.ceil(total / zones.length) }, () => makeCase(zone, y0, y1, mode !== 'rule'));
      const t0 = Date.now();
      const res = rhino(mode === 'rule' ? 'rule' : 'iana', zone, cases, `${mode}-${zone.replace(/\W/g, '_')}`);
      if (res.length !== cases.length) throw new Error(`${zone}: ${res.length} results for ${cases.length} cases`);
      console.log(`rhino ${mode} ${zone}: ${cases.length} cases, ${Date.now() - t0} ms`);
      all.push({ mode, cases, rhino: res });
    }
  }
  const flat = all.flatMap((g) => g.cases);
  const casesFile = join(work, 'date-cases.jsonl');
  const oursFile = join(work, 'date-ours.jsonl');
  writeFileSync(casesFile, flat.map(ascii).join('\n') + '\n');
  const t0 = Date.now();
  run('cargo', ['test', '--lib', '-q', 'date::oracle::oracle_diff', '--', '--ignored'],
    { cwd: process.env.ORACLE_CARGO_DIR || root, env: { ...process.env, DATE_DIFF_CASES: casesFile, DATE_DIFF_OUT: oursFile }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ours = readFileSync(oursFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  console.log(`ours: ${ours.length} results in ${Date.now() - t0} ms`);
  let k = 0;
  let exit = 0;
  for (const [mode] of runs) {
    const reasons = {}, failures = [], byOp = Object.create(null);
    let n = 0;
    for (const g of all.filter((x) => x.mode === mode)) {
      compare(g.cases, g.rhino, ours.slice(k, k + g.cases.length), reasons, failures, byOp, mode);
      k += g.cases.length;
      n += g.cases.length;
    }
    console.log(`\n== ${mode}: ${n} comparisons (${Object.entries(byOp).sort().map(([o, v]) => `${o} ${v}`).join(', ')})`);
    for (const [why, list] of Object.entries(reasons)) console.log(`documented (${list.length}): ${why}\n  e.g. ${JSON.stringify(list[0])}`);
    for (const f of failures.slice(0, 30)) console.log('DIFF', JSON.stringify(f));
    const docd = Object.values(reasons).reduce((s, l) => s + l.length, 0);
    console.log(`${mode}: ${n - failures.length - docd} same, ${docd} documented, ${failures.length} different`);
    if (failures.length) exit = 1;
  }
  process.exitCode = exit;
}

main();
