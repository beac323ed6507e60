// Runs the browser side of `npm run bench` in real (Debian) Chromium: the end-to-end workload of
// bench/workload.mjs on real IndexedDB, beside the raw put rate of IndexedDB measured in the same
// page and the same run. Figures only.

import { openPage } from '../tests/browser/harness.mjs';

/**
 * @param {{ events?: number, raw?: Array<{ records: number, bytes: number, perTx: number }> }} options
 */
export async function chromium({ events = 10_000, raw = [{ records: 20_000, bytes: 500, perTx: 100 }] } = {}) {
  const cleanups = [];
  const t = { after: (fn) => cleanups.push(fn) };
  try {
    const { page, problems, server } = await openPage(t);
    await page.goto(server.url('/bench/chromium.html'));
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
    const rawResults = [];
    for (const r of raw) rawResults.push(await page.evaluate((o) => window.bench.rawPuts(o), r));
    const e2e = await page.evaluate((n) => window.bench.endToEnd({ events: n }), events);
    if (problems.length) throw new Error(`the benchmark page reported problems:\n${problems.join('\n')}`);
    return { raw: rawResults, e2e };
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 10_000);
  console.log(JSON.stringify(await chromium({ events }), null, 2));
}
