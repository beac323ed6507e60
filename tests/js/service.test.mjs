// The Campaign-compatible service with real clients: Adobe's own SDK (@adobe/acc-js-sdk 1.2.0,
// unchanged) and raw envelopes as Adobe's documentation shows them, over HTTP on loopback; the
// bin; the hostile-input limits of the HTTP side.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sdk from '@adobe/acc-js-sdk';
import { startService } from '../../js/server/service.js';

const CLI = fileURLToPath(new URL('../../js/server/cli.js', import.meta.url));
const START = '2026-03-02T08:00:00Z';
/** The environment of a child process: without node:test's marker, which would make it a test file. */
const { NODE_TEST_CONTEXT: _, ...CHILD_ENV } = process.env;

async function post(url, body, headers = {}) {
  const r = await fetch(`${url}/nl/jsp/soaprouter.jsp`, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', ...headers }, body });
  return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
}

async function advance(url, ms) {
  const r = await fetch(`${url}/__mc/clock/advance`, { method: 'POST', body: JSON.stringify({ ms }) });
  assert.equal(r.status, 200);
  return r.json();
}

describe("Adobe's SDK, unchanged, against the service", () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, seed: 7, topology: { eventTypes: ['welcome', 'newsletter'] } });
  });
  after(() => svc.close());

  test('logon, pushEvent and pushEvents (real-time and batch), mcPing, a queryDef status read, logoff', async () => {
    const cp = sdk.ConnectionParameters.ofUserAndPassword(svc.url, 'admin', '');
    const client = await sdk.init(cp);
    await client.logon();
    assert.equal(client.isLogged(), true);
    assert.equal(client.getSessionInfo().userInfo.login, 'admin');
    assert.equal(client.application.instanceName, 'mcExec1');

    const id = await client.NLWS.nmsRtEvent.pushEvent({ type: 'welcome', email: 'jane@example.com', wishedChannel: 0, ctx: { firstName: 'Jane' } });
    assert.match(id, /^\d+$/);
    assert.equal(BigInt(id) >> 56n, 1n, 'the top byte is the execution instance id');
    const none = await client.NLWS.nmsRtEvent.pushEvents({ rtEvent: [{ type: 'welcome', email: 'a@example.com', ctx: {} }, { type: 'welcome', email: 'b@example.com', ctx: {} }] });
    assert.equal(none, null, 'PushEventsResponse is empty by default');
    const batchId = await client.NLWS.nmsBatchEvent.pushEvent({ type: 'newsletter', email: 'c@example.com', ctx: {} });
    assert.match(batchId, /^\d+$/);

    const ping = await client.mcPing();
    assert.equal(ping.status, 'Ok');
    assert.equal(ping.eventQueueSize, '3', 'three real-time events are pending');
    assert.equal(ping.eventQueueMaxSize, '400');

    const read = () =>
      client.NLWS.xtkQueryDef
        .create({
          schema: 'nms:rtEvent',
          operation: 'get',
          select: { node: [{ expr: '@id' }, { expr: '@status' }, { expr: '@created' }, { expr: '@processed' }, { expr: '@email' }] },
          where: { condition: [{ expr: `@id=${BigInt(id) & 0xffffffffffffffn}` }] },
        })
        .executeQuery();
    let row = await read();
    assert.equal(row.id, String(BigInt(id) & 0xffffffffffffffn));
    assert.equal(row.status, '0', 'Pending');
    assert.equal(row.created, '2026-03-02 08:00:00.000Z');
    assert.equal(row.email, 'jane@example.com');
    await advance(svc.url, 3_600_000);
    row = await read();
    assert.notEqual(row.status, '0', 'routed once the workflows ran');
    assert.ok(row.processed, 'a processed date once final');
    const story = await svc.mc.getEvent(id);
    assert.equal(String(story.event.statusCode), row.status);

    const batch = await client.NLWS.xtkQueryDef
      .create({ schema: 'nms:batchEvent', operation: 'getIfExists', select: { node: [{ expr: '@status' }] }, where: { condition: [{ expr: `@id=${batchId}` }] } })
      .executeQuery();
    assert.ok(batch && batch.status !== undefined, 'the batch event by its whole id');

    await client.logoff();
    assert.equal(client.isLogged(), false);
  });

  test('wrong credentials: Campaign fault on HTTP 500; a logged-off session: the expired-session error', async () => {
    const bad = await sdk.init(sdk.ConnectionParameters.ofUserAndPassword(svc.url, 'admin', 'nope'));
    await assert.rejects(bad.logon(), (e) => e.name === 'CampaignException' && e.statusCode === 500 && /XSV-350022/.test(e.message));
    const ghost = await sdk.init(sdk.ConnectionParameters.ofUserAndPassword(svc.url, 'ghost', ''));
    await assert.rejects(ghost.logon(), (e) => e.statusCode === 500 && /XSV-350022/.test(e.message));

    const client = await sdk.init(sdk.ConnectionParameters.ofUserAndPassword(svc.url, 'admin', ''));
    await client.logon();
    await client.NLWS.nmsRtEvent.pushEvent({ type: 'welcome', email: 'x@example.com', ctx: {} });
    // Log off behind the client's back (another client with the same tokens), then push again.
    const token = client._sessionToken;
    const r = await post(svc.url, `<Envelope><Body><Logoff xmlns="urn:xtk:session"><sessiontoken>${token}</sessiontoken></Logoff></Body></Envelope>`);
    assert.equal(r.status, 200);
    await assert.rejects(client.NLWS.nmsRtEvent.pushEvent({ type: 'welcome', email: 'y@example.com', ctx: {} }), (e) => e.statusCode === 401 && e.errorCode === 'SDK-000012');
  });

  test('the load-balancer way: ofSessionToken("admin/") sends no Logon', async () => {
    const client = await sdk.init(sdk.ConnectionParameters.ofSessionToken(svc.url, 'admin/'));
    await client.logon();
    const id = await client.NLWS.nmsRtEvent.pushEvent({ type: 'welcome', email: 'lb@example.com', ctx: {} });
    assert.match(id, /^\d+$/);
    const wrong = await sdk.init(sdk.ConnectionParameters.ofSessionToken(svc.url, 'admin/x'));
    await wrong.logon();
    await assert.rejects(wrong.NLWS.nmsRtEvent.pushEvent({ type: 'welcome', email: 'lb@example.com', ctx: {} }), (e) => e.statusCode === 500 && /Invalid login or password/.test(e.message));
  });
});

