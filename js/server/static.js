// Static files over HTTP, as both of our servers send them (`npm start`'s and the service's
// console): GET and HEAD, compressed for clients that accept it (brotli, then gzip), an ETag on
// every answer (304 when the client has it), and the cache headers a versioned asset deserves.
//
// Compression: a file with a fresh sibling `<file>.br` / `<file>.gz` (the browser app's build
// writes them at the best levels) is sent as is; any other compressible file is compressed once,
// at quick levels, and kept in memory (bounded) until it changes.
//
// Caching: a request whose `v` parameter is the file's version (`contentVersion` of its bytes, as
// the build writes it into the URLs it hands out) may be kept for a year (`immutable`); anything
// else is revalidated on each use (`no-cache`, then 304 when unchanged).

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

/** Content types by extension. */
export const MIME = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
});

/** Types worth compressing (images are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/(json|wasm|javascript)|image\/svg)/;

/** Below this size a file is sent as is (the headers would outweigh the gain). */
const MIN_COMPRESS_BYTES = 512;

/** The memory kept for files compressed on the fly, over all files. */
const CACHE_BYTES = 64 * 1024 * 1024;

const brotli = typeof zlib.brotliCompress === 'function' ? promisify(zlib.brotliCompress) : null;
const gzip = promisify(zlib.gzip);

/**
 * The version of a file's bytes as URLs carry it (`?v=…`): the first 16 hex digits of their
 * SHA-256. The build (scripts/build.mjs) writes the same into the URLs of the app.
 *
 * @param {Uint8Array} bytes
 */
export function contentVersion(bytes) {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/**
 * The encoding to send for an `Accept-Encoding` header: `br`, `gzip` or `identity`, by the
 * client's preference (q-values; `q=0` refuses), brotli first among equals.
 *
 * @param {string | undefined} header
 * @returns {'br' | 'gzip' | 'identity'}
 */
export function negotiateEncoding(header) {
  if (!header) return 'identity';
  /** @type {Map<string, number>} */
  const q = new Map();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=(.*)$/.exec(p);
      if (m) weight = /^\s*[0-9.]+\s*$/.test(m[1]) ? Number(m[1]) : Number.NaN;
    }
    if (Number.isFinite(weight)) q.set(name, weight);
  }
  const of = (name) => q.get(name) ?? q.get('*') ?? 0;
  const candidates = /** @type {const} */ (brotli ? ['br', 'gzip'] : ['gzip']);
  let best = /** @type {'br' | 'gzip' | 'identity'} */ ('identity');
  let bestQ = 0;
  for (const c of candidates) {
    if (of(c) > bestQ) {
      best = c;
      bestQ = of(c);
    }
  }
  return best;
}

/**
 * What is known of one file at one (mtime, size): its bytes, version, and the compressed forms
 * made so far.
 *
 * @typedef {{ mtimeMs: number, size: number, bytes: Buffer, version: string, br?: Promise<Buffer | null>, gzip?: Promise<Buffer | null> }} Entry
 */

/**
 * A sender of static files with its own cache. Both servers make one.
 */
export function createStaticSender() {
  /** @type {Map<string, Entry>} */
  const cache = new Map();
  let cached = 0;

  /** The entry of `file` as it is now (read again when it changed); null when it is not a file. */
  async function entryOf(file) {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const known = cache.get(file);
    if (known && known.mtimeMs === info.mtimeMs && known.size === info.size) return known;
    const bytes = await readFile(file);
    if (known) {
      cached -= known.size;
      cache.delete(file);
    }
    /** @type {Entry} */
    const entry = { mtimeMs: info.mtimeMs, size: bytes.length, bytes, version: contentVersion(bytes) };
    if (cached + bytes.length > CACHE_BYTES) {
      cache.clear();
      cached = 0;
    }
    cache.set(file, entry);
    cached += bytes.length;
    return entry;
  }

  /** The body in `encoding`: a fresh precompressed sibling, else compressed once and kept. */
  async function encoded(file, entry, encoding) {
    const ext = encoding === 'br' ? '.br' : '.gz';
    const sibling = await stat(file + ext).catch(() => null);
    if (sibling?.isFile() && sibling.mtimeMs >= entry.mtimeMs) {
      const bytes = await readFile(file + ext).catch(() => null);
      if (bytes) return bytes;
    }
    if (encoding === 'br') {
      entry.br ??= /** @type {NonNullable<typeof brotli>} */ (brotli)(entry.bytes, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: entry.bytes.length },
      }).catch(() => null);
      return entry.br;
    }
    entry.gzip ??= gzip(entry.bytes, { level: 6 }).catch(() => null);
    return entry.gzip;
  }

  /**
   * Answers `req` with `file` (it must be a file the caller chose to serve: this function does not
   * check paths). Returns false, having sent nothing, when there is no such file.
   *
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} file
   * @param {{ type?: string, headers?: Record<string, string> }} [options]
   * @returns {Promise<boolean>}
   */
  return async function sendFile(req, res, file, { type, headers = {} } = {}) {
    const entry = await entryOf(file);
    if (!entry) return false;
    const contentType = type ?? MIME[/** @type {keyof typeof MIME} */ (extname(file).toLowerCase())] ?? 'application/octet-stream';
    const wanted = COMPRESSIBLE.test(contentType) && entry.size >= MIN_COMPRESS_BYTES ? negotiateEncoding(req.headers['accept-encoding']) : 'identity';
    let body = entry.bytes;
    let encoding = 'identity';
    if (wanted !== 'identity') {
      const made = await encoded(file, entry, wanted);
      if (made && made.length < entry.size) {
        body = made;
        encoding = wanted;
      }
    }
    const version = new URL(req.url ?? '/', 'http://localhost').searchParams.get('v');
    const etag = `"${entry.version}${encoding === 'identity' ? '' : `-${encoding}`}"`;
    /** @type {Record<string, string | number>} */
    const head = {
      'content-type': contentType,
      etag,
      'cache-control': version === entry.version ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'Accept-Encoding',
      ...headers,
    };
    if (encoding !== 'identity') head['content-encoding'] = encoding;
    const match = req.headers['if-none-match'];
    // Set one by one (not through writeHead), so that whoever watches the response sees them.
    for (const [k, v] of Object.entries(head)) res.setHeader(k, v);
    if (typeof match === 'string' && match.split(',').some((t) => t.trim() === '*' || t.trim().replace(/^W\//, '') === etag)) {
      res.writeHead(304);
      res.end();
      return true;
    }
    res.setHeader('content-length', body.length);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
