// The TypeScript declarations (js/index.d.ts) compile, and describe the API: tests/types/usage.ts,
// which uses every method, type-checks under `strict` (with and without the DOM library), and a
// file with a deliberate type error does not (so this test can fail).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = fileURLToPath(new URL('../..', import.meta.url));
const usage = join(root, 'tests/types/usage.ts');

/**
 * Type-checks `files` (real paths, or virtual ones given in `virtual`) as a strict ESM project
 * that imports the package by its name (the package's own `exports` → js/index.d.ts).
 * @param {string[]} files
 * @param {{ virtual?: Record<string, string>, dom?: boolean }} [opts]
 * @returns {string[]} the diagnostics, formatted
 */
function typecheck(files, { virtual = {}, dom = false, js = false } = {}) {
  const options = {
    // The shell is plain JavaScript with JSDoc where it talks to the core: checked, not strict.
    ...(js ? { allowJs: true, checkJs: true } : {}),
    strict: !js,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: dom || js ? ['lib.es2022.d.ts', 'lib.dom.d.ts'] : ['lib.es2022.d.ts'],
    types: [],
    noUnusedLocals: false,
    skipLibCheck: false,
  };
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => f in virtual || fileExists.call(host, f);
  host.readFile = (f) => (f in virtual ? virtual[f] : readFile.call(host, f));
  host.getSourceFile = (f, lang, ...rest) =>
    f in virtual ? ts.createSourceFile(f, virtual[f], lang, true) : getSourceFile.call(host, f, lang, ...rest);
  const program = ts.createProgram(files, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file) return msg;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    return `${d.file.fileName}:${line + 1}:${character + 1}: ${msg}`;
  });
}

test('package.json points TypeScript at js/index.d.ts', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.types, './js/index.d.ts');
  assert.equal(pkg.exports['.'].types, './js/index.d.ts');
});

test('tests/types/usage.ts type-checks under strict (no DOM library)', () => {
  assert.deepEqual(typecheck([usage]), []);
});

test('tests/types/usage.ts type-checks under strict with the DOM library', () => {
  assert.deepEqual(typecheck([usage], { dom: true }), []);
});

test('index.d.ts declares, and usage.ts calls, every method of the real MessageCenter', async () => {
  const { MessageCenter } = await import('../../js/node.js');
  const methods = [
    ...Object.getOwnPropertyNames(MessageCenter.prototype).filter((m) => m !== 'constructor'),
    ...Object.getOwnPropertyNames(MessageCenter).filter((m) => typeof MessageCenter[m] === 'function'),
  ];
  assert.ok(methods.includes('open') && methods.includes('pushEvents'));
  const dts = readFileSync(join(root, 'js/index.d.ts'), 'utf8');
  const cls = dts.slice(dts.indexOf('export declare class MessageCenter'));
  const declared = new Set([...cls.matchAll(/^ {2}(?:static )?(\w+)\(/gm)].map((m) => m[1]));
  assert.deepEqual(methods.filter((m) => !declared.has(m)), [], 'methods missing from index.d.ts');
  assert.deepEqual([...declared].filter((m) => !methods.includes(m)), [], 'methods declared but not implemented');
  const src = readFileSync(usage, 'utf8');
  assert.deepEqual(methods.filter((m) => !new RegExp(`\\.${m}\\(`).test(src)), [], 'methods not used by usage.ts');
});

test('index.d.ts declares every export of the Node and browser entries', async () => {
  const node = await import('../../js/node.js');
  const dts = readFileSync(join(root, 'js/index.d.ts'), 'utf8');
  const declared = new Set([...dts.matchAll(/^export (?:declare )?(?:function|class) (\w+)/gm)].map((m) => m[1]));
  assert.deepEqual(Object.keys(node).filter((k) => !declared.has(k)), []);
  const browser = readFileSync(join(root, 'js/browser.js'), 'utf8');
  const names = [...browser.matchAll(/export (?:const (\w+)|\{([^}]+)\})/g)].flatMap((m) => (m[1] ? [m[1]] : m[2].split(',').map((x) => x.trim())));
  assert.deepEqual(names.filter((k) => !declared.has(k)), []);
  // The SQLite adapter (better-sqlite3, a native module) is for Node only.
  const nodeOnly = ['openSQLiteStorage'];
  assert.deepEqual(nodeOnly.filter((k) => !(k in node) || names.includes(k)), [], 'Node-only exports are in js/node.js and not in js/browser.js');
  assert.deepEqual(names.sort(), Object.keys(node).filter((k) => !nodeOnly.includes(k)).sort());
});

