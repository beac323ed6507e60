// The service's HTTP side, hardened (issue 15): Host and forwarding headers on the local-only
// routes (DNS rebinding, a same-host proxy), a console no other site can frame, HEAD on every GET
// endpoint, 413 and 503 kept on every route, invalid UTF-8 refused, idempotency keys bound to the
// operator and the body, the HTTP status of every error code.

import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startService } from '../../js/server/service.js';
import { raw, jsonOf } from './http.mjs';

const START = '2026-03-02T08:00:00Z';
const push = (email, type = 'order', token = 'admin/') => `<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>${token}</sessiontoken><e><rtEvent type="${type}" email="${email}"><ctx/></rtEvent></e></PushEvent></Body></Envelope>`;

/** The routes that answer this host only: the admin API, the console, its stream. */
const LOCAL_ONLY = ['/__mc/snapshot', '/__mc/events?instance=mcExec1', '/__mc/requests', '/__mc/stream', '/console/', '/__mc/faults', '/__mc/latest?address=a@example.com'];

describe('Host and forwarding headers on the local-only routes', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, allowedHosts: ['mc.internal'], config: { operators: [{ login: 'admin', allowEmptyPassword: true }, { login: 'mc', password: 'a-long-password' }] }, topology: { eventTypes: ['order'] } });
  });
  after(() => svc.close());

  test('DNS rebinding: a foreign Host without Origin is refused (403 FORBIDDEN_HOST) on the admin API, the console and the stream', async () => {
    for (const path of LOCAL_ONLY) {
      const r = await raw(svc.url, path, { headers: { host: 'rebound.evil.example:8080' } });
      assert.equal(r.status, 403, path);
      assert.equal(jsonOf(r).error?.code, 'FORBIDDEN_HOST', path);
      assert.match(jsonOf(r).error.message, /Host/, path);
    }
    const api = await raw(svc.url, '/__mc/api', { method: 'POST', headers: { host: 'rebound.evil.example' }, body: '{"method":"settings"}' });
    assert.equal(api.status, 403);
    // Nothing of the store leaked.
    const snap = await raw(svc.url, '/__mc/snapshot', { headers: { host: 'rebound.evil.example' } });
    assert.doesNotMatch(snap.body, /message-center-sandbox/);
  });

  test('loopback names with any port, IP literals and configured names are served', async () => {
    const port = new URL(svc.url).port;
    for (const host of [`127.0.0.1:${port}`, 'localhost', `localhost:${port}`, '[::1]:9', 'LOCALHOST:1', 'mc.internal', 'mc.internal:443', `127.0.0.1`]) {
      const r = await raw(svc.url, '/__mc/requests', { headers: { host } });
      assert.equal(r.status, 200, host);
    }
    assert.equal((await raw(svc.url, '/__mc/requests', { headers: { host: 'mc.internal.evil.example' } })).status, 403);
    assert.equal((await raw(svc.url, '/__mc/requests', { headers: { host: 'localhost.evil.example' } })).status, 403);
  });

  test('the SOAP router, mcPing, healthz and readiness answer any Host (Campaign clients name the service as they like)', async () => {
    const headers = { host: 'campaign.example.com' };
    assert.equal((await raw(svc.url, '/nl/jsp/mcPing.jsp', { headers })).status, 200);
    assert.equal((await raw(svc.url, '/healthz', { headers })).status, 200);
    assert.equal((await raw(svc.url, '/__mc/ready', { headers })).status, 200);
    assert.equal((await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', headers: { ...headers, 'content-type': 'text/xml' }, body: push('h@example.com', 'order', 'mc/a-long-password') })).status, 200);
    // A configured name is the service's own: an empty password from loopback works under it.
    assert.equal((await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', headers: { host: 'mc.internal:8080', 'content-type': 'text/xml' }, body: push('i@example.com') })).status, 200);
  });

  test('DNS rebinding: under a foreign Host the caller is in no trusted range (admin’s empty password is refused on SOAP, REST and the lending)', async () => {
    const own = { host: new URL(svc.url).host };
    const foreign = { host: 'rebound.evil.example:8080' };
    const pushed = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', headers: { ...own, 'content-type': 'text/xml' }, body: push('own@example.com') });
    assert.equal(pushed.status, 200, pushed.body);
    const id = /<plId xsi:type="xsd:long">(\d+)<\/plId>/.exec(pushed.body)[1];
    const rebound = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', headers: { ...foreign, 'content-type': 'text/xml' }, body: push('rebound@example.com') });
    assert.equal(rebound.status, 500, rebound.body);
    assert.match(rebound.body, /Invalid login or password/);
    // The REST facade: a page's same-origin GET of an event (email, phone, status) is refused.
    const event = (headers) => raw(svc.url, `/mcAdobe/campaign/mcAdobe/order/${id}`, { headers: { ...headers, 'x-session-token': 'admin/' } });
    assert.equal((await event(own)).status, 200);
    const read = await event(foreign);
    assert.equal(read.status, 403, read.body);
    assert.equal(jsonOf(read).error.code, 'ACCESS_DENIED');
    assert.doesNotMatch(read.body, /own@example\.com/);
    const posted = await raw(svc.url, '/mcAdobe/campaign/mcAdobe/order', { method: 'POST', headers: { ...foreign, 'content-type': 'application/json', 'x-session-token': 'admin/' }, body: '{"email":"r@example.com","ctx":{}}' });
    assert.equal(posted.status, 403);
    const lent = await raw(svc.url, '/__mc/storage', { method: 'POST', headers: { ...foreign, 'x-session-token': 'admin/' }, body: '{"op":"range","gte":"zz","lt":"zz~","limit":1}' });
    assert.equal(lent.status, 403);
    // A real password is not a trusted range's: it works under any Host.
    assert.equal((await raw(svc.url, `/mcAdobe/campaign/mcAdobe/order/${id}`, { headers: { ...foreign, 'x-session-token': 'mc/a-long-password' } })).status, 200);
  });

  test('a request a proxy forwarded (X-Forwarded-For, Forwarded, X-Real-IP, X-Forwarded-Host) is refused on the local-only routes', async () => {
    for (const h of [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { 'x-forwarded-host': 'evil.example' }, { 'x-forwarded-for': '127.0.0.1' }]) {
      for (const path of ['/__mc/requests', '/console/', '/__mc/stream']) {
        const r = await raw(svc.url, path, { headers: h });
        assert.equal(r.status, 403, `${path} ${JSON.stringify(h)}`);
        assert.equal(jsonOf(r).error?.code, 'FORBIDDEN_FORWARDED');
      }
    }
    // The SOAP router is not local-only: a proxy in front of it is its normal use.
    assert.equal((await raw(svc.url, '/nl/jsp/mcPing.jsp', { headers: { 'x-forwarded-for': '203.0.113.9' } })).status, 200);
  });

  test('behind a trusted proxy the client it names is the one that counts', async () => {
    const proxied = await startService({ port: 0, clock: 'virtual', trustedProxy: true });
    try {
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { 'x-forwarded-for': '127.0.0.1' } })).status, 200);
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { 'x-forwarded-for': '203.0.113.9, 127.0.0.1' } })).status, 200, 'the last hop is the proxy’s own');
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' } })).status, 403);
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { forwarded: 'for="[2001:db8::1]:4711";host=evil.example' } })).status, 403);
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { 'x-real-ip': '203.0.113.9' } })).status, 403);
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': 'evil.example' } })).status, 403, 'the Host the client asked the proxy for');
      assert.equal((await raw(proxied.url, '/__mc/requests', { headers: { 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': 'localhost:8080' } })).status, 200);
      // And the SOAP router's trusted ranges judge that client too: admin's empty password is for loopback.
      const far = await raw(proxied.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', headers: { 'x-forwarded-for': '203.0.113.9', 'content-type': 'text/xml' }, body: push('far@example.com') });
      assert.equal(far.status, 500);
      assert.match(far.body, /Invalid login or password|not allowed|denied/i);
    } finally {
      await proxied.close();
    }
  });

  test('the console cannot be framed: X-Frame-Options DENY and CSP frame-ancestors on its answers', async () => {
    for (const path of ['/console/', '/console', '/console/dist/app.js', '/console/nope']) {
      const r = await raw(svc.url, path);
      assert.equal(r.headers['x-frame-options'], 'DENY', path);
      assert.match(r.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, path);
    }
  });
});

describe('HEAD on every GET endpoint', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START });
  });
  after(() => svc.close());

  test('the same status and headers as GET, no body', async () => {
    for (const path of ['/healthz', '/nl/jsp/mcPing.jsp', '/nl/jsp/ping.jsp', '/nl/jsp/schemawsdl.jsp?schema=nms:rtEvent', '/rest/openapi.json', '/console/', '/__mc/ready', '/__mc/requests', '/__mc/snapshot', '/metrics']) {
      const get = await raw(svc.url, path);
      const head = await raw(svc.url, path, { method: 'HEAD' });
      assert.equal(head.status, get.status, path);
      assert.ok(get.status < 400 || path === '/console/', `${path}: ${get.status}`);
      assert.equal(head.headers['content-type'], get.headers['content-type'], path);
      assert.equal(head.bytes.length, 0, path);
      // Metrics, the snapshot and the stream change or have no length; the others say the GET's.
      if (!['/metrics', '/__mc/snapshot'].includes(path)) assert.equal(head.headers['content-length'], get.headers['content-length'], path);
    }
    // The stream: its headers, then the end (a GET would stay open).
    const stream = await raw(svc.url, '/__mc/stream', { method: 'HEAD' });
    assert.equal(stream.status, 200);
    assert.equal(stream.headers['content-type'], 'text/event-stream');
  });

  test('a method a route does not take: 405 with Allow', async () => {
    const r = await raw(svc.url, '/healthz', { method: 'DELETE' });
    assert.equal(r.status, 405);
    assert.match(r.headers.allow, /GET/);
    assert.match(r.headers.allow, /HEAD/);
    assert.equal((await raw(svc.url, '/nl/jsp/soaprouter.jsp')).headers.allow, 'POST');
  });
});