describe("raw envelopes as in Adobe's documentation", () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, topology: { eventTypes: ['order_confirmation', 'password_reset'] } });
  });
  after(() => svc.close());

  const qualified = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent">
  <soapenv:Header/>
  <soapenv:Body>
    <urn:PushEvent>
      <urn:sessiontoken>admin/</urn:sessiontoken>
      <urn:domEvent>
        <rtEvent type="order_confirmation" email="john.doe@example.com" origin="eCommerce" wishedChannel="0" externalId="1242" mobilePhone="+33620202020" emailFormat="2">
          <ctx><client><firstname>John</firstname><lastname>Doe</lastname></client></ctx>
        </rtEvent>
      </urn:domEvent>
    </urn:PushEvent>
  </soapenv:Body>
</soapenv:Envelope>`;
  const unqualified = qualified.replace(/urn:(sessiontoken|domEvent)/g, '$1');

  for (const [name, body, headers] of [
    ['qualified names, text/xml, quoted SOAPAction', qualified, { soapaction: '"nms:rtEvent#PushEvent"' }],
    ['unqualified names, application/soap+xml, unquoted SOAPAction', unqualified, { 'content-type': 'application/soap+xml;charset=UTF-8', soapaction: 'nms:rtEvent#PushEvent' }],
    ['no SOAPAction at all (the namespace says it)', qualified, {}],
  ]) {
    test(name, async () => {
      const r = await post(svc.url, body, headers);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.type, 'text/xml; charset=utf-8');
      const id = /<plId xsi:type="xsd:long">(\d+)<\/plId>/.exec(r.body)?.[1];
      assert.ok(id, r.body);
      assert.equal((await svc.mc.getEvent(id)).event.externalId, '1242');
    });
  }

  test('PushEvents with an <Events> wrapper and a session from Logon', async () => {
    const logon = await post(svc.url, `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:xtk:session"><soapenv:Header/><soapenv:Body><urn:Logon><urn:sessiontoken></urn:sessiontoken><urn:strLogin>admin</urn:strLogin><urn:strPassword></urn:strPassword><urn:elemParameters></urn:elemParameters></urn:Logon></soapenv:Body></soapenv:Envelope>`);
    assert.equal(logon.status, 200, logon.body);
    const token = /<pstrSessionToken xsi:type="xsd:string">([^<]+)</.exec(logon.body)[1];
    const r = await post(
      svc.url,
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent"><soapenv:Header/><soapenv:Body><urn:PushEvents><urn:sessiontoken>${token}</urn:sessiontoken><urn:domEventCollection><Events><rtEvent type="password_reset" email="a@example.com"><ctx><link>https://x/1</link></ctx></rtEvent><rtEvent type="password_reset" email="b@example.com"><ctx><link>https://x/2</link></ctx></rtEvent></Events></urn:domEventCollection></urn:PushEvents></soapenv:Body></soapenv:Envelope>`,
      { soapaction: 'nms:rtEvent#PushEvents' },
    );
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /<PushEventsResponse xmlns="urn:nms:rtEvent"/);
    assert.equal((await svc.mc.listEvents({ instance: 'mcExec1', type: 'password_reset' })).events.length, 2);
  });

  test('malformed XML: the documented fault with its position, HTTP 500, nothing pushed', async () => {
    const before = (await svc.mc.listEvents({ instance: 'mcExec1' })).total;
    const r = await post(svc.url, qualified.replace('</rtEvent>', '</rtevent>'), { soapaction: 'nms:rtEvent#PushEvent' });
    assert.equal(r.status, 500);
    assert.match(r.body, /The XML SOAP message is invalid \(service 'PushEvent', method 'nms:rtEvent'\)\./);
    assert.match(r.body, /\(\d+:\d+\) : /);
    assert.equal((await svc.mc.listEvents({ instance: 'mcExec1' })).total, before);
  });

  test('a bad email: a fault naming it, nothing pushed', async () => {
    const r = await post(svc.url, qualified.replace('john.doe@example.com', 'not-an-email'));
    assert.equal(r.status, 500);
    assert.match(r.body, /INVALID_EMAIL/);
  });

  test('the WSDL, mcPing and ping, healthz', async () => {
    for (const schema of ['nms:rtEvent', 'nms:batchEvent']) {
      const r = await fetch(`${svc.url}/nl/jsp/schemawsdl.jsp?schema=${schema}`);
      assert.equal(r.status, 200);
      const w = await r.text();
      assert.match(w, new RegExp(`targetNamespace="urn:${schema}"`));
      assert.match(w, /<soap:address location="http:\/\/127\.0\.0\.1:\d+\/nl\/jsp\/soaprouter\.jsp"\/>/);
    }
    assert.equal((await fetch(`${svc.url}/nl/jsp/schemawsdl.jsp?schema=nms:recipient`)).status, 400);
    const ping = await (await fetch(`${svc.url}/nl/jsp/mcPing.jsp`)).text();
    assert.match(ping, /^Ok\n2026-03-02 08:00:00\.000Z\n\d+\/400 pending events$/);
    assert.match(await (await fetch(`${svc.url}/nl/jsp/ping.jsp`)).text(), /^OK\n2026-03-02 08:00:00\.000Z\n$/);
    assert.deepEqual(await (await fetch(`${svc.url}/healthz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${svc.url}/nl/jsp/soaprouter.jsp`)).status, 405);
    assert.equal((await fetch(`${svc.url}/nope`)).status, 404);
  });

  test('Prometheus metrics: events by status and queue depth from the engine, request latency, workflow runs', async () => {
    const before = await (await fetch(`${svc.url}/metrics`)).text();
    await post(svc.url, qualified);
    const r = await fetch(`${svc.url}/metrics`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/plain/);
    const m = await r.text();
    const value = (text, series) => Number(new RegExp(`^${series.replace(/[{}"/.]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
    const counts = svc.mc.countEvents({ instance: 'mcExec1' });
    assert.equal(value(m, 'mc_events{instance="mcExec1",status="pending"}'), counts.byStatus.pending);
    assert.equal(value(m, 'mc_events_received{instance="mcExec1"}'), counts.total);
    assert.equal(value(m, 'mc_events_received{instance="mcExec1"}'), value(before, 'mc_events_received{instance="mcExec1"}') + 1);
    assert.equal(value(m, 'mc_queue_depth{instance="mcExec1"}'), svc.mc.mcPing('mcExec1').pending);
    assert.ok(value(m, 'mc_http_request_duration_seconds_count{route="/nl/jsp/soaprouter.jsp",status="200"}') >= 1, m);
    assert.ok(!Number.isNaN(value(m, 'mc_workflow_runs{instance="mcExec1",workflow="rtEventsProcessing"}')));
    assert.match(m, /^mc_process_resident_memory_bytes /m);
    // Unknown paths share one label: no series per URL.
    await fetch(`${svc.url}/x/${Math.random()}`);
    assert.match(await (await fetch(`${svc.url}/metrics`)).text(), /route="other",status="404"/);
  });

  test('mcPing says Error above the alert threshold', async () => {
    await svc.mc.configure({ rtQueueAlert: 1 });
    const push = qualified;
    await post(svc.url, push);
    await post(svc.url, push);
    const ping = await (await fetch(`${svc.url}/nl/jsp/mcPing.jsp`)).text();
    assert.match(ping, /^Error\n.*\(\d+\/1\)$/);
    await svc.mc.configure({ rtQueueAlert: 400 });
  });
});

describe('hostile input on the HTTP side', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, maxBodyBytes: 64 * 1024, headersTimeoutMs: 500, requestTimeoutMs: 800 });
  });
  after(() => svc.close());

  test('a body over the limit: 413 before parsing (declared and streamed)', async () => {
    const r = await post(svc.url, 'x'.repeat(70 * 1024));
    assert.equal(r.status, 413);
    assert.match(r.body, /over the limit/);
    // Chunked, with no Content-Length: refused when it passes the limit, and the client reads the
    // refusal (the rest of the body is drained, not reset).
    for (let i = 0; i < 5; i++) {
      const stream = new ReadableStream({
        start(c) {
          for (let k = 0; k < 200; k++) c.enqueue(new TextEncoder().encode('y'.repeat(1024)));
          c.close();
        },
      });
      const s = await fetch(`${svc.url}/nl/jsp/soaprouter.jsp`, { method: 'POST', body: stream, duplex: 'half' });
      assert.equal(s.status, 413);
      assert.match((await s.json()).error.message, /over the limit of 65536 bytes/);
    }
  });

  test('bodies held at once are bounded: past the budget a request is answered 503', async () => {
    const small = await startService({ port: 0, clock: 'virtual', now: START, maxBodyBytes: 64 * 1024, maxInflightBodyBytes: 100 * 1024 });
    try {
      const port = Number(new URL(small.url).port);
      const upload = (bytes, total) =>
        new Promise((resolve) => {
          const sock = connect(port, '127.0.0.1', () => {
            sock.write(`POST /nl/jsp/soaprouter.jsp HTTP/1.1\r\nHost: x\r\nContent-Length: ${total}\r\n\r\n`);
            sock.write('z'.repeat(bytes));
          });
          let data = '';
          sock.on('data', (c) => {
            data += c;
            resolve({ sock, data });
          });
          sock.on('error', () => {});
          setTimeout(() => resolve({ sock, data }), 300);
        });
      // The first holds 60 KiB of a 64,000-byte body and waits; the second passes the budget.
      const first = await upload(60 * 1024, 64_000);
      assert.equal(first.data, '', 'still reading the first');
      const second = await upload(50 * 1024, 60_000);
      assert.match(second.data, /^HTTP\/1\.1 503 /);
      first.sock.destroy();
      second.sock.destroy();
      // Once they are gone the budget is free again.
      assert.equal((await post(small.url, '<Envelope/>')).status, 500);
    } finally {
      await small.close();
    }
  });

  test('web pages are refused (an Origin header), unless allowOrigin', async () => {
    const r = await post(svc.url, '<Envelope/>', { origin: 'http://evil.example' });
    assert.equal(r.status, 403);
    assert.match(r.body, /Origin/);
    const open = await startService({ port: 0, clock: 'virtual', allowOrigin: true });
    try {
      assert.equal((await post(open.url, '<Envelope/>', { origin: 'http://console.example' })).status, 500, 'a SOAP fault: served');
    } finally {
      await open.close();
    }
  });

  test('a flood of connections: past maxConnections new ones are closed at once, and the service goes on', { timeout: 20_000 }, async () => {
    const small = await startService({ port: 0, clock: 'virtual', maxConnections: 5 });
    try {
      const port = Number(new URL(small.url).port);
      const open = async () => {
        const sock = connect(port, '127.0.0.1');
        sock.on('error', () => {});
        const closed = new Promise((r) => sock.once('close', r));
        await new Promise((r) => sock.once('connect', r));
        return { sock, closed };
      };
      const held = [];
      for (let i = 0; i < 5; i++) held.push(await open());
      // Each of the next 20 is closed by the server (the test's timeout would end it otherwise).
      for (let i = 0; i < 20; i++) await (await open()).closed;
      for (const h of held) {
        h.sock.destroy();
        await h.closed;
      }
      // Once they are gone, the service answers again.
      for (;;) {
        const r = await fetch(`${small.url}/healthz`).catch(() => null);
        if (r?.status === 200) break;
      }
    } finally {
      await small.close();
    }
  });

  test('DTDs, entity expansion and deep nesting are refused as faults', async () => {
    const bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Envelope><Body>&b;</Body></Envelope>';
    const r = await post(svc.url, bomb);
    assert.equal(r.status, 500);
    assert.match(r.body, /DTD|DOCTYPE/i);
    const xxe = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Envelope><Body>&e;</Body></Envelope>';
    const x = await post(svc.url, xxe);
    assert.equal(x.status, 500);
    assert.doesNotMatch(x.body, /root:/);
    const deep = `<Envelope><Body>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</Body></Envelope>`;
    const d = await post(svc.url, deep);
    assert.equal(d.status, 500);
    assert.match(d.body, /deep|nest/i);
  });

  test('a slow client is cut off: headers that never end', { timeout: 15_000 }, async () => {
    const closed = await new Promise((resolve) => {
      const sock = connect(Number(new URL(svc.url).port), '127.0.0.1', () => sock.write('POST /nl/jsp/soaprouter.jsp HTTP/1.1\r\nHost: x\r\n'));
      let data = '';
      sock.on('data', (c) => (data += c));
      sock.on('close', () => resolve(data));
      sock.on('error', () => resolve(data));
    });
    assert.ok(closed === '' || /408/.test(closed), closed);
  });
});

describe('the admin endpoints', () => {
  test('bad requests get 4xx, a real clock is not moved by hand but moves by itself, web pages are refused', { timeout: 20_000 }, async () => {
    const v = await startService({ port: 0, clock: 'virtual', now: START });
    try {
      const adv = (body, headers = {}) => fetch(`${v.url}/__mc/clock/advance`, { method: 'POST', body, headers });
      assert.equal((await adv('null')).status, 400);
      assert.equal((await adv('{"ms": ')).status, 400);
      assert.equal((await adv('{"to": "2020-01-01T00:00:00Z"}')).status, 400, 'backwards');
      assert.equal((await adv('{"ms": 1000}', { origin: 'http://evil.example' })).status, 403);
      assert.equal((await fetch(`${v.url}/__mc/events/%E0%A4%A`)).status, 400);
      assert.equal((await fetch(`${v.url}/__mc/events/123`)).status, 404);
      assert.equal((await fetch(`${v.url}/__mc/nope`)).status, 404);
      assert.equal((await fetch(`${v.url}/__mc/events`)).status, 400, 'the instance is needed');
      assert.equal((await fetch(`${v.url}/__mc/events?instance=mcExec1&limit=x`)).status, 400);
      assert.equal((await fetch(`${v.url}/__mc/events?instance=nope`)).status, 404);
      await assert.rejects(v.mc.soap('<Envelope/>', { caller: 'x' }), { code: 'INVALID_ARGUMENT', message: 'caller must be an object' });
      assert.equal((await adv('{"ms": 1000}')).status, 200);
    } finally {
      await v.close();
    }
    const real = await startService({ port: 0 });
    try {
      const r = await fetch(`${real.url}/__mc/clock/advance`, { method: 'POST', body: '{"ms": 1000}' });
      assert.equal(r.status, 409);
      // The real clock moves by itself: due workflow steps run as time passes.
      const before = real.mc.now();
      while (real.mc.now() === before) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await real.close();
    }
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
  test('answer loopback only, unless adminAnywhere', { skip: external ? false : 'this machine has no non-loopback IPv4 address' }, async () => {
    for (const [adminAnywhere, want] of [
      [false, 403],
      [true, 200],
    ]) {
      const svc = await startService({ host: '0.0.0.0', port: 0, clock: 'virtual', adminAnywhere });
      try {
        const port = new URL(svc.url).port;
        const far = await fetch(`http://${external}:${port}/__mc/requests`);
        assert.equal(far.status, want);
        assert.equal((await fetch(`http://127.0.0.1:${port}/__mc/requests`)).status, 200);
        // Readiness answers everyone, without authentication (orchestrators probe it).
        assert.equal((await fetch(`http://${external}:${port}/__mc/ready`)).status, 200);
        // The SOAP router and mcPing answer every address.
        assert.equal((await fetch(`http://${external}:${port}/nl/jsp/mcPing.jsp`)).status, 200);
      } finally {
        await svc.close();
      }
    }
  });
});

