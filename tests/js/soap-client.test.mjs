// A generic SOAP client driven by our WSDL (the npm `soap` package): it reads
// /nl/jsp/schemawsdl.jsp, builds PushEvent and PushEvents from it, and the service answers them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import soap from 'soap';
import { startService } from '../../js/server/service.js';

let svc;
before(async () => {
  svc = await startService({ port: 0, clock: 'virtual', topology: { eventTypes: ['order'] } });
});
after(() => svc.close());

for (const schema of ['nms:rtEvent', 'nms:batchEvent']) {
  test(`${schema}: PushEvent and PushEvents from the WSDL`, async () => {
    const client = await soap.createClientAsync(`${svc.url}/nl/jsp/schemawsdl.jsp?schema=${schema}`);
    const ops = client.describe()[schema.slice(4)][`${schema.slice(4)}MethodsSoap`];
    assert.deepEqual(Object.keys(ops).sort(), ['PushEvent', 'PushEvents']);
    const el = schema === 'nms:rtEvent' ? 'rtEvent' : 'batchEvent';
    const [, raw] = await client.PushEventAsync({ sessiontoken: 'admin/', domEvent: { $xml: `<${el} type="order" email="w@example.com"><ctx/></${el}>` } });
    // (The client reads xsd:long as a JavaScript number, which loses the low digits of a 64-bit
    // id: the exact id is in the raw reply.)
    const id = /<plId xsi:type="xsd:long">(\d+)<\/plId>/.exec(raw)?.[1];
    assert.ok(id, raw);
    const e = (await svc.mc.getEvent(id)).event;
    assert.deepEqual([e.email, e.queue], ['w@example.com', schema === 'nms:rtEvent' ? 'rt' : 'batch']);
    assert.match(client.lastRequest, /<sessiontoken>admin\/<\/sessiontoken><domEvent>/, 'the parts named as the WSDL says');
    const before = (await svc.mc.listEvents({ instance: 'mcExec1', queue: e.queue })).total;
    await client.PushEventsAsync({ sessiontoken: 'admin/', domEventCollection: { $xml: `<Events><${el} type="order" email="a@example.com"><ctx/></${el}><${el} type="order" email="b@example.com"><ctx/></${el}></Events>` } });
    assert.equal((await svc.mc.listEvents({ instance: 'mcExec1', queue: e.queue })).total, before + 2);
    // A fault comes back as the client's error, with Campaign's words.
    await assert.rejects(client.PushEventAsync({ sessiontoken: 'admin/x', domEvent: { $xml: `<${el} type="order" email="w@example.com"><ctx/></${el}>` } }), (err) => /Invalid login or password/.test(err.body ?? err.message));
  });
}
