// `npm run bench`: builds what is missing, then prints side by side (a) routing + status derivation
// in the Rust core natively and in wasm under Node, and (b) end-to-end events per second through the
// public API with the memory adapter and with IndexedDB (fake-indexeddb). Figures only: nothing is
// asserted (see bench/).
//
// Options: --events=N (core, default 20000), --e2e=N (end to end, default 2000), --repeats=N (5).

import { buildBench } from './build.mjs';

const opt = (name, def) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : def;
};
const CORE_EVENTS = opt('events', 20_000);
const E2E_EVENTS = opt('e2e', 2000);
const REPEATS = opt('repeats', 5);

buildBench();
// Imported after the build: they load dist/wasm/.
const { nativeCore, wasmCore } = await import('../bench/core.mjs');
const { endToEnd } = await import('../bench/end-to-end.mjs');
const { createMemoryStorage, openIndexedDBStorage } = await import('../js/node.js');
const { IDBFactory, IDBKeyRange } = await import('fake-indexeddb');

const int = (n) => Math.round(n).toLocaleString('en-US');
const out = (s = '') => process.stdout.write(`${s}\n`);

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

process.stderr.write(`> cargo run --release --example bench_core -- ${CORE_EVENTS} ${REPEATS}\n`);
const native = nativeCore(CORE_EVENTS, REPEATS);
const wasm = wasmCore(CORE_EVENTS, REPEATS);
const memory = await endToEnd(() => Promise.resolve(createMemoryStorage()), { events: E2E_EVENTS });
const idb = await endToEnd(() => openIndexedDBStorage({ name: 'bench', indexedDB: new IDBFactory(), IDBKeyRange }), { events: E2E_EVENTS });

out();
out(`Node ${process.version}, ${process.platform}/${process.arch}`);
out();
out(`(a) Core: routing + status derivation, ${int(CORE_EVENTS)} events pushed, routed, sent and derived in memory`);
out(`    (message_center::bench::route_and_derive; best of ${REPEATS} after a warm-up)`);
out();
table(
  ['Build', '>Seconds', '>Events/s', '>Records written', '>Records/event'],
  [
    ['native (cargo --release)', native.seconds.toFixed(3), int(native.events / native.seconds), int(native.recordsWritten), (native.recordsWritten / native.events).toFixed(1)],
    ['wasm under Node', wasm.seconds.toFixed(3), int(wasm.events / wasm.seconds), int(wasm.recordsWritten), (wasm.recordsWritten / wasm.events).toFixed(1)],
  ],
);
const ratio = native.seconds / wasm.seconds;
out();
out(`  wasm / native throughput: ${ratio.toFixed(2)}  (target ≥ 0.80: ${ratio >= 0.8 ? 'met' : 'not met'})`);
if (native.recordsWritten !== wasm.recordsWritten) out('  ⚠ the two builds wrote a different number of records');
out();
out(`(b) End to end through the public API: ${int(E2E_EVENTS)} events in PushEvents of 100, then the clock`);
out('    advanced a minute at a time until all are Sent (rtEventsProcessing, MTA, updateEventsStatus)');
out();
table(
  ['Storage', '>Seconds', '>Events/s', '>Push only (events/s)', '>Transactions', '>Records written', '>Records/event'],
  [
    ['memory', memory],
    ['IndexedDB (fake-indexeddb)', idb],
  ].map(([name, r]) => [name, r.seconds.toFixed(3), int(r.events / r.seconds), int(r.events / r.pushSeconds), int(r.transactions), int(r.records), (r.records / r.events).toFixed(1)]),
);
out();
out('  Records written = puts + deletes passed to the storage adapter (events, delivery logs, indexes,');
out('  counters, queue entries, journals), counted from the first push to the last "Sent";');
out(`  ${memory.virtualMinutes} minute${memory.virtualMinutes === 1 ? "" : "s"} of virtual time. Transactions = write() calls (one per API call or workflow step).`);
