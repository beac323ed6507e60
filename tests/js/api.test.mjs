// Bad input through the public JavaScript API: each error has its exact code and a specific
// message, nothing is half-written (the storage dump is unchanged), and the MessageCenter keeps
// working afterwards (a following valid call succeeds: a wasm panic would poison the instance).

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MessageCenter, createMemoryStorage } from '../../js/node.js';
import { dump, restore } from './helpers.mjs';

const T0 = Date.UTC(2026, 0, 1);

/** A Message Center with event types, exec1, a published template; `stillWorks` makes a valid push and reads it back. */
async function fixture({ config, seed = 1 } = {}) {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, seed, now: T0, config });
  await mc.addEventType('order');
  await mc.addEventType('sms_code');
  await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
  await mc.createTemplate({ name: 'orderConf', eventType: 'order', subject: 'Order <%= rtEvent.ctx.order.@number %>', html: '<p><%= escapeXMLString(rtEvent.ctx.name) %></p>' });
  await mc.publish('orderConf');
  let k = 0;
  const stillWorks = async () => {
    const r = await mc.pushEvent({ type: 'order', email: `ok${++k}@example.com`, ctx: { order: { '@number': String(k) } } }, { instance: 'exec1' });
    assert.equal((await mc.getEvent(r.id)).event.id, r.id, 'the MessageCenter still works');
  };
  return { storage, mc, stillWorks };
}

/**
 * `call` must fail with `code` and a message equal to (string) or matching (RegExp) `message`,
 * leave storage as it was (unless `unchanged: false`), and leave the MessageCenter working.
 */
async function expectError(fx, call, code, message, { unchanged = true } = {}) {
  const before = await dump(fx.storage);
  let err;
  try {
    await call();
  } catch (e) {
    err = e;
  }
  assert.ok(err !== undefined, `expected ${code}, but the call succeeded`);
  assert.ok(err instanceof Error, `an Error, not ${String(err)}`);
  assert.equal(err.code, code, `code of: ${err.message}`);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
  if (unchanged) assert.deepEqual(await dump(fx.storage), before, `nothing half-written by a call failing with ${code}`);
  await fx.stillWorks();
  return err;
}

const ev = (extra = {}) => ({ type: 'order', email: 'a@example.com', ctx: {}, ...extra });
const xml = (attrs, ctx = '') => `<rtEvent${Object.entries(attrs).map(([k, v]) => ` ${k}="${v}"`).join('')}><ctx>${ctx}</ctx></rtEvent>`;

test('pushEvent / pushEvents refuse what is neither an event object nor XML', async () => {
  const fx = await fixture();
  for (const bad of [42, null, undefined, true, [ev()], () => 1]) {
    await expectError(fx, () => fx.mc.pushEvent(bad), 'INVALID_ARGUMENT', 'pushEvent takes an event object or an XML string');
  }
  for (const bad of [42, null, ev(), true]) {
    await expectError(fx, () => fx.mc.pushEvents(bad), 'INVALID_ARGUMENT', 'pushEvents takes an array of event objects or an XML string');
  }
  await expectError(fx, () => fx.mc.pushEvent(ev(), { instance: 9 }), 'INVALID_ARGUMENT', 'instance must be a string');
  await expectError(fx, () => fx.mc.pushEvent(ev(), 'exec1'), 'INVALID_ARGUMENT', 'options must be an object');
  await expectError(fx, () => fx.mc.pushEvent(ev(), { queue: 'fast' }), 'INVALID_ARGUMENT', "queue 'fast' is neither 'rt' nor 'batch'");
  await expectError(fx, () => fx.mc.pushEvents([]), 'INVALID_EVENT', 'no event: the array is empty');
  await expectError(fx, () => fx.mc.pushEvent(ev({ typo: 1 })), 'INVALID_EVENT', "unknown field 'typo'");
  await expectError(fx, () => fx.mc.pushEvent({ type: 'order', email: 'a@example.com' }), 'INVALID_EVENT', 'the event has no <ctx> element (it is mandatory, even empty)');
  await expectError(fx, () => fx.mc.pushEvent(ev({ email: ['a'] })), 'INVALID_EVENT', "field 'email' must be a string, got an array");
  await expectError(fx, () => fx.mc.pushEvent(ev({ wishedChannel: 'sms' })), 'INVALID_EVENT', 'the wished channel is SMS but the event has no mobilePhone');
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com' }) + xml({ type: 'order', email: 'b@example.com' })), 'MALFORMED_XML', /^line 1, column \d+: only one root element is allowed/);
});

test('malformed XML: the message says line and column', async () => {
  const fx = await fixture();
  await expectError(fx, () => fx.mc.pushEvent('<rtEvent type="order" email="a@example.com">\n  <ctx><a></ctx>\n</rtEvent>'), 'MALFORMED_XML', /^line 2, column 11: .*expected `<\/a>`, but `<\/ctx>` was found/);
  await expectError(fx, () => fx.mc.pushEvent('<rtEvent type="order" email="a@example.com">\n<ctx>'), 'MALFORMED_XML', /^line 2, column 6: unexpected end of the document: <ctx> is not closed$/);
  await expectError(fx, () => fx.mc.pushEvent('<rtEvent type=order><ctx/></rtEvent>'), 'MALFORMED_XML', /^line 1, column \d+: attribute values must be quoted$/);
  await expectError(fx, () => fx.mc.pushEvents('<Events>\n<rtEvent type="order"><ctx/></rtEvent>\n<rtEvent type="order"><ctx></rtEvent>\n</Events>'), 'MALFORMED_XML', /^line 3, column \d+: /);
  await expectError(fx, () => fx.mc.pushEvent(''), 'MALFORMED_XML', /^line 1, column 1: no root element$/);
});

