// Execution instances in other processes. The control's engine reads every record by key; the
// records an execution instance keeps itself (the prefixes the core names with `instanceKeys`)
// live in the process that runs it. These two adapters reach them there:
//
// - `remoteStorage(url, token)`: reads over HTTP (`POST <url>/__mc/storage`, with the account's
//   credentials as Campaign's session token `login/password`), and `consume(batch)`: the change
//   records the archiving consumed, which the execution process's own engine checks and writes
//   (`consumeChanges`). Nothing writes into another process's storage.
// - `routedStorage(local, routes)`: local storage, but for keys under a remote instance's
//   prefixes, read from its adapter. A write stores its local part first, then tells the remote
//   engine what was consumed: a failure there leaves the change log, which the next run archives
//   again, with the same result.
//
// `storageEndpoint(mc, storage)` is the other side: the execution process answering those calls,
// for an operator, reads of its own instances' records only, consumptions through its engine.

import { checkKeys, checkRange, checkWrite, storageError, STORAGE_FAILED, INVALID_ARGUMENT } from '../storage/adapter.js';

/**
 * A StorageAdapter whose records are in another service's storage.
 * @param {string} url the execution instance's URL (its external account's)
 * @param {string} token `login/password` of an operator there
 * @param {{ timeoutMs?: number }} [options]
 */
export function remoteStorage(url, token, { timeoutMs = 30_000 } = {}) {
  const endpoint = `${url.replace(/\/+$/, '')}/__mc/storage`;
  let closed = false;
  async function call(body) {
    if (closed) throw storageError(STORAGE_FAILED, `remote storage ${endpoint} is closed`);
    let r;
    try {
      r = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', 'x-session-token': token }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      throw storageError(STORAGE_FAILED, `remote storage ${endpoint} cannot be reached: ${e.message}`, e);
    }
    const text = await r.text();
    let v;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw storageError(STORAGE_FAILED, `remote storage ${endpoint} answered ${r.status} without JSON: ${text.slice(0, 200)}`, e);
    }
    if (r.status !== 200) throw storageError(STORAGE_FAILED, `remote storage ${endpoint} refused: ${v?.error?.code ?? r.status}: ${v?.error?.message ?? text.slice(0, 200)}`);
    return v;
  }
  return {
    async get(keys) {
      checkKeys(keys);
      const { values } = await call({ op: 'get', keys });
      return values.map((x) => (x === null ? undefined : x));
    },
    async range(r) {
      const { gte, lt, limit } = checkRange(r);
      return (await call({ op: 'range', gte, lt, limit })).entries;
    },
    async write() {
      throw storageError(STORAGE_FAILED, `the records of ${endpoint} are written by its own engine: only consume() reaches it`);
    },
    /** Tells the execution process's engine which change records were consumed. */
    async consume(batch) {
      const { put, del } = checkWrite(batch);
      return call({ op: 'consume', put, del });
    },
    async close() {
      closed = true;
    },
  };
}

/**
 * Local storage, with the keys under each route's prefixes in the route's storage.
 * @param {import('../storage/adapter.js').StorageAdapter} local
 * @param {Array<{ name: string, own: string[], archiveWrites: string[], storage: import('../storage/adapter.js').StorageAdapter & { consume(batch: { put: Array<[string, string]>, del: string[] }): Promise<unknown> } }>} routes
 * @param {(instance: string, error: Error) => void} [onRemoteFailure] told when the remote part of a write fails
 */
