// Storage failures injected into the shared scenario (tests/js/helpers.mjs):
//   - at EVERY write of a failure-free run (the faulty wrapper's setFailOnWrite(n)): the call that
//     hits it rejects with STORAGE_FAILED, storage holds exactly what it held before the failing
//     transaction, the engine's state still matches storage, and calling the same step again (then
//     going on) ends in the same bytes as the failure-free run: no duplicate event, delivery log or
//     archive row, no lost one;
//   - at reads (setFailOnRead(n)): same guarantees;
//   - an IndexedDB transaction aborted halfway through a write (fake-indexeddb): rolled back, and
//     the retry again ends in the same bytes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory, IDBKeyRange, IDBObjectStore } from 'fake-indexeddb';

import { MessageCenter, createMemoryStorage, openIndexedDBStorage } from '../../js/node.js';
import { createFaultyStorage } from '../../js/testing.js';
import { scenario, openOptions, dump, restore } from './helpers.mjs';
import { digest } from './digest.mjs';

const SEED = '7';

/** Which kind of work a write does: the workflow whose journal it writes, or the step's kind. */
function writeLabel(step, batch) {
  const journal = (batch.put ?? []).map(([k]) => k).find((k) => k.startsWith('j/'));
  if (journal) {
    const [, scope, workflow] = journal.split('/');
    if (workflow.startsWith('mcSynch_')) return 'workflow mcSynch';
    if (workflow === 'cleanup') return `workflow cleanup (${scope === 'control' ? 'control' : 'execution'})`;
    return `workflow ${workflow}`;
  }
  if (step.kind === 'advance') return 'setClock';
  return step.kind;
}

/**
 * The failure-free run, with what each write and read belongs to: `writes[n-1]` and `reads[n-1]`
 * are `{ step, label }` (step -1 is `MessageCenter.open`).
 */
async function referenceRun() {
  const inner = createMemoryStorage();
  const faulty = createFaultyStorage(inner);
  let current = { index: -1, kind: 'open', name: 'open' };
  const writes = [];
  const reads = [];
  const storage = {
    get: (keys) => {
      reads.push({ step: current.index, label: current.kind });
      return faulty.get(keys);
    },
    range: (r) => {
      reads.push({ step: current.index, label: current.kind });
      return faulty.range(r);
    },
    write: (batch) => {
      writes.push({ step: current.index, label: current.index < 0 ? 'open (init)' : writeLabel(current, batch), size: (batch.put?.length ?? 0) + (batch.del?.length ?? 0) });
      return faulty.write(batch);
    },
    close: () => faulty.close(),
  };
  const mc = await MessageCenter.open({ storage, ...openOptions(SEED) });
  const steps = [];
  await scenario(mc, {
    runStep: (s, mc, rec) => {
      current = { index: steps.length, kind: s.kind, name: s.name };
      steps.push(s.name);
      return s.run(mc, rec);
    },
  });
  assert.equal(faulty.writes, writes.length);
  assert.equal(faulty.reads, reads.length);
  const entries = await dump(inner);
  return { writes, reads, steps, entries, digest: digest(entries) };
}

let reference;
const ref = async () => (reference ??= await referenceRun());

/** What the API shows of the small state (to compare a live MessageCenter with a reopened one). */
function view(mc) {
  const safe = (f) => {
    try {
      return f();
    } catch (e) {
      return e.code;
    }
  };
  return {
    settings: mc.settings(),
    accounts: mc.executionInstances(),
    types: mc.eventTypes(),
    templates: mc.templates(),
    workflows: mc.workflows(),
    counts: ['exec1', 'exec2', 'control'].map((instance) => safe(() => mc.countEvents({ instance }))),
    pings: ['exec1', 'exec2'].map((instance) => safe(() => mc.mcPing(instance))),
    published: ['exec1', 'exec2'].map((instance) => safe(() => mc.publishedTemplates(instance))),
    deliveries: ['exec1', 'exec2'].map((instance) => safe(() => mc.deliveries(instance))),
  };
}

/** The engine's state equals what a MessageCenter reopened on (a copy of) the storage sees. */
async function assertStateMatchesStorage(mc, inner, what) {
  const copy = await restore(createMemoryStorage(), await dump(inner));
  const fresh = await MessageCenter.open({ storage: copy });
  assert.deepEqual(view(mc), view(fresh), `${what}: the engine's state no longer matches storage`);
  await fresh.close();
}

