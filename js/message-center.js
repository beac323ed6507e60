// The public JavaScript API: the shell around the Rust core. It moves records between a storage
// adapter and the engine, one storage transaction per operation or workflow step, and decides
// nothing: which events are due, what template, what outcome, what status, what to archive or
// purge and which workflow is next are all answers of the core.

import { createMemoryStorage } from './storage/memory.js';

/** Reads at most this many small-state records at open (`m/…`: a few per instance and template). */
const STATE_RECORDS_LIMIT = 1_000_000;

/** A default virtual start time: 2026-01-01T00:00:00Z. */
const DEFAULT_NOW = Date.UTC(2026, 0, 1);

// The boundary format of src/engine.rs (`encode_results`, `encode_step`): records are JSON and keys
// printable ASCII, so these control characters never occur in them and nothing is escaped.
const SEP = '\u0001';
const ABSENT = '\u0002';
const PART = '\u0003';

/** A step from the engine: `{ kind: 'read', reads }` or `{ kind: 'done', result, put, del }`. */
function decodeStep(text) {
  const a = text.indexOf(PART);
  if (a < 0) return JSON.parse(text);
  const b = text.indexOf(PART, a + 1);
  const step = JSON.parse(text.slice(0, a));
  const puts = text.slice(a + 1, b);
  const dels = text.slice(b + 1);
  step.put = [];
  if (puts !== '') {
    const f = puts.split(SEP);
    for (let i = 0; i < f.length; i += 2) step.put.push([f[i], f[i + 1]]);
  }
  step.del = dels === '' ? [] : dels.split(SEP);
  return step;
}

/**
 * An `Error` with a stable `code`.
 * @param {string} code
 * @param {string} message
 * @param {unknown} [cause]
 */
export function mcError(code, message, cause) {
  const e = cause === undefined ? new Error(message) : new Error(message, { cause });
  e.code = code;
  return e;
}

/** Errors thrown by the wasm binding are `Error`s with a `code`; anything else gets one. */
function coded(e) {
  if (e instanceof Error && typeof e.code === 'string') return e;
  if (e instanceof Error) return mcError('INTERNAL', e.message, e);
  return mcError('INTERNAL', String(e));
}

function toMs(what, v) {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' && Number.isSafeInteger(Math.trunc(v))) return Math.trunc(v);
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  if (typeof v === 'number' && Number.isFinite(v)) throw mcError('INVALID_ARGUMENT', `${what} is out of range`);
  throw mcError('INVALID_ARGUMENT', `${what} must be a Date, a number of ms or an ISO 8601 string`);
}

function name(what, v) {
  if (typeof v !== 'string' || v === '') throw mcError('INVALID_ARGUMENT', `${what} must be a non-empty string`);
  return v;
}

function object(what, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw mcError('INVALID_ARGUMENT', `${what} must be an object`);
  return v;
}

/**
 * Builds the MessageCenter class over a way to get the wasm engine class (synchronously loaded in
 * Node, fetched in browsers).
 * @param {() => Promise<any>} loadEngine resolves to the `WasmEngine` class
 */
