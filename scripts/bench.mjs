// `npm run bench`: builds what is missing (the package and the benchmark's wasm, dist/bench/), then
// measures and prints, side by side in one run:
//   (a) the core pipeline natively and in wasm under Node, and their ratio;
//   (b) the bulk boundary: records crossing as text and lengths (format 2), as separated strings
//       (format 1) and as JS objects;
//   (c) end to end through the public API in Node (memory and fake-indexeddb) at 1k, 10k and 100k
//       events, with records per event, peak wasm memory and JS heap, and the scaling;
//   (d) records written over the events' whole life (push → Sent → archived → purged);
//   (e) end to end in real Chromium on real IndexedDB (10k cold and warm, 100k, 1M) beside the raw
//       put rate of the same page, and the status list at 100k and 1M;
//   (f) the size of the shipped wasm;
//   (g) the browser app of www/ in real Chromium (bench/app.mjs): the status list's first frame,
//       a filter change and a scroll at 100k and 1M events, the generator's events/s in the app
//       against the engine alone, and the size of what a first visit loads;
//   (h) the Campaign-compatible service over HTTP on loopback (bench/service.mjs): PushEvent
//       requests/s with durable SQLite storage, p50 and p99, 1 and 50 clients, with and without
//       group commit;
//   (i) personalization: renders per second of three templates (plain, conditionals, an order of
//       20 lines) natively and in wasm beside Rhino on the same cases (when java and Rhino are
//       installed), and in (e) the order template end to end beside the plain one.
// Figures only: nothing is asserted (see bench/). Targets are printed beside the figures.
//
// Options: --events=N (core, default 20000), --repeats=N (5), --quick (Node up to 10k, Chromium
// up to 100k, the app at 100k only), --no-browser (skips (e) and (g)), --no-app (skips (g)), --no-service (skips (h)).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBench, wasmSize } from './build.mjs';
import { root } from './tools.mjs';

const opt = (name, def) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const flag = (name) => process.argv.includes(`--${name}`);
const CORE_EVENTS = opt('events', 20_000);
const REPEATS = opt('repeats', 5);
const QUICK = flag('quick');
/** The shipped wasm's gzipped size when issue 18 began (commit e1d6d79), in KiB: it must not grow. */
const WASM_AT_ISSUE_18 = 940.3;
const BROWSER = !flag('no-browser');
const APP = BROWSER && !flag('no-app');

buildBench();
// Imported after the build: they load dist/.
const { nativeCore, wasmCore, nativeRender, wasmRender, rhinoRender } = await import('../bench/core.mjs');
const { languageShare } = await import('../bench/wasm-share.mjs');
const { bulkBoundary } = await import('../bench/boundary.mjs');
const { endToEnd } = await import('../bench/end-to-end.mjs');
const { createMemoryStorage, openIndexedDBStorage, openSQLiteStorage } = await import('../js/node.js');
const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb');
const { chromium } = BROWSER ? await import('../bench/chromium.mjs') : {};
const { appBench } = APP ? await import('../bench/app.mjs') : {};

const int = (n) => Math.round(n).toLocaleString('en-US');
const mib = (b) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
const ms = (x) => `${x.toFixed(1)} ms`;
const out = (s = '') => process.stdout.write(`${s}\n`);
const log = (s) => process.stderr.write(`> ${s}\n`);
const target = (ok, what) => `(target ${what}: ${ok ? 'met' : 'NOT met'})`;

function table(headers, rows) {
  const right = headers.map((h) => h.startsWith('>'));
  const names = headers.map((h) => h.replace(/^>/, ''));
  const cells = rows.map((r) => r.map(String));
  const widths = names.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (r) => `  ${r.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('   ')}`.trimEnd();
  out(line(names));
  out(`  ${widths.map((w) => '─'.repeat(w)).join('   ')}`);
  for (const r of cells) out(line(r));
}

// ---- measure everything first (progress on stderr), then print ----

log(`cargo run --release --example bench_core -- ${CORE_EVENTS} ${REPEATS}`);
const native = nativeCore(CORE_EVENTS, REPEATS);
log('wasm core under Node');
const wasm = wasmCore(CORE_EVENTS, REPEATS);
log('bulk boundary');
const bulk = [
  { records: 128, bytes: 20_000 },
  { records: 500, bytes: 100 },
].map((o) => bulkBoundary(o));

