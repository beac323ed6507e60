// Group commit (`MessageCenter.open({ groupCommit: true })`): operations done while a storage write
// is in progress are written together by the next one, later operations read through the writes
// not yet durable, nothing is answered before it is durable, and a failed write fails exactly the
// operations it carried (and those after them), the engine being rebuilt from storage.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MessageCenter, createMemoryStorage } from '../../js/node.js';
import { createFaultyStorage } from '../../js/testing.js';
import { scenario, openOptions, dump } from './helpers.mjs';
import { digest } from './digest.mjs';

const T0 = Date.UTC(2026, 0, 1);

/**
 * A memory storage whose writes take a turn of the event loop and are counted; with `slowReads`,
 * reads answer from when they were asked but resolve two turns later, so that a group write can
 * become durable while an operation reads.
 */
function slowStorage(inner = createMemoryStorage(), { slowReads = false } = {}) {
  const later = async (p) => {
    const v = await p;
    if (slowReads) for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
    return v;
  };
  const s = {
    writes: 0,
    get: (k) => later(inner.get(k)),
    range: (r) => later(inner.range(r)),
    async write(b) {
      s.writes++;
      await new Promise((r) => setImmediate(r));
      return inner.write(b);
    },
    close: () => inner.close(),
    inner,
  };
  return s;
}

async function setup(storage, options = {}) {
  const mc = await MessageCenter.open({ storage, seed: 1, now: T0, groupCommit: true, ...options });
  await mc.addEventType('order');
  await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  return mc;
}

for (const slowReads of [false, true]) test(`concurrent pushes share storage writes, get distinct ids, and are all there after a reopen${slowReads ? ' (reads that outlast a write)' : ''}`, async () => {
  const storage = slowStorage(undefined, { slowReads });
  // No record cache: every read of the page pushed into goes to storage, through the pending writes.
  const mc = await setup(storage, { cacheBytes: 0 });
  const before = storage.writes;
  const n = 300;
  const pushed = await Promise.all(Array.from({ length: n }, (_, i) => mc.pushEvent({ type: 'order', email: `c${i}@example.com`, externalId: String(i), ctx: {} }, { instance: 'exec1' })));
  const ids = new Set(pushed.map((p) => p.id));
  assert.equal(ids.size, n, 'distinct ids');
  const writes = storage.writes - before;
  // (With reads slower than a write, each push's write is done before the next push has read:
  // there is little to group, and what matters is that nothing is lost.)
  if (!slowReads) assert.ok(writes < n / 10, `${n} pushes in ${writes} storage writes`);
  // The listing while nothing is pending, then from a new engine on the same storage.
  const list = await mc.listEvents({ instance: 'exec1', limit: 500 });
  assert.equal(list.events.length, n);
  // (Not closed: closing a memory storage empties it.) Every call was answered, so all is durable.
  const again = await MessageCenter.open({ storage: storage.inner });
  for (const p of pushed.slice(0, 20).concat(pushed.slice(-20))) {
    const e = await again.getEvent(p.id);
    assert.equal(e.event.email, `c${e.event.externalId}@example.com`);
  }
  assert.equal((await again.listEvents({ instance: 'exec1', limit: 500 })).events.length, n);
});

for (const slowReads of [false, true]) test(`reads go through the writes not yet durable: the same results and bytes as calls awaited one by one${slowReads ? ' (reads that outlast a write)' : ''}`, async () => {
  const calls = (mc) => [
    () => mc.createTemplate({ name: 'conf', eventType: 'order', subject: 'S', html: '<p>x</p>' }),
    () => mc.publish('conf'),
    () => mc.startWorkflow('exec1', 'rtEventsProcessing'),
    () => mc.startWorkflow('exec1', 'updateEventsStatus'),
    () => mc.startWorkflow('exec1', 'mta'),
    () => mc.pushEvent({ type: 'order', email: 'a@example.com', ctx: {} }, { instance: 'exec1' }),
    () => mc.pushEvent({ type: 'order', email: 'b@example.com', ctx: {} }, { instance: 'exec1' }),
    () => mc.listEvents({ instance: 'exec1' }),
    // (A command lets calls made meanwhile go between its steps: it is awaited alone.)
    'advance',
    () => mc.listEvents({ instance: 'exec1' }),
    () => mc.deleteTemplate('conf').catch((e) => e.code),
    () => mc.unpublish('conf'),
    () => mc.deleteTemplate('conf'),
  ];
  const plainStorage = createMemoryStorage();
  const plain = await MessageCenter.open({ storage: plainStorage, seed: 1, now: T0 });
  await plain.addEventType('order');
  await plain.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  const want = [];
  for (const c of calls(plain)) want.push(c === 'advance' ? await plain.advance(3_600_000) : await c());
  // Not awaited one by one: each call reads what the ones before wrote, still pending.
  const storage = slowStorage(undefined, { slowReads });
  const mc = await setup(storage);
  const all = calls(mc);
  const cut = all.indexOf('advance');
  const got = [...(await Promise.all(all.slice(0, cut).map((c) => c()))), await mc.advance(3_600_000), ...(await Promise.all(all.slice(cut + 1).map((c) => c())))];
  assert.deepEqual(got, want);
  assert.equal(got[7].events.length, 2, 'the list saw both pending pushes');
  assert.equal(got[9].events.filter((e) => e.status === 'sent').length, 2);
  assert.equal(digest(await dump(storage.inner)), digest(await dump(plainStorage)));
});