export function bindMessageCenter(loadEngine) {
  /** The Message Center: a control instance and its execution instances, on one storage. */
  class MessageCenter {
    #engine;
    #storage;
    #queue = Promise.resolve();
    #closed = false;

    /** Use `MessageCenter.open`. */
    constructor(engine, storage, token) {
      if (token !== OPEN) throw mcError('INVALID_ARGUMENT', 'use MessageCenter.open()');
      this.#engine = engine;
      this.#storage = storage;
    }

    /**
     * Opens (or creates) a Message Center on a storage adapter.
     * @param {{ storage?: object, seed?: string|number|bigint, now?: Date|number|string, config?: object }} [options]
     */
    static async open(options = {}) {
      object('options', options);
      const storage = options.storage ?? createMemoryStorage();
      for (const m of ['get', 'range', 'write', 'close']) {
        if (typeof storage[m] !== 'function') throw mcError('INVALID_ARGUMENT', `storage has no ${m}() method: pass a storage adapter`);
      }
      const WasmEngine = await loadEngine();
      const records = await storage.range({ gte: 'm/', lt: 'm0', limit: STATE_RECORDS_LIMIT });
      let engine;
      try {
        engine = new WasmEngine(JSON.stringify(records));
      } catch (e) {
        throw coded(e);
      }
      const mc = new MessageCenter(engine, storage, OPEN);
      if (!engine.initialized) {
        const seed = options.seed ?? '1';
        if (!['string', 'number', 'bigint'].includes(typeof seed)) throw mcError('INVALID_ARGUMENT', 'seed must be a string, a number or a bigint');
        await mc.#op({ op: 'init', seed: String(seed), now: toMs('now', options.now ?? DEFAULT_NOW), config: options.config ?? null });
      } else if (options.seed !== undefined && String(options.seed) !== mc.settings().seed) {
        throw mcError('INVALID_ARGUMENT', `this storage was created with seed ${mc.settings().seed}, not ${options.seed}`);
      } else if (options.config) {
        await mc.configure(options.config);
      }
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

    async #op(request) {
      const engine = this.#engine;
      let step;
      try {
        step = decodeStep(engine.begin(JSON.stringify(request)));
      } catch (e) {
        throw coded(e);
      }
      try {
        while (step.kind === 'read') {
          const parts = [];
          for (const r of step.reads) {
            if (r.op === 'get') {
              const values = await this.#storage.get(r.keys);
              parts.push(values.map((v) => (v === undefined ? ABSENT : v)).join(SEP));
            } else {
              const entries = await this.#storage.range({ gte: r.gte, lt: r.lt, limit: r.limit });
              parts.push(entries.map(([k, v]) => k + SEP + v).join(SEP));
            }
          }
          step = decodeStep(engine.resume(parts.join(PART)));
        }
        if (step.put.length || step.del.length) await this.#storage.write({ put: step.put, del: step.del });
        engine.commit();
        return step.result;
      } catch (e) {
        try {
          engine.rollback();
        } catch (inner) {
          throw mcError('STORAGE_FAILED', `rollback failed after: ${e.message}`, inner);
        }
        throw coded(e);
      }
    }

    #run(request) {
      return this.#serial(() => this.#op(request));
    }

    #query(q) {
      try {
        return JSON.parse(this.#engine.query(JSON.stringify(q)));
      } catch (e) {
        throw coded(e);
      }
    }

    // ---- settings and clock ----

    /** Clock, seed and configuration. */
    settings() {
      return this.#query({ q: 'settings' });
    }

    /** The virtual clock, ms since the epoch. */
    now() {
      return this.#query({ q: 'settings' }).nowMs;
    }

    /** Changes configuration values (a partial object). */
    async configure(config) {
      return this.#run({ op: 'configure', config: object('config', config) });
    }

    async #advanceTo(to) {
      let steps = 0;
      for (;;) {
        const next = this.#query({ q: 'nextDue', until: to });
        if (next === null) break;
        await this.#op({ op: 'runWorkflow', instance: next.instance, name: next.name, at: next.at });
        steps++;
      }
      await this.#op({ op: 'setClock', to });
      return { steps, now: new Date(to).toISOString() };
    }

    /** Moves the clock forward by `ms`, running every workflow step that falls due, in time order. */
    async advance(ms) {
      if (typeof ms !== 'number' || !Number.isSafeInteger(Math.trunc(ms)) || ms < 0) {
        throw mcError('INVALID_ARGUMENT', 'advance(ms) takes a non-negative number of ms');
      }
      return this.#serial(() => this.#advanceTo(this.now() + Math.trunc(ms)));
    }

    /** Moves the clock forward to a time. */
    async advanceTo(time) {
      const to = toMs('time', time);
      return this.#serial(() => this.#advanceTo(to));
    }

    // ---- topology ----

    /** Registers an execution instance (an external account of type "Message Center execution instance"). */
    async addExecutionInstance(account) {
      object('account', account);
      return this.#run({ op: 'addExecutionInstance', ...account });
    }

    /** Changes an external account (label, url, enabled). */
    async updateExecutionInstance(account, patch) {
      return this.#run({ op: 'updateExecutionInstance', name: name('account', account), ...object('patch', patch) });
    }

    /** External accounts, with the product's warning while the archiving workflow does not exist. */
    executionInstances() {
      return this.#query({ q: 'accounts' });
    }

    /** "Create the archiving workflow": creates and starts `mcSynch_<account>`. */
    async createArchivingWorkflow(account) {
      return this.#run({ op: 'createArchivingWorkflow', account: name('account', account) });
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
      const { instance = 'loadBalancer', queue } = options ?? {};
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
      if (typeof instance !== 'string') return Promise.reject(mcError('INVALID_ARGUMENT', 'instance must be a string'));
      return this.#run({ op: 'push', target: instance, format, text, queue: queue ?? null, single });
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
    async scheduleWorkflow(instance, workflow, { periodMs, offsetMs = 0 } = {}) {
      if (!Number.isSafeInteger(periodMs) || !Number.isSafeInteger(offsetMs)) {
        throw mcError('INVALID_ARGUMENT', 'scheduleWorkflow takes { periodMs, offsetMs } as integer numbers of ms');
      }
      return this.#run({ op: 'scheduleWorkflow', instance: name('instance', instance), name: name('workflow', workflow), periodMs, offsetMs });
    }

    /** Runs one whole run of a workflow now (each step its own transaction). */
    async runWorkflow(instance, workflow) {
      name('instance', instance);
      name('workflow', workflow);
      return this.#serial(async () => {
        const counts = {};
        let r;
        let steps = 0;
        do {
          r = await this.#op({ op: 'runWorkflow', instance, name: workflow, at: null });
          steps++;
          for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
        } while (r.more);
        return { instance: r.instance, workflow: r.workflow, run: r.run, steps, counts };
      });
    }

    /** A workflow's journal, newest run first. */
    async journal(instance, workflow, { limit } = {}) {
      return this.#run({ op: 'journal', instance: name('instance', instance), name: name('workflow', workflow), limit: limit ?? null });
    }

    // ---- reading ----

    /**
     * A page of the status list, newest first. Pass the returned `next` as `after` for the next page.
     * @param {{ instance: string, queue?: string, status?: string, type?: string, channel?: string|number, from?: any, to?: any, address?: string, limit?: number, after?: string }} filter
     */
    async listEvents(filter) {
      object('filter', filter);
      const f = { ...filter };
      for (const k of ['from', 'to']) if (f[k] !== undefined && f[k] !== null) f[k] = toMs(k, f[k]);
      return this.#run({ op: 'listEvents', filter: f });
    }

    /** Counts per status, from counters (never a scan). */
    countEvents(filter) {
      return this.#query({ q: 'counts', ...object('filter', filter) });
    }

    /** One event's whole story: statuses with time and run, template, delivery log, rendered message. */
    async getEvent(id) {
      if (typeof id === 'bigint') id = id.toString();
      if (typeof id !== 'string') return Promise.reject(mcError('INVALID_EVENT_ID', 'event ids are decimal strings (64-bit: never a Number)'));
      return this.#run({ op: 'getEvent', id });
    }

    /** Health in the mcPing form. */
    mcPing(instance) {
      return this.#query({ q: 'mcPing', instance: name('instance', instance) });
    }

    /**
     * Advances the clock until event `id` has `status`, and says why it gave up otherwise.
     * @returns {Promise<object>} the event
     */
    async waitForStatus(id, status, { maxMs } = {}) {
      if (typeof id !== 'string' && typeof id !== 'bigint') return Promise.reject(mcError('INVALID_EVENT_ID', 'event ids are decimal strings (64-bit: never a Number)'));
      name('status', status);
      return this.#serial(async () => {
        const limit = maxMs ?? this.settings().config.waitLimitMs;
        const deadline = this.now() + limit;
        for (;;) {
          const story = await this.#op({ op: 'getEvent', id: typeof id === 'bigint' ? id.toString() : id });
          const ev = story.event;
          const check = this.#query({
            q: 'waitCheck', status, current: ev.status, bouncePending: story.bouncePending, queue: ev.queue, instance: ev.instance,
          });
          if (check.reached) return ev;
          if (check.blocked) throw mcError('WAIT_BLOCKED', `gave up waiting for event ${ev.id} to become '${status}': ${check.blocked}`);
          const next = this.#query({ q: 'nextDue', until: deadline });
          if (next === null) {
            throw mcError('WAIT_TIMEOUT', `gave up waiting for event ${ev.id} to become '${status}': it is still '${ev.statusLabel}' and no workflow step is due before ${new Date(deadline).toISOString()}`);
          }
          await this.#op({ op: 'runWorkflow', instance: next.instance, name: next.name, at: next.at });
        }
      });
    }

    /** Closes the storage. */
    async close() {
      return this.#serial(async () => {
        this.#closed = true;
        await this.#storage.close();
      });
    }
  }
  return MessageCenter;
}

const OPEN = Symbol('open');
