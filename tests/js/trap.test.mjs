// A panic inside the wasm (a bug in the core) traps the instance: every later call on it would fail
// ("recursive use of an object"). The shell rebuilds the engine from storage in a fresh wasm
// instance and reports the original error once, as INTERNAL. The core is the fault-injection build
// (dist/faults/, built by `npm test`): an event of type `__panic__` panics at push (before any
// read), one of type `__panic_late__` when rtEventsProcessing routes it (after the step's reads),
// the template `__panic__` in a query.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as glue from '../../dist/faults/message_center.js';
import { nodeEngineLoader } from '../../js/load-node.js';
import { bindMessageCenter } from '../../js/message-center.js';
import { createMemoryStorage } from '../../js/storage/memory.js';
import { digest } from './digest.mjs';
import { dump } from './helpers.mjs';

const load = nodeEngineLoader(glue, new URL('../../dist/faults/message_center.js', import.meta.url), new URL('../../dist/faults/message_center_bg.wasm', import.meta.url));
/** Fresh wasm instances asked for (one per rebuild). */
let fresh = 0;
const MessageCenter = bindMessageCenter((options) => {
  if (options?.fresh) fresh++;
  return load(options);
});

/** A storage whose calls can be made to fail, or to run a hook while a write is in flight. */
function controllable(inner) {
  const c = {
    offline: null, // an Error to reject every call with
    onWrite: null,
    get: (keys) => (c.offline ? Promise.reject(c.offline) : inner.get(keys)),
    range: (r) => (c.offline ? Promise.reject(c.offline) : inner.range(r)),
    async write(batch) {
      if (c.offline) throw c.offline;
      await inner.write(batch);
      c.onWrite?.();
    },
    close: () => inner.close(),
  };
  return c;
}

async function fixture() {
  const inner = createMemoryStorage();
  const storage = controllable(inner);
  const mc = await MessageCenter.open({ storage, seed: 3, now: '2026-03-02T08:00:00Z' });
  await mc.addEventType('order');
  await mc.addEventType('__panic_late__');
  await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  await mc.createTemplate({ name: 'conf', eventType: 'order', subject: 'Order', html: '<p>Hi</p>' });
  await mc.publish('conf');
  await mc.startWorkflow('exec1', 'updateEventsStatus');
  const first = await mc.pushEvent({ type: 'order', email: 'a@example.com', ctx: {} }, { instance: 'exec1' });
  return { inner, storage, mc, first };
}

const ids = async (mc) => (await mc.listEvents({ instance: 'exec1', limit: 500 })).events.map((e) => e.id).sort();

test('a panic before any read: INTERNAL once, nothing written, a fresh instance opened on storage, which works', async () => {
  const { inner, mc, first } = await fixture();
  const before = digest(await dump(inner));
  const settings = mc.settings();
  const fresh0 = fresh;
  await assert.rejects(mc.pushEvent({ type: '__panic__', email: 'b@example.com', ctx: {} }, { instance: 'exec1' }), (e) => {
    assert.equal(e.code, 'INTERNAL');
    assert.match(e.message, /^the engine failed \(.*\); it was rebuilt from storage, and the operation was not applied$/);
    assert.ok(e.cause, 'the original error is the cause');
    return true;
  });
  assert.equal(fresh, fresh0 + 1, 'one fresh wasm instance');
  assert.equal(digest(await dump(inner)), before, 'the failed operation wrote nothing');
  assert.deepEqual(mc.settings(), settings);
  assert.equal((await mc.getEvent(first.id)).event.id, first.id);
  const second = await mc.pushEvent({ type: 'order', email: 'c@example.com', ctx: {} }, { instance: 'exec1' });
  await mc.startWorkflow('exec1', 'rtEventsProcessing');
  await mc.advance(60_000);
  for (const id of [first.id, second.id]) assert.equal((await mc.getEvent(id)).event.status, 'sent');
  await assert.rejects(mc.pushEvents([{ type: '__panic__', email: 'd@example.com', ctx: {} }], { instance: 'exec1' }), { code: 'INTERNAL' });
  assert.deepEqual(await ids(mc), [first.id, second.id].sort());
});

test('a panic after the reads of a workflow step: INTERNAL, the step not applied, the rest of the engine working', async () => {
  const { inner, mc, first } = await fixture();
  const late = await mc.pushEvent({ type: '__panic_late__', email: 'late@example.com', ctx: {} }, { instance: 'exec1' });
  const before = digest(await dump(inner));
  const fresh0 = fresh;
  await mc.startWorkflow('exec1', 'rtEventsProcessing');
  const afterStart = digest(await dump(inner));
  assert.notEqual(afterStart, before);
  await assert.rejects(mc.runWorkflow('exec1', 'rtEventsProcessing'), { code: 'INTERNAL', message: /^the engine failed \(.*\); it was rebuilt from storage, and the operation was not applied$/ });
  assert.equal(fresh, fresh0 + 1);
  assert.equal(digest(await dump(inner)), afterStart, 'the step wrote nothing');
  assert.equal((await mc.getEvent(late.id)).event.status, 'pending');
  assert.equal((await mc.getEvent(first.id)).event.status, 'pending', 'the step routed nothing');
  // Other operations work; the step fails the same way each time (the bug is still there).
  await mc.addEventType('other');
  assert.ok(mc.eventTypes().some((t) => t.name === 'other'));
  await assert.rejects(mc.runWorkflow('exec1', 'rtEventsProcessing'), { code: 'INTERNAL' });
});