describe('body limits: 413 and 503 on every route', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, maxSnapshotBytes: 4 * 1024 * 1024 });
  });
  after(() => svc.close());

  test('a 10 MB REST body is 413 PAYLOAD_TOO_LARGE, not 400 INVALID_JSON', async () => {
    const body = JSON.stringify({ email: 'a@example.com', ctx: { big: 'x'.repeat(10 * 1024 * 1024) } });
    const r = await raw(svc.url, '/mcAdobe/campaign/mcAdobe/EVTbig', { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-token': 'admin/' }, body });
    assert.equal(r.status, 413);
    assert.equal(jsonOf(r).error.code, 'PAYLOAD_TOO_LARGE');
  });

  test('every JSON route answers 413 over its limit', async () => {
    const big = JSON.stringify({ ms: 1, pad: 'x'.repeat(9 * 1024 * 1024) });
    for (const path of ['/__mc/clock/advance', '/__mc/verify', '/__mc/faults', '/__mc/api', '/__mc/storage', '/__mc/restore', '/nl/jsp/soaprouter.jsp']) {
      const r = await raw(svc.url, path, { method: 'POST', headers: { 'x-session-token': 'admin/' }, body: big });
      assert.equal(r.status, 413, path);
    }
  });

  test('malformed JSON is 400 INVALID_JSON, a well-formed body of the wrong shape is not', async () => {
    for (const path of ['/__mc/clock/advance', '/__mc/verify', '/__mc/faults', '/__mc/api', '/__mc/storage']) {
      const bad = await raw(svc.url, path, { method: 'POST', headers: { 'x-session-token': 'admin/' }, body: '{"ms": ' });
      assert.equal(bad.status, 400, path);
      assert.equal(jsonOf(bad).error.code, 'INVALID_JSON', path);
      const shape = await raw(svc.url, path, { method: 'POST', headers: { 'x-session-token': 'admin/' }, body: '[1]' });
      assert.equal(shape.status, 400, path);
      assert.equal(jsonOf(shape).error.code, 'INVALID_ARGUMENT', path);
    }
  });

  test('past the in-flight budget a REST request is answered 503, not 400', async () => {
    const small = await startService({ port: 0, clock: 'virtual', now: START, maxBodyBytes: 64 * 1024, maxInflightBodyBytes: 100 * 1024 });
    const sockets = [];
    try {
      const port = Number(new URL(small.url).port);
      const upload = (path, bytes, total) =>
        new Promise((resolve) => {
          const sock = connect(port, '127.0.0.1', () => {
            sock.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Session-Token: admin/\r\nContent-Type: application/json\r\nContent-Length: ${total}\r\n\r\n`);
            sock.write('z'.repeat(bytes));
          });
          sockets.push(sock);
          let data = '';
          sock.on('data', (c) => {
            data += c;
            resolve({ sock, data });
          });
          sock.on('error', () => {});
          setTimeout(() => resolve({ sock, data }), 300);
        });
      const first = await upload('/nl/jsp/soaprouter.jsp', 60 * 1024, 64_000);
      assert.equal(first.data, '');
      for (const path of ['/mcAdobe/campaign/mcAdobe/EVTx', '/__mc/api']) {
        const second = await upload(path, 50 * 1024, 60_000);
        assert.match(second.data, /^HTTP\/1\.1 503 /, path);
        assert.match(second.data, /"BUSY"/, path);
        second.sock.destroy();
      }
    } finally {
      for (const s of sockets) s.destroy();
      await small.close();
    }
  });
});

describe('invalid UTF-8 is refused, never stored as U+FFFD', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, topology: { eventTypes: ['order'] } });
  });
  after(() => svc.close());
  const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

  test('SOAP: a Client fault (HTTP 500), nothing pushed', async () => {
    const before = (await svc.mc.listEvents({ instance: 'mcExec1' })).total;
    const prefix = '<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>admin/</sessiontoken><e><rtEvent type="order" email="u@example.com"><ctx><name>José ';
    const body = bytes(prefix, [0xc3, 0x28], '</name></ctx></rtEvent></e></PushEvent></Body></Envelope>');
    const r = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'nms:rtEvent#PushEvent' }, body });
    assert.equal(r.status, 500);
    assert.match(r.headers['content-type'], /^text\/xml/);
    assert.match(r.body, /<faultcode>SOAP-ENV:Client<\/faultcode>/);
    assert.match(r.body, /UTF-8/);
    assert.match(r.body, new RegExp(`byte ${Buffer.byteLength(prefix)}\\b`), 'where');
    assert.doesNotMatch(r.body, /\uFFFD/);
    assert.equal((await svc.mc.listEvents({ instance: 'mcExec1' })).total, before);
    // U+FFFD written as such (EF BF BD) is a character like any other.
    const ok = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', body: push('fffd@example.com').replace('<ctx/>', '<ctx><n>\uFFFD</n></ctx>') });
    assert.equal(ok.status, 200, ok.body);
    // The journal tells of the refusal.
    const j = await raw(svc.url, '/__mc/requests?limit=2');
    assert.equal(jsonOf(j).requests[1].fault.code, 'MALFORMED_XML');
  });

  test('JSON bodies: 400', async () => {
    const body = bytes('{"email":"u@example.com","ctx":{"name":"Jos', [0xff], '"}}');
    const r = await raw(svc.url, '/mcAdobe/campaign/mcAdobe/order', { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-token': 'admin/' }, body });
    assert.equal(r.status, 400);
    assert.equal(jsonOf(r).error.code, 'INVALID_JSON');
    assert.match(jsonOf(r).error.message, /UTF-8/);
    const api = await raw(svc.url, '/__mc/api', { method: 'POST', body: bytes('{"method":"pushEvent","args":[{"type":"order","email":"u@example.com","ctx":{"n":"', [0xed, 0xa0, 0x80], '"}}]}') });
    assert.equal(api.status, 400);
    assert.equal(jsonOf(api).error.code, 'INVALID_JSON');
  });
});

describe('idempotency keys: bound to the operator and the body', () => {
  let svc;
  before(async () => {
    svc = await startService({
      port: 0,
      clock: 'virtual',
      now: START,
      config: { operators: [{ login: 'admin', password: '', allowEmptyPassword: true }, { login: 'mc', password: 'a-long-password' }] },
      topology: { eventTypes: ['EVTorder'] },
    });
  });
  after(() => svc.close());
  const send = (body, key, token = 'admin/') => raw(svc.url, '/mcAdobe/campaign/mcAdobe/EVTorder', { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-token': token, 'idempotency-key': key }, body: JSON.stringify(body) });
  const total = async () => (await svc.mc.listEvents({ instance: 'mcExec1' })).total;

  test('the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, the second event not pushed', async () => {
    const n = await total();
    const a = await send({ email: 'a@example.com', ctx: {} }, 'k1');
    assert.equal(a.status, 200);
    const again = await send({ email: 'a@example.com', ctx: {} }, 'k1');
    assert.deepEqual(jsonOf(again), jsonOf(a), 'the same body: the first reply');
    const other = await send({ email: 'b@example.com', ctx: {} }, 'k1');
    assert.equal(other.status, 422);
    assert.equal(jsonOf(other).error.code, 'IDEMPOTENCY_KEY_REUSED');
    assert.equal(await total(), n + 1);
  });

  test('another operator has a key space of its own', async () => {
    const a = jsonOf(await send({ email: 'o@example.com', ctx: { x: '1' } }, 'shared'));
    const b = await send({ email: 'o@example.com', ctx: { x: '1' } }, 'shared', 'mc/a-long-password');
    assert.equal(b.status, 200);
    assert.notEqual(jsonOf(b).PKey, a.PKey, "not the first operator's event");
    // And a different body under it is that operator's own first use.
    const c = await send({ email: 'p@example.com', ctx: {} }, 'k1', 'mc/a-long-password');
    assert.equal(c.status, 200);
  });
});

describe('the HTTP status of engine errors', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', now: START, topology: { eventTypes: ['order'] } });
  });
  after(() => svc.close());
  const api = (method, args) => raw(svc.url, '/__mc/api', { method: 'POST', body: JSON.stringify({ method, args }) });

  test('MALFORMED_XML and XML_DTD_REFUSED are 400 on /__mc/api, not 500', async () => {
    const m = await api('pushEvent', ['<rtEvent type="order"']);
    assert.equal(m.status, 400);
    assert.equal(jsonOf(m).error.code, 'MALFORMED_XML');
    const d = await api('pushEvents', ['<!DOCTYPE x [<!ENTITY a "b">]><Events/>']);
    assert.equal(d.status, 400);
    assert.equal(jsonOf(d).error.code, 'XML_DTD_REFUSED');
  });
});
