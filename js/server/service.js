// The Campaign-compatible service: an HTTP server that speaks Message Center's wire protocol
// (the SOAP router at /nl/jsp/soaprouter.jsp, mcPing, the WSDL) in front of one MessageCenter.
// It moves bytes: the engine reads every envelope, authenticates every caller and writes every
// reply. What this file decides is HTTP's: body size limits, timeouts, connection limits, the
// clock pump, shutdown.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageCenter, createMemoryStorage, mcError } from '../node.js';
import { remoteStorage, routedStorage, storageEndpoint } from './remote.js';
import { createStaticSender } from './static.js';
import { openApi, restCall, restRoute } from './rest.js';



/** What `startService` starts with when given nothing (see README, "The service"). */
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
  /** The execution instances of a fresh store. */
  instances: [{ name: 'mcExec1', executionInstanceId: 1 }],
});

/** The first topology of a fresh store: instances, their archiving, their workflows, the catalogue. */
async function provision(mc, topology) {
  for (const inst of topology.instances) {
    const { login: _l, password: _p, archive = true, ...account } = inst;
    await mc.addExecutionInstance({ label: `Execution instance ${inst.executionInstanceId}`, ...account });
    // An instance of another process runs its workflows there; this one archives it.
    if (!account.remote) for (const wf of ['rtEventsProcessing', 'batchEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow(inst.name, wf);
    if (archive || account.remote) {
      await mc.createArchivingWorkflow(inst.name);
      await mc.startWorkflow('control', `mcSynch_${inst.name}`);
    }
  }
  for (const t of topology.eventTypes ?? []) await mc.addEventType(typeof t === 'string' ? { name: t } : t);
  for (const t of topology.templates ?? []) {
    await mc.createTemplate(t);
    await mc.publish(t.name);
  }
}

/** The methods the live console may call on the service's Message Center (no close, no generator). */
const CONSOLE_METHODS = new Set(['settings', 'executionInstances', 'eventTypes', 'templates', 'getTemplate', 'preview', 'checkTemplate', 'personalizationBlocks', 'options', 'createPersonalizationBlock', 'updatePersonalizationBlock', 'deletePersonalizationBlock', 'setOption', 'publishedTemplates', 'deliveries', 'workflows', 'journal', 'listEvents', 'countEvents', 'getEvent', 'mcPing', 'nextDue', 'enumerations', 'report', 'startWorkflow', 'pauseWorkflow', 'stopWorkflow', 'scheduleWorkflow', 'addEventType', 'createTemplate', 'updateTemplate', 'deleteTemplate', 'publish', 'unpublish', 'pushEvent', 'pushEvents', 'denylist', 'createArchivingWorkflow', 'updateExecutionInstance']);

/** Console methods that move the clock: with a virtual clock only (a real one moves by itself). */
const CLOCK_METHODS = new Set(['advance', 'advanceTo', 'waitForStatus', 'runWorkflow']);

/** Console methods that change nothing (no change notice after them). */
const CONSOLE_READS = new Set(['settings', 'executionInstances', 'eventTypes', 'templates', 'getTemplate', 'preview', 'checkTemplate', 'personalizationBlocks', 'options', 'publishedTemplates', 'deliveries', 'workflows', 'journal', 'listEvents', 'countEvents', 'getEvent', 'mcPing', 'nextDue', 'enumerations', 'report']);

/** The files of the console: the app's page and its bundle (nothing else of the repository). */
const CONSOLE_FILES = new Map([
  ['index.html', { path: 'index.html', type: 'text/html; charset=utf-8' }],
  ['dist/app.js', { path: 'dist/app.js', type: 'text/javascript; charset=utf-8' }],
  ['dist/app.css', { path: 'dist/app.css', type: 'text/css; charset=utf-8' }],
  ['dist/worker.js', { path: 'dist/worker.js', type: 'text/javascript; charset=utf-8' }],
]);

/** The format of snapshots: the browser app's sandbox export (a header line, then one record per line). */
const SNAPSHOT_FORMAT = 'message-center-sandbox/1';

/** The records of a snapshot's text, every line checked before anything is written. */
function readSnapshot(text, what) {
  const lines = text.split('\n');
  const bad = (m) => Object.assign(new Error(`${what}: ${m}`), { status: 400, code: 'INVALID_ARGUMENT' });
  let header = null;
  try {
    header = JSON.parse(lines[0]);
  } catch {
    // Said below.
  }
  if (header?.format !== SNAPSHOT_FORMAT) throw bad(`not a snapshot (its first line should name the format ${SNAPSHOT_FORMAT})`);
  const records = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    let r;
    try {
      r = JSON.parse(lines[i]);
    } catch {
      r = null;
    }
    if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'string' || r[0] === '' || typeof r[1] !== 'string') throw bad(`line ${i + 1} is not a record (["key", "value"])`);
    records.push(r);
  }
  return records;
}

