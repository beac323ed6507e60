// Logon and Logoff through the xtk:session WSDL with a generic WSDL-driven client (the npm `soap`
// package): no hand-written envelope. The session it gets pushes an event; after Logoff it is
// refused.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import soap from 'soap';
import { startService } from '../../js/server/service.js';

let svc;
before(async () => {
  svc = await startService({ port: 0, clock: 'virtual', topology: { eventTypes: ['order'] }, config: { operators: [{ login: 'mc', password: 'a-long-password' }] } });
});
after(() => svc.close());

test('xtk:session: Logon and Logoff from the WSDL, the session used by nms:rtEvent', async () => {
  const session = await soap.createClientAsync(`${svc.url}/nl/jsp/schemawsdl.jsp?schema=xtk:session`);
  const ops = session.describe().session.sessionMethodsSoap;
  assert.deepEqual(Object.keys(ops).sort(), ['Logoff', 'Logon']);
  await assert.rejects(session.LogonAsync({ sessiontoken: '', strLogin: 'mc', strPassword: 'wrong' }), (err) => /Invalid login or password/.test(err.body ?? err.message));
  const [logon, raw] = await session.LogonAsync({ sessiontoken: '', strLogin: 'mc', strPassword: 'a-long-password' });
  // (The client keeps the xsi:type of a value beside it: { attributes, $value }.)
  const text = (v) => (v !== null && typeof v === 'object' ? v.$value : v);
  const token = text(logon.pstrSessionToken);
  const security = text(logon.pstrSecurityToken);
  assert.match(token, /^\S{16,}$/, raw);
  assert.match(security, /^\S{16,}$/, raw);

  const events = await soap.createClientAsync(`${svc.url}/nl/jsp/schemawsdl.jsp?schema=nms:rtEvent`);
  events.addHttpHeader('X-Security-Token', security);
  const [, pushed] = await events.PushEventAsync({ sessiontoken: token, domEvent: { $xml: '<rtEvent type="order" email="w@example.com"><ctx/></rtEvent>' } });
  assert.match(pushed, /<plId xsi:type="xsd:long">\d+<\/plId>/);

  session.addHttpHeader('X-Security-Token', security);
  await session.LogoffAsync({ sessiontoken: token });
  await assert.rejects(events.PushEventAsync({ sessiontoken: token, domEvent: { $xml: '<rtEvent type="order" email="w@example.com"><ctx/></rtEvent>' } }), (err) => /XSV-350008|Session/.test(err.body ?? err.message));
});
