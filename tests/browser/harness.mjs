// Reusable helpers for browser tests: a tiny static HTTP server over the repository and a headless
// Debian Chromium launched through playwright-core, plus the policy for when Chromium is missing
// (fail with install instructions, or skip only if MC_SKIP_BROWSER=1).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveStatic } from '../../scripts/serve.mjs';

/** Repository root (/work/main). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where Debian's `chromium` package installs the browser (MC_CHROMIUM_PATH overrides, e.g. to test the missing case). */
export const CHROMIUM_PATH = process.env.MC_CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Serve `root` statically on 127.0.0.1 with an OS-assigned port (scripts/serve.mjs, the server of
 * `npm start`).
 *
 * @param {string} [root] Directory to serve (default: the repository root).
 */
export function startServer(root = REPO_ROOT) {
  return serveStatic(root);
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
export async function openPage(t, root = REPO_ROOT, { args = [], viewport } = {}) {
  const server = await startServer(root);
  t.after(() => server.close());
  const browser = await launchChromium(args);
  t.after(() => browser.close());
  const page = await (await browser.newContext(viewport ? { viewport } : {})).newPage();
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