// The shell's requests to the core ({ op: … } and { q: … }) are checked against the TypeScript
// generated from the core's Request and Query enums (js/generated.d.ts), not only at run time.
const shell = join(root, 'js/message-center.js');
const inShell = (diags) => diags.filter((d) => d.startsWith(join(root, 'js/message-center.js')) || d.startsWith(join(root, 'js/boundary.js')));

test("the shell's requests to the core type-check against the generated Request and Query", () => {
  assert.deepEqual(inShell(typecheck([shell], { js: true })), []);
});

test('a request the core does not know, or a field of the wrong name, is a type error in the shell', () => {
  const text = readFileSync(shell, 'utf8');
  for (const [from, to, expected] of [
    ["{ op: 'publish', name:", "{ op: 'publsh', name:", /'"publsh"' is not assignable|publsh/],
    ["{ op: 'unpublish', name:", "{ op: 'unpublish', nme:", /'nme' does not exist|nme/],
    ["{ q: 'eventTypes' }", "{ q: 'eventTypess' }", /eventTypess/],
  ]) {
    assert.ok(text.includes(from), from);
    const diags = inShell(typecheck([shell], { js: true, virtual: { [shell]: text.replace(from, to) } }));
    assert.equal(diags.length, 1, `${to}:\n${diags.join('\n')}`);
    assert.match(diags[0], expected);
  }
});

test('a deliberate type error is reported (an event id passed as a number)', () => {
  const bad = join(root, 'tests/types/__bad__.ts');
  const text = [
    "import { MessageCenter } from 'message-center';",
    'const mc = await MessageCenter.open();',
    'await mc.getEvent(72057594037927937);',
    "await mc.pushEvent({ type: 'order', email: 'a@example.com' });",
    "mc.countEvents({ instance: 'mcExec1' }).byStatus.sentt;",
    'export {};',
  ].join('\n');
  const diags = typecheck([bad], { virtual: { [bad]: text } });
  assert.equal(diags.length, 3, diags.join('\n'));
  assert.match(diags[0], /__bad__\.ts:3:.*'number' is not assignable to parameter of type 'string \| bigint'/);
  assert.match(diags[1], /__bad__\.ts:4:.*'ctx' is missing/s);
  assert.match(diags[2], /__bad__\.ts:5:.*'sentt' does not exist/);
});

/** The member names of `export type <name> = {…}` (generated) or `export interface <name>` in the declarations. */
function members(dts, name) {
  let start = dts.indexOf(`export type ${name} = {`);
  if (start < 0) start = dts.indexOf(`export interface ${name} `);
  assert.ok(start >= 0, `type ${name} not found`);
  const body = dts.slice(dts.indexOf('{', start) + 1, dts.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}(?:readonly )?(\w+)\??:/gm)].map((m) => m[1]).sort();
}

