// Runs the browser side of `npm run bench` in real (Debian) Chromium: the end-to-end workload of
// bench/workload.mjs on real IndexedDB, beside the raw put rate of IndexedDB measured in the same
// page and the same run. Figures only.

import { openPage } from '../tests/browser/harness.mjs';

/**
 * Runs marked `fresh` each get a page of their own (a new tab, its own database), with the raw put
 * rate measured in that page just before; the others share one page, in order.
 * @param {{ runs: Array<{ label: string, events: number, life?: boolean, list?: boolean, fresh?: boolean }>, raw?: Array<{ records: number, bytes: number, perTx: number }>, log?: (s: string) => void }} options
 */
export async function chromium({ runs, raw = [{ records: 20_000, bytes: 500, perTx: 100 }], log = () => {} }) {
  const cleanups = [];
  const t = { after: (fn) => cleanups.push(fn) };
  try {
    const { page, problems, server } = await openPage(t, undefined, { args: ['--enable-precise-memory-info'] });
    await page.goto(server.url('/bench/chromium.html'));
    await page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
    const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);
    const rawResults = [];
    for (const r of raw) {
      log(`Chromium: raw IndexedDB puts (${r.records} × ${r.bytes} characters, ${r.perTx} per transaction)`);
      rawResults.push(await page.evaluate((o) => window.bench.rawPuts(o), r));
    }
    const results = [];
    for (const r of runs) {
      log(`Chromium: ${r.label}`);
      if (!r.fresh) {
        results.push({ ...r, ...(await page.evaluate((o) => window.bench.run(o), r)) });
        continue;
      }
      const own = await openPage(t, undefined, { args: ['--enable-precise-memory-info'] });
      await own.page.goto(own.server.url('/bench/chromium.html'));
      await own.page.waitForFunction(() => window.benchReady === true, null, { timeout: 60_000 });
      const rawHere = await own.page.evaluate((o) => window.bench.rawPuts(o), raw[0]);
      results.push({ ...r, raw: rawHere, ...(await own.page.evaluate((o) => window.bench.run(o), r)) });
      if (own.problems.length) throw new Error(`the benchmark page of ${r.label} reported problems:\n${own.problems.join('\n')}`);
      await own.page.close();
    }
    if (problems.length) throw new Error(`the benchmark page reported problems:\n${problems.join('\n')}`);
    return { version, raw: rawResults, runs: results };
  } finally {
    for (const fn of cleanups.reverse()) await fn();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = Number(process.argv[2] ?? 10_000);
  console.log(JSON.stringify(await chromium({ runs: [{ label: 'run', events, list: true }], log: (s) => process.stderr.write(`${s}\n`) }), null, 2));
}
