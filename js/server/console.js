// The live console: the browser app (www/, shipped built) served at /console/, its calls to the
// service's Message Center (`POST /__mc/api`, the methods console-methods.js allows) and its
// server-sent events (`GET /__mc/stream`: one message per change, with the clock). Local only
// (middleware.js's `localOnly`); the console's pages cannot be framed by another site.

import { fileURLToPath } from 'node:url';
import { consoleMethod } from './console-methods.js';
import { httpError } from './errors.js';
import { json, send, text } from './http.js';
import { localOnly } from './middleware.js';
import { createStaticSender } from './static.js';

/** The files of the console: the app's page and its bundle (nothing else of the repository). */
const CONSOLE_FILES = new Map([
  ['index.html', { path: 'index.html', type: 'text/html; charset=utf-8' }],
  ['dist/app.js', { path: 'dist/app.js', type: 'text/javascript; charset=utf-8' }],
  ['dist/app.css', { path: 'dist/app.css', type: 'text/css; charset=utf-8' }],
  ['dist/worker.js', { path: 'dist/worker.js', type: 'text/javascript; charset=utf-8' }],
]);

/**
 * The headers of every console answer: no other site may frame it (clickjacking the console's
 * buttons). Only `frame-ancestors`: the app's own policy for what it loads is the app's.
 */
export const CONSOLE_HEADERS = Object.freeze({ 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" });

/**
 * The console's routes, and `notify(c)`, which tells the live consoles of a Message Center that it
 * changed, and `end()`, which ends their streams (at shutdown).
 * @param {{ o: any, virtual: boolean, body: ReturnType<import('./http.js').bodyReader>, centers: any }} app
 */
export function createConsole(app) {
  /** The live consoles' streams by namespace (they outlive a reset of their Message Center). */
  const streams = new Map();
  const notifying = new Map();
  const streamsOf = (ns) => {
    if (!streams.has(ns)) streams.set(ns, new Set());
    return streams.get(ns);
  };

  /** At most every 100 ms: one message for a burst of pushes. */
  function notify(c) {
    const set = streams.get(c.ns);
    if (!set?.size || notifying.has(c.ns)) return;
    notifying.set(
      c.ns,
      setTimeout(async () => {
        notifying.delete(c.ns);
        let nowMs;
        try {
          nowMs = (await app.centers.centers.get(c.ns)).mc.now();
        } catch {
          return;
        }
        for (const res of set) res.write(`data: ${JSON.stringify({ nowMs })}\n\n`);
      }, 100),
    );
  }

  function end() {
    for (const t of notifying.values()) clearTimeout(t);
    for (const set of streams.values()) for (const r of set) r.end();
  }

  const sendFile = createStaticSender();
  async function file({ req, res, url }) {
    for (const [k, v] of Object.entries(CONSOLE_HEADERS)) res.setHeader(k, v);
    const p = url.pathname;
    if (p === '/console') return send(res, 301, 'text/plain; charset=utf-8', 'Moved\n', { location: '/console/' });
    const rel = p === '/console/' ? 'index.html' : p.slice('/console/'.length);
    const f = CONSOLE_FILES.get(rel);
    if (!f) return text(res, 404, `Not found: ${p}\n`);
    if (!(await sendFile(req, res, fileURLToPath(new URL(`../../www/${f.path}`, import.meta.url)), { type: f.type }))) {
      return text(res, 404, 'The console is not built: run `npm start` (or `npm run build`) in the repository.\n');
    }
  }

  /** A method of the MessageCenter, its result, and the clock. */
  async function api({ req, res, c }) {
    const body = await app.body.json(req, { limit: app.o.maxBodyBytes, object: true, shape: 'the body must be a JSON object: { "method", "args" }' });
    const { method, args = [] } = body;
    const kind = consoleMethod(method, app);
    if (kind === null) throw httpError(400, 'INVALID_ARGUMENT', `the console cannot call ${JSON.stringify(method)} on the service`);
    if (!Array.isArray(args)) throw httpError(400, 'INVALID_ARGUMENT', 'args must be an array');
    const result = await c.mc[method](...args);
    if (kind !== 'read') notify(c);
    return json(res, 200, { result: result ?? null, nowMs: c.mc.now() });
  }

  /** Server-sent events: one message per change of this Message Center, with its clock. */
  function stream({ req, res, c }) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    if (req.method === 'HEAD') return res.end();
    res.write(`data: ${JSON.stringify({ nowMs: c.mc.now() })}\n\n`);
    const set = streamsOf(c.ns);
    set.add(res);
    req.on('close', () => set.delete(res));
  }

  /** @type {import('./router.js').Route[]} */
  const routes = [
    { methods: ['GET'], path: (p) => (p === '/console' || p.startsWith('/console/') ? {} : null), label: '/console/', use: [localOnly], center: 'none', handler: file },
    { methods: ['POST'], path: '/__mc/api', label: '/__mc/', use: [localOnly], handler: api },
    { methods: ['GET'], path: '/__mc/stream', label: '/__mc/', use: [localOnly], handler: stream },
  ];
  return { routes, notify, end };
}
