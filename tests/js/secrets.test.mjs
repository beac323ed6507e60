// Secrets (issue 15, item 3) through the package: passwords stored as scrypt hashes that Node's
// own crypto.scrypt reproduces, no secret or live session in a store in clear nor in a snapshot
// (`records()`), a restored snapshot keeping the target's operators (`recordsToRestore`), an
// operator with only a bearer token unable to log on with an empty password, and a store of
// storage format 2 (secrets and sessions in clear) migrated in place at open.

import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MessageCenter, createMemoryStorage } from '../../js/node.js';
import { dump, restore } from './helpers.mjs';

const logon = (login, password) =>
  `<Envelope><Body><Logon xmlns="urn:xtk:session"><sessiontoken/><login>${login}</login><password>${password}</password></Logon></Body></Envelope>`;
const between = (s, a, b) => s.slice(s.indexOf(a) + a.length, s.indexOf(b, s.indexOf(a) + a.length));
const caller = (remote = '127.0.0.1') => ({ remote, entropy: randomBytes(32).toString('hex') });

const operators = [
  { login: 'admin', allowEmptyPassword: true },
  { login: 'mc', password: 's3cret', bearerToken: 'ims-technical-account-token-1' },
  { login: 'ims', bearerToken: 'a-bearer-only-operator-token' },
];

/** The operators as stored (m/settings is JSON: seed and config). */
async function storedOperators(storage) {
  const [settings] = await storage.get(['m/settings']);
  return JSON.parse(settings).config.operators;
}

test("a password hash the core made is Node's crypto.scrypt of the password, and one Node made logs on", async () => {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, seed: 1, config: { operators } });
  const mcOp = (await storedOperators(storage)).find((o) => o.login === 'mc');
  assert.equal(mcOp.password, undefined);
  const m = /^scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(mcOp.passwordHash);
  assert.ok(m, mcOp.passwordHash);
  const [ln, r, p] = m.slice(1, 4).map(Number);
  const [salt, hash] = [Buffer.from(m[4], 'base64'), Buffer.from(m[5], 'base64')];
  assert.deepEqual([ln, r, p, salt.length, hash.length], [14, 8, 1, 16, 32]);
  // Node's defaults (maxmem 32 MiB) take these parameters as they are.
  assert.deepEqual(scryptSync('s3cret', salt, hash.length, { N: 2 ** ln, r, p }), hash);
  assert.notDeepEqual(scryptSync('s3cre', salt, hash.length, { N: 2 ** ln, r, p }), hash);
  assert.equal(mc.authenticate({ remote: '203.0.113.7' }, 'mc/s3cret'), 'mc');

  // A hash made by Node, given ready-made (`passwordHash`), with other parameters.
  const nodeSalt = randomBytes(16);
  const nodeHash = scryptSync('from-node', nodeSalt, 32, { N: 2 ** 12, r: 8, p: 2 });
  await mc.configure({ operators: [{ login: 'ops', passwordHash: `scrypt$ln=12,r=8,p=2$${nodeSalt.toString('base64')}$${nodeHash.toString('base64')}` }] });
  assert.equal(mc.authenticate({ remote: '203.0.113.7' }, 'ops/from-node'), 'ops');
  assert.throws(() => mc.authenticate({ remote: '203.0.113.7' }, 'ops/from-nod'), { code: 'ACCESS_DENIED' });
  await mc.close();
});

