// The snapshot format is read once (js/snapshot.js) for the service and the browser app's import:
// what a header and a record are, and that neither reader spells the format or parses lines itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SNAPSHOT_FORMAT, snapshotHeader, snapshotRecord } from '../../js/snapshot.js';
import { readSnapshot } from '../../js/server/snapshot.js';

test('a header names the format; a record is ["key", "value"] with a key', () => {
  assert.deepEqual(snapshotHeader(JSON.stringify({ format: SNAPSHOT_FORMAT, name: 'A' })), { format: SNAPSHOT_FORMAT, name: 'A' });
  for (const bad of [undefined, '', 'x', 'null', '{"format":"message-center-sandbox/2"}', '[]']) assert.equal(snapshotHeader(bad), null, String(bad));
  assert.deepEqual(snapshotRecord('["m/format","\\"message-center/2\\""]'), ['m/format', '"message-center/2"']);
  assert.deepEqual(snapshotRecord('["k",""]'), ['k', '']);
  for (const bad of ['', '{', '["k"]', '["k","v","w"]', '["",""]', '["k",1]', '[1,"v"]', '{"0":"k","1":"v"}', 'null']) assert.equal(snapshotRecord(bad), null, bad);
});

test('the service and the browser app read snapshots through it (an empty key is refused by both)', () => {
  const header = JSON.stringify({ format: SNAPSHOT_FORMAT });
  assert.deepEqual(readSnapshot(`${header}\n["a","1"]\n\n["b","2"]\n`, 'the body'), [['a', '1'], ['b', '2']]);
  assert.throws(() => readSnapshot(`${header}\n["","1"]`, 'the body'), (e) => e.code === 'INVALID_ARGUMENT' && e.message === 'the body: line 2 is not a record (["key", "value"])');
  assert.throws(() => readSnapshot('{}', 'the body'), /the body: not a snapshot/);
  for (const f of ['../../www/src/worker.js', '../../js/server/snapshot.js']) {
    const src = readFileSync(new URL(f, import.meta.url), 'utf8');
    assert.match(src, /import \{ SNAPSHOT_FORMAT, snapshotHeader, snapshotRecord \} from '[./]+(js\/)?snapshot\.js';/, f);
    assert.ok(!src.includes("'message-center-sandbox/1'") && !src.includes('JSON.parse(line'), `${f} spells the format or parses a line itself`);
  }
});
