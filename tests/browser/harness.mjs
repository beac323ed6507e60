// Reusable helpers for browser tests: a tiny static HTTP server over the repository and a headless
// Debian Chromium launched through playwright-core, plus the policy for when Chromium is missing
// (fail with install instructions, or skip only if MC_SKIP_BROWSER=1).

import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Repository root (/work/main). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where Debian's `chromium` package installs the browser (MC_CHROMIUM_PATH overrides, e.g. to test the missing case). */
export const CHROMIUM_PATH = process.env.MC_CHROMIUM_PATH || '/usr/bin/chromium';

const MIME = {
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
};

/**
 * Serve `root` statically on 127.0.0.1 with an OS-assigned port. GET/HEAD only; no directory listings;
 * paths cannot escape `root`; responses are not cached.
 *
 * @param {string} [root] Directory to serve (default: the repository root).
 * @returns {Promise<{ origin: string, url: (path: string) => string, close: () => Promise<void> }>}
 */
export async function startServer(root = REPO_ROOT) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (/** @type {number} */ status, /** @type {string} */ text) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(text);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
      const { pathname } = new URL(req.url ?? '/', 'http://localhost');
      let file = resolve(join(base, decodeURIComponent(pathname)));
      if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(404, `not found: ${pathname}`);
      res.writeHead(200, {
        'content-type': MIME[/** @type {keyof typeof MIME} */ (extname(file).toLowerCase())] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (err) {
      send(500, String(err));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => new URL(path, origin + '/').href,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok(undefined));
      }),
  };
}

/**
 * Launch headless Debian Chromium (with `extraArgs` added to its command line).
 *
 * @param {string[]} [extraArgs]
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchChromium(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}

/**
 * Check that Chromium is installed. If it is not: skip the test when MC_SKIP_BROWSER=1, otherwise throw
 * with installation instructions.
 *
 * @param {import('node:test').TestContext} t
 * @returns {boolean} true if the test should go on.
 */
export function requireChromium(t) {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.MC_SKIP_BROWSER === '1') {
    t.skip(`${CHROMIUM_PATH} not found; browser test skipped because MC_SKIP_BROWSER=1`);
    return false;
  }
  throw new Error(`${CHROMIUM_PATH} not found: install it with \`apt-get install chromium\` (or set MC_SKIP_BROWSER=1 to skip browser tests)`);
}

/**
 * A page in a fresh headless Chromium, served from `root`, with everything that goes wrong in it
 * (page errors, console errors and warnings, failed requests, HTTP errors) collected in
 * `problems`. Server and browser are closed when the test ends.
 *
 * @param {import('node:test').TestContext} t
 * @returns {Promise<{ page: import('playwright-core').Page, problems: string[], server: Awaited<ReturnType<typeof startServer>> }>}
 */
export async function openPage(t, root = REPO_ROOT, { args = [] } = {}) {
  const server = await startServer(root);
  t.after(() => server.close());
  const browser = await launchChromium(args);
  t.after(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  return { page, problems, server };
}
