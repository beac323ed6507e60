// The app's engine: a Web Worker that holds the Message Center of the open sandbox (the package,
// imported as any user imports it, on IndexedDB), so that long work never blocks the page. The page
// talks to it by messages (see engine.js): calls of the public API, the sandbox registry, the
// clock runner, export and import. It decides nothing about events: every answer is the engine's.

import { MessageCenter, openIndexedDBStorage, deleteIndexedDBStorage } from 'message-center';
import { sandboxes } from './registry.js';
import { CORE_METHODS } from '../../js/methods.generated.js';
import { EVENTS, errMessage, eventMessage, okMessage } from './protocol.js';
import { SNAPSHOT_FORMAT, snapshotHeader, snapshotRecord } from '../../js/snapshot.js';

/** The open sandbox: `{ id, mc, storage }`, or null. */
let current = null;
/** The live console's service (`connect`): its URL, its Message Center over HTTP, its change stream. */
let remote = null;
/** The clock runner: running, its speed (virtual ms per real ms), the timer. */
const clock = { running: false, speed: 60, timer: null, busy: false, lastTick: 0, inflight: null };
/** Cancellation flags of long jobs (export, import), by job id. */
const cancelled = new Set();
/** The abort controllers of running generators, by job id. */
const aborts = new Map();
/** A change counter: the page re-reads what it shows when it moves. */
let version = 0;

const post = (m) => self.postMessage(m);

function changed() {
  version++;
  post(eventMessage(EVENTS.changed, { version, now: current ? current.mc.now() : null, clock: { running: clock.running, speed: clock.speed } }));
}

function mc() {
  if (!current) throw Object.assign(new Error('no sandbox is open'), { code: 'NO_SANDBOX' });
  return current.mc;
}

const dbName = (id) => `message-center-sandbox-${id}`;

/**
 * The configuration of a new sandbox (its storage empty: just created, or reset): as Campaign and
 * the service, an event of a type not in the eventType enumeration is accepted at push, and
 * routing then marks it "Event not taken into account". A sandbox that has records (opened
 * before, imported) keeps its stored configuration.
 */
const NEW_SANDBOX_CONFIG = { rejectUnknownEventType: false };

async function close() {
  pause();
  if (current) {
    const c = current;
    current = null;
    await c.mc.close();
  }
}

/**
 * Opens a sandbox's storage. A page that was just reloaded (or closed) lets go of its lock a
 * moment after the new one asks: the adapter waits up to 3 s for it before reporting
 * STORAGE_LOCKED (then the sandbox is really open in another tab).
 */
function openLocked(id) {
  return openIndexedDBStorage({ name: dbName(id), lockWaitMs: 3000, onVersionChange: () => post(eventMessage(EVENTS.closed, { reason: 'the sandbox was changed in another tab' })) });
}

/**
 * Opens a sandbox. The new one is opened first (its own database and lock), and only once the
 * engine has accepted it is the open one closed: a sandbox that cannot be opened (a bad start
 * time, an imported file of another format) leaves the open one as it was.
 */
async function openSandbox(id, options = {}) {
  const entry = await sandboxes.get(id);
  if (!entry) throw Object.assign(new Error(`there is no sandbox ${id}`), { code: 'NO_SANDBOX' });
  if (current?.id === id) return { id, name: entry.name, settings: current.mc.settings() };
  const storage = await openLocked(id);
  let m;
  try {
    const fresh = (await storage.range({ gte: '', lt: '\uffff', limit: 1 })).length === 0;
    // Group commit: the steps of an advance or a generator go into IndexedDB a few at a time,
    // the next one running while the last is written (each still all or nothing).
    m = await MessageCenter.open({ storage, groupCommit: true, ...(fresh ? { config: NEW_SANDBOX_CONFIG } : {}), ...options });
  } catch (e) {
    await storage.close();
    throw e;
  }
  await close();
  current = { id, mc: m, storage };
  await sandboxes.touch(id);
  changed();
  return { id, name: entry.name, settings: current.mc.settings() };
}

// ---- sandbox operations (open, close, create, reset, delete, export, import) run one at a time;
// calls of the engine wait for the one in progress, so none of them lands in another sandbox.

let lifecycle = Promise.resolve();

