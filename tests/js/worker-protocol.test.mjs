// The protocol between the browser app's page and its engine worker is declared once
// (www/src/protocol.js): the worker sends every message through its constructors, the page calls
// through them and handles every event it names, and no side spells a message shape of its own.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { EVENTS, callMessage, errMessage, eventMessage, isReply, okMessage } from '../../www/src/protocol.js';

const src = (f) => readFileSync(new URL(`../../www/src/${f}`, import.meta.url), 'utf8');
const worker = src('worker.js');
const page = src('engine.js') + src('sandboxes.js');

test('the messages are built by the protocol module', () => {
  assert.deepEqual(callMessage(3, 'mc', { method: 'now', args: [] }), { id: 3, call: 'mc', params: { method: 'now', args: [] } });
  assert.deepEqual(callMessage(0, 'closeSandbox'), { id: 0, call: 'closeSandbox', params: {} });
  assert.deepEqual(okMessage(3, undefined), { re: 3, ok: null });
  assert.deepEqual(errMessage(3, { code: 'X', message: 'm' }), { re: 3, err: { code: 'X', message: 'm' } });
  assert.ok(isReply(okMessage(0, 1)) && !isReply(eventMessage(EVENTS.ready)));
  assert.deepEqual(eventMessage(EVENTS.progress, { job: 'j', done: 2 }), { event: 'progress', job: 'j', done: 2 });
  assert.throws(() => eventMessage('chnaged'), /no worker event chnaged/);
});

test('the worker sends only through the protocol, and sends every event it declares', () => {
  const posts = [...worker.matchAll(/\bpost\(([^\n]*)/g)].map((m) => m[1]).filter((p) => !p.startsWith('m)'));
  assert.ok(posts.length >= 10, `the worker's posts were found (${posts.length})`);
  assert.deepEqual(posts.filter((p) => !/^(eventMessage\(EVENTS\.\w+|okMessage\(|errMessage\()/.test(p)), [], 'a message built by hand');
  assert.doesNotMatch(worker, /event: '/);
  const sent = new Set([...worker.matchAll(/EVENTS\.(\w+)/g)].map((m) => m[1]));
  assert.deepEqual([...sent].sort(), Object.keys(EVENTS).sort());
});

test('the page calls through the protocol and handles every event', () => {
  assert.doesNotMatch(page, /postMessage\(\{/, 'a call built by hand');
  assert.doesNotMatch(page, /case '\w+':|event === '/, 'an event named by hand');
  const handled = new Set([...page.matchAll(/EVENTS\.(\w+)/g)].map((m) => m[1]));
  assert.deepEqual([...handled].sort(), Object.keys(EVENTS).sort());
});