test('the shared scenario gives the same bytes with group commit as without', async () => {
  const a = createMemoryStorage();
  await scenario(await MessageCenter.open({ storage: a, ...openOptions('7') }));
  const b = slowStorage();
  await scenario(await MessageCenter.open({ storage: b, ...openOptions('7'), groupCommit: true }));
  assert.equal(digest(await dump(b.inner)), digest(await dump(a)));
});

test('a failed group write fails the operations it carried; acknowledged ones stay; the engine goes on', async () => {
  const inner = createMemoryStorage();
  const faulty = createFaultyStorage(inner);
  const slow = slowStorage(faulty);
  const mc = await setup(slow);
  const first = await mc.pushEvent({ type: 'order', email: 'first@example.com', ctx: {} }, { instance: 'exec1' });
  faulty.setFailOnWrite(faulty.writes + 1);
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => mc.pushEvent({ type: 'order', email: `g${i}@example.com`, ctx: {} }, { instance: 'exec1' })));
  const failed = results.filter((r) => r.status === 'rejected');
  const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.id);
  assert.ok(failed.length > 0, 'the failed write carried some of them');
  assert.ok(failed.every((r) => r.reason.code === 'STORAGE_FAILED'), failed.map((r) => r.reason.message).join('; '));
  // The engine was rebuilt from storage: the next call works, and storage holds exactly the
  // acknowledged pushes.
  const after = await mc.pushEvent({ type: 'order', email: 'after@example.com', ctx: {} }, { instance: 'exec1' });
  const again = await MessageCenter.open({ storage: inner });
  const stored = (await again.listEvents({ instance: 'exec1', limit: 500 })).events.map((e) => e.id).sort();
  assert.deepEqual(stored, [first.id, ...ok, after.id].sort());
});

/** A template for `order` and the workflows that take an event to Sent. */
async function ready(mc) {
  await mc.configure({ email: { hardPpm: 0, softPpm: 0, asyncBouncePpm: 0 } });
  await mc.createTemplate({ name: 'confirm', eventType: 'order', channel: 'email', subject: 'Order', html: '<p>Hi</p>', text: 'Hi' });
  await mc.publish('confirm');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('exec1', wf);
  return mc;
}

test("a command's steps under group commit share writes: the next step runs while the last one is written", async () => {
  const run = async (groupCommit) => {
    const storage = slowStorage();
    const mc = await ready(await setup(storage, { groupCommit }));
    // Small steps: many of them.
    await mc.configure({ batchSize: 10 });
    for (let i = 0; i < 10; i++) await mc.pushEvents(Array.from({ length: 50 }, (_, j) => ({ type: 'order', email: `c${i}-${j}@example.com`, ctx: {} })), { instance: 'exec1' });
    const before = storage.writes;
    await mc.advance(3_600_000);
    const sent = mc.countEvents({ instance: 'exec1' }).byStatus.sent;
    return { writes: storage.writes - before, sent, dump: digest(await dump(storage.inner)) };
  };
  const [alone, grouped] = [await run(false), await run(true)];
  assert.equal(grouped.sent, 500);
  assert.equal(grouped.dump, alone.dump, 'the same bytes');
  assert.ok(grouped.writes < alone.writes / 2, `${grouped.writes} writes grouped, ${alone.writes} alone`);
  // Bounded: at most 16 steps wait for one write, so a long command makes several.
  assert.ok(alone.writes > 100 && grouped.writes >= Math.floor(alone.writes / 17), `${grouped.writes} writes grouped, ${alone.writes} alone`);
});

test('a write that fails under a command fails it; the engine is rebuilt from storage and a new command goes on', async () => {
  const inner = createMemoryStorage();
  const faulty = createFaultyStorage(inner);
  const mc = await ready(await setup(slowStorage(faulty)));
  await mc.pushEvents(Array.from({ length: 200 }, (_, j) => ({ type: 'order', email: `c${j}@example.com`, ctx: {} })), { instance: 'exec1' });
  faulty.setFailOnWrite(faulty.writes + 1);
  await assert.rejects(mc.advance(3_600_000), { code: 'STORAGE_FAILED' });
  await mc.advance(3_600_000);
  assert.equal(mc.countEvents({ instance: 'exec1' }).byStatus.sent, 200);
  // Storage says the same as the engine.
  const again = await MessageCenter.open({ storage: inner });
  assert.equal(again.countEvents({ instance: 'exec1' }).byStatus.sent, 200);
});

test('groupCommit must be a boolean', async () => {
  await assert.rejects(MessageCenter.open({ groupCommit: 'yes' }), { code: 'INVALID_ARGUMENT', message: 'groupCommit must be a boolean' });
});