/** The HTTP status of an engine error on the admin endpoints. */
const STATUS_OF = { WAIT_BLOCKED: 409, WAIT_TIMEOUT: 408, DUPLICATE_INSTANCE: 409, DUPLICATE_EVENT_TYPE: 409, DUPLICATE_TEMPLATE: 409, UNKNOWN_TEMPLATE: 404, UNKNOWN_WORKFLOW: 404, WORKFLOW_STATE: 409, WORKFLOW_EXISTS: 409, TEMPLATE_SYNTAX: 400, TEMPLATE_NOT_PUBLISHABLE: 409, TEMPLATE_PUBLISHED: 409, UNKNOWN_SEED: 404, NO_INSTANCE_AVAILABLE: 409, NOT_AVAILABLE: 409, INVALID_EVENT: 400, INVALID_EMAIL: 400, INVALID_PHONE: 400, INVALID_DATE: 400, INVALID_JSON: 400, UNKNOWN_CHANNEL: 400, UNKNOWN_EVENT_TYPE: 400, MISSING_EVENT_TYPE: 400, CTX_TOO_LARGE: 400, INPUT_TOO_LARGE: 413, ACCESS_DENIED: 403, SESSION_INVALID: 401, INVALID_ARGUMENT: 400, INVALID_EVENT_ID: 400, INVALID_QUERY: 400, CLOCK_BACKWARDS: 400, UNKNOWN_EVENT: 404, UNKNOWN_INSTANCE: 404, CLOSED: 503, BUSY: 503 };

/** The routes requests are labelled with in metrics and logs (a fixed set: no label per URL). */
const ROUTES = ['/rest/openapi.json', '/nl/jsp/soaprouter.jsp', '/nl/jsp/mcPing.jsp', '/nl/jsp/ping.jsp', '/nl/jsp/schemawsdl.jsp', '/healthz', '/metrics', '/__mc/storage'];

function routeOf(url = '/') {
  const path = url.split('?')[0];
  if (ROUTES.includes(path)) return path;
  if (restRoute(path)) return '/{organization}/campaign/{transactionalAPI}/{eventID}';
  return path.startsWith('/__mc/') ? '/__mc/' : 'other';
}

/**
 * Whether a request comes from the console this service serves: its Origin is the service's own,
 * under a loopback name (a page of another site that rebinds its name to this address has
 * another Host).
 */
function sameOriginConsole(req) {
  const host = req.headers.host ?? '';
  const name = host.replace(/:\d+$/, '');
  return ['127.0.0.1', 'localhost', '[::1]'].includes(name) && req.headers.origin === `http://${host}`;
}

/** Whether a remote address is loopback (127.0.0.0/8, ::1, or IPv4-mapped loopback). */
function isLoopback(addr = '') {
  return addr === '::1' || /^(::ffff:)?127\./.test(addr);
}