const sizes = QUICK ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const sqliteDir = mkdtempSync(join(tmpdir(), 'mc-bench-'));
process.on('exit', () => rmSync(sqliteDir, { recursive: true, force: true }));
log('end to end, warm-up (not reported)');
await endToEnd(() => Promise.resolve(createMemoryStorage()), { events: 5_000 });
const node = [];
for (const [name, make] of [
  ['memory', () => Promise.resolve(createMemoryStorage())],
  ['IndexedDB (fake-indexeddb)', () => openIndexedDBStorage({ name: `bench-${Math.random()}`, indexedDB: new IDBFactory(), IDBKeyRange })],
  // The service's store: a file in the temp directory, WAL, synchronous NORMAL (its defaults).
  ['SQLite (file)', () => openSQLiteStorage({ path: join(sqliteDir, `bench-${Math.random()}.db`) })],
]) {
  for (const events of sizes) {
    log(`end to end, ${name}, ${int(events)} events`);
    node.push({ name, ...(await endToEnd(make, { events })) });
  }
}
log('whole life, memory, 10,000 events');
const life = await endToEnd(() => Promise.resolve(createMemoryStorage()), { events: 10_000, life: true });

let browser = null;
if (BROWSER) {
  const runs = [
    { label: '10k (cold: first run in the page)', events: 10_000 },
    { label: '10k (warm)', events: 10_000 },
    { label: '10k, ctx of 20 lines, plain template', events: 10_000, lines: true },
    { label: '10k, ctx of 20 lines, order template', events: 10_000, order: true },
    { label: '100k', events: 100_000, list: true },
  ];
  if (!QUICK) runs.push({ label: '1M', events: 1_000_000, list: true });
  // Issue 18's measure: a fresh page per size, beside the raw put rate of that page, with group
  // commit as the browser app opens its sandboxes.
  for (const events of QUICK ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]) {
    runs.push({ label: `${int(events)}, a fresh page, group commit`, events, fresh: true, groupCommit: true });
  }
  browser = await chromium({ runs, log });
}
let app = null;
if (APP) {
  const t = performance.now();
  app = await appBench({ quick: QUICK, log });
  app.seconds = (performance.now() - t) / 1000;
}
const shipped = wasmSize(`${root}/dist/wasm/message_center_bg.wasm`);
log('the language share of the wasm (a build with names, target/names)');
const share = languageShare();
const RENDERS = QUICK ? 5_000 : 20_000;
log(`personalization: ${RENDERS} renders per case natively, in wasm, and in Rhino`);
const renders = { native: nativeRender(RENDERS), wasm: wasmRender(RENDERS), rhino: rhinoRender(QUICK ? 1_000 : 5_000) };

// ---- print ----