function serially(fn) {
  const run = lifecycle.then(fn);
  lifecycle = run.catch(() => {});
  return run;
}

// ---- the clock runner: the virtual clock moves `speed` times faster than real time, in slices
// that never pile up (a slice that takes longer than its interval delays the next one).

const TICK_MS = 250;

function play(speed) {
  if (speed !== undefined) clock.speed = speed;
  if (clock.running) return changed();
  clock.running = true;
  clock.lastTick = performance.now();
  schedule();
  changed();
}

function pause() {
  clock.running = false;
  if (clock.timer) clearTimeout(clock.timer);
  clock.timer = null;
  if (current) changed();
}

function schedule() {
  clock.timer = setTimeout(tick, TICK_MS);
}

async function tick() {
  if (!clock.running || !current || clock.busy) return;
  clock.busy = true;
  const t = performance.now();
  const real = Math.min(t - clock.lastTick, 4 * TICK_MS);
  clock.lastTick = t;
  try {
    clock.inflight = current.mc.advance(Math.max(1, Math.round(real * clock.speed)));
    await clock.inflight;
  } catch (e) {
    clock.running = false;
    post(eventMessage(EVENTS.error, { error: wire(e) }));
  } finally {
    clock.busy = false;
    clock.inflight = null;
  }
  changed();
  if (clock.running) schedule();
}

// ---- export and import of a sandbox: its records as JSON lines (a header, then one [key, value]
// per line), streamed in chunks so that a big sandbox never sits whole in memory.

const CHUNK = 1000;

async function exportSandbox(job, id) {
  const open = current?.id === id;
  if (open && aborts.size > 0) throw Object.assign(new Error('a generator is running in this sandbox: let it end, or cancel it, before exporting'), { code: 'BUSY' });
  const entry = await sandboxes.get(id);
  if (!entry) throw Object.assign(new Error(`there is no sandbox ${id}`), { code: 'NO_SANDBOX' });
  // The open sandbox is read through its own storage, the clock held meanwhile (engine calls
  // wait for the export): the file is one moment of it. Another is opened just for the export.
  const running = clock.running;
  if (open) {
    pause();
    await clock.inflight?.catch(() => {});
  }
  // Through the engine's records(): the snapshot holds no session and no operator secret.
  const storage = open ? null : await openLocked(id);
  let mc = open ? current.mc : null;
  try {
    mc ??= await MessageCenter.open({ storage });
    post(eventMessage(EVENTS.chunk, { job, text: `${JSON.stringify({ format: SNAPSHOT_FORMAT, name: entry.name })}\n` }));
    let n = 0;
    await mc.records(
      (rows) => {
        if (cancelled.has(job)) throw Object.assign(new Error('export cancelled'), { code: 'CANCELLED' });
        post(eventMessage(EVENTS.chunk, { job, text: rows.map((r) => JSON.stringify(r)).join('\n') + '\n' }));
        n += rows.length;
        post(eventMessage(EVENTS.progress, { job, done: n }));
      },
      { chunk: CHUNK },
    );
    return { records: n };
  } finally {
    if (!open) await (mc ? mc.close() : storage.close());
    else if (running) play();
  }
}

/** Imports records (lines from the page, in order) into a new sandbox; nothing is left if it fails. */
async function importSandbox(job, { name, lines }) {
  const header = snapshotHeader(lines[0]);
  if (!header) {
    throw Object.assign(new Error(`this file is not a sandbox export (its first line should name the format ${SNAPSHOT_FORMAT})`), { code: 'INVALID_ARGUMENT' });
  }
  // Every record is checked by an engine before it is written (the layout, the engine's
  // decoders, characters, sizes): a bad file is refused naming its record, not found broken later.
  const checker = await MessageCenter.open();
  const entry = await sandboxes.create(name || header.name || 'Imported sandbox');
  const storage = await openIndexedDBStorage({ name: dbName(entry.id) });
  try {
    for (let i = 1; i < lines.length; i += CHUNK) {
      if (cancelled.has(job)) throw Object.assign(new Error('import cancelled'), { code: 'CANCELLED' });
      const put = [];
      for (const [j, line] of lines.slice(i, i + CHUNK).entries()) {
        if (line === '') continue;
        const r = snapshotRecord(line);
        if (!r) throw Object.assign(new Error(`line ${i + j + 1} of the file is not a record (["key", "value"])`), { code: 'INVALID_ARGUMENT' });
        put.push(r);
      }
      checker.checkRecords(put);
      await storage.write({ put });
      post(eventMessage(EVENTS.progress, { job, done: Math.min(lines.length - 1, i + CHUNK - 1), total: lines.length - 1 }));
    }
    await storage.close();
    // The engine checks what it was given (its format first) by opening it.
    await openSandbox(entry.id);
    return { id: entry.id, name: entry.name };
  } catch (e) {
    await storage.close().catch(() => {});
    await deleteIndexedDBStorage({ name: dbName(entry.id) }).catch(() => {});
    await sandboxes.remove(entry.id);
    throw e;
  } finally {
    await checker.close().catch(() => {});
  }
}