/**
 * Runs the scenario on memory with write (or read) `n` failing. The step that hits the failure is
 * checked (code, storage unchanged, engine state = storage) and called again. Returns the final
 * dump and what failed.
 */
async function runWithFailure(kind, n, expected) {
  const inner = createMemoryStorage();
  const faulty = createFaultyStorage(inner, kind === 'write' ? { failOnWrite: n } : { failOnRead: n });
  let atFailure = null;
  const snap = async (e) => {
    if (e?.code === 'STORAGE_FAILED' && atFailure === null) atFailure = await dump(inner);
    throw e;
  };
  const storage = {
    get: (keys) => faulty.get(keys).catch(snap),
    range: (r) => faulty.range(r).catch(snap),
    write: (batch) => faulty.write(batch).catch(snap),
    close: () => faulty.close(),
  };
  const where = expected.step;
  const message = `injected failure on ${kind} ${n}`;
  const failures = [];

  let mc;
  if (where === -1) {
    await assert.rejects(MessageCenter.open({ storage, ...openOptions(SEED) }), (e) => {
      assert.equal(e.code, 'STORAGE_FAILED');
      assert.equal(e.message, message);
      return true;
    });
    failures.push('open');
    assert.deepEqual(await dump(inner), [], 'a failed open writes nothing');
  }
  mc = await MessageCenter.open({ storage, ...openOptions(SEED) });

  let index = 0;
  await scenario(mc, {
    runStep: async (s, mc, rec) => {
      const i = index++;
      if (i !== where) return s.run(mc, rec);
      const before = await dump(inner);
      let result;
      await assert.rejects(
        (async () => {
          result = await s.run(mc, rec);
        })(),
        (e) => {
          assert.equal(e.code, 'STORAGE_FAILED', `${s.name}: ${e.message}`);
          assert.equal(e.message, message, `${s.name}: the injected error reaches the caller`);
          return true;
        },
        `${kind} ${n} fails inside step '${s.name}'`,
      );
      failures.push(s.name);
      const after = await dump(inner);
      assert.deepEqual(after, atFailure, `${s.name}: nothing was written after the failure`);
      if (s.kind !== 'advance') assert.deepEqual(after, before, `${s.name}: a failed call leaves storage unchanged`);
      await assertStateMatchesStorage(mc, inner, `after ${kind} ${n} failed in '${s.name}'`);
      // The same step again, now that the store works.
      return s.run(mc, rec);
    },
  });
  assert.deepEqual(failures, [where === -1 ? 'open' : expected.stepName], 'exactly one call failed, the predicted one');
  return dump(inner);
}

/** Picks the failures to inject: every one if there are few; else a deterministic spread covering every label. */
function select(list, { all = 200, first = 40, every = 3 } = {}) {
  if (list.length <= all) return list.map((_, i) => i + 1);
  const picked = new Set();
  const seen = new Set();
  list.forEach((w, i) => {
    if (i < first || i % every === 0 || !seen.has(w.label)) picked.add(i + 1);
    seen.add(w.label);
  });
  return [...picked].sort((a, b) => a - b);
}

test('the failure-free run: writes and reads per kind of work', async (t) => {
  const r = await ref();
  const labels = [...new Set(r.writes.map((w) => w.label))].sort();
  t.diagnostic(`${r.writes.length} writes, ${r.reads.length} reads, ${r.entries.length} keys at the end`);
  t.diagnostic(`write labels: ${labels.join(', ')}`);
  for (const l of [
    'open (init)', 'topology', 'catalogue', 'workflow', 'push', 'setClock',
    'workflow rtEventsProcessing', 'workflow batchEventsProcessing', 'workflow mta', 'workflow updateEventsStatus',
    'workflow mcSynch', 'workflow cleanup (execution)', 'workflow cleanup (control)',
  ]) {
    assert.ok(labels.includes(l), `the scenario writes for '${l}'`);
  }
  // Read-only calls write nothing.
  assert.ok(r.steps.some((s) => s.startsWith('read:')));
  for (const [i, name] of r.steps.entries()) {
    if (name.startsWith('read:')) assert.ok(!r.writes.some((w) => w.step === i), `${name} writes nothing`);
  }
});

