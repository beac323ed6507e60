// The checks a request passes before its route's handler: small functions of the request's
// context that throw a refusal (`httpError`) or return. The route table (routes.js) names which
// route takes which.
//
// Who is calling, as far as this process can tell: the socket's peer, or, behind a proxy the
// configuration trusts (`trustedProxy`), the client that proxy names (the last hop of
// X-Forwarded-For, else of Forwarded's `for=`, else X-Real-IP), and the host it was asked for
// (X-Forwarded-Host, else Forwarded's `host=`, else Host).

import { isIP } from 'node:net';
import { httpError } from './errors.js';

/** The names of this host that no page of another site can rebind to. */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The headers a proxy adds to tell of the client it forwards for. */
const FORWARDING = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];

/** Whether a remote address is loopback (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
export function isLoopback(addr = '') {
  return addr === '::1' || /^(::ffff:)?127\./.test(addr);
}

/** The last value of a header that may come several times or as a list (`a, b`). */
function lastOf(value) {
  const v = Array.isArray(value) ? value.join(',') : value;
  if (typeof v !== 'string') return undefined;
  const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
  return parts.at(-1);
}

/** The last `name=` of a Forwarded header (RFC 7239), unquoted. */
function forwardedParam(value, name) {
  const v = Array.isArray(value) ? value.join(',') : value;
  if (typeof v !== 'string') return undefined;
  let found;
  for (const element of v.split(',')) {
    for (const pair of element.split(';')) {
      const [k, ...rest] = pair.split('=');
      if (k.trim().toLowerCase() === name) found = rest.join('=').trim().replace(/^"(.*)"$/, '$1');
    }
  }
  return found;
}

/** An address as a proxy writes it, without its port or brackets (`[::1]:80` → `::1`). */
function bareAddress(a) {
  if (a === undefined) return undefined;
  const v6 = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (v6) return v6[1];
  const v4 = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(a);
  return v4 ? v4[1] : a;
}

/**
 * Who sent a request: `{ address, host, forwarded }`: the client's address and the Host it asked
 * for (the proxy's word for both when `trustedProxy`), and whether a forwarding header is there.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ trustedProxy?: boolean }} o
 */
export function clientOf(req, o) {
  const h = req.headers;
  const forwarded = FORWARDING.some((name) => h[name] !== undefined);
  const peer = req.socket.remoteAddress ?? '';
  if (!forwarded || !o.trustedProxy) return { address: peer, host: h.host, forwarded };
  const address = bareAddress(lastOf(h['x-forwarded-for']) ?? forwardedParam(h.forwarded, 'for') ?? lastOf(h['x-real-ip'])) ?? peer;
  const host = lastOf(h['x-forwarded-host']) ?? forwardedParam(h.forwarded, 'host') ?? h.host;
  return { address, host, forwarded };
}

/** The name in a Host header, lower case, without its port (`[::1]` keeps its brackets). */
function hostName(host) {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d*$/, '');
}

/**
 * Whether a Host names this service in a way no other site's page can: a loopback name, an IP
 * address (DNS rebinding needs a name), or a name the configuration lists (`allowedHosts`). No
 * Host at all (HTTP/1.0) is no browser's.
 * @param {string | undefined} host
 * @param {{ allowedHosts?: string[] }} o
 */
export function isOwnHost(host, o) {
  if (host === undefined) return true;
  const name = hostName(host);
  if (LOOPBACK_NAMES.has(name) || isIP(name) !== 0 || (name.startsWith('[') && isIP(name.slice(1, -1)) === 6)) return true;
  return (o.allowedHosts ?? []).some((a) => hostName(String(a)) === name);
}

/**
 * Whether a request with an Origin comes from the console this service serves: its Origin is the
 * service's own, under a Host that passes `isOwnHost`.
 */
function sameOriginConsole(req, o) {
  const { host } = clientOf(req, o);
  return host !== undefined && isOwnHost(host, o) && req.headers.origin === `http://${host}`;
}

/**
 * Every route: requests from web pages (an `Origin` header; Campaign's clients send none) are
 * refused unless `allowOrigin`, but for the console's own calls.
 * @param {{ req: import('node:http').IncomingMessage, o: any }} ctx
 */
export function refuseWebPages({ req, o }) {
  if (req.headers.origin !== undefined && !o.allowOrigin && !sameOriginConsole(req, o)) {
    throw httpError(403, 'FORBIDDEN_ORIGIN', 'requests from web pages (an Origin header) are refused: start the service with allowOrigin to accept them');
  }
}

/**
 * The admin API, the console and its stream: for this host only. A forwarded request is refused
 * unless the proxy is trusted (then the client it names counts); the client must be loopback
 * (unless `adminAnywhere`), and the Host one that `isOwnHost` accepts (DNS rebinding: a page whose
 * name now points at 127.0.0.1 sends its own name as Host, and no Origin on a same-origin GET).
 * @param {{ req: import('node:http').IncomingMessage, o: any }} ctx
 */
export function localOnly({ req, o }) {
  const client = clientOf(req, o);
  if (client.forwarded && !o.trustedProxy) {
    throw httpError(403, 'FORBIDDEN_FORWARDED', `a proxy forwarded this request (${FORWARDING.filter((n) => req.headers[n] !== undefined).join(', ')}): the admin endpoints and the console answer this host only (set trustedProxy if the proxy is yours)`);
  }
  if (!o.adminAnywhere && !isLoopback(client.address)) throw httpError(403, 'FORBIDDEN', 'the admin endpoints answer loopback only (set adminAnywhere to open them)');
  if (!isOwnHost(client.host, o)) {
    throw httpError(403, 'FORBIDDEN_HOST', `the Host ${JSON.stringify(String(client.host).slice(0, 100))} is not this service's: the admin endpoints and the console answer a loopback name, an IP address or a name of allowedHosts`);
  }
}

/**
 * The caller of the SOAP router, the REST facade and the storage lending, as the engine
 * authenticates it (its trusted ranges judge `remote`).
 * @param {{ req: import('node:http').IncomingMessage, o: any }} ctx
 */
export function callerOf({ req, o }) {
  return { remote: clientOf(req, o).address, cookie: req.headers.cookie ?? null, authorization: req.headers.authorization ?? null };
}
