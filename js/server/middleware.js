// The checks a request passes before its route's handler: small functions of the request's
// context that throw a refusal (`httpError`) or return. The route table (router.js) names which
// route takes which.
//
// Who is calling, as far as this process can tell: the socket's peer, or, when that peer is a
// proxy the configuration trusts (`trustedProxy`: loopback proxies, or a list of addresses and
// CIDR ranges), the client that proxy names (the last hop of X-Forwarded-For, else of Forwarded's
// `for=`, else X-Real-IP), and the host it was asked for (X-Forwarded-Host, else Forwarded's
// `host=`, else Host). Forwarding headers from any other peer are its own words, never believed.

import { BlockList, isIP } from 'node:net';
import { mcError } from '../node.js';
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

/** An address without the IPv4-mapped prefix (`::ffff:10.0.0.1` → `10.0.0.1`). */
function unmapped(addr) {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(addr) ? addr.slice(7) : addr;
}

/**
 * The proxies the configuration trusts, as a predicate of the socket's peer: none (`false`),
 * loopback (`true`: a proxy on this host), or a list of addresses and CIDR ranges (`10.0.0.5`,
 * `10.0.0.0/8`, `2001:db8::/32`; loopback only when listed). Throws INVALID_ARGUMENT on anything
 * else, at start.
 * @param {boolean | string[]} trustedProxy
 * @returns {(peer: string) => boolean}
 */
export function proxyPredicate(trustedProxy) {
  if (trustedProxy === false || trustedProxy === undefined || trustedProxy === null) return () => false;
  if (trustedProxy === true) return isLoopback;
  const bad = (m) => mcError('INVALID_ARGUMENT', `trustedProxy must be true, false or a list of addresses and CIDR ranges: ${m}`);
  if (!Array.isArray(trustedProxy)) throw bad(`got ${JSON.stringify(trustedProxy)}`);
  const list = new BlockList();
  for (const entry of trustedProxy) {
    if (typeof entry !== 'string') throw bad(`${JSON.stringify(entry)} is not a string`);
    const [addr, prefix, ...rest] = entry.trim().split('/');
    const a = unmapped(addr);
    const family = isIP(a);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (family === 0 || rest.length || !(bits >= 0 && bits <= (family === 6 ? 128 : 32))) throw bad(`${JSON.stringify(entry)} is not an address or a CIDR range`);
    list.addSubnet(a, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return (peer) => {
    const a = unmapped(peer);
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The predicate of `o.trustedProxy`, made once per options object. */
const proxies = new WeakMap();
function isTrustedProxy(o, peer) {
  let p = proxies.get(o);
  if (!p) proxies.set(o, (p = proxyPredicate(o.trustedProxy)));
  return p(peer);
}

/**
 * Who sent a request: `{ address, host, forwarded, proxied }`: the client's address and the Host
 * it asked for (the proxy's word for both when the peer is a trusted proxy: `proxied`), and
 * whether a forwarding header is there.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ trustedProxy?: boolean | string[] }} o
 */
export function clientOf(req, o) {
  const h = req.headers;
  const forwarded = FORWARDING.some((name) => h[name] !== undefined);
  const peer = req.socket.remoteAddress ?? '';
  if (!forwarded || !isTrustedProxy(o, peer)) return { address: peer, host: h.host, forwarded, proxied: false };
  const address = bareAddress(lastOf(h['x-forwarded-for']) ?? forwardedParam(h.forwarded, 'for') ?? lastOf(h['x-real-ip'])) ?? peer;
  const host = lastOf(h['x-forwarded-host']) ?? forwardedParam(h.forwarded, 'host') ?? h.host;
  return { address, host, forwarded, proxied: true };
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
 * unless its peer is a trusted proxy (then the client it names counts); the client must be
 * loopback (unless `adminAnywhere`), and the Host one that `isOwnHost` accepts (DNS rebinding: a
 * page whose name now points at 127.0.0.1 sends its own name as Host, and no Origin on a
 * same-origin GET).
 * @param {{ req: import('node:http').IncomingMessage, o: any }} ctx
 */
export function localOnly({ req, o }) {
  const client = clientOf(req, o);
  if (client.forwarded && !client.proxied) {
    throw httpError(403, 'FORBIDDEN_FORWARDED', `a proxy forwarded this request (${FORWARDING.filter((n) => req.headers[n] !== undefined).join(', ')}) and it is not one that trustedProxy names: the admin endpoints and the console answer this host only`);
  }
  if (!o.adminAnywhere && !isLoopback(client.address)) throw httpError(403, 'FORBIDDEN', 'the admin endpoints answer loopback only (set adminAnywhere to open them)');
  if (!isOwnHost(client.host, o)) {
    throw httpError(403, 'FORBIDDEN_HOST', `the Host ${JSON.stringify(String(client.host).slice(0, 100))} is not this service's: the admin endpoints and the console answer a loopback name, an IP address or a name of allowedHosts`);
  }
}

/**
 * What the engine is told of a caller whose request named a Host that is not the service's own:
 * no address, so that no trusted range holds it (a page whose name rebinds to 127.0.0.1 is on
 * loopback, but an operator's empty password is for this host's own clients).
 */
export const FOREIGN_HOST_REMOTE = 'a foreign Host';

/**
 * The caller of the SOAP router, the REST facade and the storage lending, as the engine
 * authenticates it (its trusted ranges judge `remote`): the client's address, or none under a
 * Host that `isOwnHost` refuses.
 * @param {{ req: import('node:http').IncomingMessage, o: any }} ctx
 */
export function callerOf({ req, o }) {
  const client = clientOf(req, o);
  const remote = isOwnHost(client.host, o) ? client.address : FOREIGN_HOST_REMOTE;
  return { remote, cookie: req.headers.cookie ?? null, authorization: req.headers.authorization ?? null };
}