// ---- the message protocol ----

/** An error as it crosses to the page: its code and message. */
function wire(e) {
  const w = { code: typeof e?.code === 'string' ? e.code : 'INTERNAL', message: e?.message ?? String(e) };
  // Where the error points, for errors that point into a text (a template's syntax error).
  if (typeof e?.field === 'string') Object.assign(w, { field: e.field, line: e.line, column: e.column });
  return w;
}

// ---- the live console: a running service in place of the in-page engine. Its Message Center's
// methods are calls to POST <service>/__mc/api; its changes come as server-sent events, each with
// the service's clock.

const SERVICE_ID = 'service';

function connect(url) {
  let nowMs = null;
  const callRemote = async (method, args) => {
    let r;
    try {
      r = await fetch(`${url}/__mc/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ method, args }) });
    } catch (e) {
      throw Object.assign(new Error(`the service at ${url} cannot be reached: ${e.message}`), { code: 'SERVICE_UNREACHABLE' });
    }
    const v = await r.json().catch(() => ({ error: { code: 'INTERNAL', message: `the service answered ${r.status}` } }));
    if (!r.ok) throw Object.assign(new Error(v.error?.message ?? `the service answered ${r.status}`), v.error ?? {});
    if (typeof v.nowMs === 'number') nowMs = v.nowMs;
    return v.result;
  };
  const unavailable = (what) => () => {
    throw Object.assign(new Error(`${what} is not available on a running service (this console shows the service's own data)`), { code: 'NOT_AVAILABLE' });
  };
  const mcRemote = new Proxy(
    {},
    {
      get(_, k) {
        if (k === 'now') return () => nowMs;
        if (k === 'close') return async () => {};
        if (k === 'then') return undefined;
        if (k === 'generate') return unavailable('The generator');
        return (...args) => callRemote(k, args);
      },
    },
  );
  const stream = new EventSource(`${url}/__mc/stream`);
  stream.onmessage = (m) => {
    try {
      nowMs = JSON.parse(m.data).nowMs;
    } catch {
      // A keep-alive.
    }
    if (current?.id === SERVICE_ID) changed();
  };
  remote = { url, mc: mcRemote, stream, unavailable };
  return mcRemote.settings().then((settings) => {
    nowMs = settings.nowMs;
    return { url, settings };
  });
}

const handlers = {
  /** A method of the open sandbox's MessageCenter (after the sandbox operation in progress). */
  async mc({ method, args = [] }) {
    await lifecycle;
    const m = mc();
    if (typeof m[method] !== 'function' || method.startsWith('_') || method === 'close') {
      throw Object.assign(new Error(`no such call: ${method}`), { code: 'INVALID_ARGUMENT' });
    }
    const r = await m[method](...args);
    return r;
  },
  connect: ({ url }) => connect(url),
  /** Downloads the engine (the page shows its progress, at most every 50 ms and at the end). */
  loadEngine: () => {
    let last = 0;
    return MessageCenter.load({
      onProgress: ({ loaded, total }) => {
        const t = Date.now();
        if (loaded < total && t - last < 50) return;
        last = t;
        post(eventMessage(EVENTS.loading, { loaded, total }));
      },
    });
  },
  sandboxes: () => (remote ? [{ id: SERVICE_ID, name: `Service ${remote.url}` }] : sandboxes.list()),
  createSandbox: ({ name, seed, now }) =>
    serially(async () => {
      const entry = await sandboxes.create(name);
      try {
        return await openSandbox(entry.id, { seed, now });
      } catch (e) {
        await deleteIndexedDBStorage({ name: dbName(entry.id) }).catch(() => {});
        await sandboxes.remove(entry.id);
        throw e;
      }
    }),
  openSandbox: ({ id }) =>
    serially(async () => {
      if (!remote) return openSandbox(id);
      if (id !== SERVICE_ID) throw Object.assign(new Error('this console shows a running service: it has no sandboxes'), { code: 'NO_SANDBOX' });
      current = { id, mc: remote.mc };
      return { id, name: `Service ${remote.url}`, settings: await remote.mc.settings() };
    }),
  closeSandbox: () => serially(() => close()),
  renameSandbox: ({ id, name }) => serially(() => sandboxes.rename(id, name)),
  resetSandbox: ({ id }) =>
    serially(async () => {
      const open = current?.id === id;
      const seed = open ? current.mc.settings().seed : undefined;
      if (open) await close();
      await deleteIndexedDBStorage({ name: dbName(id) });
      return open ? openSandbox(id, { seed }) : null;
    }),
  deleteSandbox: ({ id }) =>
    serially(async () => {
      if (current?.id === id) await close();
      await deleteIndexedDBStorage({ name: dbName(id) });
      await sandboxes.remove(id);
      return null;
    }),
  exportSandbox: ({ job, id }) => serially(() => exportSandbox(job, id)),
  importSandbox: ({ job, name, lines }) => serially(() => importSandbox(job, { name, lines })),
  cancel: ({ job }) => {
    cancelled.add(job);
    aborts.get(job)?.abort();
    return null;
  },
  /** The generator, with its progress as events and a cancel between two steps. */
  async generate({ job, spec }) {
    const stop = new AbortController();
    aborts.set(job, stop);
    let last = 0;
    try {
      return await mc().generate(spec, {
        signal: stop.signal,
        onProgress: (p) => {
          post(eventMessage(EVENTS.progress, { job, ...p }));
          // The page re-reads what it shows at most every 250 ms while a generator runs.
          const t = performance.now();
          if (t - last > 250) {
            last = t;
            changed();
          }
        },
      });
    } finally {
      aborts.delete(job);
    }
  },
  play: ({ speed }) => play(speed),
  speed: ({ speed }) => {
    if (!(Number.isFinite(speed) && speed > 0 && speed <= 86_400)) throw Object.assign(new Error('the speed is a number from 1 to 86,400'), { code: 'INVALID_ARGUMENT' });
    clock.speed = speed;
    changed();
    return null;
  },
  pause: () => pause(),
};

/** Calls that change the sandbox: the page is told when they are done. */
const MUTATING = new Set(['createSandbox', 'openSandbox', 'resetSandbox', 'deleteSandbox', 'importSandbox', 'generate']);
/** Methods that change nothing (the core's queries and reads): no change notice after them. */
const READS = new Set(Object.entries(CORE_METHODS).filter(([, m]) => m.kind === 'query' || m.kind === 'read').map(([name]) => name));

/** What a running service does not offer (its data is its own: no sandboxes, no in-page clock). */
const LOCAL_ONLY = new Set(['createSandbox', 'renameSandbox', 'resetSandbox', 'deleteSandbox', 'exportSandbox', 'importSandbox', 'generate', 'play', 'speed']);

self.onmessage = async ({ data }) => {
  // A call's own id and its parameters apart (a parameter may be named `id`: a sandbox's).
  const { id, call, params = {} } = data;
  try {
    if (remote && LOCAL_ONLY.has(call)) remote.unavailable(call === 'play' || call === 'speed' ? "The console's clock" : call === 'generate' ? 'The generator' : 'Sandbox management')();
    const handler = handlers[call];
    if (!handler) throw Object.assign(new Error(`no such call: ${call}`), { code: 'INVALID_ARGUMENT' });
    const result = await handler(params);
    post(okMessage(id, result));
    if (MUTATING.has(call) || (call === 'mc' && !READS.has(params.method))) changed();
  } catch (e) {
    post(errMessage(id, wire(e)));
  } finally {
    if (params.job) cancelled.delete(params.job);
  }
};
post(eventMessage(EVENTS.ready));
