// The service's two tables, checked against what they describe: the HTTP status of every error
// code the engine and the shell can raise, and the console's access to every public method of
// MessageCenter (callable with a kind, or refused with a reason), so that a new code or method
// cannot be forgotten.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MessageCenter } from '../../js/node.js';
import { CONSOLE_METHODS, CONSOLE_REFUSED, consoleMethod } from '../../js/server/console-methods.js';
import { CORE_METHODS } from '../../js/methods.generated.js';
import { httpStatus, statusOf, useCoreStatuses } from '../../js/server/errors.js';
import { startService } from '../../js/server/service.js';

/** The members of a string-literal union type in a declaration file. */
function union(file, type) {
  const text = readFileSync(fileURLToPath(new URL(`../../js/${file}`, import.meta.url)), 'utf8');
  const m = new RegExp(`export type ${type} =([^;]+);`).exec(text);
  assert.ok(m, `${type} in ${file}`);
  return [...m[1].matchAll(/'([A-Z_]+)'/g)].map((x) => x[1]);
}

test('every ErrorCode (the core’s and the shell’s) has an HTTP status; the core’s are the core’s', async () => {
  const mc = await MessageCenter.open();
  const table = mc.enumerations().errorCodes;
  await mc.close();
  const core = union('generated.d.ts', 'CoreErrorCode');
  assert.deepEqual(table.map((e) => e.code), core, 'the core gives a status for each of its codes');
  useCoreStatuses(table);
  const codes = [...core, ...union('index.d.ts', 'ShellErrorCode')];
  assert.ok(codes.length > 40);
  for (const code of codes) {
    assert.ok(Number.isInteger(httpStatus(code)) && httpStatus(code) >= 400 && httpStatus(code) < 600, `${code} has no status`);
  }
  for (const { code, httpStatus: s } of table) assert.equal(httpStatus(code), s, `${code}: the core's status`);
  // The malformed-input codes are the client's fault.
  for (const code of ['MALFORMED_XML', 'XML_DTD_REFUSED', 'INVALID_JSON', 'INVALID_EVENT', 'TEMPLATE_RENDER']) assert.equal(httpStatus(code), 400, code);
  for (const code of ['STORAGE_CORRUPT', 'STORAGE_FAILED', 'INTERNAL']) assert.equal(httpStatus(code), 500, code);
  // An error's own status wins; an unknown code is a 500.
  assert.equal(statusOf(Object.assign(new Error('x'), { code: 'MALFORMED_XML', status: 413 })), 413);
  assert.equal(statusOf(Object.assign(new Error('x'), { code: 'NO_SUCH_CODE' })), 500);
  assert.equal(statusOf(Object.assign(new Error('x'), { code: 'toString' })), 500);
  assert.equal(statusOf(new Error('x')), 500);
});

test('every public method of MessageCenter is either callable from the console, with its kind, or refused', () => {
  const methods = Object.getOwnPropertyNames(MessageCenter.prototype).filter((m) => m !== 'constructor' && typeof MessageCenter.prototype[m] === 'function');
  const statics = Object.getOwnPropertyNames(MessageCenter).filter((m) => typeof MessageCenter[m] === 'function');
  assert.ok(methods.includes('pushEvent') && statics.includes('open'));
  for (const m of [...methods, ...statics]) {
    const callable = Object.hasOwn(CONSOLE_METHODS, m);
    const refused = Object.hasOwn(CONSOLE_REFUSED, m);
    assert.ok(callable !== refused, `${m} must be in exactly one of CONSOLE_METHODS and CONSOLE_REFUSED`);
    if (callable) assert.ok(['read', 'mutating', 'clock'].includes(CONSOLE_METHODS[m]), `${m}: kind ${CONSOLE_METHODS[m]}`);
    else assert.ok(typeof CONSOLE_REFUSED[m] === 'string' && CONSOLE_REFUSED[m].length > 0, `${m}: a reason`);
  }
  // Every method built on the core is in the core's table, and the table names no method the class
  // does not have (js/methods.generated.js, from src/ops/methods.rs).
  for (const m of Object.keys(CORE_METHODS)) assert.ok(methods.includes(m) || statics.includes(m), `CORE_METHODS names ${m}, not a method of MessageCenter`);
  const shellOnly = [...methods, ...statics].filter((m) => !Object.hasOwn(CORE_METHODS, m)).sort();
  assert.deepEqual(shellOnly, ['close', 'load'], 'only loading the engine and closing are the shell\'s own');
  // Nothing listed that the class does not have.
  for (const m of [...Object.keys(CONSOLE_METHODS), ...Object.keys(CONSOLE_REFUSED)]) assert.ok(methods.includes(m) || statics.includes(m), `${m} is not a method of MessageCenter`);
  // The clock moves by hand only when it is virtual.
  assert.equal(consoleMethod('advance', { virtual: false }), null);
  assert.equal(consoleMethod('advance', { virtual: true }), 'clock');
  assert.equal(consoleMethod('close', { virtual: true }), null);
  assert.equal(consoleMethod('toString', { virtual: true }), null);
  assert.equal(consoleMethod('__proto__', { virtual: true }), null);
});

let svc;
before(async () => {
  svc = await startService({ port: 0, clock: 'virtual', topology: { eventTypes: ['order'] } });
});
after(() => svc.close());

test('/__mc/api follows the table: reads and mutations answer, refused methods are 400 naming the reason', async () => {
  const api = async (method, args = []) => {
    const r = await fetch(`${svc.url}/__mc/api`, { method: 'POST', body: JSON.stringify({ method, args }) });
    return { status: r.status, body: await r.json() };
  };
  for (const m of ['settings', 'now', 'ping', 'enumerations', 'workflows']) assert.equal((await api(m)).status, 200, m);
  assert.equal((await api('advance', [1000])).status, 200, 'a virtual clock moves by hand');
  for (const m of Object.keys(CONSOLE_REFUSED)) {
    const r = await api(m);
    assert.equal(r.status, 400, m);
    assert.equal(r.body.error.code, 'INVALID_ARGUMENT');
  }
});

test('a refused restore is 400 for the snapshot’s faults only; the others keep their own status', async () => {
  const { snapshotRefusal } = await import('../../js/server/admin.js');
  const mc = await MessageCenter.open();
  useCoreStatuses(mc.enumerations().errorCodes);
  await mc.close();
  const err = (code) => Object.assign(new Error(code), { code });
  for (const code of ['INVALID_ARGUMENT', 'STORAGE_FORMAT', 'STORAGE_CORRUPT']) assert.equal(statusOf(snapshotRefusal(err(code))), 400, code);
  for (const code of ['INTERNAL', 'STORAGE_FAILED', 'CLOSED', 'STORAGE_LOCKED']) assert.equal(statusOf(snapshotRefusal(err(code))), httpStatus(code), code);
  assert.equal(statusOf(snapshotRefusal(err('INTERNAL'))), 500);
  assert.equal(statusOf(snapshotRefusal(new Error('no code'))), 500);
});

test('TOO_MANY_FAILED_LOGONS is the service’s own refusal: 429', () => {
  assert.equal(httpStatus('TOO_MANY_FAILED_LOGONS'), 429);
});
