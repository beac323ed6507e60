// The page's side of the engine worker (worker.js): calls as promises, events as signals.
// `mc.method(...args)` calls the open sandbox's MessageCenter in the worker.

import { signal } from '@preact/signals';
import { EVENTS, callMessage, isReply } from './protocol.js';

// The worker's URL carries its version (set by the build), so that a server may let the browser keep it.
// eslint-disable-next-line no-undef
const worker = new Worker(new URL(`./worker.js?v=${typeof __MC_WORKER_VERSION__ === 'string' ? __MC_WORKER_VERSION__ : ''}`, import.meta.url), { type: 'module' });
// Leaving the page: the worker closes the sandbox (and lets go of its lock) at once.
addEventListener('pagehide', () => worker.postMessage(callMessage(0, 'closeSandbox')));
let nextId = 1;
const pending = new Map();
const jobs = new Map();

/** Bumped whenever the engine changed something: views that read the engine depend on it. */
export const version = signal(0);
/** The virtual clock (ms) as last reported, and the clock runner's state. */
export const now = signal(null);
export const clock = signal({ running: false, speed: 60 });
/** The engine's enumerations (labels of statuses, channels, queues; test addresses), once read. */
export const enumerations = signal(null);
/** The engine's download while it is under way: `{ loaded, total }` bytes; null before and after. */
export const loading = signal(null);
/** Errors the worker reports outside a call (the clock runner's). */
export const workerError = signal(null);
/**
 * The running service this page is the live console of: its own origin when the service serves
 * the app (at /console/); null: the in-page engine (sandboxes).
 */
export const service = location.pathname.startsWith('/console') ? location.origin : null;
export const ready = new Promise((resolve) => {
  worker.addEventListener('message', function first({ data }) {
    if (data.event === EVENTS.ready) {
      worker.removeEventListener('message', first);
      resolve();
    }
  });
}).then(() => {
  if (service) return call('connect', { url: service });
  // The in-page engine: its download starts at once (opening a sandbox waits for it).
  call('loadEngine').catch((e) => (workerError.value = e));
  return null;
});

worker.onmessage = ({ data }) => {
  if (isReply(data)) {
    const p = pending.get(data.re);
    pending.delete(data.re);
    if (!p) return;
    if (data.err) p.reject(Object.assign(new Error(data.err.message), data.err));
    else p.resolve(data.ok);
    return;
  }
  switch (data.event) {
    case EVENTS.changed:
      now.value = data.now;
      clock.value = data.clock;
      version.value = data.version;
      break;
    case EVENTS.loading:
      loading.value = data.loaded < data.total ? { loaded: data.loaded, total: data.total } : null;
      break;
    case EVENTS.progress:
    case EVENTS.chunk:
      jobs.get(data.job)?.(data);
      break;
    case EVENTS.error:
      workerError.value = data.error;
      break;
    case EVENTS.closed:
      workerError.value = { code: 'CLOSED', message: data.reason };
      break;
  }
};

/** One call to the worker. */
export function call(name, params = {}) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage(callMessage(id, name, params));
  });
}

/** A long call with progress: `onEvent` receives its progress and chunk events. */
export function job(name, params, onEvent) {
  const jobId = `job-${nextId++}`;
  jobs.set(jobId, onEvent);
  const done = call(name, { ...params, job: jobId }).finally(() => jobs.delete(jobId));
  return { id: jobId, done, cancel: () => call('cancel', { job: jobId }) };
}

/** The MessageCenter of the open sandbox, method by method. */
export const mc = new Proxy(
  {},
  {
    get: (_, method) => (...args) => call('mc', { method, args }),
  },
);
