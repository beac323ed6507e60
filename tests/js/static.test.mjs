// Static files as both servers send them (js/server/static.js): `npm start`'s server
// (scripts/serve.mjs) and the service's console. Compression by the client's Accept-Encoding, the
// precompressed files of the build, ETags and 304, and the cache headers of versioned URLs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { serveStatic } from '../../scripts/serve.mjs';
import { contentVersion, negotiateEncoding } from '../../js/server/static.js';
import { startService } from '../../js/server/service.js';

let dir;
let server;
const big = Buffer.from('console.log("a line of a script that compresses well");\n'.repeat(400));

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mc-static-'));
  writeFileSync(join(dir, 'app.js'), big);
  writeFileSync(join(dir, 'tiny.css'), 'p{}');
  writeFileSync(join(dir, 'logo.png'), Buffer.alloc(4096, 7));
  writeFileSync(join(dir, 'pre.js'), big);
  // A precompressed sibling that says which one was sent (its content differs from a fresh gzip).
  writeFileSync(join(dir, 'pre.js.gz'), gzipSync(Buffer.from('the precompressed one')));
  writeFileSync(join(dir, 'stale.js'), big);
  writeFileSync(join(dir, 'stale.js.gz'), gzipSync(Buffer.from('stale')));
  const past = new Date(Date.now() - 60_000);
  utimesSync(join(dir, 'stale.js.gz'), past, past);
  server = await serveStatic(dir);
});

after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A raw request (fetch would decompress and hide the encoding). */
function get(url, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('Accept-Encoding is read with its q-values: brotli first among equals, q=0 refuses', () => {
  assert.equal(negotiateEncoding(undefined), 'identity');
  assert.equal(negotiateEncoding(''), 'identity');
  assert.equal(negotiateEncoding('gzip, deflate, br'), 'br');
  assert.equal(negotiateEncoding('gzip'), 'gzip');
  assert.equal(negotiateEncoding('br;q=0.5, gzip;q=0.8'), 'gzip');
  assert.equal(negotiateEncoding('br;q=0, gzip;q=0'), 'identity');
  assert.equal(negotiateEncoding('*'), 'br');
  assert.equal(negotiateEncoding('*;q=0, gzip'), 'gzip');
  assert.equal(negotiateEncoding('identity'), 'identity');
  assert.equal(negotiateEncoding('BR'), 'br');
  assert.equal(negotiateEncoding('gzip;q=abc'), 'identity', 'a q-value that is not a number is not a preference');
});

test('a compressible file is sent with brotli or gzip as the client asks, and as is otherwise', async () => {
  const br = await get(server.url('/app.js'), { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  assert.equal(Number(br.headers['content-length']), br.body.length);
  assert.ok(br.body.length < big.length / 10, `compressed: ${br.body.length} bytes of ${big.length}`);
  assert.deepEqual(brotliDecompressSync(br.body), big);

  const gz = await get(server.url('/app.js'), { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), big);

  const plain = await get(server.url('/app.js'));
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.deepEqual(plain.body, big);
  assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
});

test('tiny files and images are sent as they are', async () => {
  const tiny = await get(server.url('/tiny.css'), { 'accept-encoding': 'br, gzip' });
  assert.equal(tiny.headers['content-encoding'], undefined);
  assert.equal(tiny.body.toString(), 'p{}');
  const png = await get(server.url('/logo.png'), { 'accept-encoding': 'br, gzip' });
  assert.equal(png.headers['content-encoding'], undefined);
  assert.equal(png.body.length, 4096);
});

test("a fresh precompressed sibling (the build's) is sent as it is; a stale one is not", async () => {
  const pre = await get(server.url('/pre.js'), { 'accept-encoding': 'gzip' });
  assert.equal(pre.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(pre.body).toString(), 'the precompressed one');
  const stale = await get(server.url('/stale.js'), { 'accept-encoding': 'gzip' });
  assert.deepEqual(gunzipSync(stale.body), big, 'older than its file: compressed again from the file');
});

test('an ETag per representation, 304 when the client has it, and a changed file is a new ETag', async () => {
  const first = await get(server.url('/app.js'), { 'accept-encoding': 'br' });
  const etag = first.headers.etag;
  assert.equal(etag, `"${contentVersion(big)}-br"`);
  const plain = await get(server.url('/app.js'));
  assert.equal(plain.headers.etag, `"${contentVersion(big)}"`);
  const again = await get(server.url('/app.js'), { 'accept-encoding': 'br', 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  const weak = await get(server.url('/app.js'), { 'accept-encoding': 'br', 'if-none-match': `"other", W/${etag}` });
  assert.equal(weak.status, 304, 'a list, and a weak form of the same tag');
  const other = await get(server.url('/app.js'), { 'accept-encoding': 'gzip', 'if-none-match': etag });
  assert.equal(other.status, 200, 'the brotli tag does not match the gzip representation');

  writeFileSync(join(dir, 'changing.js'), big);
  const before = await get(server.url('/changing.js'));
  const changed = Buffer.concat([big, Buffer.from('// changed\n')]);
  writeFileSync(join(dir, 'changing.js'), changed);
  const future = new Date(Date.now() + 5_000);
  utimesSync(join(dir, 'changing.js'), future, future);
  const after = await get(server.url('/changing.js'), { 'if-none-match': before.headers.etag });
  assert.equal(after.status, 200);
  assert.deepEqual(after.body, changed);
});

test('a URL carrying the file\'s version may be kept a year; anything else is revalidated', async () => {
  const v = contentVersion(big);
  const versioned = await get(server.url(`/app.js?v=${v}`));
  assert.equal(versioned.headers['cache-control'], 'public, max-age=31536000, immutable');
  const unversioned = await get(server.url('/app.js'));
  assert.equal(unversioned.headers['cache-control'], 'no-cache');
  const wrong = await get(server.url('/app.js?v=0123456789abcdef'));
  assert.equal(wrong.headers['cache-control'], 'no-cache', 'a version that is not the file\'s own pins nothing');
});

test('HEAD has the headers of GET and no body; other methods, paths out of the root and missing files are refused', async () => {
  const head = await get(server.url('/app.js'), { 'accept-encoding': 'br' }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'br');
  assert.ok(Number(head.headers['content-length']) > 0);
  assert.equal(head.body.length, 0);
  assert.equal((await get(server.url('/app.js'), {}, 'POST')).status, 405);
  assert.equal((await get(`${server.origin}/..%2f..%2fetc%2fpasswd`)).status, 403);
  assert.equal((await get(server.url('/nothing.js'))).status, 404);
  assert.equal((await get(`${server.origin}/%E0%A4%A`)).status, 400);
});

test("the service's console is compressed and cached the same way, and takes only GET and HEAD", async (t) => {
  const svc = await startService({ port: 0, clock: 'virtual' });
  t.after(() => svc.close());
  const page = await get(`${svc.url}/console/dist/app.js`, { 'accept-encoding': 'br, gzip' });
  assert.equal(page.status, 200, 'the console is built (npm test builds it before the tests)');
  assert.equal(page.headers['content-encoding'], 'br');
  assert.equal(page.headers['cache-control'], 'no-cache');
  const again = await get(`${svc.url}/console/dist/app.js`, { 'accept-encoding': 'br, gzip', 'if-none-match': page.headers.etag });
  assert.equal(again.status, 304);
  const head = await get(`${svc.url}/console/`, {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal((await get(`${svc.url}/console/`, {}, 'POST')).status, 405);
});
