// The service's one error mapper: the HTTP status of every error code the engine and the shell
// raise, and the JSON answer of a failed request. Every route's failures go through `sendError`.
//
// The core decides the status of its own codes (`ErrorCode::http_status`, next to the codes in
// src/error.rs; `enumerations().errorCodes` carries it out), read once when the service starts;
// this module adds those of the shell (js/index.d.ts's ShellErrorCode) and of the service's own
// refusals. tests/js/service-tables.test.mjs checks every code has one.

/** The HTTP status of the shell's codes and of the service's own refusals. */
const OWN_STATUS = Object.freeze({
  // The shell's (ShellErrorCode).
  STORAGE_FAILED: 500,
  STORAGE_LOCKED: 503,
  CLOSED: 503,
  // The service's own refusals (HTTP's, not the engine's).
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_AVAILABLE: 409,
  CLOCK_REAL: 409,
  FORBIDDEN: 403,
  FORBIDDEN_HOST: 403,
  FORBIDDEN_FORWARDED: 403,
  FORBIDDEN_ORIGIN: 403,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  TOO_MANY_NAMESPACES: 429,
  TOO_MANY_FAILED_LOGONS: 429,
  SHUTTING_DOWN: 503,
});

/** The core's codes and their statuses, as the core gives them. */
let coreStatus = Object.freeze({});

/**
 * Takes the core's table (`mc.enumerations().errorCodes`: `{ code, httpStatus }` for every code).
 * @param {Array<{ code: string, httpStatus: number }>} errorCodes
 */
export function useCoreStatuses(errorCodes) {
  coreStatus = Object.freeze(Object.fromEntries(errorCodes.map((e) => [e.code, e.httpStatus])));
}

/** The HTTP status of an error code (undefined for a code nobody raises). */
export function httpStatus(code) {
  return typeof code === 'string' ? (Object.hasOwn(OWN_STATUS, code) ? OWN_STATUS[code] : Object.hasOwn(coreStatus, code) ? coreStatus[code] : undefined) : undefined;
}

/**
 * A refusal decided by the service (not the engine): an `Error` with its HTTP status and code.
 * @param {number} status
 * @param {string} code
 * @param {string} message
 */
export function httpError(status, code, message) {
  return Object.assign(new Error(message), { status, code });
}

/** The HTTP status of an error: its own, else its code's, else 500. */
export function statusOf(e) {
  return e?.status ?? httpStatus(e?.code) ?? 500;
}

/** The JSON body of an error answer. */
export function errorBody(e) {
  return { error: { code: typeof e?.code === 'string' ? e.code : 'INTERNAL', message: e?.message ?? String(e) } };
}

/**
 * Answers a failed request, unless it was answered already (a stream cut midway is destroyed: the
 * client sees it cut, not whole). A refused body (413, 503) also closes the connection, so that
 * the rest of it is not read as the next request. A refusal that says when to come back
 * (`retryAfter`, seconds) sends it as `Retry-After`. Returns the status.
 * @param {import('node:http').ServerResponse} res
 * @param {any} e
 */
export function sendError(res, e) {
  const status = statusOf(e);
  if (res.destroyed) return status;
  if (res.headersSent) {
    res.destroy(e instanceof Error ? e : undefined);
    return status;
  }
  if (e?.bodyRefused) res.setHeader('connection', 'close');
  const body = `${JSON.stringify(errorBody(e))}\n`;
  const retry = Number.isSafeInteger(e?.retryAfter) ? { 'retry-after': String(e.retryAfter) } : {};
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), ...retry });
  res.end(body);
  return status;
}
