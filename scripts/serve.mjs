// A small static file server (GET and HEAD, no listings, paths cannot leave the root, nothing
// cached): `npm start` serves www/ with it, and the browser tests serve the repository.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves `root` on `host:port` (port 0: one the system picks; a port in use: the next free one,
 * unless `strictPort`).
 *
 * @param {string} root
 * @param {{ host?: string, port?: number, strictPort?: boolean }} [options]
 * @returns {Promise<{ origin: string, url: (path: string) => string, close: () => Promise<void> }>}
 */
export async function serveStatic(root, { host = '127.0.0.1', port = 0, strictPort = false } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (/** @type {number} */ status, /** @type {string} */ text) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      let file = resolve(join(base, decodeURIComponent(pathname)));
      if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(404, `not found: ${pathname}`);
      res.writeHead(200, {
        'content-type': MIME[/** @type {keyof typeof MIME} */ (extname(file).toLowerCase())] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      send(err instanceof URIError ? 400 : 500, String(err));
    }
  });
  for (let p = port, tries = 0; ; p++, tries++) {
    try {
      await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(p, host, () => {
          server.off('error', fail);
          ok(undefined);
        });
      });
      break;
    } catch (e) {
      if (e.code !== 'EADDRINUSE' || strictPort || port === 0 || tries >= 20) throw e;
    }
  }
  const { port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  return {
    origin,
    url: (path) => new URL(path, origin + '/').href,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}