describe('for test authors: namespaces, reset, the request journal, verify, latest', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, journalSize: 5, topology: { eventTypes: ['order'] } });
  });
  after(() => svc.close());
  const push = (email, ns, type = 'order') =>
    post(svc.url, `<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="${type}" email="${email}"><ctx/></rtEvent></e></PushEvent></Body></Envelope>`, ns ? { 'x-mc-namespace': ns } : {});
  const get = async (path, ns) => (await fetch(`${svc.url}/__mc/${path}`, { headers: ns ? { 'x-mc-namespace': ns } : {} })).json();
  const postJson = (path, body, ns) => fetch(`${svc.url}/__mc/${path}`, { method: 'POST', body: JSON.stringify(body), headers: ns ? { 'x-mc-namespace': ns } : {} });

  test('namespaces are isolated Message Centers; a reset empties one and leaves the others', async () => {
    assert.equal((await push('a@example.com', 'file-a')).status, 200);
    assert.equal((await push('b@example.com', 'file-b')).status, 200);
    assert.equal((await push('b2@example.com', 'file-b')).status, 200);
    assert.deepEqual((await get('events?instance=mcExec1', 'file-a')).events.map((e) => e.email), ['a@example.com']);
    assert.equal((await get('events?instance=mcExec1', 'file-b')).events.length, 2);
    assert.equal((await get('events?instance=mcExec1')).events.length, 0, 'the default namespace saw none');
    assert.equal((await postJson('reset', {}, 'file-b')).status, 200);
    assert.equal((await get('events?instance=mcExec1', 'file-b')).events.length, 0);
    assert.equal((await get('events?instance=mcExec1', 'file-a')).events.length, 1);
    assert.equal((await get('requests', 'file-b')).requests.length, 0, 'the journal went with the reset');
    assert.equal((await fetch(`${svc.url}/__mc/events?instance=mcExec1`, { headers: { 'x-mc-namespace': 'no spaces' } })).status, 400);
  });

  test('the request journal: newest first, bounded, filterable, with what each request did', async () => {
    await push('j1@example.com', 'journal');
    await post(svc.url, '<Envelope/>', { 'x-mc-namespace': 'journal' });
    const { requests } = await get('requests', 'journal');
    assert.equal(requests.length, 2);
    assert.equal(requests[0].status, 500, 'newest first');
    assert.equal(requests[0].fault.code, 'MALFORMED_XML');
    assert.equal(requests[1].events.length, 1);
    assert.match(requests[1].events[0].id, /^\d+$/);
    assert.equal(requests[1].clock, '2026-03-02T08:00:00.000Z');
    assert.equal((await get('requests?status=200', 'journal')).requests.length, 1);
    for (let i = 0; i < 10; i++) await push(`j${i}@example.com`, 'journal');
    assert.equal((await get('requests', 'journal')).requests.length, 5, 'bounded by journalSize');
    assert.equal((await get('requests?limit=2', 'journal')).requests.length, 2);
  });

  test('verify waits for events: at least N of type X to address Y within a time', async () => {
    const waiting = postJson('verify', { count: 2, type: 'order', address: 'w@example.com', withinMs: 5000 }, 'verify');
    await push('w@example.com', 'verify');
    await push('other@example.com', 'verify');
    await push('w@example.com', 'verify');
    const r = await waiting;
    assert.equal(r.status, 200);
    const v = await r.json();
    assert.equal(v.ok, true);
    assert.deepEqual(v.events.map((e) => e.email), ['w@example.com', 'w@example.com']);
    const short = await postJson('verify', { count: 3, address: 'w@example.com', withinMs: 50 }, 'verify');
    assert.equal(short.status, 409);
    assert.deepEqual(await short.json().then((x) => [x.ok, x.count, x.wanted]), [false, 2, 3]);
    assert.equal((await postJson('verify', { count: 0 }, 'verify')).status, 400);
    // More than a page of events.
    await svc.mc.pushEvents(Array.from({ length: 600 }, (_, i) => ({ type: 'order', email: 'many@example.com', externalId: String(i), ctx: {} })));
    const many = await postJson('verify', { count: 600, address: 'many@example.com' });
    assert.equal(many.status, 200);
    assert.equal((await many.json()).count, 600);
    assert.equal((await fetch(`${svc.url}/__mc/latest`, { headers: { 'x-mc-namespace': 'verify' } })).status, 400);
    const latest = await get('latest?address=w@example.com', 'verify');
    assert.equal(latest.email, 'w@example.com');
    assert.equal((await fetch(`${svc.url}/__mc/latest?address=nobody@example.com`, { headers: { 'x-mc-namespace': 'verify' } })).status, 404);
  });
});

