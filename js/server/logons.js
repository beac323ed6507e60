// The budget of failed logons. A wrong password costs the engine its password KDF (scrypt, tens of
// milliseconds of synchronous work; only verified passwords are remembered), so a flood of them
// would stall every other call. The service counts the refusals of a password or token
// (ACCESS_DENIED: a SOAP fault with that code, a 403 of the REST facade or the lending) per
// client address and overall, in a sliding window (`maxFailedLogons`); while a client, or
// everybody, is over budget, its calls that would authenticate are refused here, before the
// engine: a SOAP `Server` fault with HTTP 503, 429 elsewhere, both with `Retry-After`, code
// TOO_MANY_FAILED_LOGONS.
//
// Calls in flight from a client that failed lately count against its budget as failures to be,
// so that a burst of them, queued for the engine, cannot run past it.

import { mcError } from '../node.js';
import { httpError } from './errors.js';

/** The code of a refusal by the budget. */
export const TOO_MANY_FAILED_LOGONS = 'TOO_MANY_FAILED_LOGONS';

/**
 * The limits, checked (at start): positive integers.
 * @param {{ perPeer: number, total: number, windowMs: number }} limits
 */
export function checkLimits(limits) {
  if (limits === null || typeof limits !== 'object' || Array.isArray(limits)) throw mcError('INVALID_ARGUMENT', 'maxFailedLogons must be an object: { perPeer, total, windowMs }');
  for (const k of ['perPeer', 'total', 'windowMs']) {
    if (!Number.isSafeInteger(limits[k]) || limits[k] < 1) throw mcError('INVALID_ARGUMENT', `maxFailedLogons.${k} must be a positive integer, got ${JSON.stringify(limits[k])}`);
  }
  const extra = Object.keys(limits).filter((k) => !['perPeer', 'total', 'windowMs'].includes(k));
  if (extra.length) throw mcError('INVALID_ARGUMENT', `maxFailedLogons takes perPeer, total and windowMs, not ${extra.join(', ')}`);
  return limits;
}

/**
 * The times of the last `limit` failures, oldest first: enough to tell whether `limit` of them
 * fall within the window.
 */
class Window {
  /** @param {number} limit */
  constructor(limit) {
    this.limit = limit;
    /** @type {number[]} */
    this.times = [];
  }

  add(t) {
    this.times.push(t);
    if (this.times.length > this.limit) this.times.shift();
  }

  /** The failures within the window ending at `now` (the expired ones dropped). */
  count(now, windowMs) {
    while (this.times.length && this.times[0] <= now - windowMs) this.times.shift();
    return this.times.length;
  }

  /** Milliseconds until the oldest failure leaves the window. */
  wait(now, windowMs) {
    return this.times.length ? this.times[0] + windowMs - now : 0;
  }
}

/**
 * A budget of failed logons.
 * @param {{ perPeer: number, total: number, windowMs: number }} limits
 * @param {() => number} [now] milliseconds (the tests' clock)
 */
export function createLogonBudget(limits, now = () => performance.now()) {
  if (typeof now !== 'function') throw mcError('INVALID_ARGUMENT', 'wallClock must be a function returning milliseconds');
  const { perPeer, total, windowMs } = checkLimits(limits);
  /** @type {Map<string, { failed: Window, pending: number }>} the clients that failed lately */
  const peers = new Map();
  const all = new Window(total);
  /** Calls in flight from clients that failed lately. */
  let suspect = 0;

  /** Forgets the clients with no failure in the window and nothing in flight. */
  function sweep(t) {
    for (const [address, p] of peers) if (p.pending === 0 && p.failed.count(t, windowMs) === 0) peers.delete(address);
  }

  function refusal(wait, who) {
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    return Object.assign(httpError(429, TOO_MANY_FAILED_LOGONS, `too many failed logons ${who} (a wrong password or token): try again in ${seconds} s`), { retryAfter: seconds });
  }

  /**
   * Admits a call that authenticates, or throws the refusal (429, `retryAfter` seconds). Returns
   * its ticket for `settle`.
   * @param {string} address the client's
   */
  function admit(address) {
    const t = now();
    const p = peers.get(address);
    if (all.count(t, windowMs) + suspect >= total) throw refusal(all.wait(t, windowMs), 'on this service');
    if (p && p.failed.count(t, windowMs) + p.pending >= perPeer) throw refusal(p.failed.wait(t, windowMs), `from ${address}`);
    if (p) {
      p.pending++;
      suspect++;
    }
    return { address, suspect: p ?? null };
  }

  /**
   * The outcome of an admitted call: `denied` when the engine refused its password or token.
   * @param {{ address: string, suspect: { failed: Window, pending: number } | null }} ticket
   * @param {boolean} denied
   */
  function settle(ticket, denied) {
    if (ticket.suspect) {
      ticket.suspect.pending--;
      suspect--;
    }
    if (!denied) return;
    const t = now();
    all.add(t);
    let p = peers.get(ticket.address);
    if (!p) {
      if (peers.size >= 2 * total) sweep(t);
      peers.set(ticket.address, (p = { failed: new Window(perPeer), pending: 0 }));
    }
    p.failed.add(t);
  }

  /**
   * Runs one authenticating call within the budget: `run()` unless refused; a failure counts when
   * `deniedOf` says so of its result, or when it throws ACCESS_DENIED.
   * @template T
   * @param {string} address
   * @param {() => T | Promise<T>} run
   * @param {(result: T) => boolean} [deniedOf]
   * @returns {Promise<T>}
   */
  async function attempt(address, run, deniedOf = () => false) {
    const ticket = admit(address);
    let denied = false;
    try {
      const r = await run();
      denied = deniedOf(r);
      return r;
    } catch (e) {
      denied = e?.code === 'ACCESS_DENIED';
      throw e;
    } finally {
      settle(ticket, denied);
    }
  }

  return { admit, settle, attempt };
}
