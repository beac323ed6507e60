// What every route of the service answers with and reads with: replies (text, JSON, any type;
// HEAD gets the same headers and no body, which Node's ServerResponse drops by itself) and the
// one body reader, with its limits (413 over a request's limit, 503 over the budget of bodies
// held at once) and its decoding (UTF-8, strictly: a malformed byte sequence is refused, never
// read as U+FFFD; JSON parsed here only).

import { httpError } from './errors.js';

/**
 * Sends a whole answer, unless one was sent already.
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string | Uint8Array} body
 * @param {Record<string, string | number>} [headers]
 */
export function send(res, status, type, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** A text/plain answer. */
export function text(res, status, body, headers) {
  send(res, status, 'text/plain; charset=utf-8', body, headers);
}

/** A JSON answer. */
export function json(res, status, value, headers) {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, headers);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The byte offset of the first malformed UTF-8 sequence in `bytes`, or -1. (Where a lenient decoder
 * wrote U+FFFD that the bytes do not spell as EF BF BD.)
 * @param {Uint8Array} bytes
 */
export function firstInvalidByte(bytes) {
  const s = lenientUtf8.decode(bytes);
  let offset = 0;
  let from = 0;
  for (let i = s.indexOf('\uFFFD'); i !== -1; i = s.indexOf('\uFFFD', i + 1)) {
    offset += Buffer.byteLength(s.slice(from, i));
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) return offset;
    offset += 3;
    from = i + 1;
  }
  return -1;
}

/**
 * The text of UTF-8 bytes; throws a 400 `code` error naming the first malformed byte. A BOM is
 * kept, as the engine's readers expect to see it.
 * @param {Uint8Array} bytes
 * @param {string} code the error code of a refusal (`INVALID_JSON`, `MALFORMED_XML`)
 */
export function decodeUtf8(bytes, code) {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw Object.assign(httpError(400, code, `the body is not UTF-8: an invalid byte sequence at byte ${firstInvalidByte(bytes)}`), { offset: firstInvalidByte(bytes) });
  }
}

/**
 * The body reader of a service: request bodies up to a limit each and `budget` bytes for all
 * requests at once (so that many large uploads at a time cannot exhaust memory). Over the limit:
 * 413 `PAYLOAD_TOO_LARGE` (as early as the Content-Length says); over the budget: 503 `BUSY`. The
 * rest of a refused body is read and dropped, so that the refusal reaches the client before the
 * connection closes.
 * @param {number} budget
 */
export function bodyReader(budget) {
  let inflight = 0;

  /**
   * The body's bytes.
   * @param {import('node:http').IncomingMessage} req
   * @param {number} limit
   * @returns {Promise<Buffer>}
   */
  function bytes(req, limit) {
    return new Promise((resolve, reject) => {
      const refuse = (status, code, message) => {
        req.removeAllListeners('data');
        req.resume();
        reject(Object.assign(httpError(status, code, message), { bodyRefused: true }));
      };
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) return refuse(413, 'PAYLOAD_TOO_LARGE', `the body is ${declared} bytes, over the limit of ${limit}`);
      const chunks = [];
      let size = 0;
      const release = () => {
        inflight -= size;
        size = 0;
      };
      req.on('data', (c) => {
        size += c.length;
        inflight += c.length;
        if (size > limit) {
          release();
          refuse(413, 'PAYLOAD_TOO_LARGE', `the body is over the limit of ${limit} bytes`);
        } else if (inflight > budget) {
          release();
          refuse(503, 'BUSY', 'the service is reading too many request bodies at once: retry later');
        } else chunks.push(c);
      });
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        release();
        resolve(body);
      });
      req.on('error', (e) => {
        release();
        reject(e);
      });
    });
  }

  /**
   * The body as text (strict UTF-8: 400 `code` otherwise).
   * @param {import('node:http').IncomingMessage} req
   * @param {number} limit
   * @param {string} [code]
   */
  async function text(req, limit, code = 'INVALID_ARGUMENT') {
    return decodeUtf8(await bytes(req, limit), code);
  }

  /**
   * The body as JSON: 400 `INVALID_JSON` for bytes that are not UTF-8 or text that is not JSON,
   * and for an empty body unless `empty` gives its value. `object`: the value must be a JSON
   * object (400 `INVALID_ARGUMENT` with `shape` as the message otherwise).
   * @param {import('node:http').IncomingMessage} req
   * @param {{ limit: number, empty?: unknown, object?: boolean, shape?: string }} options
   */
  async function json(req, { limit, empty, object = false, shape = 'the body must be a JSON object' }) {
    const body = await text(req, limit, 'INVALID_JSON');
    let value;
    if (body.trim() === '' && empty !== undefined) value = empty;
    else {
      try {
        value = JSON.parse(body);
      } catch (e) {
        throw httpError(400, 'INVALID_JSON', body.trim() === '' ? 'the body is empty: it should be JSON' : `the body is not JSON: ${e.message}`);
      }
    }
    if (object && (value === null || typeof value !== 'object' || Array.isArray(value))) throw httpError(400, 'INVALID_ARGUMENT', shape);
    return value;
  }

  return { bytes, text, json };
}
