// The public JavaScript API: the shell around the Rust core. It moves records between a storage
// adapter and the engine, one storage transaction per operation or workflow step, and sends the
// next request of a command when the engine names one. It decides nothing: dates, defaults,
// counts, which workflow runs, the storage layout are all the core's.

import { BOUNDARY, decodeWrites, encodeEntries, encodeParts, encodeValues } from './boundary.js';
import { createMemoryStorage } from './storage/memory.js';

/** @typedef {import('./generated.js').Request} Request The core's requests (generated from src/ops/mod.rs). */
/** @typedef {import('./generated.js').Query} Query The core's queries (generated from src/ops/mod.rs). */

// Bulk text crosses into the engine as UTF-8 bytes (one native copy; a string would be copied
// into wasm memory character by character).
const utf8 = new TextEncoder();

/** Steps of a command that may wait for their write together, under group commit. */
const COMMAND_STEPS_IN_FLIGHT = 16;

/** Runs `fn` after the pending I/O callbacks (Node's `setImmediate`; a zero timeout elsewhere). */
const nextTurn = globalThis.setImmediate ?? ((fn) => setTimeout(fn, 0));

/**
 * An `Error` with a stable `code`.
 * @param {string} code
 * @param {string} message
 * @param {unknown} [cause]
 */
export function mcError(code, message, cause) {
  /** @type {Error & { code?: string }} */
  const e = cause === undefined ? new Error(message) : new Error(message, { cause });
  e.code = code;
  return e;
}

/**
 * Fresh random bytes (32, as 64 hex digits) for the core, which draws none: the salts of the
 * passwords a configuration gives in clear (or a store of format 2 holds in clear).
 */
