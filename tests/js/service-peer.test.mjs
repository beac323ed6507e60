// The service as a caller from another address sees it, without leaving 127.0.0.1: each accepted
// socket reports a documentation address (203.0.113.7, RFC 5737) as its peer; a socket from
// 127.0.0.2 reports another one (198.51.100.9), and one from 127.0.0.3 stays loopback. The
// local-only routes refuse a far peer; the SOAP router, the REST facade and the storage lending
// serve it with real credentials, and refuse admin's empty password (loopback is the only trusted
// range), even when it forges a forwarding header naming loopback. Failed logons have a budget
// per peer and overall.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startService } from '../../js/server/service.js';
import { raw, jsonOf } from './http.mjs';

const FAR = '203.0.113.7';
const OTHER = '198.51.100.9';
const OPERATORS = [{ login: 'admin', password: '', allowEmptyPassword: true }, { login: 'mc', password: 'a-long-password', bearerToken: 'a-bearer-token-of-the-mc-operator' }];

/** The peer each accepted socket reports, by the client's real address (null: its own). */
const PEERS = { '127.0.0.2': OTHER, '127.0.0.3': null };

/** Makes every socket the server accepts report a far peer (FAR, or PEERS' for some client addresses). */
function farPeer(server) {
  server.prependListener('connection', (socket) => {
    const address = Object.hasOwn(PEERS, socket.remoteAddress) ? PEERS[socket.remoteAddress] : FAR;
    if (address !== null) Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true });
  });
}

/** Options of `raw` for a request from OTHER, or from loopback. */
const FROM_OTHER = { localAddress: '127.0.0.2' };
const FROM_LOOPBACK = { localAddress: '127.0.0.3' };

const envelope = (token, email) => `<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>${token}</sessiontoken><e><rtEvent type="order" email="${email}"><ctx/></rtEvent></e></PushEvent></Body></Envelope>`;
const soap = (svc, token, email, extra = {}) => raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', body: envelope(token, email), ...extra, headers: { 'content-type': 'text/xml', ...extra.headers } });
const REST = '/mcAdobe/campaign/mcAdobe/order';
const rest = (svc, token, extra = {}) => raw(svc.url, REST, { method: 'POST', body: '{"email":"r@example.com","ctx":{}}', ...extra, headers: { 'content-type': 'application/json', 'x-session-token': token, ...extra.headers } });
const LEND = JSON.stringify({ op: 'range', gte: 'zz', lt: 'zz\uffff', limit: 1 });
const lend = (svc, token, extra = {}) => raw(svc.url, '/__mc/storage', { method: 'POST', body: LEND, ...extra, headers: { 'x-session-token': token, ...extra.headers } });

