// A panic inside the wasm (a bug in the core) traps the instance: every later call on it would fail
// ("recursive use of an object"). The shell rebuilds the engine from storage in a fresh instance and
// reports the original error once, as INTERNAL. The core is the fault-injection build
// (dist/faults/, built by `npm test`): an event of type `__panic__` panics in the push, the
// template `__panic__` in a query.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as glue from '../../dist/faults/message_center.js';
import { nodeEngineLoader } from '../../js/load-node.js';
import { bindMessageCenter } from '../../js/message-center.js';
import { createMemoryStorage } from '../../js/storage/memory.js';
import { digest } from './digest.mjs';
import { dump } from './helpers.mjs';

const MessageCenter = bindMessageCenter(nodeEngineLoader(glue, new URL('../../dist/faults/message_center.js', import.meta.url), new URL('../../dist/faults/message_center_bg.wasm', import.meta.url)));

async function fixture() {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, seed: 3, now: '2026-03-02T08:00:00Z' });
  await mc.addEventType('order');
  await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  await mc.createTemplate({ name: 'conf', eventType: 'order', subject: 'Order', html: '<p>Hi</p>' });
  await mc.publish('conf');
  await mc.startWorkflow('exec1', 'rtEventsProcessing');
  await mc.startWorkflow('exec1', 'updateEventsStatus');
  const first = await mc.pushEvent({ type: 'order', email: 'a@example.com', ctx: {} }, { instance: 'exec1' });
  return { storage, mc, first };
}

test('a panic in an operation: INTERNAL once, nothing written, the engine rebuilt from storage and working', async () => {
  const { storage, mc, first } = await fixture();
  const before = digest(await dump(storage));
  const settings = mc.settings();
  await assert.rejects(mc.pushEvent({ type: '__panic__', email: 'b@example.com', ctx: {} }, { instance: 'exec1' }), (e) => {
    assert.equal(e.code, 'INTERNAL');
    assert.match(e.message, /^the engine failed \(.*\); it was rebuilt from storage, and the operation was not applied$/);
    assert.ok(e.cause, 'the original error is the cause');
    return true;
  });
  assert.equal(digest(await dump(storage)), before, 'the failed operation wrote nothing');
  // The rebuilt engine holds the committed state and works: queries, reads, operations, commands.
  assert.deepEqual(mc.settings(), settings);
  assert.equal((await mc.getEvent(first.id)).event.id, first.id);
  const second = await mc.pushEvent({ type: 'order', email: 'c@example.com', ctx: {} }, { instance: 'exec1' });
  await mc.advance(60_000);
  for (const id of [first.id, second.id]) assert.equal((await mc.getEvent(id)).event.status, 'sent');
  // A second trap is recovered the same way.
  await assert.rejects(mc.pushEvents([{ type: '__panic__', email: 'd@example.com', ctx: {} }], { instance: 'exec1' }), { code: 'INTERNAL' });
  const list = await mc.listEvents({ instance: 'exec1' });
  assert.deepEqual(list.events.map((e) => e.id).sort(), [first.id, second.id].sort());
});

test('a panic in a query: INTERNAL, the engine rebuilt before the next call, which works', async () => {
  const { storage, mc, first } = await fixture();
  const before = digest(await dump(storage));
  assert.throws(() => mc.getTemplate('__panic__'), (e) => {
    assert.equal(e.code, 'INTERNAL');
    assert.match(e.message, /^the engine failed \(.*\); it is being rebuilt from storage$/);
    return true;
  });
  assert.throws(() => mc.settings(), { code: 'INTERNAL', message: /being rebuilt from storage/ }, 'a query during the rebuild');
  assert.equal((await mc.getEvent(first.id)).event.id, first.id, 'the next call waits for the rebuild');
  assert.equal(mc.getTemplate('conf').name, 'conf');
  assert.equal(digest(await dump(storage)), before);
});

test('without a trap, the fault-injection build behaves as the shipped one (the trigger is only that name)', async () => {
  const { mc } = await fixture();
  await assert.rejects(mc.pushEvent({ type: '__panic_', email: 'e@example.com', ctx: {} }, { instance: 'exec1' }), { code: 'UNKNOWN_EVENT_TYPE' });
  await assert.rejects(Promise.resolve().then(() => mc.getTemplate('nope')), { code: 'UNKNOWN_TEMPLATE' });
});