function entropy() {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Records with the engine's edits applied: `[key, value]` replaces, `[key, null]` leaves out. */
function applyEdits(rows, edits) {
  if (edits.length === 0) return rows;
  const byKey = new Map(edits);
  const out = [];
  for (const [k, v] of rows) {
    if (!byKey.has(k)) out.push([k, v]);
    else if (typeof byKey.get(k) === 'string') out.push([k, byKey.get(k)]);
  }
  return out;
}

/** A storage adapter's rejection as the API reports it: coded errors as they are, others as STORAGE_FAILED. */
function storageFailed(what, e) {
  if (isCoded(e)) return e;
  return mcError('STORAGE_FAILED', `storage ${what} failed: ${e?.message ?? e}`, e);
}

/** Whether an error carries one of our codes (the core's, a storage adapter's, ours). */
function isCoded(e) {
  return e instanceof Error && typeof (/** @type {{ code?: unknown }} */ (e)).code === 'string';
}

function name(what, v) {
  if (typeof v !== 'string' || v === '') throw mcError('INVALID_ARGUMENT', `${what} must be a non-empty string`);
  return v;
}

function object(what, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw mcError('INVALID_ARGUMENT', `${what} must be an object`);
  return v;
}

/** A time argument as the core takes it: a `Date` becomes its ms (an instant, not a parse). */
function time(what, v) {
  if (v instanceof Date) {
    const t = v.getTime();
    if (Number.isNaN(t)) throw mcError('INVALID_ARGUMENT', `${what} is an invalid Date`);
    return t;
  }
  if (typeof v === 'number' || typeof v === 'string') return v;
  throw mcError('INVALID_ARGUMENT', `${what} must be a Date, a number of ms or an ISO 8601 string`);
}

/**
 * Builds the MessageCenter class over a way to get the wasm module's exports (`WasmEngine`,
 * `freshSeed`): synchronously loaded in Node, fetched in browsers. `loadEngine({ fresh: true })`
 * must give a new instance of the module, used to rebuild the engine after a trap.
 * A first load may report its progress (`onProgress`: bytes of the wasm received, of its total).
 * @param {(options?: { fresh?: boolean, onProgress?: (p: { loaded: number, total: number }) => void }) => Promise<any>} loadEngine
 */
export function bindMessageCenter(loadEngine) {
  /** The Message Center: a control instance and its execution instances, on one storage. */
  class MessageCenter {
    #engine;
    #storage;
    #queue = Promise.resolve();
    #closed = false;
    #cacheBytes = null;
    /** The trap that left the engine unusable, until a rebuild succeeds. */
    #broken = null;
    /** The rebuild queued by a query or a commit that trapped. */
    #recovering = null;
    /** Whether a rebuild is opening its new engine. */
    #rebuilding = false;
    /**
     * Group commit (`groupCommit: true`): the writes of operations whose transactions are done but
     * not yet durable, by key (a string, or `undefined` for a delete), which later operations read
     * through; the batches waiting for the next storage write; the write in progress.
     */
    #group = null;

    /** Use `MessageCenter.open`. */
    constructor(engine, storage, token) {
      if (token !== OPEN) throw mcError('INVALID_ARGUMENT', 'use MessageCenter.open()');
      this.#engine = engine;
      this.#storage = storage;
    }

    /**
     * Loads the engine (the wasm) without opening anything, reporting its download as it goes:
     * a page can show a progress bar before its first `open()`. Idempotent: later calls (and
     * `open()`) reuse the first load. In Node the engine is loaded already.
     */
    static async load(options = {}) {
      object('options', options);
      if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw mcError('INVALID_ARGUMENT', 'onProgress must be a function');
      await loadEngine({ onProgress: options.onProgress });
    }

    /**
     * Opens (or creates) a Message Center on a storage adapter.
     * @param {import('./index.js').OpenOptions} [options]
     */
    static async open(options = {}) {
      object('options', options);
      const storage = options.storage ?? createMemoryStorage();
      for (const m of ['get', 'range', 'write', 'close']) {
        if (typeof storage[m] !== 'function') throw mcError('INVALID_ARGUMENT', `storage has no ${m}() method: pass a storage adapter`);
      }
      if (options.seed !== undefined && !['string', 'number', 'bigint'].includes(typeof options.seed)) {
        throw mcError('INVALID_ARGUMENT', 'seed must be a string, a number or a bigint');
      }
      if (options.config !== undefined && options.config !== null) object('config', options.config);
      const wasm = await loadEngine();
      /** @type {Request} */
      const request = {
        op: 'open',
        seed: options.seed === undefined ? null : String(options.seed),
        now: options.now === undefined ? null : time('now', options.now),
        config: options.config ?? null,
        freshSeed: wasm.freshSeed(),
        entropy: entropy(),
        boundary: BOUNDARY,
        cacheBytes: options.cacheBytes ?? null,
      };
      if (options.groupCommit !== undefined && typeof options.groupCommit !== 'boolean') throw mcError('INVALID_ARGUMENT', 'groupCommit must be a boolean');
      const mc = new MessageCenter(new wasm.WasmEngine(), storage, OPEN);
      mc.#cacheBytes = request.cacheBytes;
      await mc.#opened(request);
      if (options.groupCommit) mc.#group = { pending: new Map(), waiting: [], flushing: null, epoch: 0 };
      return mc;
    }

    // ---- the shell's one loop: begin, read what the core asks, write what it returns ----

    #serial(fn) {
      const run = this.#queue.then(() => {
        if (this.#closed) throw mcError('CLOSED', 'this MessageCenter is closed');
        return fn();
      });
      this.#queue = run.catch(() => {});
      return run;
    }

    async #read(r) {
      try {
        const pending = this.#group?.pending;
        if (r.op === 'get') {
          // The pending writes as they are now: a write that becomes durable during the read
          // leaves them (storage may have answered from before it).
          const mine = pending?.size ? r.keys.map((k) => (pending.has(k) ? [pending.get(k)] : null)) : null;
          const values = await this.#storage.get(r.keys);
          if (mine) for (let i = 0; i < r.keys.length; i++) if (mine[i]) values[i] = mine[i][0];
          return encodeValues(r.keys, values);
        }
        const entries = pending?.size ? await this.#rangeThrough(pending, r) : await this.#storage.range({ gte: r.gte, lt: r.lt, limit: r.limit });
        return encodeEntries(entries);
      } catch (e) {
        throw storageFailed(r.op, e);
      }
    }

    /**
     * A range read through the writes not yet durable: the stored entries (as many more as there
     * are pending keys in the range, which deletes may hide), with the pending puts and deletes
     * applied; a pending put past the last stored entry of a full read is left out (stored entries
     * before it may have been cut off).
     */
    async #rangeThrough(pending, { gte, lt, limit }) {
      // A copy taken before the storage read (a write may become durable meanwhile).
      const inRange = [];
      for (const [k, v] of pending) if (k >= gte && k < lt) inRange.push([k, v]);
      if (inRange.length === 0) return this.#storage.range({ gte, lt, limit });
      const asked = limit + inRange.length;
      const stored = await this.#storage.range({ gte, lt, limit: asked });
      const last = stored.length === asked ? stored[stored.length - 1][0] : null;
      const merged = new Map(stored);
      for (const [k, v] of inRange) {
        if (v === undefined) merged.delete(k);
        else if (last === null || k <= last) merged.set(k, v);
      }
      const keys = [...merged.keys()].sort();
      return keys.slice(0, limit).map((k) => [k, merged.get(k)]);
    }

    /**
     * Group commit: the operation's writes join the next storage write, with those of every
     * operation done meanwhile (one transaction, one fsync); resolves once it is durable. A failed
     * write fails every operation not yet durable, and the engine (which went on from them) is
     * rebuilt from storage.
     */
    #enqueue(put, del) {
      const g = this.#group;
      for (const [k, v] of put) g.pending.set(k, v);
      for (const k of del) g.pending.set(k, undefined);
      return new Promise((resolve, reject) => {
        g.waiting.push({ put, del, resolve, reject });
        g.flushing ??= this.#flush();
      });
    }

    async #flush() {
      const g = this.#group;
      // Let the operations already under way (requests that came in the same turn) join: a
      // storage adapter may write synchronously (SQLite), leaving them no time to.
      await new Promise((resolve) => nextTurn(resolve));
      while (g.waiting.length) {
        const batch = g.waiting.splice(0);
        // Later batches win: a key's last write in the group is the one written.
        const merged = new Map();
        for (const b of batch) {
          for (const [k, v] of b.put) merged.set(k, v);
          for (const k of b.del) merged.set(k, undefined);
        }
        const put = [];
        const del = [];
        for (const [k, v] of merged) {
          if (v === undefined) del.push(k);
          else put.push([k, v]);
        }
        try {
          await this.#storage.write({ put, del });
        } catch (e) {
          const err = storageFailed('write', e);
          const failed = batch.concat(g.waiting.splice(0));
          g.pending.clear();
          // An operation in progress read through these writes: it must not be written either.
          g.epoch++;
          // The engine went on from writes that are not in storage: rebuild it from storage.
          this.#broke(err);
          for (const b of failed) b.reject(err);
          continue;
        }
        // What is durable now reads from storage, unless a later batch wrote it again.
        const later = new Map();
        for (const b of g.waiting) {
          for (const [k] of b.put) later.set(k, true);
          for (const k of b.del) later.set(k, true);
        }
        for (const k of merged.keys()) if (!later.has(k)) g.pending.delete(k);
        for (const b of batch) b.resolve();
      }
      g.flushing = null;
    }

    /**
     * Runs one operation (one transaction): `{ result, next }`; a push's document aside, as `text`.
     * Before the write, a trap (a non-coded error of the engine: a bug in the core) means the
     * operation was not applied; after it, the operation is durable whatever the engine does.
     * @param {Request} request
     * @param {string} [text]
     */
    async #op(request, text, { recovering = false } = {}) {
      if (this.#broken && !recovering) await this.#recoverOrThrow();
      const engine = this.#engine;
      const epoch = this.#group?.epoch;
      let step;
      try {
        step = engine.begin(request, text === undefined ? undefined : utf8.encode(text));
      } catch (e) {
        if (isCoded(e)) throw e;
        throw await this.#trapped(e, recovering);
      }
      try {
        while (step.kind === 'read') {
          const parts = await Promise.all(step.reads.map((r) => this.#read(r)));
          const { text, lengths } = encodeParts(parts);
          step = engine.resume(text, lengths);
        }
      } catch (e) {
        if (!isCoded(e)) throw await this.#trapped(e, recovering);
        this.#rollback(engine);
        throw e;
      }
      const { put, del } = decodeWrites(step.writes, step.lengths);
      if (this.#group && !recovering && (put.length || del.length)) {
        if (this.#group.epoch !== epoch) {
          // A group write failed while this operation read: the engine is being rebuilt.
          this.#rollback(engine);
          throw mcError('STORAGE_FAILED', 'storage write failed while this operation ran: it was not applied');
        }
        // Group commit: the engine takes the transaction now; it is durable (and answered) with
        // the group's write.
        const durable = this.#enqueue(put, del);
        try {
          engine.commit();
        } catch (e) {
          this.#broke(e);
        }
        return { result: step.result, next: step.next, durable };
      }
      try {
        if (put.length || del.length) await this.#storage.write({ put, del });
      } catch (e) {
        this.#rollback(engine);
        const err = storageFailed('write', e);
        // A store can fail after it applied the write (a remote one whose reply was lost): storage
        // alone knows, so the engine is rebuilt from it before the next call (now, in this call's
        // turn; if storage cannot be read yet, the next call tries again).
        if (!recovering) {
          this.#broken ??= err;
          await this.#recover().catch(() => {});
        }
        throw err;
      }
      // Durable. If the engine cannot take the commit, storage holds the operation: it stands, and
      // the engine is rebuilt from storage before the next call.
      try {
        engine.commit();
      } catch (e) {
        this.#broke(e);
      }
      return { result: step.result, next: step.next };
    }

    #rollback(engine) {
      try {
        engine.rollback();
      } catch (e) {
        this.#broke(e);
      }
    }

    /**
     * A trap before the write: the operation was not applied. The engine is rebuilt from storage
     * (which holds every committed operation) and the error is reported once, as INTERNAL. While
     * rebuilding, a trap is the rebuild's failure, reported to it as it is.
     */
    async #trapped(e, recovering) {
      this.#broken ??= e;
      if (recovering) return e;
      try {
        await this.#recover();
      } catch (r) {
        return mcError('INTERNAL', `the engine failed (${e?.message ?? e}) and could not be rebuilt from storage yet (${r?.message ?? r}); the operation was not applied, and the next call tries again`, e);
      }
      return mcError('INTERNAL', `the engine failed (${e?.message ?? e}); it was rebuilt from storage, and the operation was not applied`, e);
    }

    /** The engine is unusable: rebuild it before the next call (in the call queue). */
    #broke(e) {
      this.#broken ??= e;
      this.#recovering ??= this.#serial(() => (this.#broken ? this.#recover() : undefined))
        .catch(() => {})
        .finally(() => {
          this.#recovering = null;
        });
    }

    async #recoverOrThrow() {
      const e = this.#broken;
      try {
        await this.#recover();
      } catch (r) {
        throw mcError('INTERNAL', `the engine failed (${e?.message ?? e}) and could not be rebuilt from storage yet (${r?.message ?? r}); the next call tries again`, e);
      }
    }

    /** One attempt: a new engine, in a fresh wasm instance, opened on the storage. */
    async #recover() {
      const wasm = await loadEngine({ fresh: true });
      const [old, trap] = [this.#engine, this.#broken];
      this.#engine = new wasm.WasmEngine();
      // Cleared before the open, so that a trap of the new engine (even in its commit) shows.
      this.#broken = null;
      this.#rebuilding = true;
      try {
        await this.#opened({ op: 'open', boundary: BOUNDARY, cacheBytes: this.#cacheBytes, entropy: entropy() }, { recovering: true });
      } catch (e) {
        this.#engine = old;
        this.#broken = trap ?? e;
        throw e;
      } finally {
        this.#rebuilding = false;
      }
    }

    /**
     * Open, then what it names next: the steps of the migration of a store of an older format,
     * each a transaction, before the store is handed over.
     * @param {Request} request
     * @param {{ recovering?: boolean }} [how]
     */
    async #opened(request, how) {
      let { next } = await this.#op(request, undefined, how);
      while (next) ({ next } = await this.#op(next, undefined, how));
    }

    /**
     * @param {Request} request
     * @param {string} [text]
     */
    async #run(request, text) {
      const { result, durable } = await this.#serial(() => this.#op(request, text));
      await durable;
      return result;
    }

    /**
     * A command of several transactions: sends what the engine names next until it is done. Each
     * transaction takes its own turn in the call queue, so that calls made meanwhile (a push while
     * the clock catches up) run between two steps instead of waiting for the whole command.
     */
    /** @param {Request} request */
    async #command(request) {
      // Under group commit, the next step runs while the last one's write is under way: steps
      // done meanwhile go together into the next write (each step still all or nothing, and a
      // failed write fails the command and rebuilds the engine from storage), at most
      // COMMAND_STEPS_IN_FLIGHT of them, so that a write stays bounded. The command answers once
      // every step is durable.
      const writes = [];
      const wait = async (durable) => {
        if (!this.#group || !durable) return durable;
        durable.catch(() => {});
        writes.push(durable);
        if (writes.length > COMMAND_STEPS_IN_FLIGHT) await writes.shift();
      };
      let { result, next, durable } = await this.#serial(() => this.#op(request));
      await wait(durable);
      while (next) {
        const step = next;
        ({ result, next, durable } = await this.#serial(() => this.#op(step)));
        await wait(durable);
      }
      await Promise.all(writes);
      return result;
    }

    /**
     * A query (synchronous). A trap in it is reported as INTERNAL and the engine is rebuilt from
     * storage before the next call runs; queries until then fail with INTERNAL too.
     */
    /** @param {Query} q */
    #query(q) {
      if (this.#rebuilding) throw mcError('INTERNAL', 'the engine failed and is being rebuilt from storage: await the next call first');
      if (this.#broken) {
        this.#broke(this.#broken);
        throw mcError('INTERNAL', `the engine failed (${this.#broken?.message ?? this.#broken}) and is being rebuilt from storage: await the next call first`, this.#broken);
      }
      try {
        return this.#engine.query(q);
      } catch (e) {
        if (isCoded(e)) throw e;
        this.#broke(e);
        throw mcError('INTERNAL', `the engine failed (${e?.message ?? e}); it is being rebuilt from storage`, e);
      }
    }

    // ---- settings and clock ----

    /** Clock, seed and configuration. */
    settings() {
      return this.#query({ q: 'settings' });
    }

    /** The virtual clock, ms since the epoch. */
    now() {
      return this.#query({ q: 'now' });
    }

    /** Changes configuration values (a partial object). */
    async configure(config) {
      return this.#run({ op: 'configure', config: object('config', config), entropy: entropy() });
    }

    /** Moves the clock forward by `ms`, running every workflow step that falls due, in time order. */
    async advance(ms) {
      if (typeof ms !== 'number') throw mcError('INVALID_ARGUMENT', 'advance(ms) takes a non-negative number of ms');
      return this.#command({ op: 'advance', by: ms });
    }

    /** Moves the clock forward to a time, running every workflow step that falls due. */
    async advanceTo(when) {
      return this.#command({ op: 'advance', to: time('time', when) });
    }

    // ---- topology ----

    /** Registers an execution instance (an external account of type "Message Center execution instance"). */
    async addExecutionInstance(account) {
      return this.#run({ op: 'addExecutionInstance', ...object('account', account) });
    }

    /** Changes an external account (label, url, enabled). */
    async updateExecutionInstance(account, patch) {
      return this.#run({ op: 'updateExecutionInstance', name: name('account', account), patch: object('patch', patch) });
    }

    /** External accounts, with the product's warning while the archiving workflow does not exist. */
    executionInstances() {
      return this.#query({ q: 'accounts' });
    }

    /** "Create the archiving workflow": creates and starts `mcSynch_<account>`. */
    async createArchivingWorkflow(account) {
      return this.#run({ op: 'createArchivingWorkflow', account: name('account', account) });
    }

    /**
     * Told by the control of another process which change records of this process's execution
     * instances its archiving consumed: `del` the records consumed whole, `put` those shortened to
     * the pages still to archive. The engine checks every record and writes in one transaction;
     * a record already consumed is a no-op, anything else refuses the whole request.
     */
    async consumeChanges({ put = [], del = [] } = {}) {
      if (!Array.isArray(put) || !put.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'string')) {
        throw mcError('INVALID_ARGUMENT', 'consumeChanges: put must be a list of [key, value] strings');
      }
      if (!Array.isArray(del) || !del.every((k) => typeof k === 'string')) throw mcError('INVALID_ARGUMENT', 'consumeChanges: del must be a list of keys');
      return this.#run({ op: 'consumeChanges', put, del });
    }

    /** Adds an address to an execution instance's denylist. */
    async denylist(instance, address) {
      return this.#run({ op: 'denylist', instance: name('instance', instance), address: name('address', address) });
    }

    // ---- catalogue ----

    /** Adds a value to the `eventType` enumeration. */
    async addEventType(type) {
      const t = typeof type === 'string' ? { name: type } : object('event type', type);
      return this.#run({ op: 'addEventType', name: t.name, label: t.label ?? null });
    }

    /** The `eventType` enumeration. */
    eventTypes() {
      return this.#query({ q: 'eventTypes' });
    }

    /** Creates a transactional message template ("Being edited"). */
    async createTemplate(template) {
      return this.#run({ op: 'createTemplate', template: object('template', template) });
    }

    /** Changes a template (republish for the change to reach execution instances). */
    async updateTemplate(templateName, patch) {
      return this.#run({ op: 'updateTemplate', name: name('template', templateName), patch: object('patch', patch) });
    }

    /** "Send a proof": the template rendered with its seed addresses (`seeds`: some of them), sent to them and kept in its Audit. */
    async sendProof(templateName, /** @type {{ seeds?: string[] | null }} */ { seeds } = {}) {
      if (seeds !== undefined && (!Array.isArray(seeds) || seeds.some((s) => typeof s !== 'string'))) throw mcError('INVALID_ARGUMENT', 'seeds: a list of seed address names');
      return this.#run({ op: 'sendProof', name: name('template', templateName), seeds: seeds ?? null });
    }

    /** Deletes a template (unpublish it first). */
    async deleteTemplate(templateName) {
      return this.#run({ op: 'deleteTemplate', name: name('template', templateName) });
    }

    /** One template. */
    getTemplate(templateName) {
      return this.#query({ q: 'template', name: name('template', templateName) });
    }

    /** Every template. */
    templates() {
      return this.#query({ q: 'templates' });
    }

    /** Publishes a template to every execution instance (`<name>_rt`, `<name>_batch`); returns the publication log. */
    async publish(templateName) {
      return this.#run({ op: 'publish', name: name('template', templateName) });
    }

    /** Removes a template from every execution instance. */
    async unpublish(templateName) {
      return this.#run({ op: 'unpublish', name: name('template', templateName) });
    }

    /** Renders a template with one of its seed addresses (default: the first). */
    preview(templateName, seed) {
      return this.#query({ q: 'preview', name: name('template', templateName), seed: seed ?? null });
    }

    /**
     * The syntax errors template fields would be refused with at save (none: they compile), with
     * the control's personalization blocks and options; nothing is saved. The editor asks as you type.
     */
    checkTemplate(fields) {
      const f = object('fields', fields);
      /** @type {Query & { q: 'checkTemplate' }} */
      const q = { q: 'checkTemplate' };
      for (const k of ['subject', 'html', 'text']) {
        if (f[k] === undefined || f[k] === null) continue;
        if (typeof f[k] !== 'string') throw mcError('INVALID_ARGUMENT', `${k} must be a string`);
        q[k] = f[k];
      }
      return this.#query(q);
    }

    // ---- personalization blocks and options ----

    /** Creates a personalization block of the control (`<%@ include view='name' %>`); republish the templates that use it. */
    async createPersonalizationBlock(block) {
      return this.#run({ op: 'createPersonalizationBlock', block: object('block', block) });
    }

    /** Changes a personalization block (a built-in one becomes the control's own). */
    async updatePersonalizationBlock(blockName, patch) {
      return this.#run({ op: 'updatePersonalizationBlock', name: name('block', blockName), patch: object('patch', patch) });
    }

    /** Deletes a personalization block of the control (a changed built-in one goes back to as shipped). */
    async deletePersonalizationBlock(blockName) {
      return this.#run({ op: 'deletePersonalizationBlock', name: name('block', blockName) });
    }

    /** Personalization blocks: the built-in ones and the control's, with the templates that use each. */
    personalizationBlocks() {
      return this.#query({ q: 'personalizationBlocks' });
    }

    /** Sets an option (`xtk:option`, `<%@ include option='name' %>`); null: back to its default. */
    async setOption(optionName, value) {
      if (value !== null && typeof value !== 'string') return Promise.reject(mcError('INVALID_ARGUMENT', 'an option value is a string (or null: back to its default)'));
      return this.#run({ op: 'setOption', name: name('option', optionName), value });
    }

    /** Options: the built-in ones and the control's, with the templates that use each. */
    options() {
      return this.#query({ q: 'options' });
    }

    /** Published copies on an execution instance. */
    publishedTemplates(instance) {
      return this.#query({ q: 'published', instance: name('instance', instance) });
    }

    /** Execution deliveries of an execution instance (one per copy and month). */
    deliveries(instance) {
      return this.#query({ q: 'deliveries', instance: name('instance', instance) });
    }

    // ---- events ----

    #push(events, options, single) {
      if (options !== undefined) object('options', options);
      const { instance, queue } = options ?? {};
      let format;
      let text;
      if (typeof events === 'string') {
        format = 'xml';
        text = events;
      } else if ((single && events !== null && typeof events === 'object' && !Array.isArray(events)) || (!single && Array.isArray(events))) {
        format = 'json';
        try {
          text = JSON.stringify(events);
        } catch (e) {
          return Promise.reject(mcError(e instanceof RangeError ? 'INPUT_TOO_LARGE' : 'INVALID_EVENT', `the event cannot be serialized: ${e.message}`, e));
        }
      } else {
        const want = single ? 'an event object or an XML string' : 'an array of event objects or an XML string';
        return Promise.reject(mcError('INVALID_ARGUMENT', `${single ? 'pushEvent' : 'pushEvents'} takes ${want}`));
      }
      if (instance !== undefined && typeof instance !== 'string') return Promise.reject(mcError('INVALID_ARGUMENT', 'instance must be a string'));
      return this.#run({ op: 'push', target: instance ?? null, format, queue: queue ?? null, single }, text);
    }

    /**
     * PushEvent: one event (an object, or Campaign's XML `<rtEvent …><ctx>…</ctx></rtEvent>`), to an
     * execution instance or through the load balancer (default). Resolves once the event is durable.
     * @returns {Promise<{ id: string, instance: string, queue: string }>}
     */
    async pushEvent(event, options) {
      const r = await this.#push(event, options, true);
      return r.events[0];
    }

    /** PushEvents: several events (an array, or XML with any wrapper element). */
    async pushEvents(events, options) {
      const r = await this.#push(events, options, false);
      return r.events;
    }

    /**
     * A SOAP envelope, as an integrator's code posts it to `/nl/jsp/soaprouter.jsp`: resolves to
     * the HTTP status and body Campaign would answer (the response, or a SOAP fault; a fault
     * writes nothing) and the events pushed. Answers `nms:rtEvent` / `nms:batchEvent`
     * `PushEvent(s)`, `xtk:session#Logon` / `Logoff`, `xtk:persist#GetEntityIfMoreRecent` and
     * `xtk:queryDef#ExecuteQuery`. `soapAction` is the HTTP `SOAPAction` header, if any;
     * `caller` (the remote address, the token headers, fresh entropy for a Logon) makes the
     * engine authenticate the call as Campaign does; without it nothing is authenticated.
     * @returns {Promise<import('./index.js').SoapReply>}
     */
    soap(envelope, options) {
      if (typeof envelope !== 'string') return Promise.reject(mcError('INVALID_ARGUMENT', 'soap takes the envelope as a string'));
      if (options !== undefined) object('options', options);
      const { instance, soapAction, caller } = options ?? {};
      if (instance !== undefined && typeof instance !== 'string') return Promise.reject(mcError('INVALID_ARGUMENT', 'instance must be a string'));
      if (soapAction !== undefined && soapAction !== null && typeof soapAction !== 'string') return Promise.reject(mcError('INVALID_ARGUMENT', 'soapAction must be a string'));
      if (caller !== undefined && caller !== null) {
        try {
          object('caller', caller);
        } catch (e) {
          return Promise.reject(e);
        }
      }
      return this.#run({ op: 'soap', target: instance ?? null, soapAction: soapAction ?? null, caller: caller ?? null }, envelope);
    }

    /** A draw from the seed in parts per million (0 to 999,999) for a purpose and a number: the same every run with the same seed. */
    draw(purpose, n) {
      if (!Number.isSafeInteger(n) || n < 0) throw mcError('INVALID_ARGUMENT', 'n must be a non-negative integer');
      return this.#query({ q: 'draw', purpose: name('purpose', purpose), n });
    }

    /** The SOAP fault a test harness answers in place of a call (`SOAP-ENV:Server`, HTTP 500), in the words of its `SOAPAction`. */
    injectedFault(soapAction) {
      return this.#query({ q: 'injectedFault', soapAction: typeof soapAction === 'string' ? soapAction : null });
    }

    /**
     * Every stored record, in key order, `chunk` at a time to `onChunk(entries)`, as one moment of
     * the store (calls made meanwhile wait; with group commit, what was done before is written
     * first), as a snapshot holds it: without the sessions of Logon and without any operator's
     * secret (the engine says which records differ, `snapshotEdits`). This is the sandbox export
     * and the service's snapshot; `recordsToRestore` prepares one to be restored.
     */
    async records(onChunk, { chunk = 1000 } = {}) {
      if (typeof onChunk !== 'function') throw mcError('INVALID_ARGUMENT', 'records(onChunk) takes a function');
      if (!Number.isSafeInteger(chunk) || chunk < 1) throw mcError('INVALID_ARGUMENT', 'chunk must be a positive integer');
      return this.#serial(async () => {
        await this.#group?.flushing;
        let gte = '';
        let n = 0;
        for (;;) {
          let rows;
          try {
            rows = await this.#storage.range({ gte, lt: '\uffff', limit: chunk });
          } catch (e) {
            throw storageFailed('range', e);
          }
          if (rows.length === 0) break;
          const last = rows[rows.length - 1][0];
          const out = applyEdits(rows, this.#query({ q: 'snapshotEdits', keys: rows.map(([k]) => k) }));
          if (out.length) await onChunk(out);
          n += out.length;
          if (rows.length < chunk) break;
          gte = `${last}\u0000`;
        }
        return n;
      });
    }

    /**
     * The records of a snapshot (`[key, value]` pairs, as `records()` gives them) as they are to
     * be restored into this Message Center's store: with this store's operators and trusted
     * ranges in place of the snapshot's, and without any session of Logon. A new array; the
     * caller writes it (the service's `POST /__mc/restore`).
     * @param {Array<[string, string]>} records
     * @returns {Array<[string, string]>}
     */
    recordsToRestore(records) {
      if (!Array.isArray(records) || !records.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && typeof r[1] === 'string')) {
        throw mcError('INVALID_ARGUMENT', 'recordsToRestore takes an array of [key, value] string pairs');
      }
      return applyEdits(records, this.#query({ q: 'restoreEdits', records }));
    }

    /**
     * Whether records from outside (a snapshot to restore) are ones this engine could have
     * written: each key in the storage layout, each value through the engine's decoders, no
     * character U+0000 to U+0003, sizes bounded. Their number, or INVALID_ARGUMENT naming the first bad one.
     */
    checkRecords(records) {
      if (!Array.isArray(records) || !records.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && typeof r[1] === 'string')) {
        throw mcError('INVALID_ARGUMENT', 'checkRecords takes a list of [key, value] strings');
      }
      return this.#query({ q: 'checkRecords', records });
    }

    /**
     * Where an execution instance's records live: the key prefixes of its own records (`own`,
     * kept where the instance runs) and those its archiving writes (`archiveWrites`).
     */
    instanceKeys(instance) {
      return this.#query({ q: 'instanceKeys', instance: name('instance', instance) });
    }

    /**
     * Whether a caller with this session token is an operator, as the SOAP router decides it:
     * resolves to its login, or throws `ACCESS_DENIED` / `SESSION_INVALID`.
     */
    authenticate(caller, token) {
      return this.#query({ q: 'authenticate', caller: object('caller', caller), token: typeof token === 'string' ? token : '' });
    }

    /** The WSDL of `nms:rtEvent` or `nms:batchEvent`, with the SOAP router at `location`. */
    wsdl(schema, location) {
      return this.#query({ q: 'wsdl', schema: name('schema', schema), location: name('location', location) });
    }

    /**
     * The event generator: `spec.ratePerHour` events an hour over `spec.durationMs` of virtual
     * time from now, with a mix of types, channels and addresses drawn from the seed; the
     * workflows due in between run as the clock moves. One transaction per step; other calls can
     * run between two steps. `onProgress` receives each step's progress; once `signal` is aborted
     * it stops after the step in progress (everything pushed so far stays). Resolves to the last
     * progress (`done` false if it was stopped).
     * @returns {Promise<import('./index.js').GenerateProgress>}
     */
    async generate(spec, options = {}) {
      object('spec', spec);
      object('options', options);
      const { onProgress, signal } = options;
      if (onProgress !== undefined && typeof onProgress !== 'function') throw mcError('INVALID_ARGUMENT', 'onProgress must be a function');
      /** @type {Request} */
      let request = { op: 'generate', spec };
      for (;;) {
        const { result, next, durable } = await this.#serial(() => this.#op(request));
        await durable;
        onProgress?.(result);
        if (!next || signal?.aborted) return result;
        request = next;
      }
    }

    // ---- workflows ----

    /** Workflows (of one instance: `control` or an account name; or all). */
    workflows(instance) {
      return this.#query({ q: 'workflows', instance: instance ?? null });
    }

    /** Starts a workflow. */
    async startWorkflow(instance, workflow) {
      return this.#run({ op: 'startWorkflow', instance: name('instance', instance), name: name('workflow', workflow) });
    }

    /** Pauses a workflow. */
    async pauseWorkflow(instance, workflow) {
      return this.#run({ op: 'pauseWorkflow', instance: name('instance', instance), name: name('workflow', workflow) });
    }

    /** Stops a workflow. */
    async stopWorkflow(instance, workflow) {
      return this.#run({ op: 'stopWorkflow', instance: name('instance', instance), name: name('workflow', workflow) });
    }

    /** Changes a workflow's schedule. */
    async scheduleWorkflow(instance, workflow, schedule = {}) {
      const { periodMs, offsetMs = 0 } = object('schedule', schedule);
      return this.#run({ op: 'scheduleWorkflow', instance: name('instance', instance), name: name('workflow', workflow), periodMs, offsetMs });
    }

    /** Runs one whole run of a workflow now (each step its own transaction). */
    async runWorkflow(instance, workflow) {
      return this.#command({ op: 'runWorkflow', instance: name('instance', instance), name: name('workflow', workflow) });
    }

    /** A workflow's journal, newest run first. */
    async journal(instance, workflow, /** @type {{ limit?: number }} */ { limit } = {}) {
      return this.#run({ op: 'journal', instance: name('instance', instance), name: name('workflow', workflow), limit: limit ?? null });
    }

    /**
     * What the workflows did across the instances, newest first: a line per run in the product's
     * words, with links to what it touched, the next step due, and a `mark`; `{ since: mark }`
     * answers only what ran after it.
     */
    async activity(/** @type {{ limit?: number, since?: string }} */ { limit, since } = {}) {
      if (since !== undefined && since !== null && typeof since !== 'string') throw mcError('INVALID_ARGUMENT', 'since must be a mark (a string) from an earlier answer');
      return this.#run({ op: 'activity', limit: limit ?? null, since: since ?? null });
    }

    // ---- reading ----

    /**
     * A page of the status list, newest first. Pass the returned `next` as `after` for the next page.
     * @param {{ instance: string, queue?: string, status?: string, type?: string, channel?: string|number, from?: any, to?: any, address?: string, limit?: number, after?: string }} filter
     */
    async listEvents(filter) {
      const f = { ...object('filter', filter) };
      for (const k of ['from', 'to', 'asOf']) if (f[k] !== undefined && f[k] !== null) f[k] = time(k, f[k]);
      return this.#run({ op: 'listEvents', filter: f });
    }

    /**
     * Counts per status at points of a period, from the events' status histories: the list's
     * filter (status terms aside), `start` (default: the filter's from, else the oldest event),
     * `end` (default: the filter's to, else the clock), `points` (1–1,000, default 120).
     */
    async statusOverTime(filter, /** @type {{ start?: Date|number|string, end?: Date|number|string, points?: number }} */ { start, end, points } = {}) {
      const f = { ...object('filter', filter) };
      for (const k of ['from', 'to']) if (f[k] !== undefined && f[k] !== null) f[k] = time(k, f[k]);
      const opt = (k, v) => (v === undefined || v === null ? null : time(k, v));
      return this.#run({ op: 'statusOverTime', filter: f, start: opt('start', start), end: opt('end', end), points: points ?? null });
    }

    /** Counts per status, from counters (never a scan). */
    countEvents(filter) {
      return this.#query({ q: 'counts', ...object('filter', filter) });
    }

    /** One event's whole story: statuses with time and run, template, delivery log, rendered message. */
    async getEvent(id, /** @type {{ asOf?: Date|number|string }} */ { asOf } = {}) {
      if (typeof id === 'bigint') id = id.toString();
      if (typeof id !== 'string') return Promise.reject(mcError('INVALID_EVENT_ID', 'event ids are decimal strings (64-bit: never a Number)'));
      return this.#run({ op: 'getEvent', id, asOf: asOf === undefined || asOf === null ? null : time('asOf', asOf) });
    }

    /** Health in the mcPing form: of one execution instance, or (no argument) of all of them together. */
    mcPing(instance) {
      return this.#query({ q: 'mcPing', instance: instance === undefined ? null : name('instance', instance) });
    }

    /** The insert-personalization menu of the template editor, with the paths of `ctx` (a seed's `<ctx>` XML) under "Event XML". */
    personalizationMenu(ctx) {
      if (ctx !== undefined && typeof ctx !== 'string') throw mcError('INVALID_ARGUMENT', 'ctx: the XML of a <ctx> document');
      return this.#query({ q: 'personalizationMenu', ctx: ctx ?? null });
    }

    /** "Test the connection" of an execution instance's external account: whether the control reaches it, in words, with its mcPing. */
    testConnection(account) {
      return this.#query({ q: 'testConnection', account: name('account', account) });
    }

    /** The text of `ping.jsp`: `OK`, the clock. */
    ping() {
      return this.#query({ q: 'ping' });
    }

    /**
     * The control's reports over a period of its event history (default: the last 24 hours of
     * virtual time): the pivot by day, event type and channel; service level; processing time;
     * each figure with its thresholds and level.
     * @returns {Promise<import('./index.js').Report>}
     */
    report(filter = {}) {
      object('filter', filter);
      const f = { ...filter };
      for (const k of ['from', 'to']) if (f[k] !== undefined && f[k] !== null) f[k] = time(k, f[k]);
      return this.#run({ op: 'report', filter: f });
    }

    /** Event statuses, channels, queues and outcome-directed test addresses, with their console labels. */
    enumerations() {
      return this.#query({ q: 'enumerations' });
    }

    /** What a new platform needs before an event reaches Sent: each item done or missing, and where to do it. */
    setupChecklist() {
      return this.#query({ q: 'setupChecklist' });
    }

    /** The guided exercises that ship with the engine (each with its file's text). */
    exercises() {
      return this.#query({ q: 'exercises' });
    }

    /** An exercise file (a shipped one's text, or a trainer's) evaluated against this sandbox: each step done, or what it misses. */
    exercise(text, { reached = [] } = {}) {
      if (typeof text !== 'string') throw mcError('INVALID_EXERCISE', 'an exercise is the text of its file (JSON)');
      return this.#query({ q: 'exercise', text, reached });
    }

    /** The completion record of an exercise in this sandbox, for the trainee to export (its seed, its state's digest, each step, a seal). */
    exerciseRecord(text, { reached = [] } = {}) {
      if (typeof text !== 'string') throw mcError('INVALID_EXERCISE', 'an exercise is the text of its file (JSON)');
      return this.#query({ q: 'exerciseRecord', text, reached });
    }

    /** A completion record (the text of its file) verified against this sandbox: the trainee's, imported. `text`: the exercise file, when it is not a shipped one. */
    verifyExerciseRecord(record, /** @type {{ text?: string }} */ { text } = {}) {
      if (typeof record !== 'string') throw mcError('INVALID_EXERCISE', 'a completion record is the text of its file (JSON)');
      if (text !== undefined && typeof text !== 'string') throw mcError('INVALID_EXERCISE', 'an exercise is the text of its file (JSON)');
      return this.#query({ q: 'verifyExerciseRecord', record, text });
    }

    /** The next workflow step due, at or before `until` (default: whenever); null if none. */
    nextDue(options = {}) {
      object('options', options);
      return this.#query({ q: 'nextDue', until: options.until === undefined ? null : time('until', options.until) });
    }

    /**
     * Advances the clock until event `id` has `status`, and says why it gave up otherwise.
     * @returns {Promise<object>} the event
     */
    async waitForStatus(id, status, /** @type {{ maxMs?: number }} */ { maxMs } = {}) {
      if (typeof id === 'bigint') id = id.toString();
      if (typeof id !== 'string') return Promise.reject(mcError('INVALID_EVENT_ID', 'event ids are decimal strings (64-bit: never a Number)'));
      return this.#command({ op: 'waitForStatus', id, status: name('status', status), maxMs: maxMs ?? null });
    }

    /** Closes the storage. */
    async close() {
      return this.#serial(async () => {
        this.#closed = true;
        // Group commit: what is done is written before the storage closes.
        await this.#group?.flushing;
        await this.#storage.close();
      });
    }
  }
  return MessageCenter;
}

const OPEN = Symbol('open');