test('a failure at every write: STORAGE_FAILED, nothing written, retry ends in the same bytes', async (t) => {
  const r = await ref();
  const chosen = select(r.writes);
  t.diagnostic(`injecting ${chosen.length} of ${r.writes.length} write failures`);
  const covered = new Set();
  for (const n of chosen) {
    const w = r.writes[n - 1];
    const final = await runWithFailure('write', n, { step: w.step, stepName: r.steps[w.step] });
    assert.equal(digest(final), r.digest, `write ${n} (${w.label}, step '${r.steps[w.step] ?? 'open'}'): final dump differs from the failure-free run`);
    covered.add(w.label);
  }
  assert.deepEqual([...covered].sort(), [...new Set(r.writes.map((w) => w.label))].sort(), 'every kind of write got a failure');
});

test('a failure at reads: STORAGE_FAILED, nothing written, retry ends in the same bytes', async (t) => {
  const r = await ref();
  const chosen = select(r.reads, { all: 0, first: 30, every: 4 });
  // Also the first read of every step that reads.
  const firstOfStep = new Set();
  r.reads.forEach((x, i) => {
    if (!firstOfStep.has(x.step)) {
      firstOfStep.add(x.step);
      if (!chosen.includes(i + 1)) chosen.push(i + 1);
    }
  });
  chosen.sort((a, b) => a - b);
  t.diagnostic(`injecting ${chosen.length} of ${r.reads.length} read failures`);
  for (const n of chosen) {
    const x = r.reads[n - 1];
    const final = await runWithFailure('read', n, { step: x.step, stepName: r.steps[x.step] });
    assert.equal(digest(final), r.digest, `read ${n} (step '${r.steps[x.step] ?? 'open'}'): final dump differs`);
  }
});

test('a read failure while reopening an existing storage leaves it intact', async () => {
  const r = await ref();
  const inner = await restore(createMemoryStorage(), r.entries);
  const faulty = createFaultyStorage(inner, { failOnRead: 1 });
  await assert.rejects(MessageCenter.open({ storage: faulty }), { code: 'STORAGE_FAILED', message: 'injected failure on read 1' });
  assert.equal(digest(await dump(inner)), r.digest);
  // The engine's record cache answers repeated reads without storage: with it, the second listing
  // reads nothing; without it (cacheBytes 0), every call reads.
  const cached = await MessageCenter.open({ storage: faulty, seed: SEED });
  await cached.listEvents({ instance: 'control', limit: 10 });
  const readsBefore = faulty.reads;
  await cached.listEvents({ instance: 'control', limit: 10 });
  assert.equal(faulty.reads, readsBefore, 'a repeated listing is answered from the cache');
  const mc = await MessageCenter.open({ storage: faulty, seed: SEED, cacheBytes: 0 });
  assert.equal(mc.now(), Date.parse('2026-03-02T05:30:00Z'));
  // A failing read in the middle of listEvents / getEvent / journal: the call fails, the next works.
  const first = await mc.listEvents({ instance: 'control', limit: 10 });
  faulty.setFailOnRead(faulty.reads + 2);
  await assert.rejects(mc.listEvents({ instance: 'control', limit: 10 }), { code: 'STORAGE_FAILED' });
  assert.deepEqual(await mc.listEvents({ instance: 'control', limit: 10 }), first);
  faulty.setFailOnRead(faulty.reads + 1);
  await assert.rejects(mc.getEvent(first.events[0].id), { code: 'STORAGE_FAILED' });
  assert.equal((await mc.getEvent(first.events[0].id)).event.id, first.events[0].id);
  assert.equal(digest(await dump(inner)), r.digest, 'reads never write');
});

// ---------------------------------------------------------------------------------------------
// IndexedDB: a transaction aborted halfway through a write.

/** While `fn` runs, the write whose number `target()` says aborts its transaction after half its requests. */
async function withAbortingIndexedDB(fn) {
  const original = { put: IDBObjectStore.prototype.put, delete: IDBObjectStore.prototype.delete };
  const plan = { armed: false, total: 0, issued: 0, aborted: 0 };
  for (const method of ['put', 'delete']) {
    IDBObjectStore.prototype[method] = function (...args) {
      const req = original[method].apply(this, args);
      if (plan.armed) {
        plan.issued++;
        if (plan.issued === Math.max(1, Math.floor(plan.total / 2))) {
          plan.armed = false;
          const tx = this.transaction;
          // Some requests have succeeded by then: the abort must roll them back.
          req.addEventListener('success', () => {
            plan.aborted++;
            tx.abort();
          });
        }
      }
      return req;
    };
  }
  try {
    return await fn(plan);
  } finally {
    IDBObjectStore.prototype.put = original.put;
    IDBObjectStore.prototype.delete = original.delete;
  }
}

