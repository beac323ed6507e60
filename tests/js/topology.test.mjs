// Topology across processes: two execution instances, each a `message-center serve` process with
// its own store, behind Debian's nginx as the load balancer (with the project's deploy/nginx.conf),
// and a control process whose mcSynch_<account> archives both over HTTP with the accounts' URLs and
// credentials. Adobe's SDK pushes through the balancer; the event ids' top byte tells which
// instance took each event.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sdk from '@adobe/acc-js-sdk';
import { serveProcess } from './serve.mjs';

const NGINX_CONF = fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url));
const NGINX = '/usr/sbin/nginx';

function serve(dir, name, config) {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  return serveProcess(['--port', '0', '--data', join(dir, name), '--config', file, '--clock', 'virtual']).then(({ child, url }) => ({ child, url, stop: () => stop(child) }));
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function admin(url, path, body) {
  const r = await fetch(`${url}/__mc/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
  return r.json();
}

test('two execution processes behind nginx, one control process archiving both', { skip: existsSync(NGINX) ? false : 'nginx is not installed (npm test installs it)', timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-topology-'));
  const procs = [];
  try {
    const types = ['order'];
    // Each execution process has the template published on its instance.
    const templates = [{ name: 'orderConf', eventType: 'order', subject: 'Order <%= rtEvent.externalId %>', html: '<p>Thanks</p>' }];
    const exec1 = await serve(dir, 'exec1', { instances: [{ name: 'mcExec1', executionInstanceId: 1, archive: false }], eventTypes: types, templates });
    procs.push(exec1);
    const exec2 = await serve(dir, 'exec2', { instances: [{ name: 'mcExec2', executionInstanceId: 2, archive: false }], eventTypes: types, templates });
    procs.push(exec2);
    const control = await serve(dir, 'control', {
      instances: [
        { name: 'mcExec1', executionInstanceId: 1, url: exec1.url, remote: true, login: 'admin', password: '' },
        { name: 'mcExec2', executionInstanceId: 2, url: exec2.url, remote: true, login: 'admin', password: '' },
      ],
      eventTypes: types,
    });
    procs.push(control);

    // nginx with the project's file, its addresses replaced by these processes'.
    const port = await freePort();
    const prefix = join(dir, 'nginx');
    mkdirSync(prefix);
    chmodSync(dir, 0o755);
    chmodSync(prefix, 0o777);
    const conf = readFileSync(NGINX_CONF, 'utf8')
      .replace('server 127.0.0.1:8081;', `server ${new URL(exec1.url).host};`)
      .replace('server 127.0.0.1:8082;', `server ${new URL(exec2.url).host};`)
      .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`);
    assert.notEqual(conf, readFileSync(NGINX_CONF, 'utf8'));
    writeFileSync(join(prefix, 'nginx.conf'), conf);
    const nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let nginxErr = '';
    nginx.stderr.on('data', (c) => (nginxErr += c));
    procs.push({ stop: () => stop(nginx) });
    const lb = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      const ok = await fetch(`${lb}/nl/jsp/mcPing.jsp`).then((r) => r.status === 200, () => false);
      if (ok) break;
      assert.ok(i < 100 && nginx.exitCode === null, `nginx did not start: ${nginxErr}`);
      await new Promise((r) => setTimeout(r, 50));
    }

    // Adobe's SDK through the balancer (the load-balancer way to log on: login/password as the
    // session token): each HTTP call goes to the next instance.
    const client = await sdk.init(sdk.ConnectionParameters.ofSessionToken(lb, 'admin/'));
    await client.logon();
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push(await client.NLWS.nmsRtEvent.pushEvent({ type: 'order', email: `c${i}@example.com`, externalId: String(i), ctx: {} }));
    const byInstance = new Map();
    for (const id of ids) {
      const ii = Number(BigInt(id) >> 56n);
      byInstance.set(ii, [...(byInstance.get(ii) ?? []), id]);
    }
    assert.deepEqual([...byInstance.keys()].sort(), [1, 2], 'both instances took events');
    assert.equal(byInstance.get(1).length + byInstance.get(2).length, 10);
    for (const [ii, url] of [
      [1, exec1.url],
      [2, exec2.url],
    ]) {
      for (const id of byInstance.get(ii)) assert.equal((await admin(url, `events/${id}`)).event.instance, `mcExec${ii}`);
    }

    // The execution instances route and "send" in their own time; then the control archives.
    await admin(exec1.url, 'clock/advance', { ms: 3_600_000 });
    await admin(exec2.url, 'clock/advance', { ms: 3_600_000 });
    const history0 = await admin(control.url, 'events?instance=control&limit=50');
    assert.equal(history0.events.length, 0, 'nothing archived before the control runs');
    await admin(control.url, 'clock/advance', { ms: 2 * 3_600_000 });
    const history = await admin(control.url, 'events?instance=control&limit=50');
    assert.deepEqual(history.events.map((e) => e.id).sort(), [...ids].sort(), 'every event of both instances is in the control history');
    for (const h of history.events) {
      const ii = Number(BigInt(h.id) >> 56n);
      const e = (await admin(ii === 1 ? exec1.url : exec2.url, `events/${h.id}`)).event;
      assert.equal(h.status, e.status, `${h.id}: the archived status is the execution's`);
      assert.ok(['sent', 'notTakenIntoAccount', 'deliveryFailed', 'ignored', 'expired'].includes(h.status), `${h.id}: a final status, got ${h.status}`);
    }
    assert.ok(history.events.filter((e) => e.status === 'sent').length >= 5, history.events.map((e) => e.status).join(' '));
    // The archiving consumed the execution processes' change logs (deleted there, over HTTP).
    for (const [url, ii] of [
      [exec1.url, '01'],
      [exec2.url, '02'],
    ]) {
      const r = await fetch(`${url}/__mc/storage`, { method: 'POST', headers: { 'x-session-token': 'admin/' }, body: JSON.stringify({ op: 'range', gte: `c/${ii}/`, lt: `c/${ii}0`, limit: 10 }) });
      assert.deepEqual((await r.json()).entries, [], `the change log of mcExec${Number(ii)} is consumed`);
    }
    // Pushes to the control do not go to the instances of other processes.
    const toControl = await fetch(`${control.url}/nl/jsp/soaprouter.jsp`, { method: 'POST', body: '<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="order" email="x@example.com"><ctx/></rtEvent></e></PushEvent></Body></Envelope>' });
    assert.equal(toControl.status, 500);
    assert.match(await toControl.text(), /NO_INSTANCE_AVAILABLE/);
    // A second run archives nothing twice.
    await admin(control.url, 'clock/advance', { ms: 3_600_000 });
    assert.equal((await admin(control.url, 'events?instance=control&limit=50')).events.length, 10);

    // The storage endpoint lends only to operators, and only its instances' records.
    const lend = (token, body) => fetch(`${exec1.url}/__mc/storage`, { method: 'POST', headers: { 'x-session-token': token }, body: JSON.stringify(body) });
    assert.equal((await lend('admin/x', { op: 'get', keys: ['e/01/x'] })).status, 403);
    assert.equal((await lend('admin/', { op: 'get', keys: ['m/settings'] })).status, 400);
    assert.equal((await lend('admin/', { op: 'write', put: [['e/01/0000000000000/s', 'x']] })).status, 400);
    assert.equal((await lend('admin/', { op: 'get', keys: ['e/01/0000000000000/s'] })).status, 200);
    // No caller writes into its storage: a raw write under the change log (which stopped every
    // later mcSynch step with STORAGE_CORRUPT) is no operation at all, and a consumption that
    // names anything but a change record losing pages is refused, naming it.
    const write = await lend('admin/', { op: 'write', put: [['c/01/zz', 'x']] });
    assert.equal(write.status, 400);
    assert.match((await write.json()).error.message, /unknown storage operation "write"/);
    for (const [body, why] of [
      [{ op: 'consume', put: [['c/01/zz', 'x']] }, /"c\/01\/zz" is not a change record/],
      [{ op: 'consume', del: ['e/01/0000000000000/s'] }, /is not a change record/],
      [{ op: 'consume', put: [['c/01/000000000000/0000000000000001', 'x']] }, /not a list of pages/],
    ]) {
      const r = await lend('admin/', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match((await r.json()).error.message, why);
    }
    assert.equal((await lend('admin/x', { op: 'consume', del: ['c/01/000000000000/0000000000000001'] })).status, 403);
    // A change record already consumed: nothing to do (a retry after a lost reply).
    const again = await lend('admin/', { op: 'consume', del: ['c/01/000000000000/0000000000000001'] });
    assert.deepEqual(await again.json(), { deleted: 0, shortened: 0, already: 1 });
    // The instance and its archiving go on: a new event reaches Sent and the control's history.
    const late = await fetch(`${exec1.url}/nl/jsp/soaprouter.jsp`, { method: 'POST', body: '<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="order" email="sent@mc-sim.test"><ctx/></rtEvent></e></PushEvent></Body></Envelope>' });
    assert.equal(late.status, 200, await late.clone().text());
    const lateId = (await late.text()).match(/<plId[^>]*>(\d+)</)[1];
    await admin(exec1.url, 'clock/advance', { ms: 3_600_000 });
    assert.equal((await admin(exec1.url, `events/${lateId}`)).event.status, 'sent');
    await admin(control.url, 'clock/advance', { ms: 3_600_000 });
    assert.ok((await admin(control.url, 'events?instance=control&limit=50')).events.some((e) => e.id === lateId), 'the late event is archived');
  } finally {
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
