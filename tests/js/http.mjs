// Node-only helper of the service tests: one HTTP request with exactly the headers given (fetch
// sets Host itself and refuses some headers; the service's Host checks need them as a page or a
// proxy would send them), the body as bytes or text, the answer read whole.

import { request } from 'node:http';

/**
 * @param {string} base the service's URL (`http://127.0.0.1:<port>`)
 * @param {string} path
 * @param {{ method?: string, headers?: Record<string, string>, body?: string | Uint8Array, localAddress?: string }} [options]
 *   `localAddress`: the client's end of the socket (another loopback address, 127.0.0.2, is
 *   another peer to the service)
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: string, bytes: Buffer }>}
 */
export function raw(base, path, { method = 'GET', headers = {}, body, localAddress } = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, localAddress, headers: { host: u.host, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The body of a JSON answer (`{}` when it is not JSON). */
export function jsonOf(r) {
  try {
    return JSON.parse(r.body);
  } catch {
    return {};
  }
}