test('an IndexedDB transaction aborted mid-write leaves the previous state; the retry ends in the same bytes', async (t) => {
  const r = await ref();
  // The largest write of every kind of work (and of the push and catalogue steps).
  const byLabel = new Map();
  r.writes.forEach((w, i) => {
    if (!byLabel.has(w.label) || r.writes[byLabel.get(w.label) - 1].size < w.size) byLabel.set(w.label, i + 1);
  });
  const chosen = [...byLabel.values()].sort((a, b) => a - b);
  t.diagnostic(`aborting writes ${chosen.join(', ')} (${[...byLabel.keys()].join(', ')})`);
  assert.equal(chosen.length, new Set(r.writes.map((w) => w.label)).size, 'one per kind of write');
  let dbCounter = 0;
  await withAbortingIndexedDB(async (plan) => {
    for (const n of chosen) {
      const w = r.writes[n - 1];
      const indexedDB = new IDBFactory();
      const adapter = await openIndexedDBStorage({ name: `abort-${++dbCounter}`, indexedDB, IDBKeyRange });
      let writes = 0;
      let beforeFailed = null;
      const storage = {
        get: (k) => adapter.get(k),
        range: (x) => adapter.range(x),
        close: () => adapter.close(),
        write: async (batch) => {
          if (++writes === n) {
            beforeFailed = await dump(adapter);
            plan.armed = true;
            plan.total = (batch.put?.length ?? 0) + (batch.del?.length ?? 0);
            plan.issued = 0;
          }
          return adapter.write(batch);
        },
      };
      const failures = [];
      const open = () => MessageCenter.open({ storage, ...openOptions(SEED) });
      let mc;
      if (w.step === -1) {
        await assert.rejects(open(), { code: 'STORAGE_FAILED' });
        failures.push('open');
        assert.deepEqual(await dump(adapter), []);
      }
      mc = await open();
      let index = 0;
      await scenario(mc, {
        runStep: async (s, mc, rec) => {
          if (index++ !== w.step) return s.run(mc, rec);
          await assert.rejects(s.run(mc, rec), (e) => {
            assert.equal(e.code, 'STORAGE_FAILED', e.message);
            assert.match(e.message, /^write failed: /);
            return true;
          }, `write ${n} (${w.label}) aborted`);
          failures.push(s.name);
          assert.deepEqual(await dump(adapter), beforeFailed, `write ${n} (${w.label}): the aborted transaction left nothing`);
          return s.run(mc, rec);
        },
      });
      assert.equal(plan.aborted, failures.length, 'the transaction was aborted after some requests had succeeded');
      plan.aborted = 0;
      assert.equal(failures.length, 1, `write ${n} failed once`);
      assert.equal(digest(await dump(adapter)), r.digest, `write ${n} (${w.label}): final dump differs`);
      await mc.close();
    }
  });
});

test('a stored record garbled with a control character (the separators of boundary format 1 included) is STORAGE_CORRUPT naming its key, and nothing is written', async () => {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, seed: 3, now: Date.UTC(2026, 0, 1) });
  await mc.addEventType('order');
  await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  const { id } = await mc.pushEvent({ type: 'order', email: 'a@example.com', ctx: {} }, { instance: 'exec1' });
  const entries = await dump(storage);
  await mc.close();
  // The event's state page, garbled in storage: the record crosses the boundary as any value does
  // (it has no separator to break), and its decoder refuses it, naming its key.
  const [key, value] = entries.find(([k]) => k.startsWith('e/01/') && k.endsWith('/s'));
  for (const c of ['\u0000', '\u0001', '\u0002', '\u0003', '\u0005', '\u001f']) {
    const garbled = createMemoryStorage();
    await restore(garbled, entries.map(([k, v]) => [k, k === key ? `${value.slice(0, 5)}${c}${value.slice(5)}` : v]));
    const before = await dump(garbled);
    const m = await MessageCenter.open({ storage: garbled });
    await assert.rejects(m.getEvent(id), (e) => {
      assert.equal(e.code, 'STORAGE_CORRUPT', `${JSON.stringify(c)}: ${e.message}`);
      // (U+0005 is an operation of the packed text: the unpacking refuses it.)
      assert.ok(e.message.startsWith(`stored record ${key}: line 2${c === '\u0005' ? ': a copy beyond its reference' : ' is not an event record'}`), e.message);
      return true;
    });
    await assert.rejects(m.listEvents({ instance: 'exec1' }), (e) => e.code === 'STORAGE_CORRUPT');
    assert.deepEqual(await dump(garbled), before, 'nothing written');
    await m.close().catch(() => {});
  }
});