describe('a caller from another address', () => {
  let svc;
  const logs = [];
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', config: { operators: OPERATORS }, topology: { eventTypes: ['order'] }, log: (entry) => logs.push(entry) });
    farPeer(svc.server);
  });
  after(() => svc.close());

  test('the peer is seen as far (the journal and the logs have its address)', async () => {
    const r = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', body: envelope('mc/a-long-password', 'seen@example.com') });
    assert.equal(r.status, 200, r.body);
    const logged = logs.filter((e) => e.msg === 'request' && e.route === '/nl/jsp/soaprouter.jsp');
    assert.equal(logged.at(-1)?.remote, FAR, JSON.stringify(logged));
    const journal = await raw(svc.url, '/__mc/requests?route=/nl/jsp/soaprouter.jsp&limit=1', FROM_LOOPBACK);
    assert.equal(journal.status, 200, journal.body);
    assert.equal(jsonOf(journal).requests[0]?.remote, FAR, journal.body);
  });

  test('the admin API, the console and its stream refuse it (403), readiness answers', async () => {
    for (const [method, path] of [['GET', '/__mc/requests'], ['GET', '/__mc/snapshot'], ['GET', '/__mc/events?instance=mcExec1'], ['GET', '/__mc/stream'], ['GET', '/console/'], ['POST', '/__mc/api'], ['POST', '/__mc/reset'], ['POST', '/__mc/clock/advance']]) {
      const r = await raw(svc.url, path, { method, body: method === 'POST' ? '{"method":"settings"}' : undefined });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(jsonOf(r).error.code, 'FORBIDDEN', path);
    }
    assert.equal((await raw(svc.url, '/__mc/ready')).status, 200);
    assert.equal((await raw(svc.url, '/healthz')).status, 200);
    assert.equal((await raw(svc.url, '/nl/jsp/mcPing.jsp')).status, 200);
  });

  test('SOAP: a password logs on, admin’s empty password does not', async () => {
    const ok = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', body: envelope('mc/a-long-password', 'far@example.com') });
    assert.equal(ok.status, 200, ok.body);
    assert.match(ok.body, /<plId xsi:type="xsd:long">\d+<\/plId>/);
    const empty = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', body: envelope('admin/', 'far@example.com') });
    assert.equal(empty.status, 500);
    assert.match(empty.body, /faultcode/);
  });

  test('REST: a bearer token and a session token push; admin’s empty password is 403', async () => {
    const path = '/mcAdobe/campaign/mcAdobe/order';
    const bearer = await raw(svc.url, path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer a-bearer-token-of-the-mc-operator' }, body: '{"email":"b@example.com","ctx":{}}' });
    assert.equal(bearer.status, 200, bearer.body);
    const token = await raw(svc.url, path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-token': 'mc/a-long-password' }, body: '{"email":"t@example.com","ctx":{}}' });
    assert.equal(token.status, 200, token.body);
    assert.equal((await raw(svc.url, `${path}/${jsonOf(token).PKey}`, { headers: { 'x-session-token': 'mc/a-long-password' } })).status, 200);
    const empty = await raw(svc.url, path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-token': 'admin/' }, body: '{"email":"e@example.com","ctx":{}}' });
    assert.equal(empty.status, 403);
  });

  test('storage lending answers an operator from anywhere, and nobody else', async () => {
    const body = JSON.stringify({ op: 'range', gte: 'zz', lt: 'zz\uffff', limit: 1 });
    const anonymous = await raw(svc.url, '/__mc/storage', { method: 'POST', headers: { 'x-session-token': 'admin/' }, body });
    assert.equal(anonymous.status, 403);
    const operator = await raw(svc.url, '/__mc/storage', { method: 'POST', headers: { 'x-session-token': 'mc/a-long-password' }, body });
    assert.notEqual(operator.status, 403, operator.body);
  });
});

describe('forwarding headers from a peer that is no proxy of ours', () => {
  let svc;
  let listed;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', trustedProxy: true, config: { operators: OPERATORS }, topology: { eventTypes: ['order'] } });
    farPeer(svc.server);
    // A proxy named by its address: OTHER is one, FAR is not.
    listed = await startService({ port: 0, clock: 'virtual', trustedProxy: [`${OTHER}/32`, '2001:db8::/32'], config: { operators: OPERATORS }, topology: { eventTypes: ['order'] } });
    farPeer(listed.server);
  });
  after(async () => {
    await svc.close();
    await listed.close();
  });
  const FORGED = [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1;host=localhost' }, { 'x-real-ip': '127.0.0.1' }];

  test('a forged header naming loopback does not open the local-only routes (403)', async () => {
    for (const s of [svc, listed]) {
      for (const headers of FORGED) {
        for (const path of ['/__mc/requests', '/__mc/snapshot', '/console/']) {
          const r = await raw(s.url, path, { headers });
          assert.equal(r.status, 403, `${path} ${JSON.stringify(headers)}`);
          assert.match(jsonOf(r).error?.code ?? '', /^FORBIDDEN/);
        }
      }
    }
  });

  test('nor admin’s empty password on the SOAP router, the REST facade or the lending', async () => {
    for (const s of [svc, listed]) {
      for (const headers of FORGED) {
        const r = await soap(s, 'admin/', 'forged@example.com', { headers });
        assert.equal(r.status, 500, r.body);
        assert.match(r.body, /Invalid login or password/);
        assert.equal((await rest(s, 'admin/', { headers })).status, 403);
        assert.equal((await lend(s, 'admin/', { headers })).status, 403);
      }
    }
  });

  test('a listed proxy is believed; loopback is not a proxy unless listed', async () => {
    assert.equal((await raw(listed.url, '/__mc/requests', { headers: { 'x-forwarded-for': '127.0.0.1' }, ...FROM_OTHER })).status, 200);
    assert.equal((await soap(listed, 'admin/', 'proxied@example.com', { headers: { 'x-forwarded-for': '127.0.0.1' }, ...FROM_OTHER })).status, 200);
    assert.equal((await raw(listed.url, '/__mc/requests', { headers: { 'x-forwarded-for': FAR }, ...FROM_OTHER })).status, 403);
    const r = await raw(listed.url, '/__mc/requests', { headers: { 'x-forwarded-for': '127.0.0.1' }, ...FROM_LOOPBACK });
    assert.equal(r.status, 403);
    assert.equal(jsonOf(r).error.code, 'FORBIDDEN_FORWARDED');
  });

  test('trustedProxy must be true, false or a list of addresses and CIDR ranges', async () => {
    for (const trustedProxy of ['yes', ['not-an-address'], ['10.0.0.0/33'], [42]]) {
      await assert.rejects(startService({ port: 0, clock: 'virtual', trustedProxy }), { code: 'INVALID_ARGUMENT' }, JSON.stringify(trustedProxy));
    }
  });
});