out();
out(`Node ${process.version}, ${process.platform}/${process.arch}${browser ? `; ${browser.version} (headless)` : ''}`);
out();
out(`(a) Core pipeline: ${int(CORE_EVENTS)} events pushed (PushEvents of 500), routed, sent and their status`);
out(`    derived, in memory (message_center::bench::route_and_derive; best of ${REPEATS} after a warm-up)`);
out();
table(
  ['Build', '>Seconds', '>Events/s', '>Records written', '>Records/event'],
  [
    ['native (cargo --release)', native.seconds.toFixed(3), int(native.events / native.seconds), int(native.recordsWritten), (native.recordsWritten / native.events).toFixed(2)],
    ['wasm under Node (shipped profile)', wasm.seconds.toFixed(3), int(wasm.events / wasm.seconds), int(wasm.recordsWritten), (wasm.recordsWritten / wasm.events).toFixed(2)],
  ],
);
const ratio = native.seconds / wasm.seconds;
out();
out(`  native: ${int(native.events / native.seconds)} events/s ${target(native.events / native.seconds >= 300_000, '≥ 300,000')}`);
out(`  wasm / native throughput: ${ratio.toFixed(2)} ${target(ratio >= 0.85, '≥ 0.85')}`);
if (native.recordsWritten !== wasm.recordsWritten) out('  ⚠ the two builds wrote a different number of records');
out();
out('(b) Bulk boundary: records between JS and the wasm as the shell sends them (format 2: the fields');
out('    concatenated, UTF-8 bytes in and a string out, with a Uint32Array of lengths), as format 1 did');
out('    (fields separated by U+0001, each value checked for a separator), and as JS arrays of');
out('    [key, value] through serde-wasm-bindgen (the ordinary calls); best of 20, shell side included');
out();
table(
  ['Records', '>Read: lengths', '>Read: separated', '>Read: objects', '>Write: lengths', '>Write: separated', '>Write: objects'],
  bulk.map((b) => [`${b.records} × ${int(b.bytes)} characters`, ms(b.readLengthsMs), ms(b.readSeparatedMs), ms(b.readObjectsMs), ms(b.writeLengthsMs), ms(b.writeSeparatedMs), ms(b.writeObjectsMs)]),
);
out();
for (const b of bulk) {
  out(`  ${b.records} × ${int(b.bytes)}: lengths / separated, read ${(b.readLengthsMs / b.readSeparatedMs).toFixed(2)}, write ${(b.writeLengthsMs / b.writeSeparatedMs).toFixed(2)} (below 1: lengths faster)`);
}
out('  The lengths are what the bulk path uses (src/boundary.rs); serde-wasm-bindgen carries only the');
out('  ordinary calls (requests, results).');
out();
out('(c) End to end through the public API in Node: events in PushEvents of 100, then the clock advanced');
out('    a minute at a time until all are Sent (rtEventsProcessing, MTA, updateEventsStatus)');
out();
table(
  ['Storage', '>Events', '>Seconds', '>Events/s', '>Push only (events/s)', '>Transactions', '>Records', '>Records/event', '>Peak wasm', '>Peak JS heap'],
  node.map((r) => [r.name, int(r.events), r.seconds.toFixed(2), int(r.events / r.seconds), int(r.events / r.pushSeconds), int(r.transactions), int(r.records), (r.records / r.events).toFixed(2), mib(r.peakWasmBytes), mib(r.peakHeapBytes)]),
);
out();
const spread = (a, b) => Math.max(a, b) / Math.min(a, b);
for (const name of new Set(node.map((r) => r.name))) {
  const rs = node.filter((r) => r.name === name);
  const [small, large] = [rs[0], rs.at(-1)];
  const s = spread(small.events / small.seconds, large.events / large.seconds);
  out(`  ${name}: events/s at ${int(small.events)} and at ${int(large.events)} differ by ${s.toFixed(2)}× ${target(s <= 1.5, '≤ 1.5×')}`);
}
const perEvent = Math.max(...node.map((r) => r.records / r.events));
out(`  records per event, push → Sent: at most ${perEvent.toFixed(2)} ${target(perEvent <= 0.3, '≤ 0.3')}`);
const sqlite = node.filter((r) => r.name.startsWith('SQLite')).at(-1);
if (sqlite) out(`  SQLite (the service's store), push → Sent at ${int(sqlite.events)}: ${int(sqlite.events / sqlite.seconds)} events/s ${target(sqlite.events / sqlite.seconds >= 50_000, '≥ 50,000')}`);
out('  Records = puts + deletes passed to the storage adapter; transactions = write() calls. Peak wasm');
out('  memory is the linear memory (it only grows, so a row includes the rows above it).');
out();
out(`(d) The whole life of ${int(life.events)} events (memory): pushed, Sent, archived to the control by mcSynch,`);
out(`    purged from the execution instance and from the history by cleanup (purge delays of 1 hour)`);
out();
const lifePer = life.life.records / life.events;
const sentPer = life.records / life.events;
const [sentChars, lifeChars] = [life.bytes / life.events, life.life.bytes / life.events];
out(`  push → Sent: ${int(life.records)} records (${sentPer.toFixed(2)} per event ${target(sentPer <= 0.3, '≤ 0.3')}) in ${int(life.transactions)} transactions, ${int(sentChars)} characters per event ${target(sentChars <= 400, '≤ 400')}`);
out(`  whole life:  ${int(life.life.records)} records (${lifePer.toFixed(2)} per event) in ${int(life.life.transactions)} transactions ${target(lifePer <= 4, '≤ 4')}, ${int(lifeChars)} characters per event ${target(lifeChars <= 800, '≤ 800')}`);
out('  Characters = keys and values put (UTF-16 code units, what a browser stores), by family of record:');
out();
const families = Object.keys(life.life.families).sort((a, b) => life.life.families[b].chars - life.life.families[a].chars);
table(
  ['Family', '>Records/event, push → Sent', '>Characters/event, push → Sent', '>Records/event, whole life', '>Characters/event, whole life'],
  families.map((f) => {
    const [s, l] = [life.families[f] ?? { records: 0, chars: 0 }, life.life.families[f]];
    return [f, (s.records / life.events).toFixed(3), (s.chars / life.events).toFixed(1), (l.records / life.events).toFixed(3), (l.chars / life.events).toFixed(1)];
  }),
);
out();
if (browser) {
  out(`(e) Real Chromium, real IndexedDB, in one page: raw puts beside the end-to-end workload of (c)`);
  out();
  table(
    ['Raw IndexedDB puts', '>Puts', '>Seconds', '>Puts/s'],
    browser.raw.map((r) => [`${int(r.bytes)} characters, ${r.perTx} per transaction`, int(r.records), r.seconds.toFixed(2), int(r.putsPerSecond)]),
  );
  out();
  table(
    ['End to end', '>Seconds', '>Events/s', '>Transactions', '>Records', '>Records/event', '>Written', '>Peak wasm', '>Peak JS heap'],
    browser.runs.map((r) => [r.label, r.seconds.toFixed(2), int(r.events / r.seconds), int(r.transactions), int(r.records), (r.records / r.events).toFixed(2), mib(r.bytes * 2), mib(r.peakWasmBytes), mib(r.peakHeapBytes)]),
  );
  out();
  const fresh = browser.runs.filter((r) => r.fresh);
  if (fresh.length) {
    table(
      ['A fresh page per size, group commit (as the app)', '>Events/s', '>Push only (events/s)', '>Transactions', '>Raw puts/s in that page', '>Characters/event'],
      fresh.map((r) => [int(r.events), int(r.events / r.seconds), int(r.events / r.pushSeconds), int(r.transactions), int(r.raw.putsPerSecond), int(r.bytes / r.events)]),
    );
    out();
    const at100k = fresh.find((r) => r.events === 100_000);
    if (at100k) out(`  100k, a fresh page: ${int(at100k.events / at100k.seconds)} events/s ${target(at100k.events / at100k.seconds >= 25_000, '≥ 25,000, aim 50,000')}`);
    const [lo, hi] = [fresh[0], fresh.at(-1)];
    const s = spread(lo.events / lo.seconds, hi.events / hi.seconds);
    out(`  fresh pages, events/s at ${int(lo.events)} and at ${int(hi.events)} differ by ${s.toFixed(2)}× ${target(s <= 1.3, '≤ 1.3×')}`);
    out();
  }
  const warm = browser.runs[1];
  const rate = warm.events / warm.seconds;
  out(`  10k warm: ${int(rate)} events/s ${target(rate >= 10_000, '≥ 10,000, aim 20,000')}; cold ${int(browser.runs[0].events / browser.runs[0].seconds)} events/s`);
  const big = browser.runs.filter((r) => r.events >= 100_000);
  if (big.length) {
    const largest = big.at(-1);
    const s = spread(rate, largest.events / largest.seconds);
    out(`  events/s at 10k (warm) and at ${int(largest.events)} differ by ${s.toFixed(2)}× ${target(s <= 1.5, '≤ 1.5×')}`);
  }
  const order = browser.runs.find((r) => r.order);
  const plainLines = browser.runs.find((r) => r.lines);
  if (order && plainLines) {
    const ratio = order.events / order.seconds / (plainLines.events / plainLines.seconds);
    out(`  the same events (a ctx of 20 lines) with the order template (a loop over the lines, a total, conditions) at ${int(order.events / order.seconds)} events/s,`);
    out(`  ${ratio.toFixed(2)}× the plain template's ${int(plainLines.events / plainLines.seconds)} ${target(ratio >= 0.8, '≥ 0.8×')}`);
  }
  out('  Written = characters put × 2 (IndexedDB stores strings as UTF-16).');
  out();
  table(
    ['Status list (50 per page)', '>First page', '>Next page', '>Filter: Sent', '>Filter: Pending (none)', '>First page, reopened', '>Filter Sent, reopened'],
    browser.runs.filter((r) => r.statusList).map((r) => {
      const l = r.statusList;
      return [`${r.label} events`, ms(l.firstPageMs), ms(l.nextPageMs), ms(l.filterSentMs), ms(l.filterPendingMs), ms(l.firstPageColdMs), ms(l.filterSentColdMs)];
    }),
  );
  out();
  const at = (n) => browser.runs.find((r) => r.events === n && r.statusList)?.statusList;
  const l1m = at(1_000_000);
  const l100k = at(100_000);
  if (l1m) {
    const first = Math.max(l1m.firstPageMs, l1m.firstPageColdMs);
    out(`  first page at 1M: ${ms(first)} (the slower of warm and reopened) ${target(first < 50, '< 50 ms')}`);
  }
  if (l100k) {
    const change = Math.max(l100k.filterSentMs, l100k.filterPendingMs, l100k.filterSentColdMs);
    out(`  status filter change at 100k: ${ms(change)} (the slowest) ${target(change < 100, '< 100 ms')}`);
  }
  out();
}
out(`(f) The shipped wasm (dist/wasm/message_center_bg.wasm): ${shipped.kib.toFixed(1)} KiB, ${shipped.gzipKib.toFixed(1)} KiB gzipped ${target(shipped.gzipKib <= WASM_AT_ISSUE_18, `no larger than at the start of issue 18 (${WASM_AT_ISSUE_18} KiB gzipped, e1d6d79)`)}`);
out(`  the personalization language (src/script/) is ${(share.share * 100).toFixed(1)}% of its code (${int(share.languageBytes / 1024)} of ${int(share.codeBytes / 1024)} KiB of function bodies before wasm-opt), about ${(shipped.gzipKib * share.share).toFixed(0)} KiB of the gzipped size`);
out();
if (app) {
  const kib = (x) => `${x.toFixed(1)} KiB`;
  const label = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
  const plain = (s) => s.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  out(`(g) The browser app (www/) in real Chromium, IndexedDB on disk (a temporary profile); ${app.seconds.toFixed(0)} s, load average`);
  out(`    ${app.load.map((l) => l.toFixed(1)).join(' then ')} on ${app.cores} cores. Sandboxes filled from a blank page with the package (PushEvents of 500,`);
  out('    a virtual minute every 5,000 events, default outcome rates), then opened in the app. Times from');
  out('    timestamps in the page: from the change (hash, click) to the rows in the DOM, then the next frame');
  out('    (requestAnimationFrame, then a task: after its paint).');
  out();
  for (const l of app.lists) {
    const mix = Object.entries(l.counts.byStatus).filter(([, n]) => n > 0).map(([st, n]) => `${int(n)} ${plain(st)}`).join(', ');
    out(`  ${label(l.events)}: filled in ${l.fillSeconds.toFixed(0)} s (${int(l.events / l.fillSeconds)} events/s): ${mix}`);
  }
  out();
  const fetchOf = (m) => m.calls.filter((c) => c.name === 'listEvents');
  const inWorker = (m) => fetchOf(m).map((c) => ms(c.ms ?? NaN)).join(' + ');
  table(
    ['Status list of mcExec1 (real time)', '>First rows: first visit', '>in the DOM', '>Again', '>in the DOM', '>listEvents round trip (first, again)'],
    app.lists.map((l) => [`${int(l.events)} events`, ms(l.first.ms), ms(l.first.domMs), ms(l.again.ms), ms(l.again.domMs), `${inWorker(l.first)}, ${inWorker(l.again)}`]),
  );
  out();
  for (const l of app.lists) {
    const worst = l.first.ms >= l.again.ms ? l.first : l.again;
    out(`  first frame at ${label(l.events)}: ${ms(worst.ms)} (the slower of first visit and again) ${target(worst.ms < 50, '< 50 ms')}`);
  }
  const w = app.lists.map((l) => (l.first.ms >= l.again.ms ? l.first : l.again)).reduce((a, b) => (b.ms > a.ms ? b : a));
  const f0 = fetchOf(w)[0];
  if (w.calls.length && f0) {
    const tally = new Map();
    for (const c of w.calls) tally.set(c.name, (tally.get(c.name) ?? 0) + 1);
    const names = [...tally].map(([n, k]) => (k > 1 ? `${n} ×${k}` : n)).join(', ');
    const words = `where the ${ms(w.ms)} go: at +${ms(w.calls[0].at)} the first call to the worker (${w.calls[0].name}); at +${ms(f0.at)} the first block's listEvents, answered at +${ms(f0.at + f0.ms)} (${w.calls.length} calls in all: ${names}); at +${ms(w.domMs)} the rows in the DOM; at +${ms(w.ms)} painted.`.split(' ');
    let line = ' ';
    for (const word of words) {
      if (line.length + word.length > 100) {
        out(line);
        line = ' ';
      }
      line += ` ${word}`;
    }
    out(line);
  }
  out();
  const l0 = app.lists[0];
  table(
    [`Filter change (${int(l0.events)} events)`, '>Events shown', '>Rows painted', '>in the DOM', '>listEvents calls (round trips)'],
    l0.filters.map((f) => [f.how, int(l0.counts.byStatus[f.status]), ms(f.ms), ms(f.domMs), `${fetchOf(f).length}: ${inWorker(f)}`]),
  );
  out();
  for (const f of l0.filters) out(`  ${f.how}: ${ms(f.ms)} ${target(f.ms < 100, '< 100 ms')}`);
  out('  A status that few events have takes several calls: a page comes back short at its scan budget');
  out('  and the app goes on from its token.');
  out();
  table(
    ['Scroll, top to bottom', '>Frames', '>Worst frame', '>99th percentile', '>Median', '>Over 50 ms'],
    app.lists.map((l) => [`${int(l.events)} events (${l.scroll.seconds.toFixed(1)} s)`, int(l.scroll.frames), ms(l.scroll.worstMs), ms(l.scroll.p99Ms), ms(l.scroll.medianMs), int(l.scroll.over50)]),
  );
  out();
  table(
    ['Its rows', '>Frames with "…"', '>Filled after the stop', '>Blocks asked', '>Round trip (mean, max)', '>Worker time (mean, max)'],
    app.lists.map((l) => {
      const s = l.scroll;
      return [`${int(l.events)} events`, `${(s.placeholderShare * 100).toFixed(0)}%`, ms(s.filledMs), int(s.fetches), `${ms(s.fetchMeanMs)}, ${ms(s.fetchMaxMs)}`, `${ms(s.fetchOwnMeanMs)}, ${ms(s.fetchOwnMaxMs)}`];
    }),
  );
  out();
  const worstFrame = Math.max(...app.lists.map((l) => l.scroll.worstMs));
  out(`  scroll: worst frame ${app.lists.map((l) => `${ms(l.scroll.worstMs)} at ${label(l.events)}`).join(', ')} ${target(worstFrame <= 50, 'no frame over 50 ms')}`);
  out('  60 jumps (a thumb dragged: each shown 3 frames), 5 wheel-like steps of 120 px after each, one a');
  out('  frame; frames from requestAnimationFrame timestamps until the rows at the bottom are filled. Rows');
  out('  come block by block (100 rows, by offset) from the worker, which answers one call at a time: the');
  out('  round trip includes the wait behind the blocks asked before; worker time is the call\'s own share.');
  for (const l of app.lists) {
    for (const f of l.scroll.long) {
      const top = f.top[0];
      out(`  ⚠ a ${ms(f.ms)} frame at ${label(l.events)}, +${(f.at / 1000).toFixed(2)} s: ${ms(f.scriptMs)} of script, ${ms(f.styleLayoutMs)} of style and layout${top ? `; longest: ${top.invoker} ${top.fn || ''} (${top.at}) ${ms(top.ms)}` : ''}`);
    }
  }
  out();
  const g = app.generator;
  const rate = (r) => r.events / r.seconds;
  table(
    [`Generator: ${int(g.app.events)} events (${int(g.spec.ratePerHour)} an hour for ${g.label} of virtual time)`, '>Seconds', '>Events/s'],
    [
      ['the app (its form: the click on Generate to "done")', g.app.seconds.toFixed(2), int(rate(g.app))],
      ['the engine alone (mc.generate, IndexedDB, blank page)', g.engine.seconds.toFixed(2), int(rate(g.engine))],
    ],
  );
  out();
  const r = rate(g.app) / rate(g.engine);
  out(`  app / engine: ${r.toFixed(2)} ${target(r >= 0.8 && r <= 1.2, 'within 20%')}${g.rounds > 1 ? ` (the best of ${g.rounds} runs each, taking turns)` : ''}`);
  const other = Object.entries(g.app.otherCalls ?? {}).sort((a, b) => b[1] - a[1]);
  if (other.length) {
    const n = other.reduce((a, [, k]) => a + k, 0);
    out(`  meanwhile the page made ${int(n)} other calls to the worker, answered between the generator's`);
    out(`  steps (${other.slice(0, 6).map(([name, k]) => `${name} ${int(k)}`).join(', ')}${other.length > 6 ? ', …' : ''}).`);
  }
  out();
  const v = app.visit;
  const kb = (n) => `${(n / 1e3).toFixed(1)} kB`;
  table(
    ['A first visit as `npm start` serves it (an empty cache)', 'Encoding', '>Transferred'],
    [...v.first.rows.map((r) => [r.url, r.encoding, kb(r.bytes)]), ['total', '', kb(v.first.total)]],
  );
  out(`  ${kb(v.first.total)} transferred ${target(v.first.total < 0.8e6, '< 0.8 MB')}; usable after ${v.first.ms} ms on loopback, ${(v.slow.ms / 1000).toFixed(1)} s on DevTools' "Slow 4G"`);
  out(`  (${kb(v.slow.total)}); a second visit transfers ${kb(v.again.total)} (${v.again.rows.filter((r) => r.status === 304).length} answers 304, the rest kept by the browser).`);
  out();
  for (const p of app.problems) out(`  ⚠ ${p}`);
  if (app.problems.length) out();
}

