// The Campaign-compatible service: an HTTP server that speaks Message Center's wire protocol
// (the SOAP router at /nl/jsp/soaprouter.jsp, mcPing, the WSDL) in front of one MessageCenter.
// It moves bytes: the engine reads every envelope, authenticates every caller and writes every
// reply. What the service decides is HTTP's, one module per area:
//
//   router.js       the route table: (method, path) → checks, handler; HEAD on every GET; 404, 405
//   middleware.js   the checks: web pages (Origin), local only (Host, forwarding headers, loopback), the caller
//   logons.js       the budget of failed logons (per client and overall), before the engine's password KDF
//   http.js         replies, and the one body reader (limits: 413, 503; strict UTF-8; JSON)
//   errors.js       the one error mapper: the HTTP status of every error code
//   soap.js         the SOAP router, the WSDL, mcPing, ping
//   rest.js         the REST facade in Campaign Standard's shape, and its OpenAPI document
//   admin.js        /__mc/: the clock, status lists, the request journal, verify, faults, snapshot, reset
//   console.js      the live console (/console/), its calls (/__mc/api, console-methods.js) and stream
//   lending.js      /__mc/storage, for a control process archiving this one's instances
//   metrics.js      /metrics (prom-client), /healthz
//   centers.js      the Message Centers: the default one and the namespaces, opened, replaced, closed
//
// This file holds the options, the clock pump, the server's limits and timeouts, and shutdown.

import { createServer } from 'node:http';
import { mcError } from '../node.js';
import { ADMIN_NOT_FOUND, adminRoutes, createJournal } from './admin.js';
import { createCenters } from './centers.js';
import { createConsole } from './console.js';
import { sendError, useCoreStatuses } from './errors.js';
import { bodyReader, send, text } from './http.js';
import { lendingRoutes } from './lending.js';
import { createLogonBudget } from './logons.js';
import { clientOf, proxyPredicate, refuseWebPages } from './middleware.js';
import { restRoutes } from './rest.js';
import { createRouter } from './router.js';
import { soapRoutes } from './soap.js';

/** What `startService` starts with when given nothing (see docs/service.md). */
export const DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  /** Largest request body (413 above it, before anything is parsed). */
  maxBodyBytes: 8 * 1024 * 1024 + 64 * 1024,
  /** A request whose headers and body are not in by then is answered 408 and closed. */
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  /** Idle keep-alive connections close after this. */
  keepAliveTimeoutMs: 5_000,
  /** Whether the writes of concurrent requests share one storage transaction (one fsync). */
  groupCommit: true,
  /** Connections at once; more are refused at accept. */
  maxConnections: 1_000,
  /** Request body bytes held at once, over every request (503 above it). */
  maxInflightBodyBytes: 64 * 1024 * 1024,
  /** Real clock: how often due workflow steps run. */
  tickMs: 200,
  /**
   * Whether requests from web pages (with an `Origin` header) are served. Campaign's clients (the
   * SDK, SoapUI, SOAP libraries) send none; a page of another site that posts to a local service
   * with a password-less operator does.
   */
  allowOrigin: false,
  /** Idempotency keys of the REST facade remembered per Message Center. */
  idempotencyKeys: 10_000,
  /** Largest snapshot `POST /__mc/restore` takes. */
  maxSnapshotBytes: 256 * 1024 * 1024,
  /** A snapshot file loaded into a fresh store at start (its records, then the engine opens it). */
  fixtures: null,
  /** Requests kept in each Message Center's journal (`GET /__mc/requests`). */
  journalSize: 1_000,
  /** Namespaces (`X-MC-Namespace`) open at once. */
  maxNamespaces: 100,
  /** Whether the admin endpoints (`/__mc/`) answer other addresses than loopback (default: loopback only). */
  adminAnywhere: false,
  /**
   * Host names (besides loopback names and IP addresses) under which the admin endpoints, the
   * console and its stream answer: a page whose name rebinds to this address sends its own.
   */
  allowedHosts: [],
  /**
   * The proxies whose forwarding headers (X-Forwarded-For, Forwarded, X-Real-IP,
   * X-Forwarded-Host) are believed: `false` none, `true` a proxy on this host (a loopback peer),
   * or a list of addresses and CIDR ranges. From such a peer the client the headers name is the
   * caller; from any other peer they are ignored, and refused on the local-only routes.
   */
  trustedProxy: false,
  /**
   * Failed logons (a wrong password or token: ACCESS_DENIED) allowed per client address and
   * overall within a sliding window; past either, the calls that authenticate (SOAP, REST,
   * lending) from that client, or from everybody, are refused before the engine runs its password
   * KDF (SOAP: a Server fault, HTTP 503; REST and lending: 429 TOO_MANY_FAILED_LOGONS).
   */
  maxFailedLogons: Object.freeze({ perPeer: 10, total: 25, windowMs: 10_000 }),
  /** The execution instances of a fresh store. */
  instances: [{ name: 'mcExec1', executionInstanceId: 1 }],
});

/**
 * Starts the service. Resolves once it listens, to `{ url, mc, server, virtual, close() }`.
 * @param {import('./service.d.ts').ServiceOptions} [options]
 */
