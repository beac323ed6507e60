// The service as a caller from another address sees it, without leaving 127.0.0.1: each accepted
// socket reports a documentation address (203.0.113.7, RFC 5737) as its peer. The local-only
// routes refuse it; the SOAP router, the REST facade and the storage lending serve it with real
// credentials, and refuse admin's empty password (loopback is the only trusted range).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startService } from '../../js/server/service.js';
import { raw, jsonOf } from './http.mjs';

const FAR = '203.0.113.7';
const OPERATORS = [{ login: 'admin', password: '', allowEmptyPassword: true }, { login: 'mc', password: 'a-long-password', bearerToken: 'a-bearer-token-of-the-mc-operator' }];

/** Makes every socket the server accepts report `address` as its peer. */
function farPeer(server, address) {
  server.prependListener('connection', (socket) => Object.defineProperty(socket, 'remoteAddress', { value: address, configurable: true }));
}

const envelope = (token, email) => `<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><sessiontoken>${token}</sessiontoken><e><rtEvent type="order" email="${email}"><ctx/></rtEvent></e></PushEvent></Body></Envelope>`;

describe('a caller from another address', () => {
  let svc;
  before(async () => {
    svc = await startService({ port: 0, clock: 'virtual', config: { operators: OPERATORS }, topology: { eventTypes: ['order'] } });
    farPeer(svc.server, FAR);
  });
  after(() => svc.close());

  test('the peer is seen as far (the journal and the logs have its address)', async () => {
    const r = await raw(svc.url, '/nl/jsp/soaprouter.jsp', { method: 'POST', body: envelope('mc/a-long-password', 'seen@example.com') });
    assert.equal(r.status, 200, r.body);
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
