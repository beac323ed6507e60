// Runs the browser side of `npm run bench` in real (Debian) Chromium: the end-to-end workload of
// bench/workload.mjs on real IndexedDB, beside the raw put rate of IndexedDB measured in the same
// page and the same run. Figures only.

import { openPage } from '../tests/browser/harness.mjs';

/**
 * @param {{ runs: Array<{ label: string, events: number, life?: boolean, list?: boolean }>, raw?: Array<{ records: number, bytes: number, perTx: number }>, log?: (s: string) => void }} options
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
      results.push({ ...r, ...(await page.evaluate((o) => window.bench.run(o), r)) });
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