test('DTDs and entities are refused (billion laughs, external entity)', async () => {
  const fx = await fixture();
  const laughs = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n${Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('\n')}\n]>\n<rtEvent type="order" email="a@example.com"><ctx><a>&lol9;</a></ctx></rtEvent>`;
  await expectError(fx, () => fx.mc.pushEvent(laughs), 'XML_DTD_REFUSED', 'a DOCTYPE (DTD) is refused (at line 2, column 1)');
  await expectError(fx, () => fx.mc.pushEvents(`<Events>${laughs.replace(/^<\?xml[^>]*>\n/, '')}</Events>`), 'XML_DTD_REFUSED', /^a DOCTYPE \(DTD\) is refused/);
  const xxe = '<!DOCTYPE rtEvent [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><rtEvent type="order" email="a@example.com"><ctx><a>&xxe;</a></ctx></rtEvent>';
  await expectError(fx, () => fx.mc.pushEvent(xxe), 'XML_DTD_REFUSED', /^a DOCTYPE \(DTD\) is refused/);
  await expectError(fx, () => fx.mc.pushEvent('<rtEvent type="order" email="a@example.com"><ctx><a>&lol9;</a></ctx></rtEvent>'), 'XML_DTD_REFUSED', "entity reference '&lol9;' is refused: only &lt; &gt; &amp; &apos; &quot; and numeric character references are allowed");
  await expectError(fx, () => fx.mc.pushEvent(ev({ ctx: '<ctx><a>&xxe;</a></ctx>' })), 'XML_DTD_REFUSED', /^entity reference '&xxe;' is refused/);
  // The five predefined entities and character references are fine.
  const ok = await fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com' }, '<a>&lt;&gt;&amp;&apos;&quot;&#233;&#x1F600;</a>'), { instance: 'exec1' });
  assert.equal((await fx.mc.getEvent(ok.id)).event.ctx, '<ctx><a>&lt;&gt;&amp;\'"é😀</a></ctx>');
});

test('an oversized document is refused before parsing (small maxDocumentBytes)', async () => {
  const fx = await fixture({ config: { maxDocumentBytes: 4096 } });
  const big = xml({ type: 'order', email: 'a@example.com' }, '<a>x</a>'.repeat(1000));
  await expectError(fx, () => fx.mc.pushEvent(big), 'INPUT_TOO_LARGE', `the document is ${big.length} bytes, over the limit of 4096 bytes`);
  const json = ev({ ctx: { a: 'x'.repeat(5000) } });
  await expectError(fx, () => fx.mc.pushEvent(json), 'INPUT_TOO_LARGE', `the document is ${JSON.stringify(json).length} bytes, over the limit of 4096 bytes`);
  const many = Array.from({ length: 100 }, (_, i) => ev({ email: `u${i}@example.com` }));
  await expectError(fx, () => fx.mc.pushEvents(many), 'INPUT_TOO_LARGE', /^the document is \d+ bytes, over the limit of 4096 bytes$/);
  // Multi-byte characters count in bytes.
  await expectError(fx, () => fx.mc.pushEvent(ev({ ctx: { a: 'é'.repeat(2100) } })), 'INPUT_TOO_LARGE', /over the limit of 4096 bytes$/);
  await expectError(fx, () => fx.mc.configure({ maxDocumentBytes: 10 }), 'INVALID_ARGUMENT', 'size limits are too small');
});

test('a ctx over 64 KiB is refused with CTX_TOO_LARGE (JSON, XML, ctx as a string)', async () => {
  const fx = await fixture();
  const items = Array.from({ length: 5000 }, (_, i) => ({ '@n': String(i).padStart(10, '0') }));
  await expectError(fx, () => fx.mc.pushEvent(ev({ ctx: { a: items } })), 'CTX_TOO_LARGE', 'ctx is 95011 bytes, over the limit of 65536 bytes');
  const xmlItems = '<a n="0123456789"/>'.repeat(5000);
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com' }, xmlItems)), 'CTX_TOO_LARGE', 'ctx is 95011 bytes, over the limit of 65536 bytes');
  await expectError(fx, () => fx.mc.pushEvent(ev({ ctx: `<ctx>${xmlItems}</ctx>` })), 'CTX_TOO_LARGE', 'ctx is 95011 bytes, over the limit of 65536 bytes');
  // Just under the limit is accepted.
  const r = await fx.mc.pushEvent(ev({ ctx: { a: items.slice(0, 3000) } }), { instance: 'exec1' });
  assert.ok((await fx.mc.getEvent(r.id)).event.ctx.length < 65536);
});

test('a ctx nested 10,000 deep in XML is an error, not a crash', async () => {
  const fx = await fixture();
  const deep = `${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}`;
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com' }, deep)), 'INPUT_TOO_LARGE', /^element <a> at line 1, column \d+ is nested \d+ levels deep, over the limit of \d+ levels$/);
  await expectError(fx, () => fx.mc.pushEvents(`<Events>${xml({ type: 'order', email: 'a@example.com' }, deep)}</Events>`), 'INPUT_TOO_LARGE', /is nested \d+ levels deep/);
  await expectError(fx, () => fx.mc.pushEvent(ev({ ctx: `<ctx>${deep}</ctx>` })), 'INPUT_TOO_LARGE', /is nested \d+ levels deep/);
});

test('a JSON ctx nested 100 and 1,000 deep is an error, not a crash', async () => {
  const fx = await fixture();
  for (const depth of [100, 1000]) {
    let ctx = {};
    let cur = ctx;
    for (let i = 0; i < depth; i++) cur = cur.a = {};
    await expectError(fx, () => fx.mc.pushEvent(ev({ ctx })), 'INPUT_TOO_LARGE', depth === 100 ? /^ctx\/a\/a.* is nested 33 levels deep, over the limit of 32 levels$/ : /recursion limit exceeded$/);
    let arr = [];
    let c = arr;
    for (let i = 0; i < depth; i++) c.push((c = []));
    await expectError(fx, () => fx.mc.pushEvent(ev({ ctx: { a: arr } })), depth === 100 ? 'INVALID_EVENT' : 'INPUT_TOO_LARGE', depth === 100 ? 'ctx/a holds an array in an array, which has no XML form' : /recursion limit exceeded$/);
  }
});

test('a JSON ctx nested 10,000 deep is a coded error, not a crash', async () => {
  const fx = await fixture();
  let ctx = {};
  let cur = ctx;
  for (let i = 0; i < 10_000; i++) cur = cur.a = {};
  const err = await expectError(fx, () => fx.mc.pushEvent(ev({ ctx })), 'INPUT_TOO_LARGE', /./);
  assert.ok(err.message.length < 1000);
  await expectError(fx, () => fx.mc.pushEvents([ev({ ctx })]), 'INPUT_TOO_LARGE', /./);
});

test('field errors: unknown and missing type, unknown channel, bad email, bad phone, bad date', async () => {
  const fx = await fixture();
  await expectError(fx, () => fx.mc.pushEvent(ev({ type: 'nope' })), 'UNKNOWN_EVENT_TYPE', "event type 'nope' is not a value of the eventType enumeration (known: order, sms_code)");
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'nope', email: 'a@example.com' })), 'UNKNOWN_EVENT_TYPE', /^event type 'nope' is not a value/);
  await expectError(fx, () => fx.mc.pushEvent({ email: 'a@example.com', ctx: {} }), 'MISSING_EVENT_TYPE', "the event has no type (attribute 'type' is mandatory)");
  await expectError(fx, () => fx.mc.pushEvent(xml({ email: 'a@example.com' })), 'MISSING_EVENT_TYPE', "the event has no type (attribute 'type' is mandatory)");
  await expectError(fx, () => fx.mc.pushEvent(ev({ type: '   ' })), 'MISSING_EVENT_TYPE', "the event has no type (attribute 'type' is mandatory)");
  await expectError(fx, () => fx.mc.pushEvent(ev({ wishedChannel: 77 })), 'UNKNOWN_CHANNEL', "wishedChannel '77' is not a known channel");
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com', wishedChannel: 'pigeon' })), 'UNKNOWN_CHANNEL', "wishedChannel 'pigeon' is not a known channel");
  await expectError(fx, () => fx.mc.pushEvent(ev({ email: 'a@@b' })), 'INVALID_EMAIL', "'a@@b' is not a valid email address");
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'order', email: 'john doe@example.com' })), 'INVALID_EMAIL', "'john doe@example.com' is not a valid email address");
  await expectError(fx, () => fx.mc.pushEvent(ev({ email: 'explode@mc-sim.test' })), 'INVALID_EMAIL', /^'explode@mc-sim\.test' is at the simulator domain mc-sim\.test but 'explode' is not a directive/);
  await expectError(fx, () => fx.mc.pushEvent({ type: 'sms_code', mobilePhone: '+33 6x', wishedChannel: 1, ctx: {} }), 'INVALID_PHONE', "'+33 6x' is not a valid mobile phone number");
  await expectError(fx, () => fx.mc.pushEvent(ev({ scheduled: 'tomorrow' })), 'INVALID_DATE', /^scheduled: invalid date 'tomorrow': expected ISO 8601/);
  await expectError(fx, () => fx.mc.pushEvent(ev({ expiration: '2026-02-30T00:00:00Z' })), 'INVALID_DATE', "expiration: invalid date '2026-02-30T00:00:00Z': day 30 is outside 1–28 for 2026-02");
  await expectError(fx, () => fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com', scheduled: '2026-13-01' })), 'INVALID_DATE', /^scheduled: invalid date '2026-13-01'/);
});

test('unknown instance, no instance enabled', async () => {
  const fx = await fixture();
  await expectError(fx, () => fx.mc.pushEvent(ev(), { instance: 'exec9' }), 'UNKNOWN_INSTANCE', "no execution instance named 'exec9'");
  await expectError(fx, () => fx.mc.pushEvents([ev()], { instance: 'control' }), 'UNKNOWN_INSTANCE', "no execution instance named 'control'");
  await fx.mc.updateExecutionInstance('exec1', { enabled: false });
  await expectError(fx, () => fx.mc.pushEvent(ev()), 'NO_INSTANCE_AVAILABLE', 'the load balancer has no enabled execution instance');
  await fx.mc.updateExecutionInstance('exec1', { enabled: true });
  assert.equal((await fx.mc.pushEvent(ev())).instance, 'exec1');
});

test('PushEvents with one bad event among 100 good ones writes nothing and says which event', async () => {
  const fx = await fixture();
  const good = Array.from({ length: 100 }, (_, i) => ev({ email: `u${i}@example.com` }));
  const bad = good.slice();
  bad[57] = ev({ email: 'broken' });
  await expectError(fx, () => fx.mc.pushEvents(bad), 'INVALID_EMAIL', "event 58 of 100: 'broken' is not a valid email address");
  await expectError(fx, () => fx.mc.pushEvents(bad, { instance: 'exec1' }), 'INVALID_EMAIL', "event 58 of 100: 'broken' is not a valid email address");
  const badShape = good.slice();
  badShape[99] = ev({ extra: 1 });
  await expectError(fx, () => fx.mc.pushEvents(badShape), 'INVALID_EVENT', "event 100 of 100: unknown field 'extra'");
  const badType = good.slice();
  badType[0] = ev({ type: 'nope' });
  await expectError(fx, () => fx.mc.pushEvents(badType), 'UNKNOWN_EVENT_TYPE', /^event 1 of 100: event type 'nope'/);
  const asXml = (events) => `<Events>${events.map((e) => xml({ type: e.type, email: e.email })).join('')}</Events>`;
  await expectError(fx, () => fx.mc.pushEvents(asXml(bad)), 'INVALID_EMAIL', "event 58 of 100: 'broken' is not a valid email address");
  await expectError(fx, () => fx.mc.pushEvents(asXml(good).replace('</Events>', '<other/></Events>')), 'INVALID_EVENT', 'element 101 of 101 in <Events> is <other>: only <rtEvent> and <batchEvent> are allowed');
  // The 100 good ones go through, with consecutive ids, spread by the load balancer.
  const ids = await fx.mc.pushEvents(good);
  assert.equal(ids.length, 100);
  assert.equal(new Set(ids.map((r) => r.id)).size, 100);
});

test('getEvent: ids are decimal strings; Numbers and garbage are INVALID_EVENT_ID, unknown ids UNKNOWN_EVENT', async () => {
  const fx = await fixture();
  const { id } = await fx.mc.pushEvent(ev(), { instance: 'exec1' });
  assert.equal(id, '72057594037927937', 'exec1 (1 << 56) + the first sequence number');
  const notString = 'event ids are decimal strings (64-bit: never a Number)';
  await expectError(fx, () => fx.mc.getEvent(Number(id)), 'INVALID_EVENT_ID', notString);
  await expectError(fx, () => fx.mc.getEvent(1), 'INVALID_EVENT_ID', notString);
  await expectError(fx, () => fx.mc.getEvent(null), 'INVALID_EVENT_ID', notString);
  await expectError(fx, () => fx.mc.getEvent({ id }), 'INVALID_EVENT_ID', notString);
  for (const bad of ['abc', '-1', '', '1.5', '0x10', '1e3', ' ']) {
    await expectError(fx, () => fx.mc.getEvent(bad), 'INVALID_EVENT_ID', `'${bad}' is not an event id (a decimal 64-bit unsigned integer)`);
  }
  await expectError(fx, () => fx.mc.getEvent('18446744073709551616'), 'INVALID_EVENT_ID', "'18446744073709551616' is larger than a 64-bit id");
  await expectError(fx, () => fx.mc.getEvent('12345'), 'UNKNOWN_EVENT', "no event with id 12345 on its execution instance or in the control's history");
  await expectError(fx, () => fx.mc.getEvent('18446744073709551615'), 'UNKNOWN_EVENT', /^no event with id 18446744073709551615 /);
  await expectError(fx, () => fx.mc.waitForStatus('12345', 'sent'), 'UNKNOWN_EVENT', /^no event with id 12345 /);
  await expectError(fx, () => fx.mc.waitForStatus('abc', 'sent'), 'INVALID_EVENT_ID', "'abc' is not an event id (a decimal 64-bit unsigned integer)");
});

// Was a bug (a Number reached the core: INVALID_ARGUMENT "request: invalid type: integer"), fixed in js/message-center.js.
test('waitForStatus with a Number id is INVALID_EVENT_ID, as getEvent', async () => {
  const fx = await fixture();
  await expectError(fx, () => fx.mc.waitForStatus(72057594037927937, 'sent'), 'INVALID_EVENT_ID', 'event ids are decimal strings (64-bit: never a Number)');
});

test('ids above 2^53 round-trip as strings (execution instance id 255)', async () => {
  const fx = await fixture();
  await fx.mc.addExecutionInstance({ name: 'cell255', executionInstanceId: 255 });
  await fx.mc.publish('orderConf'); // publication reaches the instances that exist
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await fx.mc.startWorkflow('cell255', wf);
  const r = await fx.mc.pushEvent(ev({ email: 'sent@mc-sim.test' }), { instance: 'cell255' });
  assert.equal(r.id, '18374686479671623681', '(255 << 56) + 1');
  assert.equal(BigInt(r.id) >> 56n, 255n);
  assert.ok(BigInt(r.id) > 2n ** 53n);
  assert.notEqual(String(Number(r.id)), r.id, 'a Number would lose it');
  assert.equal((await fx.mc.getEvent(r.id)).event.id, r.id);
  assert.equal((await fx.mc.getEvent(BigInt(r.id))).event.id, r.id, 'a BigInt is accepted');
  assert.equal((await fx.mc.getEvent(` ${r.id} `)).event.id, r.id);
  await expectError(fx, () => fx.mc.getEvent(Number(r.id)), 'INVALID_EVENT_ID', 'event ids are decimal strings (64-bit: never a Number)');
  const sent = await fx.mc.waitForStatus(r.id, 'sent');
  assert.equal(sent.id, r.id);
  assert.equal(sent.executionInstanceId, 255);
  const { events } = await fx.mc.listEvents({ instance: 'cell255' });
  assert.deepEqual(events.map((e) => e.id), [r.id]);
  const story = await fx.mc.getEvent(r.id);
  assert.equal(story.broadLog.id, r.id);
});

test('advance and advanceTo refuse bad durations and a clock going backwards', async () => {
  const fx = await fixture();
  const nonNegative = 'advance(ms) takes a non-negative number of ms';
  for (const bad of [-1, NaN, Infinity, -Infinity, '10', undefined, null, 10n]) {
    await expectError(fx, () => fx.mc.advance(bad), 'INVALID_ARGUMENT', nonNegative);
  }
  assert.equal(fx.mc.now(), T0);
  await expectError(fx, () => fx.mc.advanceTo(T0 - 1), 'CLOCK_BACKWARDS', 'the clock cannot move backwards (from 2026-01-01T00:00:00.000Z to 2025-12-31T23:59:59.999Z)');
  await expectError(fx, () => fx.mc.advanceTo('2025-06-01T00:00:00Z'), 'CLOCK_BACKWARDS', /^the clock cannot move backwards/);
  await expectError(fx, () => fx.mc.advanceTo(new Date(0)), 'CLOCK_BACKWARDS', /^the clock cannot move backwards/);
  await expectError(fx, () => fx.mc.advanceTo('not a date'), 'INVALID_DATE', /^time: invalid date 'not a date': expected ISO 8601/);
  await expectError(fx, () => fx.mc.advanceTo(NaN), 'INVALID_ARGUMENT', 'time must be a finite number of ms');
  await expectError(fx, () => fx.mc.advanceTo({}), 'INVALID_ARGUMENT', 'time must be a Date, a number of ms or an ISO 8601 string');
  await expectError(fx, () => fx.mc.advanceTo(new Date(NaN)), 'INVALID_ARGUMENT', 'time is an invalid Date');
  // (Nothing may be due before the far future here: see the next test.)
  await fx.mc.stopWorkflow('control', 'cleanup');
  await fx.mc.stopWorkflow('exec1', 'cleanup');
  await expectError(fx, () => fx.mc.advanceTo(8.64e15), 'INVALID_ARGUMENT', 'the target time is out of range (up to year 10889)');
  await expectError(fx, () => fx.mc.advanceTo(1e300), 'INVALID_ARGUMENT', /./);
  assert.equal(fx.mc.now(), T0, 'the clock did not move');
  assert.deepEqual(await fx.mc.advance(0), { steps: 0, now: '2026-01-01T00:00:00.000Z' });
  await fx.mc.advance(1000);
  assert.equal(fx.mc.now(), T0 + 1000);
});

test('advanceTo beyond the largest time is refused before any workflow step runs', async () => {
  const fx = await fixture();
  // Give up (with a distinctive error) after 20 writes instead of running for minutes.
  let writes = 0;
  const inner = fx.storage;
  const limited = { get: (k) => inner.get(k), range: (r) => inner.range(r), close: () => inner.close(), write: async (b) => {
    if (++writes > 20) throw Object.assign(new Error('test limit: advanceTo kept running workflow steps'), { code: 'TEST_LIMIT' });
    return inner.write(b);
  } };
  const mc = await MessageCenter.open({ storage: limited });
  const before = await dump(inner);
  await assert.rejects(mc.advanceTo(8.64e15), { code: 'INVALID_ARGUMENT', message: 'the target time is out of range (up to year 10889)' });
  assert.equal(writes, 0, 'no workflow step ran');
  assert.deepEqual(await dump(inner), before);
  await assert.rejects(mc.advance(8.64e15), { code: 'INVALID_ARGUMENT' });
  assert.equal(writes, 0, 'no workflow step ran');
});

test('personalization blocks, options and the editor\'s check, through the JS API', async () => {
  const fx = await fixture();
  const { mc } = fx;
  assert.deepEqual(mc.checkTemplate({ html: '<p>\n<% if (x) { %>', subject: 'ok' }), [
    { field: 'html', line: 2, column: 11, message: "HTML body: line 2, column 11: missing } in compound statement: this '{' is never closed" },
  ]);
  assert.deepEqual(mc.checkTemplate({}), []);
  assert.throws(() => mc.checkTemplate('x'), { code: 'INVALID_ARGUMENT', message: 'fields must be an object' });
  assert.throws(() => mc.checkTemplate({ html: 1 }), { code: 'INVALID_ARGUMENT', message: 'html must be a string' });
  assert.throws(() => mc.checkTemplate({ html: 'x'.repeat(1024 * 1024 + 1) }), { code: 'INPUT_TOO_LARGE' });

  const b = await mc.createPersonalizationBlock({ name: 'footer', label: 'Footer', source: '<p>Bye <%= rtEvent.ctx.name %></p>' });
  assert.deepEqual(b, { name: 'footer', label: 'Footer', source: '<p>Bye <%= rtEvent.ctx.name %></p>', builtin: false, changed: false, usedBy: [] });
  await mc.updateTemplate('orderConf', { html: "<p>Hi</p><%@ include view='footer' %>", seeds: [{ email: 'a@example.com', ctx: '<ctx><name>Ada</name></ctx>' }] });
  assert.equal(mc.preview('orderConf').html, '<p>Hi</p><p>Bye Ada</p>');
  assert.deepEqual(mc.personalizationBlocks().find((x) => x.name === 'footer').usedBy, ['orderConf']);
  await expectError(fx, () => mc.deletePersonalizationBlock('footer'), 'BLOCK_IN_USE', "the personalization block 'footer' is included by 'orderConf': remove the include first");
  await expectError(fx, () => mc.createPersonalizationBlock({ name: 'footer' }), 'DUPLICATE_BLOCK', "a personalization block named 'footer' exists already");
  await expectError(fx, () => mc.createPersonalizationBlock({ name: 'x', source: 1 }), 'INVALID_ARGUMENT', /invalid type/);
  await expectError(fx, () => mc.createPersonalizationBlock(null), 'INVALID_ARGUMENT', 'block must be an object');
  await expectError(fx, () => mc.updatePersonalizationBlock('footer', { source: '<%= ( %>' }), 'TEMPLATE_SYNTAX', "personalization block 'footer': line 1, column 7: syntax error: '<%= %>' ends in the middle of an expression");

  const o = await mc.setOption('NmsServer_URL', 'https://shop.example.com');
  assert.deepEqual(o, { name: 'NmsServer_URL', value: 'https://shop.example.com', builtin: true, set: true, usedBy: [] });
  assert.equal(mc.options().find((x) => x.name === 'NmsServer_URL').value, 'https://shop.example.com');
  assert.equal((await mc.setOption('NmsServer_URL', null)).value, 'https://mc.example.com');
  await expectError(fx, () => mc.setOption('NmsServer_URL', 3), 'INVALID_ARGUMENT', 'an option value is a string (or null: back to its default)');
  await expectError(fx, () => mc.setOption('', 'x'), 'INVALID_ARGUMENT', 'option must be a non-empty string');
  await fx.stillWorks();
});

test('hostile templates in the wasm: recursion, nesting, loops, bombs and catastrophic regexps are errors, and the engine goes on', async () => {
  const fx = await fixture();
  const { mc } = fx;
  await mc.updateTemplate('orderConf', { seeds: [{ email: 'a@example.com', ctx: '<ctx/>' }] });
  const preview = async (html) => {
    await mc.updateTemplate('orderConf', { html });
    try {
      return mc.preview('orderConf').html;
    } catch (e) {
      return `${e.code} ${e.message}`;
    }
  };
  // The deepest nesting the parser takes, and the deepest recursion the bounds allow, fit the
  // wasm's 1 MiB stack.
  assert.equal(await preview(`<% ${'{'.repeat(199)}${'}'.repeat(199)} %>ok`), 'ok');
  assert.equal(await preview(`<%= ${'('.repeat(60)}1${')'.repeat(60)} %>`), '1');
  assert.match(await preview('<% function f(n) { return 1 + f(n + 1) } %><%= f(0) %>'), /^TEMPLATE_RENDER HTML body: line 1, column \d+: InternalError: too much recursion$/);
  assert.match(await preview('<% function g(a) { return a.sort(function (x, y) { return g([x, y]).length }) } g([2, 1]) %>'), /InternalError: too much recursion$/);
  assert.match(await preview('<% while (1) {} %>'), /LimitError: the script ran more than 5000000 steps/);
  assert.match(await preview("<%= new Array(1e9).join('x') %>"), /^TEMPLATE_RENDER .*(LimitError|RangeError)/);
  assert.match(await preview("<%= /^(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!') %>"), /LimitError/);
  await expectError(fx, () => mc.updateTemplate('orderConf', { html: `<%= ${'('.repeat((1 << 20) - 10)}1 %>` }), 'TEMPLATE_SYNTAX', 'HTML body: line 1, column 71: the script nests more than 200 levels deep');
  assert.equal(await preview('<%= rtEvent.email %>'), 'a@example.com');
  await fx.stillWorks();
});

test('catalogue errors: duplicate template, syntax with line/column, unpublishable, published', async () => {
  const fx = await fixture();
  await expectError(fx, () => fx.mc.createTemplate({ name: 'orderConf', eventType: 'order', subject: 's' }), 'DUPLICATE_TEMPLATE', "a transactional message template named 'orderConf' exists already");
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', eventType: 'order', subject: 's', html: '<p>\n  <%= rtEvent.ctx. %></p>' }), 'TEMPLATE_SYNTAX', "HTML body: line 2, column 20: syntax error: a name is missing after '.'");
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', eventType: 'order', subject: 'Hi <%= rtEvent.ctx.a' }), 'TEMPLATE_SYNTAX', /^subject: line 1, column \d+: /);
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', eventType: 'order', subject: 's', text: 'a\nb\n<% if (x) { %>' }), 'TEMPLATE_SYNTAX', /^text body: line 3, column 11: missing } in compound statement: this '\{' is never closed/);
  await expectError(fx, () => fx.mc.updateTemplate('orderConf', { html: '<%= nope(rtEvent.email %>' }), 'TEMPLATE_SYNTAX', /^HTML body: line 1, column \d+: /);
  // The error says where, as data too: the field as the API names it, the line and the column.
  const at = await fx.mc.createTemplate({ name: 't2', eventType: 'order', subject: 's', html: '<p>\n  <%= rtEvent.ctx. %></p>' }).catch((e) => e);
  assert.deepEqual({ code: at.code, field: at.field, line: at.line, column: at.column }, { code: 'TEMPLATE_SYNTAX', field: 'html', line: 2, column: 20 });
  const subject = await fx.mc.updateTemplate('orderConf', { subject: 'Hi\n\n <%= rtEvent.ctx.a' }).catch((e) => e);
  assert.deepEqual([subject.field, subject.line], ['subject', 3]);
  const other = await fx.mc.createTemplate({ name: '1bad', subject: 's' }).catch((e) => e);
  assert.equal('field' in other, false, 'errors that point at no text carry no position');
  assert.equal(fx.mc.getTemplate('orderConf').html, '<p><%= escapeXMLString(rtEvent.ctx.name) %></p>', 'a failed update changes nothing');
  await expectError(fx, () => fx.mc.createTemplate({ name: '1bad', subject: 's' }), 'INVALID_ARGUMENT', "template '1bad' is not a valid internal name (letters, digits and _, not starting with a digit, at most 64)");
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', eventType: 'nope' }), 'UNKNOWN_EVENT_TYPE', "event type 'nope' is not a value of the eventType enumeration");
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', channel: 'fax' }), 'UNKNOWN_CHANNEL', "there is no transactional delivery template for the channel 'fax' (email, sms, mobileApp, ios, android)");
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', bogus: 1 }), 'INVALID_ARGUMENT', /unknown field `bogus`/);
  await expectError(fx, () => fx.mc.createTemplate({ name: 't2', seeds: [{ email: 'nope' }] }), 'INVALID_EMAIL', "seed 'seed1': 'nope' is not a valid email address");

  await fx.mc.createTemplate({ name: 'noType', subject: 's' });
  await expectError(fx, () => fx.mc.publish('noType'), 'TEMPLATE_NOT_PUBLISHABLE', "'noType' has no event type: choose one before publishing");
  await fx.mc.createTemplate({ name: 'noSubject', eventType: 'order' });
  await expectError(fx, () => fx.mc.publish('noSubject'), 'TEMPLATE_NOT_PUBLISHABLE', "'noSubject' is an email template without a subject");
  // The language is JavaScript: a field the event does not have is undefined, which prints
  // nothing; a name that is not defined fails each message, not the publication.
  await fx.mc.createTemplate({ name: 'unknownField', eventType: 'order', subject: '<%= rtEvent.nope %>' });
  assert.equal((await fx.mc.publish('unknownField')).publication, 'Published');
  await fx.mc.unpublish('unknownField');
  await expectError(fx, () => fx.mc.publish('nothing'), 'UNKNOWN_TEMPLATE', "no transactional message template named 'nothing'");
  await expectError(fx, () => fx.mc.unpublish('noType'), 'INVALID_ARGUMENT', "'noType' is not published");

  await expectError(fx, () => fx.mc.deleteTemplate('orderConf'), 'TEMPLATE_PUBLISHED', "'orderConf' is published: unpublish it before deleting it");
  await fx.mc.unpublish('orderConf');
  await fx.mc.deleteTemplate('orderConf');
  await expectError(fx, () => fx.mc.deleteTemplate('orderConf'), 'UNKNOWN_TEMPLATE', "no transactional message template named 'orderConf'");
  await fx.mc.createTemplate({ name: 'orderConf', eventType: 'order', subject: 'again' });
  await fx.mc.publish('orderConf');
  await expectError(fx, () => fx.mc.addEventType('order'), 'DUPLICATE_EVENT_TYPE', "the eventType enumeration has a value 'order' already");
  assert.throws(() => fx.mc.preview('orderConf', 'nope'), { code: 'UNKNOWN_SEED', message: "'orderConf' has no seed address named 'nope'" });
});

test('topology and workflow errors', async () => {
  const fx = await fixture();
  await expectError(fx, () => fx.mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 7 }), 'DUPLICATE_INSTANCE', "an external account named 'exec1' exists already");
  await expectError(fx, () => fx.mc.addExecutionInstance({ name: 'exec7', executionInstanceId: 1 }), 'DUPLICATE_INSTANCE', "execution instance id 1 is used by 'exec1' already: the identifier must be different for each execution instance");
  await expectError(fx, () => fx.mc.addExecutionInstance({ name: 'exec7', executionInstanceId: 256 }), 'INVALID_ARGUMENT', 'execution instance id 256 is not between 0 and 255');
  await expectError(fx, () => fx.mc.addExecutionInstance({ name: 'control', executionInstanceId: 9 }), 'INVALID_ARGUMENT', "'control' is reserved for the control instance");
  await expectError(fx, () => fx.mc.addExecutionInstance({ name: 'exec7' }), 'INVALID_ARGUMENT', /missing field `executionInstanceId`/);
  await expectError(fx, () => fx.mc.createArchivingWorkflow('exec9'), 'UNKNOWN_INSTANCE', "no external account named 'exec9'");
  await fx.mc.createArchivingWorkflow('exec1');
  await expectError(fx, () => fx.mc.createArchivingWorkflow('exec1'), 'WORKFLOW_EXISTS', "the archiving workflow 'mcSynch_exec1' exists already for the execution instance 'exec1'");
  await expectError(fx, () => fx.mc.startWorkflow('exec1', 'nope'), 'UNKNOWN_WORKFLOW', "no workflow 'nope' on 'exec1'");
  await expectError(fx, () => fx.mc.startWorkflow('exec9', 'cleanup'), 'UNKNOWN_INSTANCE', "no instance named 'exec9' (use 'control' or an execution instance's account name)");
  await expectError(fx, () => fx.mc.pauseWorkflow('exec1', 'rtEventsProcessing'), 'WORKFLOW_STATE', "'rtEventsProcessing' is Stopped: only a started workflow can be paused");
  await expectError(fx, () => fx.mc.runWorkflow('exec1', 'rtEventsProcessing'), 'WORKFLOW_STATE', "'rtEventsProcessing' on 'exec1' is Stopped: start it first");
  await expectError(fx, () => fx.mc.scheduleWorkflow('exec1', 'mta', { periodMs: 5000 }), 'INVALID_ARGUMENT', 'the MTA runs when messages are due; it has no schedule');
  await expectError(fx, () => fx.mc.scheduleWorkflow('exec1', 'cleanup', { periodMs: 10 }), 'INVALID_ARGUMENT', 'period must be at least 1000 ms and 0 <= offset < period');
  await expectError(fx, () => fx.mc.denylist('exec1', 'not an address'), 'INVALID_ARGUMENT', "'not an address' is neither an email address nor a phone number");
  await expectError(fx, () => fx.mc.configure({ batchSize: 0 }), 'INVALID_ARGUMENT', 'batchSize must be between 1 and 10000');
  await expectError(fx, () => fx.mc.configure({ email: { hardPpm: 900000, softPpm: 200000 } }), 'INVALID_ARGUMENT', 'email rates add up to more than 100%');
  await expectError(fx, () => fx.mc.configure({ nope: 1 }), 'INVALID_ARGUMENT', /^config: unknown field `nope`/);
  await expectError(fx, () => fx.mc.journal('exec1', 'nope'), 'UNKNOWN_WORKFLOW', "no workflow 'nope' on 'exec1'");
  assert.throws(() => fx.mc.mcPing('nope'), { code: 'UNKNOWN_INSTANCE', message: "no execution instance named 'nope'" });
  assert.throws(() => fx.mc.workflows('nope'), { code: 'UNKNOWN_INSTANCE', message: "no instance named 'nope'" });
});

test('open: a storage without the adapter methods, bad options, bad seed, bad config', async () => {
  for (const [storage, missing] of [[{}, 'get'], [{ get() {} }, 'range'], [{ get() {}, range() {} }, 'write'], [{ get() {}, range() {}, write() {} }, 'close'], [{ get: 1, range() {}, write() {}, close() {} }, 'get']]) {
    await assert.rejects(MessageCenter.open({ storage }), { code: 'INVALID_ARGUMENT', message: `storage has no ${missing}() method: pass a storage adapter` });
  }
  for (const options of ['x', 42, [], null]) {
    await assert.rejects(MessageCenter.open(options), { code: 'INVALID_ARGUMENT', message: 'options must be an object' });
  }
  const storage = createMemoryStorage();
  await assert.rejects(MessageCenter.open({ storage, seed: {} }), { code: 'INVALID_ARGUMENT', message: 'seed must be a string, a number or a bigint' });
  await assert.rejects(MessageCenter.open({ storage, seed: 'abc' }), { code: 'INVALID_ARGUMENT', message: "seed 'abc' is not a decimal 64-bit unsigned integer" });
  await assert.rejects(MessageCenter.open({ storage, seed: -1 }), { code: 'INVALID_ARGUMENT', message: "seed '-1' is not a decimal 64-bit unsigned integer" });
  await assert.rejects(MessageCenter.open({ storage, now: 'yesterday' }), { code: 'INVALID_DATE', message: /^now: invalid date 'yesterday': expected ISO 8601/ });
  await assert.rejects(MessageCenter.open({ storage, now: {} }), { code: 'INVALID_ARGUMENT', message: 'now must be a Date, a number of ms or an ISO 8601 string' });
  await assert.rejects(MessageCenter.open({ storage, config: { batchSize: 0 } }), { code: 'INVALID_ARGUMENT', message: 'batchSize must be between 1 and 10000' });
  await assert.rejects(MessageCenter.open({ storage, config: 'fast' }), { code: 'INVALID_ARGUMENT', message: 'config must be an object' });
  assert.deepEqual(await dump(storage), [], 'a failed open writes nothing');
  const mc = await MessageCenter.open({ storage, seed: 18446744073709551615n });
  assert.equal(mc.settings().seed, '18446744073709551615');
});

test('reopen with another seed is refused and changes nothing; the same seed reopens', async () => {
  const fx = await fixture({ seed: 1 });
  await fx.mc.pushEvent(ev(), { instance: 'exec1' });
  const before = await dump(fx.storage);
  await assert.rejects(MessageCenter.open({ storage: fx.storage, seed: 2 }), { code: 'INVALID_ARGUMENT', message: 'this storage was created with seed 1, not 2' });
  await assert.rejects(MessageCenter.open({ storage: fx.storage, seed: '3' }), { code: 'INVALID_ARGUMENT', message: 'this storage was created with seed 1, not 3' });
  assert.deepEqual(await dump(fx.storage), before);
  await fx.stillWorks();
  // A seed is a number: '01' is seed 1.
  for (const seed of [1, '1', '01', 1n, undefined]) {
    const again = await MessageCenter.open({ storage: fx.storage, seed });
    assert.equal(again.settings().seed, '1');
  }
  await assert.rejects(MessageCenter.open({ storage: fx.storage, config: { batchSize: 0 } }), { code: 'INVALID_ARGUMENT' });
});

test('waitForStatus says why it cannot get there: stopped workflows are named, final statuses too', async () => {
  const fx = await fixture();
  const r = await fx.mc.pushEvent(ev({ email: 'sent@mc-sim.test' }), { instance: 'exec1' });
  const why = (rest) => `gave up waiting for event ${r.id} to become 'sent': ${rest}`;
  await expectError(fx, () => fx.mc.waitForStatus(r.id, 'sent'), 'WAIT_BLOCKED', why("the event is Pending and rtEventsProcessing on 'exec1' is not started (start it: execution workflows start out stopped)"));
  await fx.mc.startWorkflow('exec1', 'rtEventsProcessing');
  await expectError(fx, () => fx.mc.waitForStatus(r.id, 'sent'), 'WAIT_BLOCKED', why("the event is Pending delivery and updateEventsStatus on 'exec1' is not started"), { unchanged: false });
  await fx.mc.startWorkflow('exec1', 'updateEventsStatus');
  await fx.mc.stopWorkflow('exec1', 'mta');
  await expectError(fx, () => fx.mc.waitForStatus(r.id, 'sent'), 'WAIT_BLOCKED', why("the event is Pending delivery and the MTA of 'exec1' is stopped"));
  await fx.mc.startWorkflow('exec1', 'mta');
  assert.equal((await fx.mc.waitForStatus(r.id, 'sent')).status, 'sent');
  await expectError(fx, () => fx.mc.waitForStatus(r.id, 'deliveryFailed'), 'WAIT_BLOCKED', `gave up waiting for event ${r.id} to become 'deliveryFailed': the event is 'Sent', a final status: it will never become 'Delivery failed'`);
  await expectError(fx, () => fx.mc.waitForStatus(r.id, 'Pending'), 'WAIT_BLOCKED', /a final status: it will never become 'Pending'$/);
  await expectError(fx, () => fx.mc.waitForStatus(r.id, 'bogus'), 'INVALID_ARGUMENT', "'bogus' is not an event status");
  const batch = await fx.mc.pushEvent(ev({ email: 'sent@mc-sim.test' }), { instance: 'exec1', queue: 'batch' });
  await expectError(fx, () => fx.mc.waitForStatus(batch.id, 'sent'), 'WAIT_BLOCKED', /batchEventsProcessing on 'exec1' is not started/);
  const soft = await fx.mc.pushEvent(ev({ email: 'soft@mc-sim.test' }), { instance: 'exec1' });
  await expectError(fx, () => fx.mc.waitForStatus(soft.id, 'sent', { maxMs: 60_000 }), 'WAIT_TIMEOUT', /^gave up waiting for event \d+ to become 'sent': it is still 'Pending delivery' and no workflow step is due before /, { unchanged: false });
});

test('listEvents refuses bad filters, limits and page tokens', async () => {
  const fx = await fixture();
  for (let i = 0; i < 3; i++) await fx.mc.pushEvent(ev(), { instance: 'exec1' });
  const l = fx.mc;
  await expectError(fx, () => l.listEvents(null), 'INVALID_ARGUMENT', 'filter must be an object');
  await expectError(fx, () => l.listEvents('exec1'), 'INVALID_ARGUMENT', 'filter must be an object');
  await expectError(fx, () => l.listEvents({}), 'INVALID_ARGUMENT', /missing field `instance`/);
  await expectError(fx, () => l.listEvents({ instance: 'nope' }), 'UNKNOWN_INSTANCE', "no instance named 'nope' (use 'control' or an execution instance's account name)");
  await expectError(fx, () => l.listEvents({ instance: 'exec1', foo: 1 }), 'INVALID_ARGUMENT', /unknown field `foo`/);
  for (const limit of [0, 501]) await expectError(fx, () => l.listEvents({ instance: 'exec1', limit }), 'INVALID_ARGUMENT', 'limit must be between 1 and 500');
  for (const limit of [-1, 1.5, '5', true]) await expectError(fx, () => l.listEvents({ instance: 'exec1', limit }), 'INVALID_ARGUMENT', /expected u32/);
  await expectError(fx, () => l.listEvents({ instance: 'exec1', status: 'bogus' }), 'INVALID_ARGUMENT', "'bogus' is not an event status");
  await expectError(fx, () => l.listEvents({ instance: 'exec1', queue: 'fast' }), 'INVALID_ARGUMENT', "queue 'fast' is neither 'rt' nor 'batch'");
  await expectError(fx, () => l.listEvents({ instance: 'exec1', channel: 99 }), 'UNKNOWN_CHANNEL', 'channel 99 is not a known channel');
  await expectError(fx, () => l.listEvents({ instance: 'exec1', from: 'yesterday' }), 'INVALID_DATE', /^from: invalid date 'yesterday'/);
  await expectError(fx, () => l.listEvents({ instance: 'exec1', from: true }), 'INVALID_ARGUMENT', 'from must be a Date, a number of ms or an ISO 8601 string');
  await expectError(fx, () => l.listEvents({ instance: 'exec1', from: '2026-02-01', to: '2026-01-01' }), 'INVALID_ARGUMENT', 'from is after to');
  const badToken = "the page token does not belong to this filter (pass the same filter with the 'next' it returned)";
  await expectError(fx, () => l.listEvents({ instance: 'exec1', after: 'garbage' }), 'INVALID_ARGUMENT', badToken);
  const page = await l.listEvents({ instance: 'exec1', limit: 1 });
  assert.ok(page.next);
  await expectError(fx, () => l.listEvents({ instance: 'exec1', status: 'pending', after: page.next }), 'INVALID_ARGUMENT', badToken);
  await expectError(fx, () => l.listEvents({ instance: 'control', after: page.next }), 'INVALID_ARGUMENT', badToken);
  await expectError(fx, () => l.listEvents({ instance: 'exec1', after: `${page.next}é` }), 'INVALID_ARGUMENT', badToken);
  const second = await l.listEvents({ instance: 'exec1', limit: 1, after: page.next });
  assert.equal(second.events.length, 1);
  assert.notEqual(second.events[0].id, page.events[0].id);
  assert.throws(() => l.countEvents({ instance: 'exec1', status: 'sent' }), { code: 'INVALID_ARGUMENT', message: /unknown field `status`/ });
  assert.throws(() => l.countEvents(null), { code: 'INVALID_ARGUMENT', message: 'filter must be an object' });
});

const HOSTILE = {
  nul: 'a\u0000b',
  loneHigh: 'x\ud800y',
  loneLow: '\udc00',
  megabyte: 'L'.repeat(1 << 20),
  bidiAndTags: '\u202e<%= %>',
  emoji: '😀',
  controls: '\u0001\u001f\u007f\r\n\t',
};

test('hostile strings in every string field of createTemplate / addExecutionInstance: no crash, coded errors only', async () => {
  const fx = await fixture();
  const outcomes = {};
  let n = 0;
  const attempt = async (what, call) => {
    const before = await dump(fx.storage);
    try {
      await call();
      outcomes[what] = 'ok';
    } catch (e) {
      assert.ok(e instanceof Error, `${what}: ${e}`);
      assert.equal(typeof e.code, 'string', `${what}: an error without a code: ${e.message?.slice(0, 200)}`);
      assert.notEqual(e.code, 'INTERNAL', `${what}: ${e.message.slice(0, 200)}`);
      assert.deepEqual(await dump(fx.storage), before, `${what}: nothing half-written`);
      outcomes[what] = e.code;
    }
    await fx.stillWorks();
  };
  for (const [hk, hv] of Object.entries(HOSTILE)) {
    for (const field of ['name', 'label', 'eventType', 'channel', 'subject', 'html', 'text']) {
      const name = `t${++n}`;
      await attempt(`template.${field}/${hk}`, () => fx.mc.createTemplate({ name, eventType: 'order', subject: 's', seeds: [{ email: 'seed@example.com' }], [field]: hv }));
      if (outcomes[`template.${field}/${hk}`] === 'ok') {
        await attempt(`publish template.${field}/${hk}`, () => fx.mc.publish(name));
        fx.mc.preview(name);
      }
    }
    for (const field of ['name', 'label', 'email', 'mobilePhone', 'externalId']) {
      await attempt(`template.seeds.${field}/${hk}`, () => fx.mc.createTemplate({ name: `s${++n}`, eventType: 'order', subject: 's', seeds: [{ [field]: hv, ctx: '<ctx/>' }] }));
    }
    await attempt(`template.seeds.ctx/${hk}`, () => fx.mc.createTemplate({ name: `c${++n}`, eventType: 'order', subject: 's', seeds: [{ ctx: `<ctx><a>${hv}</a></ctx>` }] }));
    await attempt(`template.seeds.ctx(json)/${hk}`, () => fx.mc.createTemplate({ name: `j${++n}`, eventType: 'order', subject: 's', seeds: [{ ctx: { a: hv } }] }));
    await attempt(`updateTemplate.label/${hk}`, () => fx.mc.updateTemplate('orderConf', { label: hv }));
    for (const field of ['name', 'label', 'url']) {
      const id = 10 + (++n % 240);
      await attempt(`account.${field}/${hk}`, () => fx.mc.addExecutionInstance({ name: `e${id}`, executionInstanceId: id, [field]: hv }));
    }
    await attempt(`updateExecutionInstance.label/${hk}`, () => fx.mc.updateExecutionInstance('exec1', { label: hv }));
    await attempt(`eventType.name/${hk}`, () => fx.mc.addEventType({ name: hv }));
    await attempt(`eventType.label/${hk}`, () => fx.mc.addEventType({ name: `ty${++n}`, label: hv }));
    await attempt(`event.externalId/${hk}`, () => fx.mc.pushEvent(ev({ externalId: hv })));
    await attempt(`event.ctx/${hk}`, () => fx.mc.pushEvent(ev({ ctx: { a: hv } })));
    await attempt(`event.xml/${hk}`, () => fx.mc.pushEvent(xml({ type: 'order', email: 'a@example.com', origin: hv })));
  }
  // Some work, some are refused: names must be internal names, lone surrogates are not text.
  assert.equal(outcomes['template.name/nul'], 'INVALID_ARGUMENT');
  // Labels are text of at most 255 characters: no NUL or other control character.
  assert.equal(outcomes['template.label/nul'], 'INVALID_ARGUMENT');
  assert.equal(outcomes['template.label/megabyte'], 'INVALID_ARGUMENT');
  assert.equal(outcomes['template.label/emoji'], 'ok');
  // Content XML 1.0 cannot carry is refused (every XML export of it would be malformed).
  assert.equal(outcomes['event.ctx/nul'], 'INVALID_EVENT');
  assert.equal(outcomes['event.externalId/controls'], 'INVALID_EVENT');
  assert.equal(outcomes['account.url/emoji'], 'ok');
  // What was accepted survives a reopen, byte for byte.
  const again = await MessageCenter.open({ storage: await restore(createMemoryStorage(), await dump(fx.storage)) });
  assert.deepEqual(again.templates(), fx.mc.templates());
  assert.deepEqual(again.executionInstances(), fx.mc.executionInstances());
  assert.deepEqual(again.eventTypes(), fx.mc.eventTypes());
});

test('error messages stay short when the input is huge', async () => {
  const fx = await fixture();
  const big = 'L'.repeat(1 << 20);
  const calls = {
    createTemplate: () => fx.mc.createTemplate({ name: big }),
    addExecutionInstance: () => fx.mc.addExecutionInstance({ name: big, executionInstanceId: 9 }),
    addEventType: () => fx.mc.addEventType(big),
    publish: () => fx.mc.publish(big),
    'createTemplate eventType': () => fx.mc.createTemplate({ name: 'x', eventType: big }),
    startWorkflow: () => fx.mc.startWorkflow('exec1', big),
    pushEvent: () => fx.mc.pushEvent(ev(), { instance: big }),
  };
  const long = [];
  for (const [what, call] of Object.entries(calls)) {
    let err;
    try {
      await call();
    } catch (e) {
      err = e;
    }
    assert.equal(typeof err?.code, 'string', what);
    if (err.message.length > 10_000) long.push(`${what}: ${err.code}, ${err.message.length} characters`);
  }
  assert.deepEqual(long, [], 'error messages quote at most an excerpt of the input');
});

test('promise-returning methods reject on bad arguments, never throw synchronously', async () => {
  const fx = await fixture();
  const mc = fx.mc;
  const calls = {
    configure: () => mc.configure(null),
    addExecutionInstance: () => mc.addExecutionInstance(null),
    updateExecutionInstance: () => mc.updateExecutionInstance('', {}),
    createArchivingWorkflow: () => mc.createArchivingWorkflow(''),
    denylist: () => mc.denylist('', ''),
    addEventType: () => mc.addEventType(null),
    createTemplate: () => mc.createTemplate(null),
    updateTemplate: () => mc.updateTemplate('', {}),
    deleteTemplate: () => mc.deleteTemplate(''),
    publish: () => mc.publish(''),
    unpublish: () => mc.unpublish(''),
    startWorkflow: () => mc.startWorkflow('', 'x'),
    pauseWorkflow: () => mc.pauseWorkflow('', 'x'),
    stopWorkflow: () => mc.stopWorkflow('', 'x'),
    scheduleWorkflow: () => mc.scheduleWorkflow('', 'x'),
    runWorkflow: () => mc.runWorkflow('', 'x'),
    journal: () => mc.journal('', 'x'),
    listEvents: () => mc.listEvents(null),
    waitForStatus: () => mc.waitForStatus('1', ''),
    getEvent: () => mc.getEvent(1),
    advance: () => mc.advance(-1),
    advanceTo: () => mc.advanceTo('x'),
    pushEvent: () => mc.pushEvent(null),
    pushEvents: () => mc.pushEvents(null),
  };
  const sync = [];
  for (const [what, call] of Object.entries(calls)) {
    let p;
    try {
      p = call();
    } catch (e) {
      sync.push(`${what} (${e.code})`);
      continue;
    }
    assert.ok(p instanceof Promise, what);
    await assert.rejects(p, (e) => typeof e.code === 'string', what);
  }
  assert.deepEqual(sync, [], 'these throw synchronously instead of returning a rejected promise');
  await fx.stillWorks();
});

test('a closed MessageCenter refuses every call with CLOSED', async () => {
  const fx = await fixture();
  await fx.mc.close();
  await assert.rejects(fx.mc.pushEvent(ev()), { code: 'CLOSED', message: 'this MessageCenter is closed' });
  await assert.rejects(fx.mc.getEvent('1'), { code: 'CLOSED' });
  await assert.rejects(fx.mc.advance(1000), { code: 'CLOSED' });
  await assert.rejects(fx.mc.listEvents({ instance: 'exec1' }), { code: 'CLOSED' });
  await assert.rejects(fx.mc.close(), { code: 'CLOSED' });
});

test('enumerations: the console labels of statuses and channels, and test addresses that do what they say', async () => {
  const fx = await fixture();
  const e = fx.mc.enumerations();
  assert.deepEqual(e.statuses.map((s) => s.label), ['Pending', 'Pending delivery', 'Sent', 'Ignored by the delivery', 'Delivery failed', 'Event not taken into account', 'Event expired']);
  assert.deepEqual(e.channels.find((c) => c.name === 'sms'), { name: 'sms', label: 'Mobile (SMS)', code: 1 });
  assert.deepEqual(e.templateChannels.map((c) => c.name), ['email', 'sms', 'mobileApp', 'ios', 'android']);
  assert.deepEqual(e.queues.map((q) => q.label), ['Real time events', 'Batch events']);
  // Each listed email test address is accepted at push, and "hard@" does fail as it says.
  for (const t of e.testAddresses.filter((a) => a.channel === 'email')) await fx.mc.pushEvent({ type: 'order', email: t.address, ctx: {} }, { instance: 'exec1' });
  const hard = e.testAddresses.find((a) => a.address.startsWith('hard@'));
  assert.match(hard.outcome, /Hard bounce/);
  for (const w of ['rtEventsProcessing', 'mta', 'updateEventsStatus']) await fx.mc.startWorkflow('exec1', w).catch(() => {});
  const { id } = await fx.mc.pushEvent({ type: 'order', email: hard.address, ctx: {} }, { instance: 'exec1' });
  assert.equal((await fx.mc.waitForStatus(id, 'deliveryFailed')).status, 'deliveryFailed');
});

test('soap: an envelope as integrators post it, the reply Campaign gives, and faults that push nothing', async () => {
  const fx = await fixture({ config: { maxDocumentBytes: 4096 } });
  const envelope = (email) => `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent"><soapenv:Body>
    <urn:PushEvent><urn:sessiontoken>mc/</urn:sessiontoken><urn:domEvent><rtEvent type="order" email="${email}" wishedChannel="0"><ctx><order number="7"/></ctx></rtEvent></urn:domEvent></urn:PushEvent>
    </soapenv:Body></soapenv:Envelope>`;
  const r = await fx.mc.soap(envelope('ada@example.com'), { instance: 'exec1', soapAction: 'nms:rtEvent#PushEvent' });
  assert.equal(r.status, 200);
  assert.equal(r.events.length, 1);
  assert.ok(r.body.includes(`<plId xsi:type="xsd:long">${r.events[0].id}</plId>`), r.body);
  assert.equal((await fx.mc.getEvent(r.events[0].id)).event.email, 'ada@example.com');

  const before = await dump(fx.storage);
  const bad = await fx.mc.soap(envelope('ada@'), { instance: 'exec1' });
  assert.deepEqual([bad.status, bad.fault.faultcode, bad.fault.code, bad.events], [500, 'SOAP-ENV:Client', 'INVALID_EMAIL', []]);
  assert.match(bad.body, /<SOAP-ENV:Fault>/);
  const big = await fx.mc.soap(envelope('x'.repeat(5000)), { instance: 'exec1' });
  assert.deepEqual([big.status, big.fault.code], [500, 'INPUT_TOO_LARGE']);
  const hostile = await fx.mc.soap('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Envelope><Body>&e;</Body></Envelope>');
  assert.equal(hostile.fault.code, 'XML_DTD_REFUSED');
  assert.deepEqual(await dump(fx.storage), before, 'faults write nothing');
  await assert.rejects(fx.mc.soap({ envelope: 'x' }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(fx.mc.soap('<x/>', { soapAction: 5 }), { code: 'INVALID_ARGUMENT' });
  await fx.stillWorks();
});

test('generate: progress at each step, stopped by a signal between two steps, and a bad spec refused', async () => {
  const fx = await fixture();
  for (const w of ['rtEventsProcessing', 'updateEventsStatus']) await fx.mc.startWorkflow('exec1', w);
  const seen = [];
  const r = await fx.mc.generate({ ratePerHour: 7200, durationMs: 60_000, target: 'exec1' }, { onProgress: (p) => seen.push(p.pushed) });
  assert.deepEqual([r.pushed, r.total, r.done], [120, 120, true]);
  assert.ok(seen.length > 10 && seen.every((n, i) => i === 0 || n >= seen[i - 1]), String(seen));
  assert.equal(fx.mc.countEvents({ instance: 'exec1' }).total, 120);
  const stop = new AbortController();
  const part = await fx.mc.generate({ ratePerHour: 7200, durationMs: 600_000, target: 'exec1' }, { onProgress: (p) => p.pushed >= 30 && stop.abort(), signal: stop.signal });
  assert.equal(part.done, false);
  assert.ok(part.pushed >= 30 && part.pushed < 1200, String(part.pushed));
  assert.equal(fx.mc.countEvents({ instance: 'exec1' }).total, 120 + part.pushed, 'what was pushed before the stop stays');
  const before = await dump(fx.storage);
  await assert.rejects(fx.mc.generate({ ratePerHour: 60, durationMs: 3_600_000, types: ['nope'] }), { code: 'UNKNOWN_EVENT_TYPE' });
  await assert.rejects(fx.mc.generate({ ratePerHour: 'fast', durationMs: 1 }), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(fx.mc.generate(null), { code: 'INVALID_ARGUMENT' });
  assert.deepEqual(await dump(fx.storage), before);
  await fx.stillWorks();
});

test('a call made while a long command runs goes between two of its steps', async () => {
  const { mc } = await fixture();
  for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('exec1', wf);
  const order = [];
  // A day of workflow steps (one transaction each), and a push made just after it started.
  const day = mc.advance(24 * 3_600_000).then((r) => {
    order.push('advance');
    return r;
  });
  const pushed = mc.pushEvent({ type: 'order', email: 'meanwhile@example.com', ctx: {} }, { instance: 'exec1' }).then((r) => {
    order.push('push');
    return r;
  });
  const [adv, ev] = await Promise.all([day, pushed]);
  assert.deepEqual(order, ['push', 'advance'], 'the push did not wait for the whole day');
  assert.ok(adv.steps > 1, `${adv.steps} steps`);
  // Stamped with the clock of the step it went after (the first due one: not the end of the day).
  const story = await mc.getEvent(ev.id);
  assert.ok(story.event.created < adv.now, `${story.event.created} < ${adv.now}`);
  assert.equal(story.event.status, 'sent', 'and routed and sent by the rest of the day');
});

test('MessageCenter.load: in Node the engine is there, onProgress hears it once; a bad option is refused', async () => {
  const heard = [];
  await MessageCenter.load({ onProgress: (p) => heard.push(p) });
  assert.equal(heard.length, 1);
  assert.ok(heard[0].loaded > 1_000_000 && heard[0].loaded === heard[0].total, JSON.stringify(heard));
  await MessageCenter.load();
  await assert.rejects(MessageCenter.load({ onProgress: 'yes' }), { code: 'INVALID_ARGUMENT', message: 'onProgress must be a function' });
  await assert.rejects(MessageCenter.load(null), { code: 'INVALID_ARGUMENT' });
  const mc = await MessageCenter.open();
  await mc.close();
});