describe('for test authors: faults, snapshot and restore, fixtures', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, seed: 3, topology: { eventTypes: ['order'] } });
  });
  after(() => svc.close());
  const env = (email) => `<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="order" email="${email}"><ctx/></rtEvent></e></PushEvent></Body></Envelope>`;
  const headers = (ns) => ({ 'x-mc-namespace': ns, soapaction: 'nms:rtEvent#PushEvent' });
  const fault = (ns, rule) => fetch(`${svc.url}/__mc/faults`, { method: 'POST', headers: { 'x-mc-namespace': ns }, body: JSON.stringify(rule) });

  test('the next N calls of an operation answer a SOAP fault, then calls go through again', async () => {
    assert.equal((await fault('f1', { operation: 'nms:rtEvent#PushEvent', kind: 'soapFault', count: 2 })).status, 200);
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const r = await post(svc.url, env(`f${i}@example.com`), headers('f1'));
      statuses.push(r.status);
      if (i === 0) assert.match(r.body, /<faultcode>SOAP-ENV:Server<\/faultcode>[\s\S]*Error while executing the method 'PushEvent' of service 'nms:rtEvent'\./);
    }
    assert.deepEqual(statuses, [500, 500, 200]);
    const journal = (await (await fetch(`${svc.url}/__mc/requests`, { headers: { 'x-mc-namespace': 'f1' } })).json()).requests;
    assert.deepEqual(journal.map((e) => e.fault?.code ?? null), [null, 'INJECTED', 'INJECTED']);
    // Another operation is not taken.
    await fault('f1', { operation: 'nms:batchEvent#PushEvent', kind: 'http503' });
    assert.equal((await post(svc.url, env('g@example.com'), headers('f1'))).status, 200);
  });

  test('by probability, drawn from the seed: the same calls fail at every run; 503, drop, delay; for a time', async () => {
    const run = async (ns) => {
      await fault(ns, { kind: 'http503', probability: 0.5 });
      const out = [];
      for (let i = 0; i < 20; i++) out.push((await post(svc.url, env(`p${i}@example.com`), headers(ns))).status);
      return out;
    };
    const a = await run('p1');
    assert.deepEqual(await run('p2'), a, 'the same seed, the same faults');
    assert.ok(a.includes(503) && a.includes(200), a.join(' '));
    await fault('d1', { kind: 'drop', count: 1 });
    await assert.rejects(post(svc.url, env('x@example.com'), headers('d1')));
    await fault('d1', { kind: 'delay', delayMs: 50, count: 1 });
    assert.equal((await post(svc.url, env('y@example.com'), headers('d1'))).status, 200, 'a delay, then the call');
    await fault('t1', { kind: 'http503', forMs: 0 });
    assert.equal((await post(svc.url, env('z@example.com'), headers('t1'))).status, 200, 'a rule whose time is over takes nothing');
    for (const bad of [{ kind: 'explode' }, { kind: 'drop', count: 0 }, { kind: 'drop', probability: 2 }, { kind: 'drop', count: 1, probability: 0.5 }, { kind: 'delay', delayMs: -1 }]) {
      assert.equal((await fault('bad', bad)).status, 400, JSON.stringify(bad));
    }
    assert.equal((await fetch(`${svc.url}/__mc/faults`, { method: 'DELETE', headers: { 'x-mc-namespace': 'p1' } })).status, 200);
    assert.equal((await post(svc.url, env('after@example.com'), headers('p1'))).status, 200);
  });

  test('snapshot and restore give back the whole state; a bad snapshot is refused and writes nothing', async () => {
    const ns = { 'x-mc-namespace': 'snap' };
    await post(svc.url, env('s1@example.com'), headers('snap'));
    await post(svc.url, env('s2@example.com'), headers('snap'));
    const snapshot = await (await fetch(`${svc.url}/__mc/snapshot`, { headers: ns })).text();
    assert.match(snapshot.split('\n')[0], /"format":"message-center-sandbox\/1"/);
    await post(svc.url, env('s3@example.com'), headers('snap'));
    const restored = await fetch(`${svc.url}/__mc/restore`, { method: 'POST', headers: ns, body: snapshot });
    assert.equal(restored.status, 200);
    const list = await (await fetch(`${svc.url}/__mc/events?instance=mcExec1`, { headers: ns })).json();
    assert.deepEqual(list.events.map((e) => e.email).sort(), ['s1@example.com', 's2@example.com']);
    // Restored into another namespace: the same events.
    assert.equal((await fetch(`${svc.url}/__mc/restore`, { method: 'POST', headers: { 'x-mc-namespace': 'copy' }, body: snapshot })).status, 200);
    assert.equal((await (await fetch(`${svc.url}/__mc/events?instance=mcExec1`, { headers: { 'x-mc-namespace': 'copy' } })).json()).events.length, 2);
    // Well-formed lines the engine refuses (a store of another format): refused, and nothing changed.
    const otherFormat = snapshot.replace(/\["m\/format","message-center\/\d+"\]/, '["m/format","message-center/999"]');
    assert.notEqual(otherFormat, snapshot);
    for (const bad of ['not json', '{"format":"other"}\n', `${snapshot.split('\n')[0]}\n["k"]\n`, otherFormat]) {
      const r = await fetch(`${svc.url}/__mc/restore`, { method: 'POST', headers: ns, body: bad });
      assert.equal(r.status, 400, bad);
    }
    assert.equal((await (await fetch(`${svc.url}/__mc/events?instance=mcExec1`, { headers: ns })).json()).events.length, 2, 'a refused restore changed nothing');
    const withBadRecord = await fetch(`${svc.url}/__mc/restore`, { method: 'POST', headers: ns, body: otherFormat });
    assert.match((await withBadRecord.json()).error.code, /STORAGE_FORMAT/);
    // Records the engine would trip on later (a framing character in an event's page or a due
    // record, a key outside the layout, a value of 30 MB): 400 naming the record, nothing written.
    const lines = snapshot.trimEnd().split('\n');
    const garble = (prefix, edit) => {
      const i = lines.findIndex((l, j) => j > 0 && JSON.parse(l)[0].startsWith(prefix));
      assert.ok(i > 0, `the snapshot has a ${prefix} record`);
      const [k, v] = JSON.parse(lines[i]);
      return { key: k, body: [...lines.slice(0, i), JSON.stringify(edit(k, v)), ...lines.slice(i + 1)].join('\n') };
    };
    for (const { key, body, why } of [
      { ...garble('e/', (k, v) => [k, `${v.slice(0, 3)}\u0001${v.slice(3)}`]), why: /U\+0000 to U\+0003/ },
      { ...garble('d/', (k, v) => [k, `${v}\u0000`]), why: /U\+0000 to U\+0003/ },
      { ...garble('e/', (k, v) => [`${k}/zz`, v]), why: /not a key of the storage layout/ },
      { key: 'zz/outside', body: `${snapshot.trimEnd()}\n${JSON.stringify(['zz/outside', 'x'])}`, why: /not a key of the storage layout/ },
      { ...garble('e/', (k) => [k, 'x'.repeat(30 * 1024 * 1024)]), why: /over the limit/ },
    ]) {
      const r = await fetch(`${svc.url}/__mc/restore`, { method: 'POST', headers: ns, body });
      const e = (await r.json()).error;
      assert.equal(r.status, 400, `${key}: ${e?.message}`);
      assert.equal(e.code, 'INVALID_ARGUMENT');
      assert.match(e.message, why);
      assert.ok(e.message.includes(JSON.stringify(key.slice(0, 60)).slice(0, -1)), `${e.message} names ${key}`);
    }
    assert.equal((await (await fetch(`${svc.url}/__mc/events?instance=mcExec1`, { headers: ns })).json()).events.length, 2, 'a refused restore changed nothing');
  });

  test('fixtures: a snapshot loaded into a fresh store at start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-fixtures-'));
    try {
      const snapshot = await (await fetch(`${svc.url}/__mc/snapshot`, { headers: { 'x-mc-namespace': 'snap' } })).text();
      writeFileSync(join(dir, 'fixtures.jsonl'), snapshot);
      const f = await startService({ port: 0, clock: 'virtual', fixtures: join(dir, 'fixtures.jsonl') });
      try {
        assert.equal((await f.mc.listEvents({ instance: 'mcExec1' })).events.length, 2);
      } finally {
        await f.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the REST facade, in the shape of Campaign Standard', () => {
  let svc;
  before(async () => {
    svc = await startService({
      port: 0,
      clock: 'virtual',
      now: START,
      seed: 1,
      config: { operators: [{ login: 'admin', password: '', allowEmptyPassword: true }, { login: 'ims', password: 'x-long-password', bearerToken: 'an-ims-bearer-token-123' }] },
      topology: { eventTypes: ['EVTcartAbandonment'], templates: [{ name: 'cart', eventType: 'EVTcartAbandonment', subject: 'Your cart', html: '<p>Come back</p>' }] },
    });
  });
  after(() => svc.close());
  const path = '/mcAdobe/campaign/mcAdobe/EVTcartAbandonment';
  const send = (body, headers = {}) => fetch(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json;charset=utf-8', 'x-session-token': 'admin/', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  test('POST an event: its PKey and status pending; GET it: its status by the ACS names as it moves', async () => {
    const r = await send({ email: 'jane@example.com', ctx: { cartAmount: '$ 125', lastProduct: 'Leather bag' } });
    assert.equal(r.status, 200);
    const e = await r.json();
    assert.match(e.PKey, /^\d+$/);
    assert.equal(e.status, 'pending');
    assert.equal(e.type, 'EVTcartAbandonment');
    assert.equal(e.href, `mcAdobe/EVTcartAbandonment/${e.PKey}`);
    assert.deepEqual(e.ctx, { cartAmount: '$ 125', lastProduct: 'Leather bag' });
    const status = async () => (await (await fetch(`${svc.url}${path}/${e.PKey}`, { headers: { authorization: 'Bearer an-ims-bearer-token-123' } })).json()).status;
    assert.equal(await status(), 'pending');
    await svc.mc.advance(3_600_000);
    assert.equal(await status(), 'processed');
    assert.equal((await fetch(`${svc.url}${path}/999999`, { headers: { 'x-session-token': 'admin/' } })).status, 404);
  });

  test('Idempotency-Key: a repeated key gets the first reply, and one event', async () => {
    const before = (await svc.mc.listEvents({ instance: 'mcExec1' })).total;
    const a = await (await send({ email: 'idem@example.com', ctx: {} }, { 'idempotency-key': 'order-42' })).json();
    const b = await (await send({ email: 'idem@example.com', ctx: {} }, { 'idempotency-key': 'order-42' })).json();
    assert.deepEqual(b, a);
    // With another body the key is refused (tests/js/service-http.test.mjs has the cases).
    assert.equal((await send({ email: 'other@example.com', ctx: {} }, { 'idempotency-key': 'order-42' })).status, 422);
    assert.equal((await svc.mc.listEvents({ instance: 'mcExec1' })).total, before + 1);
    const [c, d] = await Promise.all([send({ email: 'c@example.com', ctx: {} }, { 'idempotency-key': 'k2' }), send({ email: 'c@example.com', ctx: {} }, { 'idempotency-key': 'k2' })]);
    assert.equal((await c.json()).PKey, (await d.json()).PKey, 'at the same time too');
    assert.equal((await send({}, { 'idempotency-key': 'x'.repeat(256) })).status, 400);
    // A key belongs to one event type's path: another path with it is another event.
    const other = await fetch(`${svc.url}/mcAdobe/campaign/mcOther/EVTcartAbandonment`, { method: 'POST', headers: { 'x-session-token': 'admin/', 'idempotency-key': 'order-42' }, body: JSON.stringify({ email: 'idem@example.com', ctx: {} }) });
    assert.notEqual((await other.json()).PKey, a.PKey);
  });

  test('bad input: 400 with the engine\'s code; no credentials: 403', async () => {
    const before = (await svc.mc.listEvents({ instance: 'mcExec1' })).total;
    for (const [body, code] of [
      ['{not json', 'INVALID_JSON'],
      ['[1]', 'INVALID_JSON'],
      [{ email: 'not-an-email', ctx: {} }, 'INVALID_EMAIL'],
      [{ type: 'other', email: 'a@example.com', ctx: {} }, 'INVALID_EVENT'],
    ]) {
      const r = await send(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((await r.json()).error.code, code);
    }
    assert.equal((await send({ email: 'a@example.com', ctx: {} }, { 'x-session-token': '' })).status, 403);
    assert.equal((await send({ email: 'a@example.com', ctx: {} }, { 'x-session-token': '', authorization: 'Bearer wrong-token-xxxxxxxx' })).status, 403);
    assert.equal((await svc.mc.listEvents({ instance: 'mcExec1' })).total, before, 'nothing pushed');
    assert.equal((await fetch(`${svc.url}${path}`, { headers: { 'x-session-token': 'admin/' } })).status, 405);
  });

  test('the OpenAPI document describes both operations', async () => {
    const doc = await (await fetch(`${svc.url}/rest/openapi.json`)).json();
    assert.equal(doc.openapi, '3.0.3');
    assert.deepEqual(Object.keys(doc.paths), ['/{organization}/campaign/{transactionalAPI}/{eventID}', '/{organization}/campaign/{transactionalAPI}/{eventID}/{PKey}']);
    assert.deepEqual(doc.components.schemas.EventDescription.properties.status.enum, ['pending', 'processing', 'processed', 'ignored', 'deliveryFailed', 'routingFailed', 'tooOld']);
    assert.equal(doc.servers[0].url, svc.url);
    // The statuses listed are the engine's REST names (its generated RestStatus type).
    const dts = readFileSync(fileURLToPath(new URL('../../js/generated.d.ts', import.meta.url)), 'utf8');
    const names = /export type RestStatus =([^;]+);/.exec(dts)[1].match(/'([A-Za-z]+)'/g).map((x) => x.slice(1, -1));
    assert.deepEqual([...doc.components.schemas.EventDescription.properties.status.enum].sort(), names.sort());
  });
});