export function routedStorage(local, routes, onRemoteFailure = () => {}) {
  const owner = (key) => routes.find((r) => r.own.some((p) => key.startsWith(p)));
  return {
    async get(keys) {
      checkKeys(keys);
      const out = new Array(keys.length);
      const groups = new Map();
      keys.forEach((k, i) => {
        const r = owner(k) ?? null;
        if (!groups.has(r)) groups.set(r, []);
        groups.get(r).push(i);
      });
      await Promise.all(
        [...groups].map(async ([r, idx]) => {
          const values = await (r ? r.storage : local).get(idx.map((i) => keys[i]));
          idx.forEach((i, j) => (out[i] = values[j]));
        }),
      );
      return out;
    },
    async range(range) {
      const { gte, lt } = checkRange(range);
      const r = owner(gte);
      // The engine's ranges stay within one prefix; one that would cross into another is refused.
      const crosses = routes.some((x) => x !== r && x.own.some((p) => p >= gte && p < lt)) || (r && !r.own.some((p) => gte.startsWith(p) && (lt <= prefixEnd(p))));
      if (crosses) throw storageError(INVALID_ARGUMENT, `range ${JSON.stringify(gte)}..${JSON.stringify(lt)} crosses the records of an instance in another process`);
      return (r ? r.storage : local).range(range);
    },
    async write(batch) {
      const { put, del } = checkWrite(batch);
      const mine = { put: [], del: [] };
      const theirs = new Map();
      const place = (key, what, item) => {
        const r = owner(key);
        if (!r) return mine[what].push(item);
        if (!r.archiveWrites.some((p) => key.startsWith(p))) {
          throw storageError(STORAGE_FAILED, `the record ${JSON.stringify(key.slice(0, 100))} belongs to ${r.name}, which runs in another process: it is written there`);
        }
        if (!theirs.has(r)) theirs.set(r, { put: [], del: [] });
        theirs.get(r)[what].push(item);
      };
      for (const e of put) place(e[0], 'put', e);
      for (const k of del) place(k, 'del', k);
      if (mine.put.length || mine.del.length) await local.write(mine);
      // The remote part is the change log the archiving consumed, which the remote engine writes
      // itself. Once the local part is durable the batch stands: if the remote part fails, the
      // change log stays there and the next run archives the same pages again, with the same result.
      for (const [r, b] of theirs) {
        try {
          await r.storage.consume(b);
        } catch (e) {
          onRemoteFailure(r.name, e);
        }
      }
    },
    async close() {
      await Promise.all([local.close(), ...routes.map((r) => r.storage.close())]);
    },
  };
}

/** The first string after every string that starts with `p`. */
function prefixEnd(p) {
  return p.slice(0, -1) + String.fromCharCode(p.charCodeAt(p.length - 1) + 1);
}

/**
 * Answers `POST /__mc/storage` of a control process: reads of the records of this process's own
 * execution instances, and the consumption of their change log by this process's engine, for an
 * operator only.
 * @param {any} mc the MessageCenter of this process
 * @param {import('../storage/adapter.js').StorageAdapter} storage its storage
 */
export function storageEndpoint(mc, storage) {
  const own = () => mc.executionInstances().filter((a) => !a.remote).map((a) => mc.instanceKeys(a.name));
  return async function answer(body, caller, token) {
    mc.authenticate(caller, token);
    if (body === null || typeof body !== 'object') throw storageError(INVALID_ARGUMENT, 'the body must be a JSON object');
    const keys = own();
    const readable = (k) => keys.some((x) => x.own.some((p) => k.startsWith(p)));
    const refuse = (k) => storageError(INVALID_ARGUMENT, `the record ${JSON.stringify(String(k).slice(0, 100))} is not one this process lends`);
    if (body.op === 'get') {
      const ks = checkKeys(body.keys);
      for (const k of ks) if (!readable(k)) throw refuse(k);
      return { values: (await storage.get(ks)).map((v) => v ?? null) };
    }
    if (body.op === 'range') {
      const r = checkRange(body);
      if (!keys.some((x) => x.own.some((p) => r.gte.startsWith(p) && r.lt <= prefixEnd(p)))) throw refuse(r.gte);
      return { entries: await storage.range(r) };
    }
    if (body.op === 'consume') {
      // The engine checks every record (a change record of its own instances, losing pages only)
      // and writes in one transaction; a storage write from outside there is none.
      const w = checkWrite(body);
      return mc.consumeChanges(w);
    }
    throw storageError(INVALID_ARGUMENT, `unknown storage operation ${JSON.stringify(body.op)}`);
  };
}
