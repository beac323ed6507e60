// The Message Centers a service holds: the default one, and one per namespace (`X-MC-Namespace`),
// each with its own store, clock, request journal, fault rules and idempotency keys; a namespace
// has the topology's local instances. Opening (with a snapshot's records or the fixtures first),
// replacing (reset, restore: calls arriving meanwhile wait for the new one) and closing them.

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MessageCenter, createMemoryStorage, mcError } from '../node.js';
import { httpError } from './errors.js';
import { remoteStorage, routedStorage, storageEndpoint } from './remote.js';
import { readSnapshot } from './snapshot.js';

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

/**
 * The Message Centers of a service; the default one is open when this resolves.
 * @param {any} o the service's options (with DEFAULTS)
 * @param {{ instances: object[], defaultInstances: object[], log: (entry: object) => void }} topology
 */
export async function createCenters(o, { instances, defaultInstances, log }) {
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
      if (mc.executionInstances().length === 0) await provision(mc, { instances: own.length ? own : defaultInstances, eventTypes: o.topology?.eventTypes, templates: o.topology?.templates });
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
    if (ns !== '' && (typeof ns !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(ns))) throw httpError(400, 'INVALID_ARGUMENT', 'X-MC-Namespace must be 1 to 64 letters, digits, _ or -');
    const c = await centers.get(ns);
    if (c) return c;
    if (centers.has(ns)) return centerOf(req);
    if (centers.size > o.maxNamespaces) throw httpError(429, 'TOO_MANY_NAMESPACES', `at most ${o.maxNamespaces} namespaces at once: reset some (POST /__mc/reset with their header)`);
    return reopen(ns);
  }

  /** Closes every Message Center (at shutdown; one that fails to close does not stop the others). */
  async function closeAll() {
    for (const c of centers.values()) await closeCenter(await c).catch(() => {});
  }

  return { main, opened, centers, centerOf, replace, closeCenter, closeAll };
}