test('no secret and no live session in clear in the store; a snapshot holds neither, nor their hashes', async () => {
  const storage = createMemoryStorage();
  const mc = await MessageCenter.open({ storage, seed: 1, config: { operators } });
  const r = await mc.soap(logon('mc', 's3cret'), { caller: caller('203.0.113.7') });
  assert.equal(r.status, 200, r.body);
  const session = between(r.body, '<pstrSessionToken xsi:type="xsd:string">', '<');
  const security = between(r.body, '<pstrSecurityToken xsi:type="xsd:string">', '<');
  assert.equal(mc.authenticate({ remote: '203.0.113.7', sessionToken: session, securityToken: security }, ''), 'mc');
  const secrets = ['s3cret', 'ims-technical-account-token-1', 'a-bearer-only-operator-token', session, security];
  const stored = JSON.stringify(await dump(storage));
  for (const s of secrets) assert.ok(!stored.includes(s), `${s} is stored in clear`);
  assert.ok(stored.includes('m/sess/'), 'the session is stored, by its hash');

  const snapshot = [];
  const n = await mc.records((rows) => snapshot.push(...rows), { chunk: 7 });
  assert.equal(n, snapshot.length);
  const text = JSON.stringify(snapshot);
  for (const s of [...secrets, 'scrypt$', 'sha256$']) assert.ok(!text.includes(s), `${s} is in the snapshot`);
  assert.ok(!snapshot.some(([k]) => k.startsWith('m/sess')), 'no session');
  assert.equal(snapshot.length, (await dump(storage)).length - 1, 'every other record');
  const [, settings] = snapshot.find(([k]) => k === 'm/settings');
  assert.deepEqual(JSON.parse(settings).config.operators, [{ login: 'admin', allowEmptyPassword: true }, { login: 'mc' }, { login: 'ims' }]);

  // Restored into another Message Center: it keeps its own operators.
  const targetStorage = createMemoryStorage();
  const target = await MessageCenter.open({ storage: targetStorage, seed: 2, config: { operators: [{ login: 'ops', password: 't4rget' }] } });
  const records = target.recordsToRestore(snapshot);
  await target.close();
  const restored = await MessageCenter.open({ storage: await restore(createMemoryStorage(), records) });
  assert.equal(restored.settings().seed, '1', "the snapshot's store");
  assert.equal(restored.authenticate({ remote: '203.0.113.7' }, 'ops/t4rget'), 'ops');
  assert.throws(() => restored.authenticate({ remote: '203.0.113.7' }, 'mc/s3cret'), { code: 'ACCESS_DENIED' });
  assert.throws(() => restored.authenticate({ remote: '127.0.0.1' }, 'admin/'), { code: 'ACCESS_DENIED' });
  assert.throws(() => restored.authenticate({ remote: '203.0.113.7', sessionToken: session, securityToken: security }, ''), { code: 'SESSION_INVALID' });
  assert.throws(() => target.recordsToRestore([['k']]), { code: 'INVALID_ARGUMENT' });
  await restored.close();
  await mc.close();
});

test('an operator with only a bearer token cannot log on with an empty password, even from loopback', async () => {
  const mc = await MessageCenter.open({ seed: 1, config: { operators } });
  const loopback = { remote: '127.0.0.1' };
  assert.equal(mc.authenticate(loopback, 'admin/'), 'admin');
  assert.throws(() => mc.authenticate(loopback, 'ims/'), { code: 'ACCESS_DENIED' });
  assert.throws(() => mc.authenticate({ ...loopback, sessionToken: 'ims/' }, ''), { code: 'ACCESS_DENIED' });
  assert.equal(mc.authenticate({ ...loopback, authorization: 'Bearer a-bearer-only-operator-token' }, ''), 'ims');
  const r = await mc.soap(logon('ims', ''), { caller: caller() });
  assert.equal(r.fault?.code, 'ACCESS_DENIED', r.body);
  await assert.rejects(mc.configure({ operators: [{ login: 'admin', password: '' }] }), { code: 'INVALID_ARGUMENT', message: /allowEmptyPassword/ });
  // settings() shows the hashes redacted; given back, they keep the hashes.
  const shown = mc.settings().config.operators;
  assert.deepEqual(shown[1], { login: 'mc', passwordHash: '********', bearerTokenHash: '********' });
  await mc.configure({ operators: shown });
  assert.equal(mc.authenticate({ remote: '203.0.113.7' }, 'mc/s3cret'), 'mc');
  await mc.close();
});

test('a store of storage format 2 is migrated in place at open: secrets hashed, its live sessions kept', async () => {
  const fixture = JSON.parse(readFileSync(new URL('../fixtures/format2-store.json', import.meta.url), 'utf8'));
  const storage = await restore(createMemoryStorage(), fixture.entries);
  assert.deepEqual(await storage.get(['m/format', 'm/sessions']).then((v) => v.map((x) => x !== undefined)), [true, true]);
  const mc = await MessageCenter.open({ storage });
  const stored = await dump(storage);
  assert.deepEqual(await storage.get(['m/format']), ['message-center/4']);
  assert.equal((await storage.get(['m/sessions']))[0], undefined);
  const text = JSON.stringify(stored);
  for (const s of ['s3cret', 'ims-technical-account-token-1', 'a-bearer-only-operator-token', '___01234567-89ab-4def-8123-456789abcdef', '@00112233445566778899aabbccddeeff==']) {
    assert.ok(!text.includes(s), `${s} is still in clear`);
  }
  const far = { remote: '203.0.113.7' };
  assert.equal(mc.authenticate({ ...far, sessionToken: '___01234567-89ab-4def-8123-456789abcdef', securityToken: '@00112233445566778899aabbccddeeff==' }, ''), 'mc');
  assert.equal(mc.authenticate(far, 'mc/s3cret'), 'mc');
  assert.equal(mc.authenticate({ remote: '::1' }, 'admin/'), 'admin');
  assert.throws(() => mc.authenticate({ remote: '::1' }, 'ims/'), { code: 'ACCESS_DENIED' });
  assert.equal((await mc.listEvents({ instance: 'exec1' })).events.length, 1, 'its events are there');
  await mc.close();
});