test('a panic in a query: INTERNAL, the engine rebuilt before the next call, which works', async () => {
  const { inner, mc, first } = await fixture();
  const before = digest(await dump(inner));
  const fresh0 = fresh;
  assert.throws(() => mc.getTemplate('__panic__'), (e) => {
    assert.equal(e.code, 'INTERNAL');
    assert.match(e.message, /^the engine failed \(.*\); it is being rebuilt from storage$/);
    return true;
  });
  assert.throws(() => mc.settings(), { code: 'INTERNAL', message: /being rebuilt from storage/ }, 'a query before the rebuild');
  assert.equal((await mc.getEvent(first.id)).event.id, first.id, 'the next call waits for the rebuild');
  assert.equal(fresh, fresh0 + 1);
  assert.equal(mc.getTemplate('conf').name, 'conf');
  assert.equal(digest(await dump(inner)), before);
});

test('an operation queued before a query traps runs on a rebuilt engine, without a spurious error', async () => {
  const { mc } = await fixture();
  const queued = mc.addEventType('queued');
  assert.throws(() => mc.getTemplate('__panic__'), { code: 'INTERNAL' });
  await queued;
  assert.ok(mc.eventTypes().some((t) => t.name === 'queued'));
});

test('an engine that traps once the write is durable: the operation stands (resolved once, stored once)', async () => {
  const { storage, mc, first } = await fixture();
  const fresh0 = fresh;
  // While the push's write is in flight, a query traps: the engine cannot take the commit.
  storage.onWrite = () => {
    storage.onWrite = null;
    assert.throws(() => mc.getTemplate('__panic__'), { code: 'INTERNAL' });
  };
  const r = await mc.pushEvent({ type: 'order', email: 'durable@example.com', ctx: {} }, { instance: 'exec1' });
  assert.match(r.id, /^\d+$/);
  assert.deepEqual(await ids(mc), [first.id, r.id].sort(), 'stored once, seen by the rebuilt engine');
  assert.equal(fresh, fresh0 + 1);
  assert.equal((await mc.getEvent(r.id)).event.status, 'pending');
});

test('a rebuild that cannot read storage: INTERNAL until storage is back, then the next call rebuilds and works', async () => {
  const { inner, storage, mc, first } = await fixture();
  const before = digest(await dump(inner));
  storage.offline = new Error('disk unplugged');
  await assert.rejects(mc.pushEvent({ type: '__panic__', email: 'x@example.com', ctx: {} }, { instance: 'exec1' }), {
    code: 'INTERNAL',
    message: /could not be rebuilt from storage yet \(storage (get|range) failed: disk unplugged\).*the next call tries again/,
  });
  assert.throws(() => mc.settings(), { code: 'INTERNAL' });
  await assert.rejects(mc.addEventType('while-down'), { code: 'INTERNAL', message: /could not be rebuilt from storage yet/ });
  storage.offline = null;
  assert.equal((await mc.getEvent(first.id)).event.id, first.id);
  assert.equal(digest(await dump(inner)), before, 'nothing was written while it was down');
  await mc.addEventType('after');
  assert.ok(mc.eventTypes().some((t) => t.name === 'after'));
});

test('a storage adapter rejecting with a plain Error is STORAGE_FAILED, not a trap; a failed write rebuilds the engine from storage (the store may have applied it), and it goes on', async () => {
  const { storage, mc, first } = await fixture();
  const fresh0 = fresh;
  storage.offline = new Error('EIO');
  let timer;
  const settled = await Promise.race([
    mc.listEvents({ instance: 'exec1' }).then(() => 'resolved', (e) => e),
    new Promise((r) => {
      timer = setTimeout(() => r('hung'), 5_000);
    }),
  ]);
  clearTimeout(timer);
  assert.equal(settled.code, 'STORAGE_FAILED', String(settled));
  assert.match(settled.message, /^storage (get|range) failed: EIO$/);
  assert.equal(fresh, fresh0, 'a failed read: no rebuild');
  await assert.rejects(mc.addEventType('t'), { code: 'STORAGE_FAILED', message: /^storage write failed: EIO$/ });
  assert.ok(fresh > fresh0, 'a failed write: a rebuild from storage (tried at once; storage is offline, so the next call tries again)');
  storage.offline = null;
  assert.equal((await mc.getEvent(first.id)).event.id, first.id);
  await mc.addEventType('t');
});

test('without a trap, the fault-injection build behaves as the shipped one (the triggers are only those names)', async () => {
  const { mc } = await fixture();
  await assert.rejects(mc.pushEvent({ type: '__panic_', email: 'e@example.com', ctx: {} }, { instance: 'exec1' }), { code: 'UNKNOWN_EVENT_TYPE' });
  await assert.rejects(Promise.resolve().then(() => mc.getTemplate('nope')), { code: 'UNKNOWN_TEMPLATE' });
});
