// The service's speed on loopback (prints figures, asserts nothing): PushEvent requests per second
// acknowledged with durable storage (SQLite, synchronous FULL), with p50 and p99 latency, for 1
// and 50 concurrent clients; the server runs in its own process (`message-center serve --data`).
//
//   node bench/service.mjs [--seconds=5] [--clients=1,50]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const SECONDS = Number(arg('seconds', '5'));
const CLIENTS = arg('clients', '1,50').split(',').map(Number);
const CLI = fileURLToPath(new URL('../js/server/cli.js', import.meta.url));

function start(dir, groupCommit) {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ groupCommit }));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(process.env.MC_BENCH_NODE_ARGS ? process.env.MC_BENCH_NODE_ARGS.split(' ') : []), CLI, 'serve', '--port', '0', '--data', join(dir, 'data'), '--config', config, '--clock', 'virtual'], { env: { ...process.env, MC_LOG: 'silent' } });
    let out = '';
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    child.stdout.on('data', (c) => {
      out += c;
      const m = /serving Message Center on http:\/\/([\d.]+):(\d+)/.exec(out);
      if (m && out.includes('clock')) resolve({ child, host: m[1], port: Number(m[2]) });
    });
  });
}

const envelope = (n) =>
  Buffer.from(
    `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:nms:rtEvent"><soapenv:Body><urn:PushEvent><urn:sessiontoken>admin/</urn:sessiontoken><urn:domEvent><rtEvent type="order_confirmation" email="c${n}@example.com" externalId="${n}"><ctx><order number="${n}" total="10.00"/></ctx></rtEvent></urn:domEvent></urn:PushEvent></soapenv:Body></soapenv:Envelope>`,
  );

function post(agent, host, port, body) {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host, port, method: 'POST', path: '/nl/jsp/soaprouter.jsp', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'nms:rtEvent#PushEvent', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function run(clients, groupCommit = true) {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-'));
  const s = await start(dir, groupCommit);
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  let n = 0;
  const lat = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const status = await post(agent, s.host, s.port, envelope(n++));
      lat.push(performance.now() - t);
      if (status !== 200) errors++;
    }
  };
  // A short warm-up, then the measured run.
  await Promise.all(Array.from({ length: clients }, () => post(agent, s.host, s.port, envelope(n++))));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  s.child.removeAllListeners('exit');
  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.on('exit', r));
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
  return { clients, groupCommit, rps: lat.length / secs, p50: q(0.5), p99: q(0.99), errors, requests: lat.length };
}

console.log(`PushEvent over HTTP on loopback, durable (SQLite WAL, synchronous FULL), ${SECONDS} s per run`);
console.log('clients  group commit  requests/s  p50 ms  p99 ms  errors');
const rows = [];
for (const c of CLIENTS) rows.push(await run(c));
rows.push(await run(Math.max(...CLIENTS), false));
for (const r of rows) {
  console.log(`${String(r.clients).padStart(7)}  ${(r.groupCommit ? 'yes' : 'no').padStart(12)}  ${r.rps.toFixed(0).padStart(10)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${r.errors}`);
}
console.log(`group commit at ${Math.max(...CLIENTS)} clients: ${(rows[rows.length - 2].rps / rows[rows.length - 1].rps).toFixed(2)}x the requests/s of one transaction per request`);
console.log("Campaign's published figures: 50,000 messages/hour per execution server in v7 (≈14/s), 1 million/hour in v8 (≈278/s).");
