#!/usr/bin/env node
// `message-center serve`: the Campaign-compatible service (see docs/service.md).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = `Usage: message-center serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--config FILE] [--clock real|virtual]

  --port     TCP port (default 8080; 0 picks a free one)
  --host     address to listen on (default 127.0.0.1)
  --data     directory of the durable store (SQLite; default: in memory, lost at exit)
  --config   a JSON file: { "operators": [...], "trustedRanges": [...], "instances": [...],
             "eventTypes": [...], "templates": [...], "clock": "real"|"virtual", "seed": ..., "engine": {...} }
  --clock    real (default) or virtual (moved by POST /__mc/clock/advance)
`;

function fail(message) {
  process.stderr.write(`message-center: ${message}\n\n${USAGE}`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (command !== 'serve') fail(command === undefined ? 'a command is needed' : `unknown command '${command}'`);

let args;
try {
  args = parseArgs({
    args: rest,
    options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, config: { type: 'string' }, clock: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }).values;
} catch (e) {
  fail(e.message);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

let file = {};
if (args.config) {
  try {
    file = JSON.parse(readFileSync(args.config, 'utf8'));
  } catch (e) {
    fail(`cannot read the config file ${args.config}: ${e.message}`);
  }
  if (file === null || typeof file !== 'object' || Array.isArray(file)) fail(`the config file ${args.config} must hold a JSON object`);
}
const port = args.port ?? file.port;
if (port !== undefined && !/^\d{1,5}$/.test(String(port))) fail(`--port must be a number, got '${port}'`);

// In a checkout (`npx message-center serve` on a fresh clone) the engine may not be built yet:
// build it as `npm start` does (an installed package ships it built).
if (!existsSync(new URL('../../dist/wasm/message_center_bg.wasm', import.meta.url))) {
  const build = fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url));
  if (!existsSync(build)) fail('the package is not built (dist/wasm is missing): reinstall it');
  process.stderr.write('message-center: building the engine first (once)…\n');
  const r = spawnSync(process.execPath, [build], { stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) {
    process.stderr.write('message-center: the build failed\n');
    process.exit(1);
  }
}
const { startService } = await import('./service.js');

const engine = { ...(file.engine ?? {}) };
if (file.operators) engine.operators = file.operators;
if (file.trustedRanges) engine.trustedRanges = file.trustedRanges;

// Structured JSON logs (pino), one line per request and per failure, on stdout.
const { default: pino } = await import('pino');
const logger = pino({ level: process.env.MC_LOG_LEVEL ?? 'info' });
const log = ({ level = 'info', msg, ...fields }) => logger[level](fields, msg);

let service;
try {
  service = await startService({
    port: port === undefined ? undefined : Number(port),
    host: args.host ?? file.host,
    data: args.data ?? file.data ?? null,
    clock: args.clock ?? file.clock,
    seed: file.seed,
    adminAnywhere: file.adminAnywhere,
    allowedHosts: file.allowedHosts,
    trustedProxy: file.trustedProxy,
    maxFailedLogons: file.maxFailedLogons,
    allowOrigin: file.allowOrigin,
    groupCommit: file.groupCommit,
    // A path in the config file is relative to the file.
    fixtures: file.fixtures ? resolve(dirname(args.config), file.fixtures) : undefined,
    config: Object.keys(engine).length ? engine : undefined,
    topology: { instances: file.instances, eventTypes: file.eventTypes, templates: file.templates },
    log: process.env.MC_LOG === 'silent' ? undefined : log,
  });
} catch (e) {
  process.stderr.write(`message-center: cannot start: ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
  process.exit(1);
}

const { url } = service;
process.stdout.write(
  [
    `message-center serving Message Center on ${url}`,
    `  SOAP router   POST ${url}/nl/jsp/soaprouter.jsp  (nms:rtEvent, nms:batchEvent, xtk:session, xtk:persist, xtk:queryDef)`,
    `  WSDL          GET  ${url}/nl/jsp/schemawsdl.jsp?schema=nms:rtEvent`,
    `  mcPing        GET  ${url}/nl/jsp/mcPing.jsp`,
    `  health        GET  ${url}/healthz`,
    `  console       ${url}/console/  (the browser app, live on this service)`,
    `  admin         ${url}/__mc/  (ready, clock/advance, events)`,
    `  instances     ${service.mc.executionInstances().map((a) => `${a.name} (id ${a.executionInstanceId})`).join(', ')}`,
    `  clock         ${service.virtual ? 'virtual' : 'real time'}; data ${args.data ?? file.data ?? 'in memory (pass --data DIR to keep it)'}`,
    '',
  ].join('\n'),
);

let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    service.close().then(
      () => process.exit(0),
      (e) => {
        process.stderr.write(`message-center: shutdown failed: ${e.message}\n`);
        process.exit(1);
      },
    );
  });
}
