#!/usr/bin/env node
// The personalization oracle: Mozilla Rhino (Debian's `rhino` package) runs JSSP template cases.
// See NOTES.md beside this file for what it emulates and every choice made.
//
//   node scripts/oracle/run.mjs --check [FILE…]    run the corpus (default: every case under
//                                                   tests/fixtures/templates/{corpus,bench}) and
//                                                   list the cases whose result differs from
//                                                   their "expected" (exit 1 if any)
//   node scripts/oracle/run.mjs --update [FILE…]   write each case's "expected" from Rhino
//   node scripts/oracle/run.mjs --show FILE…       print each case's result
//   node scripts/oracle/run.mjs --serve            raw mode: case JSON lines on stdin, one result
//                                                   JSON line per case on stdout, in order
//
// From code (the differential fuzzer):
//   import { Oracle } from './scripts/oracle/run.mjs';
//   const oracle = new Oracle();            // starts one JVM
//   const r = await oracle.run(caseObject); // {output} or {error: {name, message, line?, …}}
//   await oracle.close();
//
// Needs java and javac (17; the watchdog uses Thread.stop, gone in Java 20+) and
// /usr/share/java/js.jar (`apt-get install -y rhino`). The host class is compiled into
// target/rhino-oracle/ when missing or older than RhinoOracle.java. The JVM runs with TZ=UTC and -Xmx1g.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '..', '..');
export const RHINO_JAR = '/usr/share/java/js.jar';
const BUILD = join(root, 'target', 'rhino-oracle');
const SOURCE = join(here, 'RhinoOracle.java');
export const FIXTURES = join(root, 'tests', 'fixtures', 'templates');
const JAVA = process.env.ORACLE_JAVA || 'java';
const JAVAC = process.env.ORACLE_JAVAC || 'javac';

/** Compiles RhinoOracle.java into target/rhino-oracle/ if needed; returns the classpath. */
export function ensureBuilt() {
  if (!existsSync(RHINO_JAR)) {
    throw new Error(`${RHINO_JAR} is missing: apt-get install -y rhino`);
  }
  const cls = join(BUILD, 'RhinoOracle.class');
  if (!existsSync(cls) || statSync(cls).mtimeMs < statSync(SOURCE).mtimeMs) {
    mkdirSync(BUILD, { recursive: true });
    const r = spawnSync(JAVAC, ['-nowarn', '-Xlint:-deprecation', '-cp', RHINO_JAR, '-d', BUILD, SOURCE], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`javac failed:\n${r.stderr || r.error}`);
  }
  return `${RHINO_JAR}:${BUILD}`;
}

/** The java command line for a mode (--serve, --bench …). */
export function javaArgs(modeArgs) {
  const cp = ensureBuilt();
  return [
    '-Xmx1g',
    '-Xss4m',
    '-XX:+UseSerialGC',
    // Skip the service-loader look-ups that every E4X scope's XML parser set-up would make.
    '-Djavax.xml.parsers.DocumentBuilderFactory=com.sun.org.apache.xerces.internal.jaxp.DocumentBuilderFactoryImpl',
    '-Djavax.xml.transform.TransformerFactory=com.sun.org.apache.xalan.internal.xsltc.trax.TransformerFactoryImpl',
    '-cp', cp,
    'RhinoOracle',
    '--dir', here,
    '--blocks', join(root, 'src/script/builtin-blocks.json'),
    '--options', join(root, 'src/script/builtin-options.json'),
    ...modeArgs,
  ];
}

/** The JVM's environment: UTC, and no JAVA_TOOL_OPTIONS (the heap is set on the command line). */
export function javaEnv() {
  const env = { ...process.env, TZ: 'UTC' };
  delete env.JAVA_TOOL_OPTIONS;
  return env;
}

/** One JVM in serve mode; cases are answered in order. Restarts the JVM if it dies. */
export class Oracle {
  constructor() {
    this.proc = null;
    this.pending = [];
  }

  start() {
    const proc = spawn(JAVA, javaArgs(['--serve']), { env: javaEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
    });
    const lines = createInterface({ input: proc.stdout });
    lines.on('line', (line) => {
      const p = this.pending.shift();
      if (!p) return;
      try {
        p.resolve(JSON.parse(line));
      } catch (e) {
        p.resolve({ error: { name: 'OracleError', message: `not JSON: ${line.slice(0, 200)}` } });
      }
    });
    proc.on('exit', (code, signal) => {
      if (this.proc === proc) this.proc = null;
      const lost = this.pending.splice(0);
      for (const p of lost) {
        p.resolve({ error: { name: 'OracleCrash', message: `the JVM exited (${code ?? signal}) ${stderr.trim().slice(-500)}`, limit: true } });
      }
    });
    proc.stdin.on('error', () => {});
  }

