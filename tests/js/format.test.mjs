// A store written by another storage format is refused at open with STORAGE_FORMAT naming both
// versions, and left as it is: never misread. The fixture is a real store of message-center 0.1.0
// (storage format 1: one record per fact), written by that version (commit 14b8c1e). (Format 2 is
// migrated in place: tests/js/secrets.test.mjs.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { MessageCenter, createMemoryStorage, openIndexedDBStorage } from '../../js/node.js';
import { digest } from './digest.mjs';
import { dump, restore } from './helpers.mjs';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/format1-store.json', import.meta.url), 'utf8'));

const storages = {
  memory: () => createMemoryStorage(),
  'IndexedDB (fake-indexeddb)': () => openIndexedDBStorage({ name: 'old', indexedDB: new IDBFactory(), IDBKeyRange }),
};

for (const [name, open] of Object.entries(storages)) {
  test(`${name}: a store of storage format 1 is refused with STORAGE_FORMAT and left unchanged`, async () => {
    assert.ok(fixture.entries.length > 20 && !fixture.entries.some(([k]) => k === 'm/format'), 'the fixture is an old store');
    const storage = await restore(await open(), fixture.entries);
    const before = digest(await dump(storage));
    for (const options of [{}, { seed: 5 }, { seed: 5, now: '2027-01-01T00:00:00Z', config: { batchSize: 9 } }]) {
      await assert.rejects(MessageCenter.open({ storage, ...options }), {
        code: 'STORAGE_FORMAT',
        message: /^this store has storage format 1; this version of message-center reads format 4 only, and formats 2 and 3 which it migrates/,
      });
      assert.equal(digest(await dump(storage)), before, 'nothing was written');
    }
  });
}

test('a store of a later format, or whose format record is not ours, is refused too', async () => {
  const later = await restore(createMemoryStorage(), [['m/format', 'message-center/5']]);
  await assert.rejects(MessageCenter.open({ storage: later }), { code: 'STORAGE_FORMAT', message: /storage format 5; this version of message-center reads format 4 only/ });
  const foreign = await restore(createMemoryStorage(), [['m/format', 'somebody-else/2']]);
  await assert.rejects(MessageCenter.open({ storage: foreign }), { code: 'STORAGE_FORMAT', message: /which is not a message-center format/ });
  // And a store of this format opens.
  const storage = createMemoryStorage();
  await MessageCenter.open({ storage, seed: 1 });
  assert.deepEqual(await storage.get(['m/format']), ['message-center/4']);
});