test('a write that fails after the store applied it (a lost reply): the engine is rebuilt from storage before the next call', async () => {
  for (const groupCommit of [false, true]) {
    const inner = createMemoryStorage();
    let lose = false;
    // A remote store whose reply is lost: the write is applied, the call fails.
    const storage = {
      get: (keys) => inner.get(keys),
      range: (r) => inner.range(r),
      async write(batch) {
        await inner.write(batch);
        if (lose) {
          lose = false;
          throw Object.assign(new Error('the reply was lost'), { code: 'STORAGE_FAILED' });
        }
      },
      close: () => inner.close(),
    };
    const mc = await MessageCenter.open({ storage, now: '2026-01-01T00:00:00Z', seed: SEED, groupCommit });
    lose = true;
    await assert.rejects(mc.addEventType('order'), { code: 'STORAGE_FAILED' }, `groupCommit ${groupCommit}`);
    // Storage holds it: so must the engine, before any other call.
    const again = await mc.addEventType('order').then(
      () => 'added twice',
      (e) => e.code,
    );
    assert.equal(again, 'DUPLICATE_EVENT_TYPE', `groupCommit ${groupCommit}: the engine knows what storage holds`);
    assert.deepEqual(
      mc.eventTypes().map((t) => t.name),
      ['order'],
    );
    await mc.close();
  }
});

test('the boundary carries any character: lengths in UTF-16 units, astral and lone surrogates included; a value that is not a string is STORAGE_CORRUPT naming its key', async () => {
  const { encodeValues, encodeEntries, encodeParts, decodeWrites, ABSENT } = await import('../../js/boundary.js');
  const values = ['a\u0000\u0001\u0002\u0003b', undefined, 'é😀', '\ud800'];
  const { text, lengths } = encodeParts([encodeValues(['k1', 'k2', 'k3', 'k4'], values), encodeEntries([['e/1', 'x😀'], ['e/2', '']])]);
  assert.deepEqual([...lengths], [6, ABSENT, 3, 1, 2, 3, 3, 3, 0]);
  // A lone surrogate is written as U+FFFD: one UTF-16 unit either way, so the lengths still cut it.
  assert.equal(new TextDecoder().decode(text), 'a\u0000\u0001\u0002\u0003bé😀\ufffde/1x😀e/2');
  assert.deepEqual(decodeWrites('kvé😀d', [1, 4, 1, ABSENT]), { put: [['k', 'vé😀']], del: ['d'] });
  // Halves of a surrogate pair in two fields (garbled values) do not join into one character
  // across them: the first ends in U+FFFD, and every length still cuts where it should.
  const split = encodeParts([encodeValues(['a', 'b'], ['x\ud83d', '\ude00y']), encodeEntries([['e/\ud83d', '\ude00']])]);
  assert.deepEqual([...split.lengths], [2, 2, 1, 3, 1]);
  assert.equal(new TextDecoder().decode(split.text), 'x\ufffd\ufffdye/\ufffd\ufffd');
  // A get answered with another number of values than keys is the adapter's fault, said as such.
  assert.throws(() => encodeValues(['a', 'b'], ['1']), (e) => e.code === 'STORAGE_FAILED' && e.message === 'storage answered 1 values for a get of 2 keys');
  for (const bad of [42, null, { a: 1 }]) {
    assert.throws(() => encodeValues(['m/x'], [bad]), (e) => e.code === 'STORAGE_CORRUPT' && e.message.startsWith('stored record m/x is '));
  }
  assert.throws(() => encodeEntries([['e/1', 7]]), (e) => e.code === 'STORAGE_CORRUPT' && e.message === 'stored record e/1 is a number, not a string');

  // Through the engine: a storage that answers with a number is refused, naming the record.
  const first = createMemoryStorage();
  const mc = await MessageCenter.open({ storage: first, seed: 3 });
  await mc.addEventType('order');
  const entries = await dump(first);
  await mc.close();
  const inner = createMemoryStorage();
  await restore(inner, entries);
  const lying = { ...inner, get: (keys) => inner.get(keys), range: async (r) => (await inner.range(r)).map(([k, v]) => [k, k === 'm/format' ? 2 : v]), write: (b) => inner.write(b), close: () => inner.close() };
  await assert.rejects(MessageCenter.open({ storage: lying }), (e) => e.code === 'STORAGE_CORRUPT' && /stored record m\/format is a number/.test(e.message));
});