  /** Runs one case (an object in the corpus format, or its JSON text). */
  run(c) {
    if (!this.proc) this.start();
    const line = typeof c === 'string' ? JSON.stringify(JSON.parse(c)) : JSON.stringify(c);
    return new Promise((resolve) => {
      this.pending.push({ resolve });
      this.proc.stdin.write(line + '\n');
    });
  }

  close() {
    const proc = this.proc;
    if (!proc) return Promise.resolve();
    return new Promise((resolve) => {
      proc.on('exit', () => resolve());
      proc.stdin.end();
    });
  }
}

// --- the corpus ------------------------------------------------------------------------------

export function caseFiles() {
  const out = [];
  for (const sub of ['corpus', 'bench']) {
    const dir = join(FIXTURES, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (f.endsWith('.json')) out.push(join(dir, f));
  }
  return out;
}

const ORDER = ['name', 'source', 'adapted', 'template', 'event', 'blocks', 'options', 'now', 'seed', 'timeZone'];
const EVENT_FIELDS = new Set(['id', 'type', 'email', 'mobilePhone', 'externalId', 'origin', 'wishedChannel',
  'emailFormat', 'language', 'country', 'registrationToken', 'created', 'scheduled', 'expiration', 'ctx']);

/** Problems with a case file's shape (not its result). */
export function lint(c) {
  const problems = [];
  for (const k of ['name', 'source', 'template', 'event']) if (!(k in c)) problems.push(`missing "${k}"`);
  for (const k of Object.keys(c.event || {})) if (!EVENT_FIELDS.has(k)) problems.push(`event field "${k}" is not one the event object gets`);
  return problems;
}

function ordered(c, expected) {
  const out = {};
  for (const k of ORDER) if (k in c) out[k] = c[k];
  for (const k of Object.keys(c)) if (!(k in out) && k !== 'expected') out[k] = c[k];
  out.expected = expected;
  return out;
}

const stripId = (r) => {
  const { id, ...rest } = r;
  return rest;
};

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function main(argv) {
  const mode = argv.find((a) => a.startsWith('--')) || '--check';
  const files = argv.filter((a) => !a.startsWith('--')).map((f) => resolve(f));
  if (mode === '--serve') {
    const proc = spawn(JAVA, javaArgs(['--serve']), { env: javaEnv(), stdio: 'inherit' });
    proc.on('exit', (code) => process.exit(code ?? 1));
    return;
  }
  if (!['--check', '--update', '--show'].includes(mode)) {
    console.error('usage: node scripts/oracle/run.mjs --check|--update|--show [FILE…] | --serve');
    process.exit(2);
  }
  const list = files.length ? files : caseFiles();
  const oracle = new Oracle();
  const t0 = process.hrtime.bigint();
  const cases = list.map((f) => ({ file: f, c: JSON.parse(readFileSync(f, 'utf8')) }));
  const results = await Promise.all(cases.map(({ c }) => oracle.run(c)));
  await oracle.close();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  let differ = 0;
  let errors = 0;
  let lintProblems = 0;
  cases.forEach(({ file, c }, i) => {
    const name = relative(root, file);
    const r = stripId(results[i]);
    if (r.error) errors++;
    for (const p of lint(c)) {
      lintProblems++;
      console.log(`${name}: ${p}`);
    }
    if (mode === '--show') {
      console.log(`== ${name}`);
      console.log(r.error ? `ERROR ${JSON.stringify(r.error)}` : r.output);
    } else if (mode === '--update') {
      if (!same(c.expected, r)) {
        differ++;
        writeFileSync(file, JSON.stringify(ordered(c, r), null, 2) + '\n');
        console.log(`updated ${name}`);
      }
    } else if (!same(c.expected, r)) {
      differ++;
      console.log(`DIFFERS ${name}`);
      console.log(`  expected ${JSON.stringify(c.expected)}`);
      console.log(`  rhino    ${JSON.stringify(r)}`);
    }
  });
  const verb = mode === '--update' ? 'updated' : mode === '--check' ? 'differ' : null;
  console.log(`${cases.length} cases, ${errors} with an error result${verb ? `, ${differ} ${verb}` : ''}${lintProblems ? `, ${lintProblems} shape problems` : ''} (${ms.toFixed(0)} ms)`);
  if (mode === '--check' && (differ || lintProblems)) process.exit(1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e.stack || String(e));
    process.exit(1);
  });
}