describe('the live console side of the service', () => {
  test('its stream tells of changes, not of reads; its calls are a whitelist; the clock moves by hand only when virtual', { timeout: 20_000 }, async () => {
    const real = await startService({ port: 0, topology: { eventTypes: ['order'] } });
    try {
      const api = (method, args = []) => fetch(`${real.url}/__mc/api`, { method: 'POST', body: JSON.stringify({ method, args }) });
      const messages = [];
      const ctl = new AbortController();
      const stream = await fetch(`${real.url}/__mc/stream`, { signal: ctl.signal });
      assert.equal(stream.headers.get('content-type'), 'text/event-stream');
      const reader = stream.body.getReader();
      const reading = (async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ done: true }));
          if (done) return;
          messages.push(...new TextDecoder().decode(value).split('\n\n').filter((m) => m.startsWith('data: ')));
        }
      })();
      while (messages.length < 1) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await api('listEvents', [{ instance: 'mcExec1' }])).status, 200);
      assert.equal((await api('settings')).status, 200);
      await post(real.url, '<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="order" email="s@example.com"><ctx/></rtEvent></e></PushEvent></Body></Envelope>');
      while (messages.length < 2) await new Promise((r) => setTimeout(r, 20));
      assert.ok(typeof JSON.parse(messages[1].slice(6)).nowMs === 'number');
      for (const m of ['close', 'configure', 'records', 'advance', 'waitForStatus', 'runWorkflow', 'constructor']) {
        const r = await api(m);
        assert.equal(r.status, 400, m);
      }
      ctl.abort();
      await reading;
    } finally {
      await real.close();
    }
  });
});