export async function startService(options = {}) {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (o.clock !== undefined && o.clock !== 'real' && o.clock !== 'virtual') throw mcError('INVALID_ARGUMENT', `clock must be 'real' or 'virtual', got ${JSON.stringify(o.clock)}`);
  if (!Array.isArray(o.allowedHosts) || !o.allowedHosts.every((h) => typeof h === 'string' && h !== '')) throw mcError('INVALID_ARGUMENT', 'allowedHosts must be a list of host names');
  proxyPredicate(o.trustedProxy);
  if (options.maxFailedLogons !== undefined && (options.maxFailedLogons === null || typeof options.maxFailedLogons !== 'object' || Array.isArray(options.maxFailedLogons))) throw mcError('INVALID_ARGUMENT', 'maxFailedLogons must be an object: { perPeer, total, windowMs }');
  // A partial budget takes the defaults for the rest.
  const logons = createLogonBudget({ ...DEFAULTS.maxFailedLogons, ...o.maxFailedLogons }, o.wallClock);
  const virtual = o.clock === 'virtual';
  const log = o.log ?? (() => {});
  const centers = await createCenters(o, { instances: o.topology?.instances ?? o.instances, defaultInstances: DEFAULTS.instances, log });
  // The HTTP status of the engine's error codes is the core's.
  useCoreStatuses(centers.main().mc.enumerations().errorCodes);

  // ---- metrics (prom-client, loaded with the service only) ----
  const { createMetrics, metricsRoutes } = await import('./metrics.js');
  const metrics = createMetrics(() => centers.main().mc);

  // ---- the routes ----
  const app = { o, virtual, log, centers, logons, body: bodyReader(o.maxInflightBodyBytes), notify: null, remember: null };
  const live = createConsole(app);
  app.notify = live.notify;
  app.remember = createJournal(app);
  // Order matters only where paths overlap: the admin routes and their catch-all before the REST
  // facade's pattern (which `/__mc/campaign/a/b` would match).
  const match = createRouter([...soapRoutes(app), ...metricsRoutes(metrics, send), ...lendingRoutes(app), ...live.routes, ...adminRoutes(app), ADMIN_NOT_FOUND, ...restRoutes(app)]);

  // ---- the clock ----
  let ticking = null;
  let stopped = false;
  async function tick() {
    if (virtual || stopped) return;
    try {
      const t = Date.now();
      for (const c of centers.opened.values()) {
        try {
          if (t <= c.mc.now()) continue;
          const started = performance.now();
          await c.mc.advanceTo(t);
          metrics.step((performance.now() - started) / 1000);
          live.notify(c);
        } catch (e) {
          // One Message Center's failure does not stop the others' clocks.
          if (!stopped) log({ level: 'error', msg: 'workflow step failed', namespace: c.ns || null, err: e.message, code: e.code });
        }
      }
    } catch (e) {
      // A failed step (or an engine being rebuilt after a trap) is retried at the next tick; at
      // shutdown the catch-up stops after its running step (CLOSED).
      if (stopped) return;
      log({ level: 'error', msg: 'workflow step failed', err: e.message, code: e.code });
    }
  }
  let timer = null;

  // ---- requests ----
  let draining = false;
  /** The route labels of requests in flight, for metrics and logs. */
  const labels = new WeakMap();

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const found = match(req.method, url.pathname);
    labels.set(req, found.route?.label ?? found.label);
    if (draining) {
      res.setHeader('connection', 'close');
      return text(res, 503, 'The service is shutting down.\n');
    }
    let center = null;
    const ctx = { req, res, url, o, params: found.params, c: null, operator: null, center: () => (center ??= centers.centerOf(req)) };
    refuseWebPages(ctx);
    if (!found.route) {
      if (found.refusal.allow) res.setHeader('allow', found.refusal.allow);
      throw found.refusal;
    }
    for (const check of found.route.use ?? []) await check(ctx);
    if (found.route.center !== 'none') ctx.c = found.route.center === 'main' ? centers.main() : await ctx.center();
    await found.route.handler(ctx);
  }

  const server = createServer({ requestTimeout: o.requestTimeoutMs, headersTimeout: o.headersTimeoutMs, keepAliveTimeout: o.keepAliveTimeoutMs, connectionsCheckingInterval: Math.min(1_000, o.headersTimeoutMs) }, (req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = labels.get(req) ?? 'other';
      const seconds = (performance.now() - started) / 1000;
      metrics.request(route, res.statusCode, seconds);
      // The socket's peer, and the client a trusted proxy named for it.
      const client = clientOf(req, o);
      log({ level: res.statusCode >= 500 ? 'warn' : 'info', msg: 'request', method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10, remote: req.socket.remoteAddress, ...(client.proxied ? { client: client.address } : {}) });
    });
    handle(req, res).catch((e) => {
      const status = sendError(res, e);
      if (status === 500) log({ level: 'error', msg: 'request failed', err: e?.message, code: e?.code });
    });
  });
  server.maxConnections = o.maxConnections;
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, resolve);
    });
  } catch (e) {
    await centers.closeCenter(centers.main());
    throw e;
  }
  if (!virtual) {
    timer = setInterval(() => {
      ticking ??= tick().finally(() => {
        ticking = null;
      });
    }, o.tickMs);
    timer.unref();
  }
  const addr = server.address();
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;

  let closing = null;
  /** Stops: refuses new requests with 503, lets the running step finish, closes the storage. */
  function close() {
    closing ??= (async () => {
      draining = true;
      stopped = true;
      if (timer) clearInterval(timer);
      // The live consoles' streams end (they would keep the server open).
      live.end();
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Queued after the step in progress: a catch-up of the clock stops there.
      await centers.closeAll();
      await ticking;
    })();
    return closing;
  }
  return {
    url,
    /** The default Message Center (a new one after a reset). */
    get mc() {
      return centers.main().mc;
    },
    server,
    virtual,
    close,
  };
}