{
  out('(i) Personalization: µs per render (renders/s) of the three cases of tests/fixtures/templates/bench/');
  out('    "event once": the event made once; "stored": its ctx parsed from the stored XML at each render, as a message is rendered');
  out();
  const name = (f) => f.split('/').at(-1).replace('.json', '');
  const cell = (us) => `${us.toFixed(us >= 100 ? 0 : 2)} µs (${int(1e6 / us)}/s)`;
  const rows = renders.native.map((n, i) => {
    const w = renders.wasm[i];
    const r = renders.rhino?.[i];
    return [name(n.case), cell(n.microseconds), cell(n.storedMicroseconds), cell(w.microseconds), cell(w.storedMicroseconds), r ? cell(r.microseconds) : 'no java', r ? `${(r.microseconds / n.microseconds).toFixed(1)}× / ${(r.microseconds / w.microseconds).toFixed(1)}×` : ''];
  });
  table(['Case', '>Native, event once', '>Native, stored', '>Wasm, event once', '>Wasm, stored', '>Rhino (warm, event once)', '>Rhino ÷ native / wasm'], rows);
  if (renders.rhino) {
    const worst = Math.min(...renders.native.map((n, i) => Math.min(renders.rhino[i].microseconds / n.microseconds, renders.rhino[i].microseconds / renders.wasm[i].microseconds)));
    out(`  slowest against Rhino: ${worst.toFixed(1)}× ${target(worst >= 10, '≥ 10× Rhino on each')}`);
  } else out('  Rhino: not installed (apt-get install rhino) — no comparison');
  out();
}

if (!flag('no-service')) {
  out('(h) The Campaign-compatible service (bench/service.mjs), its own process, on loopback');
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [`${root}/bench/service.mjs`, `--seconds=${QUICK ? 2 : 5}`], { encoding: 'utf8' });
  out(r.stdout.trimEnd().split('\n').map((l) => `  ${l}`).join('\n'));
  if (r.status !== 0) out(`  failed: ${r.stderr}`);
  out(`  target: ≥ 5,000 requests/s at 50 clients`);
}