test('the declared result shapes have exactly the fields the engine returns', async () => {
  const { MessageCenter } = await import('../../js/node.js');
  const dts = readFileSync(join(root, 'js/index.d.ts'), 'utf8') + readFileSync(join(root, 'js/generated.d.ts'), 'utf8');
  const keys = (o) => Object.keys(o).sort();
  const mc = await MessageCenter.open({ seed: 7, now: '2026-03-02T08:00:00Z' });
  const account = await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  assert.deepEqual(keys(account), members(dts, 'Account'));
  const wf = await mc.createArchivingWorkflow('mcExec1');
  assert.deepEqual(keys(wf), members(dts, 'Workflow'));
  assert.deepEqual(keys(wf.schedule), members(dts, 'Schedule'));
  assert.deepEqual(keys(await mc.addEventType('order')), members(dts, 'EventType'));
  const tpl = await mc.createTemplate({
    name: 'orderConfirmation', eventType: 'order', subject: 'Order <%= rtEvent.ctx.@n %>',
    seeds: [{ name: 'ada', label: 'Ada', email: 'ada@example.com', mobilePhone: '+33600000000', externalId: '1', ctx: { '@n': '1' } }],
  });
  assert.deepEqual(keys(tpl), members(dts, 'Template'));
  assert.deepEqual(keys(tpl.seeds[0]), members(dts, 'Seed'));
  assert.deepEqual(keys(mc.preview('orderConfirmation')), members(dts, 'Preview'));
  assert.deepEqual(keys(await mc.publish('orderConfirmation')), members(dts, 'PublishResult'));
  assert.deepEqual(keys(mc.publishedTemplates('mcExec1')[0]), members(dts, 'PublishedCopy'));
  for (const w of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', w);
  const pushed = await mc.pushEvent({ type: 'order', email: 'bounce-1m@mc-sim.test', ctx: { '@n': '5' } });
  assert.deepEqual(keys(pushed), members(dts, 'PushedEvent'));
  const adv = await mc.advance(3_600_000);
  assert.deepEqual(keys(adv), members(dts, 'AdvanceResult'));
  assert.deepEqual(keys(mc.deliveries('mcExec1')[0]), members(dts, 'Delivery'));
  const story = await mc.getEvent(pushed.id);
  assert.deepEqual(keys(story), members(dts, 'EventStory'));
  assert.deepEqual(keys(story.event), members(dts, 'EventView'));
  assert.deepEqual(keys(story.event.history[0]), members(dts, 'StatusChange'));
  assert.deepEqual(keys(story.broadLog), members(dts, 'BroadLogView'));
  assert.deepEqual(keys(story.broadLog.log[0]), members(dts, 'BroadLogLine'));
  assert.deepEqual(keys(story.archived), members(dts, 'EventView'));
  assert.equal(story.event.status, 'deliveryFailed');
  const page = await mc.listEvents({ instance: 'control' });
  assert.deepEqual(keys(page), members(dts, 'ListPage'));
  const counts = mc.countEvents({ instance: 'mcExec1' });
  assert.deepEqual(keys(counts), members(dts, 'Counts'));
  assert.deepEqual(keys(counts.byStatus), ['deliveryFailed', 'expired', 'ignored', 'notTakenIntoAccount', 'pending', 'pendingDelivery', 'sent']);
  assert.deepEqual(keys(mc.mcPing('mcExec1')), members(dts, 'McPing'));
  assert.deepEqual(keys(mc.nextDue()), members(dts, 'DueStep'));
  const ok = await mc.soap('<Envelope><Body><PushEvent xmlns="urn:nms:rtEvent"><t/><e><rtEvent type="order" email="s@example.com"><ctx/></rtEvent></e></PushEvent></Body></Envelope>');
  assert.deepEqual(keys(ok), members(dts, 'SoapReply'));
  const fault = await mc.soap('<Envelope/>');
  assert.deepEqual(keys(fault.fault), members(dts, 'SoapFaultView'));
  const gen = await mc.generate({ ratePerHour: 600, durationMs: 60_000 });
  assert.deepEqual(keys(gen), members(dts, 'GenerateProgress'));
  const rep = await mc.report();
  assert.deepEqual(keys(rep), members(dts, 'Report'));
  assert.deepEqual(keys(rep.serviceLevel[0]), members(dts, 'Kpi'));
  assert.deepEqual(keys(rep.pivot[0]), members(dts, 'PivotRow'));
  const enums = mc.enumerations();
  assert.deepEqual(keys(enums), members(dts, 'Enumerations'));
  assert.deepEqual(keys(enums.statuses[0]), members(dts, 'EnumValue'));
  assert.deepEqual(keys(enums.testAddresses[0]), members(dts, 'TestAddress'));
  const journal = await mc.journal('mcExec1', 'rtEventsProcessing');
  assert.deepEqual(keys(journal), members(dts, 'Journal'));
  assert.deepEqual(keys(journal.runs[0]), members(dts, 'RunLog'));
  assert.deepEqual(keys(await mc.runWorkflow('mcExec1', 'rtEventsProcessing')), members(dts, 'RunResult'));
  const settings = mc.settings();
  assert.deepEqual(keys(settings), members(dts, 'Settings'));
  assert.deepEqual(keys(settings.config), members(dts, 'Config'));
  assert.deepEqual(keys(settings.config.schedules), members(dts, 'Schedules'));
  assert.deepEqual(keys(settings.config.email), members(dts, 'ChannelRates'));
  assert.deepEqual(keys(await mc.denylist('mcExec1', 'x@example.com')), members(dts, 'DenylistEntry'));
  await mc.close();
});
