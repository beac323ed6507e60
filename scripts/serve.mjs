// A small static file server (GET and HEAD, no listings, paths cannot leave the root), compressed
// and cached as js/server/static.js says: `npm start` serves www/ with it, and the browser tests
// serve the repository.

import { createServer } from 'node:http';
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { createStaticSender } from '../js/server/static.js';

/**
 * Serves `root` on `host:port` (port 0: one the system picks; a port in use: the next free one,
 * unless `strictPort`).
 *
 * `onRequest` hears of every request and its response (the tests and the benchmark count what
 * reaches the server and what it sends).
 *
 * @param {string} root
 * @param {{ host?: string, port?: number, strictPort?: boolean, onRequest?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void }} [options]
 * @returns {Promise<{ origin: string, url: (path: string) => string, close: () => Promise<void> }>}
 */
export async function serveStatic(root, { host = '127.0.0.1', port = 0, strictPort = false, onRequest } = {}) {
  const base = resolve(root);
  const sendFile = createStaticSender();
  const server = createServer(async (req, res) => {
    onRequest?.(req, res);
    const send = (/** @type {number} */ status, /** @type {string} */ text) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      let file = resolve(join(base, decodeURIComponent(pathname)));
      if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden');
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      if (!(await sendFile(req, res, file))) return send(404, `not found: ${pathname}`);
    } catch (err) {
      if (!res.headersSent) send(err instanceof URIError ? 400 : 500, String(err));
      else res.destroy();
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