describe('a budget of failed logons', () => {
  const WINDOW = 2000;
  // The budget's clock is the test's: it moves by hand, nothing waits, nothing is timed.
  let clockMs = 0;
  const wallClock = () => clockMs;

  test('past perPeer refusals in the window, that peer is refused before the engine (SOAP 503 fault, REST and lending 429); another peer is not', async () => {
    const svc = await startService({ port: 0, clock: 'virtual', maxFailedLogons: { perPeer: 3, total: 100, windowMs: WINDOW }, wallClock, config: { operators: OPERATORS }, topology: { eventTypes: ['order'] } });
    farPeer(svc.server);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await soap(svc, 'mc/a-wrong-password', 'w@example.com');
        assert.equal(r.status, 500, r.body);
        assert.match(r.body, /Invalid login or password/);
      }
      // Over budget: wrong or right, the password is not even tried.
      for (const token of ['mc/a-wrong-password', 'mc/a-long-password']) {
        const r = await soap(svc, token, 'w@example.com');
        assert.equal(r.status, 503, r.body);
        assert.match(r.body, /<faultcode>SOAP-ENV:Server<\/faultcode>/);
        assert.match(r.body, /TOO_MANY_FAILED_LOGONS/);
        assert.ok(Number(r.headers['retry-after']) >= 1, JSON.stringify(r.headers));
      }
      const byRest = await rest(svc, 'mc/a-long-password');
      assert.equal(byRest.status, 429, byRest.body);
      assert.equal(jsonOf(byRest).error.code, 'TOO_MANY_FAILED_LOGONS');
      assert.equal((await raw(svc.url, `${REST}/1`, { headers: { authorization: 'Bearer a-bearer-token-of-the-mc-operator' } })).status, 429);
      const byLending = await lend(svc, 'mc/a-long-password');
      assert.equal(byLending.status, 429, byLending.body);
      assert.equal(jsonOf(byLending).error.code, 'TOO_MANY_FAILED_LOGONS');
      // Another peer logs on as usual.
      assert.equal((await soap(svc, 'mc/a-long-password', 'o@example.com', FROM_OTHER)).status, 200);
      assert.equal((await rest(svc, 'mc/a-long-password', FROM_OTHER)).status, 200);
      // Just before the window has passed, still refused; once it has, the right password works again.
      clockMs += WINDOW - 1;
      assert.equal((await soap(svc, 'mc/a-long-password', 'still@example.com')).status, 503);
      clockMs += 1;
      assert.equal((await soap(svc, 'mc/a-long-password', 'back@example.com')).status, 200);
    } finally {
      await svc.close();
    }
  });

  test('past total refusals in the window, every peer is refused; REST and lending refusals count too', async () => {
    const svc = await startService({ port: 0, clock: 'virtual', maxFailedLogons: { perPeer: 100, total: 3, windowMs: WINDOW }, wallClock, config: { operators: OPERATORS }, topology: { eventTypes: ['order'] } });
    farPeer(svc.server);
    try {
      assert.equal((await soap(svc, 'mc/a-wrong-password', 'w@example.com')).status, 500);
      assert.equal((await rest(svc, 'mc/a-wrong-password')).status, 403);
      assert.equal((await lend(svc, 'mc/a-wrong-password')).status, 403);
      const other = await soap(svc, 'mc/a-long-password', 'o@example.com', FROM_OTHER);
      assert.equal(other.status, 503, other.body);
      assert.match(other.body, /TOO_MANY_FAILED_LOGONS/);
      assert.equal((await rest(svc, 'mc/a-long-password', FROM_OTHER)).status, 429);
      clockMs += WINDOW;
      assert.equal((await soap(svc, 'mc/a-long-password', 'back@example.com', FROM_OTHER)).status, 200);
    } finally {
      await svc.close();
    }
  });

  test('maxFailedLogons is checked at start', async () => {
    for (const maxFailedLogons of [{ perPeer: 0 }, { total: -1 }, { windowMs: 'x' }, 'no']) {
      await assert.rejects(startService({ port: 0, clock: 'virtual', maxFailedLogons }), { code: 'INVALID_ARGUMENT' }, JSON.stringify(maxFailedLogons));
    }
  });
});
