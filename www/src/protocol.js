// The protocol between the page (engine.js) and the engine worker (worker.js), declared once: every
// message either side sends is built here, and the events are named here, so that neither side
// spells a shape the other must match. tests/js/worker-protocol.test.mjs checks both sides use it.

/** A call from the page: `{ id, call, params }` (id 0: nobody waits for the answer). */
export const callMessage = (id, call, params = {}) => ({ id, call, params });

/** The worker's answer to call `re`: its result (null for none). */
export const okMessage = (re, ok) => ({ re, ok: ok ?? null });

/** The worker's answer to call `re`: its error (`{ code, message, … }`). */
export const errMessage = (re, err) => ({ re, err });

/** Whether a message from the worker answers a call (otherwise it is an event). */
export const isReply = (data) => data.re !== undefined;

/**
 * The events the worker sends outside a call, with their fields:
 * - `ready`: the worker listens;
 * - `changed` `{ version, now, clock: { running, speed } }`: the engine changed something;
 * - `loading` `{ loaded, total }`: the engine's download;
 * - `progress` `{ job, done, total? }` and `chunk` `{ job, text }`: a long call's progress and output;
 * - `error` `{ error }`: an error outside a call (the clock runner's);
 * - `closed` `{ reason }`: the sandbox was closed under the page.
 */
export const EVENTS = Object.freeze({
  ready: 'ready',
  changed: 'changed',
  loading: 'loading',
  progress: 'progress',
  chunk: 'chunk',
  error: 'error',
  closed: 'closed',
});

/** An event message: `{ event, …fields }`. */
export const eventMessage = (event, fields = {}) => {
  if (!Object.hasOwn(EVENTS, event)) throw new Error(`no worker event ${event}`);
  return { event, ...fields };
};