describe('structured logs', () => {
  test('one entry per request with its route, status and time; the bin writes them as pino JSON lines', async () => {
    const entries = [];
    const svc = await startService({ port: 0, clock: 'virtual', log: (e) => entries.push(e) });
    try {
      await fetch(`${svc.url}/nl/jsp/mcPing.jsp`);
      await post(svc.url, '<Envelope/>');
    } finally {
      await svc.close();
    }
    const requests = entries.filter((e) => e.msg === 'request');
    assert.deepEqual(requests.map((e) => [e.route, e.status, e.level]), [['/nl/jsp/mcPing.jsp', 200, 'info'], ['/nl/jsp/soaprouter.jsp', 500, 'warn']]);
    assert.ok(requests.every((e) => typeof e.ms === 'number' && e.method));

    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--clock', 'virtual'], { env: CHILD_ENV });
    try {
      let out = '';
      const url = await new Promise((resolve) => {
        child.stdout.on('data', (c) => {
          out += c;
          const m = /serving Message Center on (http:\/\/\S+)/.exec(out);
          if (m && out.includes('clock')) resolve(m[1]);
        });
      });
      await fetch(`${url}/healthz`);
      while (!out.includes('"msg":"request"')) await new Promise((r) => setTimeout(r, 20));
      const line = JSON.parse(out.split('\n').find((l) => l.includes('"msg":"request"')));
      assert.equal(line.level, 30, 'pino info');
      assert.equal(line.route, '/healthz');
      assert.equal(line.status, 200);
      assert.ok(line.time && line.pid);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
  });
});

describe('the bin: npx message-center serve', () => {
  test('serve starts, prints what it serves, keeps its data in --data across a restart, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-serve-'));
    try {
      const start = () =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dir, '--clock', 'virtual'], { env: { ...CHILD_ENV, MC_LOG: 'silent' } });
          let out = '';
          child.stdout.on('data', (c) => {
            out += c;
            const m = /serving Message Center on (http:\/\/\S+)/.exec(out);
            if (m && out.includes('clock')) resolve({ child, url: m[1], out });
          });
          child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
        });
      const a = await start();
      assert.match(a.out, /SOAP router\s+POST http:\/\/127\.0\.0\.1:\d+\/nl\/jsp\/soaprouter\.jsp/);
      assert.match(a.out, /mcExec1 \(id 1\)/);
      const r = await post(a.url, '<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="t" email="k@example.com"><ctx/></rtEvent></e></PushEvent></Body></Envelope>');
      assert.equal(r.status, 200, r.body);
      const id = /<plId xsi:type="xsd:long">(\d+)</.exec(r.body)[1];
      a.child.removeAllListeners('exit');
      const exited = new Promise((resolve) => a.child.on('exit', (code, sig) => resolve({ code, sig })));
      a.child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, sig: null });
      const b = await start();
      const e = await (await fetch(`${b.url}/__mc/events/${id}`)).json();
      assert.equal(e.event.email, 'k@example.com');
      b.child.removeAllListeners('exit');
      b.child.kill('SIGTERM');
      await new Promise((resolve) => b.child.on('exit', resolve));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('bad arguments are named', async () => {
    const run = (args) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: CHILD_ENV });
        let err = '';
        child.stderr.on('data', (c) => (err += c));
        child.on('exit', (code) => resolve({ code, err }));
      });
    assert.deepEqual(await run(['launch']).then((r) => [r.code, /unknown command 'launch'/.test(r.err)]), [2, true]);
    assert.deepEqual(await run(['serve', '--port', 'x']).then((r) => [r.code, /--port must be a number/.test(r.err)]), [2, true]);
    assert.deepEqual(await run(['serve', '--colour']).then((r) => [r.code, /--colour/.test(r.err)]), [2, true]);
    assert.deepEqual(await run(['serve', '--config', '/nonexistent.json']).then((r) => [r.code, /cannot read the config file/.test(r.err)]), [2, true]);
    const dir = mkdtempSync(join(tmpdir(), 'mc-config-'));
    try {
      const file = join(dir, 'c.json');
      writeFileSync(file, '[1, 2]');
      assert.deepEqual(await run(['serve', '--config', file]).then((r) => [r.code, /must hold a JSON object/.test(r.err)]), [2, true]);
      writeFileSync(file, JSON.stringify({ port: 0, trustedRanges: ['10.0.0.0/33'] }));
      assert.deepEqual(await run(['serve', '--config', file]).then((r) => [r.code, /cannot start: INVALID_ARGUMENT: trusted range '10\.0\.0\.0\/33'/.test(r.err)]), [1, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a start that cannot listen closes its store (it can be opened again)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mc-inuse-'));
    const holder = await startService({ port: 0, clock: 'virtual' });
    try {
      const port = Number(new URL(holder.url).port);
      await assert.rejects(startService({ port, data: dir, clock: 'virtual' }), { code: 'EADDRINUSE' });
      const again = await startService({ port: 0, data: dir, clock: 'virtual' });
      await again.close();
    } finally {
      await holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the README's example test file", () => {
  test('examples/service/checkout.test.mjs passes', async () => {
    const file = fileURLToPath(new URL('../../examples/service/checkout.test.mjs', import.meta.url));
    const r = await new Promise((resolve) => {
      const child = spawn(process.execPath, ['--test', file], { env: CHILD_ENV });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /^# pass 1$/m);
  });
});
