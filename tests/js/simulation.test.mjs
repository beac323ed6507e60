// The same seed gives the same bytes through the wasm package under Node: the native simulator
// (`simulate --emit`) writes, for a sample of seeds, every request its driver ran with its fault
// and how it ended, then the digest of the final store; this test runs the same requests on the
// shipped wasm build with a driver that does what the native one does (faults included), and
// compares each outcome and the final store's digest.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as glue from '../../dist/wasm/message_center.js';
import { BOUNDARY, decodeWrites, encodeEntries, encodeParts, encodeValues } from '../../js/boundary.js';

const ROOT = new URL('../..', import.meta.url).pathname;
glue.initSync({ module: new WebAssembly.Module(readFileSync(join(ROOT, 'dist/wasm/message_center_bg.wasm'))) });
const utf8 = new TextEncoder();

/** FNV-1a 64 over keys and values in key order, as src/sim/driver.rs `digest`. */
function digest(store) {
  let h = 0xcbf29ce484222325n;
  const eat = (bytes) => {
    for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  };
  for (const k of [...store.keys()].sort(byBytes)) {
    eat(utf8.encode(k));
    eat([0]);
    eat(utf8.encode(store.get(k)));
    eat([10]);
  }
  return h.toString(16).padStart(16, '0');
}

/** Key order of the native store (Rust compares strings by their UTF-8 bytes). */
function byBytes(a, b) {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** The driver of src/sim/driver.rs, over the wasm engine and a Map. */
class Driver {
  store = new Map();
  engine = new glue.WasmEngine();

  answer(r) {
    if (r.op === 'get') return encodeValues(r.keys, r.keys.map((k) => this.store.get(k)));
    if (byBytes(r.gte, r.lt) >= 0) return encodeEntries([]);
    const keys = [...this.store.keys()].filter((k) => byBytes(k, r.gte) >= 0 && byBytes(k, r.lt) < 0).sort(byBytes);
    return encodeEntries(keys.slice(0, r.limit).map((k) => [k, this.store.get(k)]));
  }

  /** How a request ends: `done`, `refused:<CODE>`, `storageFailed` or `died`. */
  exec(req, fault) {
    let reads = 0;
    let writes = 0;
    let next = req;
    while (next) {
      let step;
      try {
        step = this.engine.begin(next);
        while (step.kind === 'read') {
          reads++;
          if (fault?.kind === 'failRead' && fault.nth === reads) {
            this.engine.rollback();
            return 'storageFailed';
          }
          const { text, lengths } = encodeParts(step.reads.map((r) => this.answer(r)));
          step = this.engine.resume(text, lengths);
        }
      } catch (e) {
        assert.ok(e.code, `an engine error without a code: ${e}`);
        return `refused:${e.code}`;
      }
      next = step.next ?? null;
      const { put, del } = decodeWrites(step.writes, step.lengths);
      if (put.length || del.length) {
        writes++;
        if (fault?.kind === 'failWrite' && fault.nth === writes) {
          this.engine.rollback();
          return 'storageFailed';
        }
        // The process dies in the write: the storage transaction never commits.
        if (fault?.kind === 'tornWrite' && fault.nth === writes) return 'died';
        for (const [k, v] of put) this.store.set(k, v);
        for (const k of del) this.store.delete(k);
        if (fault?.kind === 'lostAck' && fault.nth === writes) return 'died';
      }
      this.engine.commit();
      if (fault?.kind === 'crashAfter' && fault.nth === writes && next) return 'died';
    }
    return 'done';
  }

  reopen() {
    this.engine = new glue.WasmEngine();
    return this.exec({ op: 'open', boundary: BOUNDARY });
  }
}

// Seeds apart from the ones `cargo test` runs; the debug build `cargo test` compiled writes them.
const FROM = 9001;
const SEEDS = 24;

test(`seeds ${FROM}..${FROM + SEEDS - 1}: the wasm build makes the same outcomes and the same bytes as the native one`, { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-sim-'));
  try {
    const out = execFileSync('cargo', ['run', '--quiet', '--features', 'bench,sim', '--bin', 'simulate', '--', '--seeds', String(SEEDS), '--from', String(FROM), '--emit', dir], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    assert.match(out, /found nothing/);
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    assert.equal(files.length, SEEDS);
    let requests = 0;
    let faults = 0;
    for (const f of files) {
      const lines = readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const { digest: want, records } = lines.pop();
      const d = new Driver();
      lines.forEach(([action, outcome], i) => {
        const got = action.do === 'reopen' ? d.reopen() : d.exec(action.req, action.fault);
        assert.equal(got, outcome, `${f} action ${i}: ${JSON.stringify(action).slice(0, 300)}`);
        requests++;
        if (action.fault) faults++;
      });
      assert.equal(d.store.size, records, `${f}: records`);
      assert.equal(digest(d.store), want, `${f}: the final store`);
    }
    // The sample is not trivial: thousands of requests, faults among them.
    assert.ok(requests > SEEDS * 100, `${requests} requests`);
    assert.ok(faults > SEEDS, `${faults} faults`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('setClock, the native tests\' way to set a moment, is not in the shipped core: its clock moves by advance', () => {
  const engine = new glue.WasmEngine();
  assert.throws(() => engine.begin({ op: 'setClock', to: 0 }), (e) => e.code === 'INVALID_ARGUMENT' && /unknown variant `setClock`/.test(e.message));
  // The request the shell sends instead is known (it fails here only because nothing is open).
  assert.throws(() => engine.begin({ op: 'advance', by: 1000 }), (e) => e.code !== 'INVALID_ARGUMENT' || !/unknown variant/.test(e.message));
});
