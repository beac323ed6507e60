// `kill -9` of the service under load, then a restart on the same --data: every id a client was
// given is there, once; ids given to concurrent clients are distinct.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveProcess } from './serve.mjs';


const start = (dir) => serveProcess(['--port', '0', '--data', dir, '--clock', 'virtual']);

const envelope = (n) =>
  `<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="order" email="c${n}@example.com" externalId="${n}"><ctx/></rtEvent></e></PushEvent></Body></Envelope>`;

test('kill -9 under load: every returned id survives, exactly once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-kill-'));
  try {
    const a = await start(dir);
    const returned = new Map();
    let n = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        const k = n++;
        try {
          const r = await fetch(`${a.url}/nl/jsp/soaprouter.jsp`, { method: 'POST', body: envelope(k) });
          const body = await r.text();
          const id = /<plId xsi:type="xsd:long">(\d+)</.exec(body)?.[1];
          if (r.status === 200 && id) {
            assert.ok(!returned.has(id), `id ${id} was given twice`);
            returned.set(id, String(k));
          }
        } catch {
          // The connection died with the process: this push may or may not have been stored.
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    // Kill once some pushes are acknowledged, at a moment the load decides.
    while (returned.size < 300) await new Promise((r) => setTimeout(r, 5));
    a.child.kill('SIGKILL');
    killed = true;
    await new Promise((resolve) => a.child.on('exit', resolve));
    await Promise.all(clients);
    assert.ok(returned.size >= 300);

    const b = await start(dir);
    try {
      for (const [id, k] of returned) {
        const r = await fetch(`${b.url}/__mc/events/${id}`);
        assert.equal(r.status, 200, `event ${id} was acknowledged before the kill and is gone`);
        const story = await r.json();
        assert.equal(story.event.externalId, k, `event ${id} holds another push`);
      }
      // Exactly once: no id holds two pushes, and the store holds no more events than were sent.
      const list = await (await fetch(`${b.url}/__mc/events?instance=mcExec1&limit=1`)).json();
      assert.ok(list.total >= returned.size && list.total <= n, `total ${list.total}, acknowledged ${returned.size}, sent ${n}`);
    } finally {
      b.child.kill('SIGTERM');
      await new Promise((resolve) => b.child.on('exit', resolve));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
