// The admin API (`/__mc/…`) for test authors and operators: readiness, the virtual clock, the
// status lists, the request journal, verify, fault rules, snapshot and restore, reset. Local only
// (middleware.js's `localOnly`) but for readiness, which orchestrators probe from anywhere.

import { MessageCenter, createMemoryStorage } from '../node.js';
import { httpError } from './errors.js';
import { json } from './http.js';
import { localOnly } from './middleware.js';
import { SNAPSHOT_FORMAT, readSnapshot } from './snapshot.js';

/** The codes of a snapshot's own faults: a refused restore answers them 400. */
const SNAPSHOT_FAULTS = new Set(['INVALID_ARGUMENT', 'STORAGE_FORMAT', 'STORAGE_CORRUPT']);

/**
 * A failure of a restore's checks or trial open, as answered: 400 when the snapshot is at fault;
 * any other failure (INTERNAL, STORAGE_FAILED…) keeps its own status.
 * @param {any} e
 */
export function snapshotRefusal(e) {
  return e !== null && typeof e === 'object' && SNAPSHOT_FAULTS.has(e.code) ? Object.assign(e, { status: 400 }) : e;
}

/** Largest JSON body of the admin endpoints but the console's calls and restore. */
const SMALL_BODY = 64 * 1024;

/** A fault rule from its JSON, checked; numbered in its Message Center (its draws follow the number). */
function faultRule(c, body) {
  const bad = (m) => httpError(400, 'INVALID_ARGUMENT', m);
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
 * The request journal of the Message Centers: `remember(c, entry)` keeps what a request did
 * (bounded, newest first) and tells the live consoles.
 * @param {{ o: any, notify: (c: any) => void }} app
 */
export function createJournal(app) {
  let seq = 0;
  return function remember(c, entry) {
    app.notify(c);
    c.journal.unshift({ seq: ++seq, clock: c.mc.settings().now, ...entry });
    if (c.journal.length > app.o.journalSize) c.journal.length = app.o.journalSize;
  };
}

/**
 * The admin routes.
 * @param {{ o: any, virtual: boolean, body: ReturnType<import('./http.js').bodyReader>, centers: any, notify: (c: any) => void }} app
 * @returns {import('./router.js').Route[]}
 */
export function adminRoutes(app) {
  const { o } = app;
  const small = (req, shape) => app.body.json(req, { limit: SMALL_BODY, empty: {}, object: true, shape });
  /** The execution instances of this process (not those of other processes). */
  const local = (mc) => mc.executionInstances().filter((x) => !x.remote);

  async function advance({ req, res, c }) {
    if (!app.virtual) throw httpError(409, 'CLOCK_REAL', 'the clock is real time: start the service with --clock virtual to move it');
    const body = await small(req, 'the body must be a JSON object: { "ms": 60000 } or { "to": "…" }');
    const r = body.to !== undefined ? await c.mc.advanceTo(body.to) : await c.mc.advance(body.ms ?? 0);
    app.notify(c);
    json(res, 200, r);
  }

  async function events({ res, url, c }) {
    const q = url.searchParams;
    const filter = { instance: q.get('instance') };
    if (q.has('query')) filter.query = q.get('query');
    if (q.has('limit')) filter.limit = Number(q.get('limit'));
    if (q.has('after')) filter.after = q.get('after');
    json(res, 200, await c.mc.listEvents(filter));
  }

  async function event({ res, params, c }) {
    let id;
    try {
      id = decodeURIComponent(params[0]);
    } catch {
      throw httpError(400, 'INVALID_EVENT_ID', 'the event id is not a valid URL component');
    }
    json(res, 200, await c.mc.getEvent(id));
  }

  /** The newest event to an address, over the execution instances of this process. */
  async function latest({ res, url, c }) {
    const address = url.searchParams.get('address');
    if (!address) throw httpError(400, 'INVALID_ARGUMENT', 'latest needs ?address=');
    let best = null;
    for (const a of local(c.mc)) {
      const [e] = (await c.mc.listEvents({ instance: a.name, address, limit: 1 })).events;
      if (e && (best === null || e.created > best.created)) best = e;
    }
    if (!best) throw httpError(404, 'UNKNOWN_EVENT', `no event to ${address}`);
    json(res, 200, best);
  }

  function requests({ res, url, c }) {
    const q = url.searchParams;
    const keep = (e) => (!q.has('route') || e.route === q.get('route')) && (!q.has('soapAction') || (e.soapAction ?? '').includes(q.get('soapAction'))) && (!q.has('status') || String(e.status) === q.get('status'));
    const limit = q.has('limit') ? Number(q.get('limit')) : o.journalSize;
    if (!Number.isInteger(limit) || limit < 1) throw httpError(400, 'INVALID_ARGUMENT', 'limit must be a positive integer');
    json(res, 200, { requests: c.journal.filter(keep).slice(0, limit) });
  }

  /**
   * "At least N events of type X to address Y, within T ms": the engine's status lists, read
   * again until they hold them or the time is up.
   */
  async function verify({ req, res, c }) {
    const body = await small(req, 'the body must be a JSON object: { "count", "type", "address", "status", "withinMs" }');
    const { count = 1, type, address, status, withinMs = 0 } = body;
    if (!Number.isInteger(count) || count < 1 || !Number.isInteger(withinMs) || withinMs < 0 || withinMs > 60_000) throw httpError(400, 'INVALID_ARGUMENT', 'count must be a positive integer and withinMs 0 to 60000');
    const deadline = performance.now() + withinMs;
    for (;;) {
      const found = [];
      for (const a of local(c.mc)) {
        const f = { instance: a.name, limit: 500 };
        if (type !== undefined) f.type = type;
        if (address !== undefined) f.address = address;
        if (status !== undefined) f.status = status;
        for (let page = await c.mc.listEvents(f); ; page = await c.mc.listEvents({ ...f, after: page.next })) {
          found.push(...page.events);
          if (!page.next || found.length >= count) break;
        }
      }
      if (found.length >= count) return json(res, 200, { ok: true, count: found.length, events: found.slice(0, count) });
      if (performance.now() >= deadline) return json(res, 409, { ok: false, count: found.length, wanted: count, events: found });
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async function addFault({ req, res, c }) {
    const f = faultRule(c, await small(req, 'the body must be a JSON object: { "operation", "kind", "count" | "probability", "delayMs", "forMs" }'));
    c.faults.push(f);
    json(res, 200, { id: f.id });
  }

  /** The whole store as JSON lines, in the browser app's sandbox export format (either loads into the other). */
  async function snapshot({ req, res, c }) {
    if (c.mc.executionInstances().some((a) => a.remote)) throw httpError(409, 'NOT_AVAILABLE', 'a snapshot of a control with instances in other processes would miss their records: take one of each process');
    const start = () => {
      if (res.headersSent) return;
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
      res.write(`${JSON.stringify({ format: SNAPSHOT_FORMAT, name: c.ns || 'message-center' })}\n`);
    };
    if (req.method === 'HEAD') {
      start();
      return res.end();
    }
    // Past the header, a failure can only cut the stream (the error mapper destroys it).
    await c.mc.records((rows) => {
      start();
      res.write(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    });
    start();
    res.end();
  }

  async function restore({ req, res, c }) {
    let records = readSnapshot(await app.body.text(req, o.maxSnapshotBytes), 'the request body');
    // Every record one this engine could have written (the layout, its decoders, characters, sizes),
    // then with this store's operators and trusted ranges in place of the snapshot's, and no
    // session.
    try {
      for (let i = 0; i < records.length; i += 10_000) c.mc.checkRecords(records.slice(i, i + 10_000));
      records = c.mc.recordsToRestore(records);
    } catch (e) {
      throw snapshotRefusal(e);
    }
    // The engine opens it first in a store of its own: a snapshot it refuses changes nothing.
    const trial = createMemoryStorage();
    for (let i = 0; i < records.length; i += 1000) await trial.write({ put: records.slice(i, i + 1000) });
    try {
      await (await MessageCenter.open({ storage: trial })).close();
    } catch (e) {
      throw snapshotRefusal(e);
    }
    await app.centers.replace(c, { records });
    json(res, 200, { restored: records.length });
  }

  /** Everything of this Message Center goes (events, journal, clock): it starts again as it started, with its topology. */
  async function reset({ res, c }) {
    await app.centers.replace(c, { drop: c.ns !== '' });
    json(res, 200, { reset: true, namespace: c.ns || null });
  }

  const admin = (methods, path, handler, extra = {}) => ({ methods, path, label: '/__mc/', use: [localOnly], handler, ...extra });
  return [
    { methods: ['GET'], path: '/__mc/ready', label: '/__mc/', center: 'none', handler: ({ res }) => json(res, 200, { ready: true }) },
    admin(['POST'], '/__mc/clock/advance', advance),
    admin(['GET'], '/__mc/events', events),
    admin(['GET'], /^\/__mc\/events\/(.+)$/, event),
    admin(['GET'], '/__mc/latest', latest),
    admin(['GET'], '/__mc/requests', requests),
    admin(['POST'], '/__mc/verify', verify),
    admin(['POST'], '/__mc/faults', addFault),
    admin(['GET'], '/__mc/faults', ({ res, c }) => json(res, 200, { faults: c.faults.map(({ seen: _, until: __, ...f }) => f) })),
    admin(['DELETE'], '/__mc/faults', ({ res, c }) => {
      c.faults = [];
      json(res, 200, { faults: [] });
    }),
    admin(['GET'], '/__mc/snapshot', snapshot),
    admin(['POST'], '/__mc/restore', restore),
    admin(['POST'], '/__mc/reset', reset),
  ];
}

/**
 * The last route of the table: any other `/__mc/` path, local only like the others, is 404 (a
 * remote caller learns nothing of which exist).
 * @type {import('./router.js').Route}
 */
export const ADMIN_NOT_FOUND = {
  methods: '*',
  path: (p) => (p.startsWith('/__mc/') ? {} : null),
  label: '/__mc/',
  use: [localOnly],
  center: 'none',
  handler: ({ req, url }) => {
    throw httpError(404, 'NOT_FOUND', `no admin endpoint ${req.method} ${url.pathname}`);
  },
};