function send(res, status, type, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function text(res, status, body) {
  send(res, status, 'text/plain; charset=utf-8', body);
}

function json(res, status, value) {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`);
}

/**
 * Reads request bodies up to `limit` bytes each and `budget` bytes for all requests at once (so
 * that many large uploads at a time cannot exhaust memory). Over the limit: rejects with status
 * 413 (as early as the Content-Length says); over the budget: 503. The rest of a refused body is
 * read and dropped, so that the refusal reaches the client before the connection closes.
 */
function bodyReader(budget) {
  let inflight = 0;
  return function readBody(req, limit) {
    return new Promise((resolve, reject) => {
      const refuse = (status, message) => {
        req.removeAllListeners('data');
        req.resume();
        reject(Object.assign(new Error(message), { status }));
      };
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) return refuse(413, `the body is ${declared} bytes, over the limit of ${limit}`);
      const chunks = [];
      let size = 0;
      const release = () => {
        inflight -= size;
        size = 0;
      };
      req.on('data', (c) => {
        size += c.length;
        inflight += c.length;
        if (size > limit) {
          release();
          refuse(413, `the body is over the limit of ${limit} bytes`);
        } else if (inflight > budget) {
          release();
          refuse(503, 'the service is reading too many request bodies at once: retry later');
        } else chunks.push(c);
      });
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        release();
        resolve(body);
      });
      req.on('error', (e) => {
        release();
        reject(e);
      });
    });
  };
}

/**
 * Starts the service. Resolves once it listens, to `{ url, mc, close() }`.
 * @param {{ host?: string, port?: number, data?: string|null, clock?: 'real'|'virtual', now?: string|number,
 *   seed?: string|number, config?: object, topology?: { instances?: object[], eventTypes?: any[], templates?: object[] },
 *   maxBodyBytes?: number, requestTimeoutMs?: number, headersTimeoutMs?: number, keepAliveTimeoutMs?: number,
 *   maxConnections?: number, tickMs?: number, log?: (entry: object) => void }} [options]
 */
export async function startService(options = {}) {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) };
  if (o.clock !== undefined && o.clock !== 'real' && o.clock !== 'virtual') throw mcError('INVALID_ARGUMENT', `clock must be 'real' or 'virtual', got ${JSON.stringify(o.clock)}`);
  const virtual = o.clock === 'virtual';
  const log = o.log ?? (() => {});
  const instances = o.topology?.instances ?? o.instances;

  /**
   * One Message Center: the default one, or a namespace's (`X-MC-Namespace`), each with its own
   * store, clock and request journal; a namespace has the topology's local instances.
   */
  async function openCenter(ns, { records } = {}) {
    let local;
    const file = o.data ? join(o.data, ns ? `ns-${ns}.sqlite` : 'message-center.sqlite') : null;
    if (file) {
      mkdirSync(o.data, { recursive: true });
      const { openSQLiteStorage } = await import('../storage/sqlite.js');
      local = await openSQLiteStorage({ path: file });
    } else local = createMemoryStorage();
    // Execution instances of other processes: their own records are read and written there.
    const remotes = ns ? [] : instances.filter((i) => i.remote);
    const own = ns ? instances.filter((i) => !i.remote) : instances;
    const routes = [];
    const storage = remotes.length ? routedStorage(local, routes, (instance, e) => log({ level: 'warn', msg: 'the change log of a remote instance was not consumed: the next run archives it again', instance, err: e.message })) : local;
    // A snapshot to restore, or the fixtures of a fresh store: its records, before the engine opens.
    records ??= !ns && o.fixtures && (await local.range({ gte: '', lt: '\uffff', limit: 1 })).length === 0 ? readSnapshot(readFileSync(o.fixtures, 'utf8'), o.fixtures) : undefined;
    try {
      for (let i = 0; records && i < records.length; i += 1000) await local.write({ put: records.slice(i, i + 1000) });
    } catch (e) {
      await storage.close();
      throw e;
    }
    let mc;
    try {
      // Group commit: the pushes of concurrent requests share one storage transaction (one fsync).
      // (The engine's record cache assumes it is the only writer of what it read: not so of the
      // records of an instance in another process.)
      mc = await MessageCenter.open({ storage, now: o.now ?? Date.now(), seed: o.seed, config: { rejectUnknownEventType: false, ...o.config }, groupCommit: o.groupCommit, cacheBytes: remotes.length ? 0 : undefined });
    } catch (e) {
      await storage.close();
      throw e;
    }
    try {
      if (mc.executionInstances().length === 0) await provision(mc, { instances: own.length ? own : DEFAULTS.instances, eventTypes: o.topology?.eventTypes, templates: o.topology?.templates });
      for (const r of remotes) {
        const account = mc.executionInstances().find((a) => a.name === r.name);
        if (!account?.remote) throw mcError('INVALID_ARGUMENT', `instance ${r.name} is configured remote but its account is not (it was created otherwise in this store)`);
        routes.push({ name: r.name, ...mc.instanceKeys(r.name), storage: remoteStorage(account.url, `${r.login ?? 'admin'}/${r.password ?? ''}`) });
      }
    } catch (e) {
      await mc.close();
      throw e;
    }
    return { ns, mc, local, file, lend: storageEndpoint(mc, local), journal: [], faults: [], idempotency: new Map() };
  }

  /** Deletes the store file of a Message Center (closed). */
  function wipe(c) {
    if (c.file) for (const f of [c.file, `${c.file}-wal`, `${c.file}-shm`]) rmSync(f, { force: true });
  }

  /** Closes a Message Center; `wipe` deletes its store too (a reset). */
  async function closeCenter(c, { wipe: del = false } = {}) {
    await c.mc.close();
    if (del) wipe(c);
  }

  /** The Message Centers by namespace ('' the default): each the open one, or the promise of it. */
  const centers = new Map([['', await openCenter('')]]);
  /** The last open one of each (a reset's old one while the new one opens). */
  const opened = new Map(centers);
  const main = () => opened.get('');

  /** Opens (or reopens) the Message Center of a namespace; calls meanwhile wait for it. */
  async function reopen(ns, options) {
    const opening = openCenter(ns, options);
    centers.set(ns, opening);
    try {
      const c = await opening;
      centers.set(ns, c);
      opened.set(ns, c);
      return c;
    } catch (e) {
      centers.delete(ns);
      throw e;
    }
  }

  /**
   * A Message Center replaced (reset, restore): calls arriving meanwhile wait for the new one. A
   * namespace reset with `drop` is closed and forgotten (its slot is free; it opens again empty
   * on its next use).
   */
  async function replace(c, { records, drop = false } = {}) {
    let done;
    const waiting = new Promise((resolve) => (done = resolve));
    centers.set(c.ns, waiting);
    try {
      await closeCenter(c, { wipe: true });
      if (drop) {
        centers.delete(c.ns);
        opened.delete(c.ns);
        // Calls that waited open it again, empty.
        done(null);
        return;
      }
      done(reopen(c.ns, { records }));
      await waiting;
    } catch (e) {
      done(Promise.reject(e));
      throw e;
    }
  }

  /** The Message Center of a request: its `X-MC-Namespace` header's, opened on first use. */
  async function centerOf(req) {
    const ns = req.headers['x-mc-namespace'] ?? '';
    if (ns !== '' && (typeof ns !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(ns))) throw Object.assign(new Error('X-MC-Namespace must be 1 to 64 letters, digits, _ or -'), { status: 400 });
    const c = await centers.get(ns);
    if (c) return c;
    if (centers.has(ns)) return centerOf(req);
    if (centers.size > o.maxNamespaces) throw Object.assign(new Error(`at most ${o.maxNamespaces} namespaces at once: reset some (POST /__mc/reset with their header)`), { status: 429 });
    return reopen(ns);
  }

  // ---- metrics (prom-client, loaded with the service only) ----
  const { createMetrics } = await import('./metrics.js');
  const metrics = createMetrics(() => main().mc);

  // ---- the clock ----
  let ticking = null;
  let stopped = false;
  async function tick() {
    if (virtual || stopped) return;
    try {
      const t = Date.now();
      for (const c of opened.values()) {
        try {
          if (t <= c.mc.now()) continue;
          const started = performance.now();
          await c.mc.advanceTo(t);
          metrics.step((performance.now() - started) / 1000);
          notify(c);
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
  const readBody = bodyReader(o.maxInflightBodyBytes);

  /**
   * The fault rule that takes this call, if any (the first active one whose operation matches its
   * SOAPAction): by count (the next N calls), by probability (drawn from the store's seed), for a
   * time (`forMs`).
   */
  function injectFault(c, soapAction) {
    const op = (soapAction ?? '').trim().replace(/^"|"$/g, '');
    const now = performance.now();
    c.faults = c.faults.filter((f) => f.until === null || now < f.until);
    for (const f of c.faults) {
      if (f.operation !== '*' && f.operation !== op) continue;
      if (f.count !== null) {
        f.count--;
        if (f.count === 0) c.faults = c.faults.filter((x) => x !== f);
        return f;
      }
      if (f.probability !== null) {
        if (c.mc.draw(`fault:${f.id}`, f.seen++) < f.probability * 1_000_000) return f;
        continue;
      }
      return f;
    }
    return null;
  }
  /** A fault rule from its JSON, checked; numbered in its Message Center (its draws follow the number). */
  function faultRule(c, body) {
    const bad = (m) => Object.assign(new Error(m), { status: 400, code: 'INVALID_ARGUMENT' });
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw bad('the body must be a JSON object: { "operation", "kind", "count" | "probability", "delayMs", "forMs" }');
    const { operation = '*', kind, count = null, probability = null, delayMs = 1000, forMs = null } = body;
    if (!['soapFault', 'http503', 'delay', 'drop'].includes(kind)) throw bad('kind must be soapFault, http503, delay or drop');
    if (typeof operation !== 'string' || operation === '') throw bad('operation must be a SOAPAction (nms:rtEvent#PushEvent) or *');
    if (count !== null && (!Number.isInteger(count) || count < 1)) throw bad('count must be a positive integer');
    if (probability !== null && (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))) throw bad('probability must be between 0 and 1');
    if (count !== null && probability !== null) throw bad('a rule has a count or a probability, not both');
    if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 60_000) throw bad('delayMs must be 0 to 60000');
    if (forMs !== null && (!Number.isInteger(forMs) || forMs < 0)) throw bad('forMs must be a non-negative integer');
    return { id: (c.faultSeq = (c.faultSeq ?? 0) + 1), operation, kind, count, probability, delayMs, until: forMs === null ? null : performance.now() + forMs, seen: 0 };
  }

  /**
   * Tells the live consoles of a Message Center that it changed (at most every 100 ms: one message
   * for a burst of pushes).
   */
  function notify(c) {
    const set = streams.get(c.ns);
    if (!set?.size || notifying.has(c.ns)) return;
    notifying.set(
      c.ns,
      setTimeout(async () => {
        notifying.delete(c.ns);
        let nowMs;
        try {
          nowMs = (await centers.get(c.ns)).mc.now();
        } catch {
          return;
        }
        for (const res of set) res.write(`data: ${JSON.stringify({ nowMs })}\n\n`);
      }, 100),
    );
  }
  /** The live consoles' streams by namespace (they outlive a reset of their Message Center). */
  const streams = new Map();
  const notifying = new Map();
  const streamsOf = (ns) => {
    if (!streams.has(ns)) streams.set(ns, new Set());
    return streams.get(ns);
  };

  /** The browser app (www/: the package ships it built) as the live console. */
  const sendFile = createStaticSender();
  async function consoleFile(req, res, p) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'The console takes GET and HEAD.\n', { allow: 'GET, HEAD' });
    if (p === '/console') return send(res, 301, 'text/plain; charset=utf-8', 'Moved\n', { location: '/console/' });
    const rel = p === '/console/' ? 'index.html' : p.slice('/console/'.length);
    const file = CONSOLE_FILES.get(rel);
    if (!file) return text(res, 404, `Not found: ${p}\n`);
    if (!(await sendFile(req, res, fileURLToPath(new URL(`../../www/${file.path}`, import.meta.url)), { type: file.type }))) {
      return text(res, 404, 'The console is not built: run `npm start` (or `npm run build`) in the repository.\n');
    }
  }

  /** Keeps what a request did in its Message Center's journal (bounded, newest first). */
  function remember(c, entry) {
    notify(c);
    c.journal.unshift({ seq: ++journalSeq, clock: c.mc.settings().now, ...entry });
    if (c.journal.length > o.journalSize) c.journal.length = o.journalSize;
  }
  let journalSeq = 0;

  async function soap(req, res, url, c) {
    const body = (await readBody(req, o.maxBodyBytes)).toString('utf8');
    const header = req.headers.soapaction;
    const soapAction = typeof header === 'string' && header.trim() !== '' ? header : url.searchParams.get('soapAction');
    const caller = {
      remote: req.socket.remoteAddress ?? '',
      sessionToken: req.headers['x-session-token'] ?? null,
      securityToken: req.headers['x-security-token'] ?? null,
      cookie: req.headers.cookie ?? null,
      authorization: req.headers.authorization ?? null,
      entropy: randomBytes(32).toString('hex'),
    };
    const fault = injectFault(c, soapAction);
    if (fault) {
      remember(c, { route: '/nl/jsp/soaprouter.jsp', soapAction: soapAction ?? null, status: fault.kind === 'drop' ? null : fault.kind === 'http503' ? 503 : 500, events: [], fault: { code: 'INJECTED', kind: fault.kind, rule: fault.id } });
      if (fault.kind === 'drop') return req.socket.destroy();
      if (fault.kind === 'http503') return text(res, 503, 'Service Unavailable (a fault injected by the test harness)\n');
      if (fault.kind === 'soapFault') {
        const f = c.mc.injectedFault(soapAction);
        return send(res, f.status, f.contentType, f.body);
      }
      await new Promise((r) => setTimeout(r, fault.delayMs));
    }
    const r = await c.mc.soap(body, { soapAction, caller });
    send(res, r.status, r.contentType, r.body);
    remember(c, { route: '/nl/jsp/soaprouter.jsp', soapAction: soapAction ?? null, status: r.status, events: r.events, fault: r.fault });
  }

  async function admin(req, res, url, c) {
    const { mc } = c;
    const path = url.pathname.slice('/__mc'.length);
    if (req.method === 'POST' && path === '/clock/advance') {
      if (!virtual) return json(res, 409, { error: { code: 'CLOCK_REAL', message: 'the clock is real time: start the service with --clock virtual to move it' } });
      const body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}');
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'the body must be a JSON object: { "ms": 60000 } or { "to": "…" }' } });
      const r = body.to !== undefined ? await mc.advanceTo(body.to) : await mc.advance(body.ms ?? 0);
      notify(c);
      return json(res, 200, r);
    }
    if (req.method === 'GET' && path === '/events') {
      const q = url.searchParams;
      const filter = { instance: q.get('instance') };
      if (q.has('query')) filter.query = q.get('query');
      if (q.has('limit')) filter.limit = Number(q.get('limit'));
      if (q.has('after')) filter.after = q.get('after');
      return json(res, 200, await mc.listEvents(filter));
    }
    if (req.method === 'GET' && path.startsWith('/events/')) {
      let id;
      try {
        id = decodeURIComponent(path.slice('/events/'.length));
      } catch {
        return json(res, 400, { error: { code: 'INVALID_EVENT_ID', message: 'the event id is not a valid URL component' } });
      }
      return json(res, 200, await mc.getEvent(id));
    }
    if (req.method === 'GET' && path === '/latest') {
      // The newest event to an address, over the execution instances of this process.
      const address = url.searchParams.get('address');
      if (!address) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'latest needs ?address=' } });
      let best = null;
      for (const a of mc.executionInstances().filter((x) => !x.remote)) {
        const [e] = (await mc.listEvents({ instance: a.name, address, limit: 1 })).events;
        if (e && (best === null || e.created > best.created)) best = e;
      }
      return best ? json(res, 200, best) : json(res, 404, { error: { code: 'UNKNOWN_EVENT', message: `no event to ${address}` } });
    }
    if (req.method === 'GET' && path === '/requests') {
      const q = url.searchParams;
      const keep = (e) => (!q.has('route') || e.route === q.get('route')) && (!q.has('soapAction') || (e.soapAction ?? '').includes(q.get('soapAction'))) && (!q.has('status') || String(e.status) === q.get('status'));
      const limit = q.has('limit') ? Number(q.get('limit')) : o.journalSize;
      if (!Number.isInteger(limit) || limit < 1) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'limit must be a positive integer' } });
      return json(res, 200, { requests: c.journal.filter(keep).slice(0, limit) });
    }
    if (req.method === 'POST' && path === '/verify') {
      // "At least N events of type X to address Y, within T ms": the engine's status lists,
      // read again until they hold them or the time is up.
      const body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}');
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'the body must be a JSON object: { "count", "type", "address", "status", "withinMs" }' } });
      const { count = 1, type, address, status, withinMs = 0 } = body;
      if (!Number.isInteger(count) || count < 1 || !Number.isInteger(withinMs) || withinMs < 0 || withinMs > 60_000) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'count must be a positive integer and withinMs 0 to 60000' } });
      const deadline = performance.now() + withinMs;
      for (;;) {
        const found = [];
        for (const a of mc.executionInstances().filter((x) => !x.remote)) {
          const f = { instance: a.name, limit: 500 };
          if (type !== undefined) f.type = type;
          if (address !== undefined) f.address = address;
          if (status !== undefined) f.status = status;
          for (let page = await mc.listEvents(f); ; page = await mc.listEvents({ ...f, after: page.next })) {
            found.push(...page.events);
            if (!page.next || found.length >= count) break;
          }
        }
        if (found.length >= count) return json(res, 200, { ok: true, count: found.length, events: found.slice(0, count) });
        if (performance.now() >= deadline) return json(res, 409, { ok: false, count: found.length, wanted: count, events: found });
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    if (path === '/faults') {
      if (req.method === 'POST') {
        const f = faultRule(c, JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}'));
        c.faults.push(f);
        return json(res, 200, { id: f.id });
      }
      if (req.method === 'DELETE') {
        c.faults = [];
        return json(res, 200, { faults: [] });
      }
      return json(res, 200, { faults: c.faults.map(({ seen: _, until: __, ...f }) => f) });
    }
    if (req.method === 'GET' && path === '/snapshot') {
      // The whole store as JSON lines, in the browser app's sandbox export format (either loads
      // into the other).
      if (mc.executionInstances().some((a) => a.remote)) return json(res, 409, { error: { code: 'NOT_AVAILABLE', message: 'a snapshot of a control with instances in other processes would miss their records: take one of each process' } });
      const start = () => {
        if (res.headersSent) return;
        res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
        res.write(`${JSON.stringify({ format: SNAPSHOT_FORMAT, name: c.ns || 'message-center' })}\n`);
      };
      try {
        await mc.records((rows) => {
          start();
          res.write(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
        });
      } catch (e) {
        // Past the header, a failure can only cut the stream: the client sees it cut, not whole.
        if (res.headersSent) return res.destroy(e);
        throw e;
      }
      start();
      return res.end();
    }
    if (req.method === 'POST' && path === '/restore') {
      const records = readSnapshot((await readBody(req, o.maxSnapshotBytes)).toString('utf8'), 'the request body');
      // The engine opens it first in a store of its own: a snapshot it refuses changes nothing.
      const trial = createMemoryStorage();
      for (let i = 0; i < records.length; i += 1000) await trial.write({ put: records.slice(i, i + 1000) });
      try {
        await (await MessageCenter.open({ storage: trial })).close();
      } catch (e) {
        throw Object.assign(e, { status: 400 });
      }
      await replace(c, { records });
      return json(res, 200, { restored: records.length });
    }
    if (req.method === 'POST' && path === '/api') {
      // The live console's calls: a method of the MessageCenter, its result, and the clock.
      const body = JSON.parse((await readBody(req, o.maxBodyBytes)).toString('utf8') || '{}');
      const method = body?.method;
      const allowed = CONSOLE_METHODS.has(method) || (virtual && CLOCK_METHODS.has(method));
      if (!allowed) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: `the console cannot call ${JSON.stringify(method)} on the service` } });
      if (!Array.isArray(body.args ?? [])) return json(res, 400, { error: { code: 'INVALID_ARGUMENT', message: 'args must be an array' } });
      const result = await mc[method](...(body.args ?? []));
      if (!CONSOLE_READS.has(method)) notify(c);
      return json(res, 200, { result: result ?? null, nowMs: mc.now() });
    }
    if (req.method === 'GET' && path === '/stream') {
      // Server-sent events: one message per change of this Message Center, with its clock.
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`data: ${JSON.stringify({ nowMs: mc.now() })}\n\n`);
      const set = streamsOf(c.ns);
      set.add(res);
      req.on('close', () => set.delete(res));
      return;
    }
    if (req.method === 'POST' && path === '/reset') {
      // Everything of this Message Center goes (events, journal, clock): it starts again as it
      // started, with its topology.
      await replace(c, { drop: c.ns !== '' });
      return json(res, 200, { reset: true, namespace: c.ns || null });
    }
    return json(res, 404, { error: { code: 'NOT_FOUND', message: `no admin endpoint ${req.method} ${url.pathname}` } });
  }

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (draining) {
      res.setHeader('connection', 'close');
      return text(res, 503, 'The service is shutting down.\n');
    }
    const p = url.pathname;
    if (req.headers.origin !== undefined && !o.allowOrigin && !sameOriginConsole(req)) {
      return json(res, 403, { error: { code: 'FORBIDDEN', message: 'requests from web pages (an Origin header) are refused: start the service with allowOrigin to accept them' } });
    }
    if (req.method === 'GET' && p === '/__mc/ready') return json(res, 200, { ready: true });
    if (p.startsWith('/__mc/') && p !== '/__mc/storage' && !o.adminAnywhere && !isLoopback(req.socket.remoteAddress)) {
      return json(res, 403, { error: { code: 'FORBIDDEN', message: 'the admin endpoints answer loopback only (set adminAnywhere to open them)' } });
    }
    // Routes that are the process's, not a Message Center's, open no namespace.
    const c = p === '/healthz' || p === '/metrics' || p === '/__mc/storage' || p.startsWith('/console') ? main() : await centerOf(req);
    const { mc } = c;
    if (p === '/nl/jsp/soaprouter.jsp') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'The SOAP router takes POST.\n', { allow: 'POST' });
      return soap(req, res, url, c);
    }
    if (req.method === 'GET' && p === '/nl/jsp/mcPing.jsp') return text(res, 200, mc.mcPing().text);
    if (req.method === 'GET' && p === '/nl/jsp/ping.jsp') return text(res, 200, mc.ping());
    if (req.method === 'GET' && p === '/nl/jsp/schemawsdl.jsp') {
      const location = `http://${req.headers.host ?? `${o.host}:${o.port}`}/nl/jsp/soaprouter.jsp`;
      return send(res, 200, 'text/xml; charset=utf-8', mc.wsdl(url.searchParams.get('schema') ?? '', location));
    }
    if (req.method === 'GET' && p === '/healthz') return json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && p === '/metrics') return send(res, 200, metrics.registry.contentType, await metrics.registry.metrics());
    if (req.method === 'GET' && p === '/rest/openapi.json') return json(res, 200, openApi(`http://${req.headers.host ?? `${o.host}:${o.port}`}`));
    const rest = restRoute(p);
    if (rest) {
      const caller = { remote: req.socket.remoteAddress ?? '', authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null };
      const r = await restCall(c, {
        method: req.method,
        route: rest,
        body: async () => (await readBody(req, o.maxBodyBytes)).toString('utf8'),
        caller,
        token: req.headers['x-session-token'] ?? '',
        key: req.headers['idempotency-key'],
        serverUrl: `http://${req.headers.host ?? `${o.host}:${o.port}`}`,
        keep: o.idempotencyKeys,
        statusOf: (e) => e.status ?? STATUS_OF[e.code] ?? 500,
      });
      if (req.method === 'POST') remember(c, { route: '/{organization}/campaign/{transactionalAPI}/{eventID}', soapAction: null, status: r.status, events: r.body.PKey ? [{ id: r.body.PKey }] : [], fault: r.body.error ?? null });
      return json(res, r.status, r.body);
    }
    if (p === '/__mc/storage') {
      // A control process archiving this one's instances: authenticated as an operator, from anywhere.
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'POST only.\n', { allow: 'POST' });
      const body = JSON.parse((await readBody(req, o.maxBodyBytes)).toString('utf8'));
      const caller = { remote: req.socket.remoteAddress ?? '', cookie: req.headers.cookie ?? null, authorization: req.headers.authorization ?? null };
      return json(res, 200, await main().lend(body, caller, req.headers['x-session-token'] ?? ''));
    }
    if (p === '/console' || p.startsWith('/console/')) return consoleFile(req, res, p);
    if (p.startsWith('/__mc/')) return admin(req, res, url, c);
    return text(res, 404, `Not found: ${p}\n`);
  }

  const server = createServer({ requestTimeout: o.requestTimeoutMs, headersTimeout: o.headersTimeoutMs, keepAliveTimeout: o.keepAliveTimeoutMs, connectionsCheckingInterval: Math.min(1_000, o.headersTimeoutMs) }, (req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      const route = routeOf(req.url);
      const seconds = (performance.now() - started) / 1000;
      metrics.request(route, res.statusCode, seconds);
      log({ level: res.statusCode >= 500 ? 'warn' : 'info', msg: 'request', method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10, remote: req.socket.remoteAddress });
    });
    handle(req, res).catch((e) => {
      const status = e.status ?? STATUS_OF[e.code] ?? (e instanceof SyntaxError ? 400 : 500);
      if (e.status) res.setHeader('connection', 'close');
      json(res, status, { error: { code: e.code ?? { 413: 'PAYLOAD_TOO_LARGE', 503: 'BUSY' }[status] ?? 'INTERNAL', message: e.message } });
      if (status === 500) log({ level: 'error', msg: 'request failed', err: e.message });
    });
  });
  server.maxConnections = o.maxConnections;
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, resolve);
    });
  } catch (e) {
    await closeCenter(main());
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
      for (const t of notifying.values()) clearTimeout(t);
      for (const set of streams.values()) for (const r of set) r.end();
      await new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Queued after the step in progress: a catch-up of the clock stops there.
      for (const c of centers.values()) await closeCenter(await c).catch(() => {});
      await ticking;
    })();
    return closing;
  }
  return {
    url,
    /** The default Message Center (a new one after a reset). */
    get mc() {
      return main().mc;
    },
    server,
    virtual,
    close,
  };
}


