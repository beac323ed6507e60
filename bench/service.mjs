// The service's speed on loopback (prints figures, asserts nothing):
// - PushEvent requests per second acknowledged with durable storage (SQLite, synchronous FULL),
//   with p50 and p99 latency, for 1 and 50 concurrent clients, with and without group commit; the
//   server runs in its own process (`message-center serve --data`);
// - two execution processes behind nginx (deploy/nginx.conf) against one, 50 clients;
// - end to end through SQLite in one process: push → Sent, events per second;
// - Logon refused for an unknown operator and for a wrong password: the time of each, side by side.
//
//   node bench/service.mjs [--seconds=5] [--clients=1,50] [--events=50000]

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const SECONDS = Number(arg('seconds', '5'));
const CLIENTS = arg('clients', '1,50').split(',').map(Number);
const CLI = fileURLToPath(new URL('../js/server/cli.js', import.meta.url));

function start(dir, groupCommit, extra = {}) {
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ groupCommit, ...extra }));
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

/** `clients` clients posting PushEvent to host:port for SECONDS: requests/s, p50, p99. */
async function load(host, port, clients) {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  let n = 0;
  const lat = [];
  let errors = 0;
  await Promise.all(Array.from({ length: clients }, () => post(agent, host, port, envelope(n++))));
  const end = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const status = await post(agent, host, port, envelope(n++));
        lat.push(performance.now() - t);
        if (status !== 200) errors++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
  return { rps: lat.length / secs, p50: q(0.5), p99: q(0.99), errors };
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

// ---- two execution processes behind nginx against one ----
const NGINX = '/usr/sbin/nginx';
function freePort() {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
async function behindNginx(executions) {
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-lb-'));
  const procs = [];
  try {
    for (let i = 1; i <= executions; i++) {
      const d = join(dir, `e${i}`);
      mkdirSync(d);
      procs.push(await start(d, true, { instances: [{ name: `mcExec${i}`, executionInstanceId: i, archive: false }] }));
    }
    const port = await freePort();
    const prefix = join(dir, 'nginx');
    mkdirSync(prefix, { mode: 0o777 });
    const upstream = procs.map((p) => `    server ${p.host}:${p.port};`).join('\n');
    const conf = readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8')
      .replace(/    server 127\.0\.0\.1:8081;\n    server 127\.0\.0\.1:8082;/, upstream)
      .replace('listen 127.0.0.1:8080;', `listen 127.0.0.1:${port};`);
    writeFileSync(join(prefix, 'nginx.conf'), conf);
    const nginx = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`http://127.0.0.1:${port}/nl/jsp/mcPing.jsp`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await load('127.0.0.1', port, Math.max(...CLIENTS));
    nginx.kill('SIGTERM');
    await new Promise((res) => nginx.on('exit', res));
    return r;
  } finally {
    for (const p of procs) {
      p.child.removeAllListeners('exit');
      p.child.kill('SIGTERM');
      await new Promise((res) => p.child.on('exit', res));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
if (existsSync(NGINX)) {
  const one = await behindNginx(1);
  const two = await behindNginx(2);
  console.log();
  console.log(`Behind nginx (deploy/nginx.conf), ${Math.max(...CLIENTS)} clients, group commit, SQLite FULL; on this machine's ${(await import('node:os')).availableParallelism()} cores, nginx and the load generator included:`);
  console.log(`  1 execution process:  ${one.rps.toFixed(0)} requests/s (p50 ${one.p50.toFixed(2)} ms, p99 ${one.p99.toFixed(2)} ms, ${one.errors} errors)`);
  console.log(`  2 execution processes: ${two.rps.toFixed(0)} requests/s (p50 ${two.p50.toFixed(2)} ms, p99 ${two.p99.toFixed(2)} ms, ${two.errors} errors)`);
  console.log(`  ratio: ${(two.rps / one.rps).toFixed(2)}x (target ≥ 1.8x)`);
} else console.log('\n(nginx is not installed: the load-balancer figures are skipped)');

// ---- end to end through SQLite, one process: push → Sent ----
{
  const { MessageCenter, openSQLiteStorage } = await import('../js/node.js');
  const dir = mkdtempSync(join(tmpdir(), 'mc-bench-e2e-'));
  const N = Number(arg('events', '50000'));
  const mc = await MessageCenter.open({ storage: await openSQLiteStorage({ path: join(dir, 'e2e.sqlite') }), seed: 1, now: '2026-03-02T08:00:00Z', config: { batchSize: 5000 } });
  await mc.addEventType('order');
  await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  await mc.createTemplate({ name: 'conf', eventType: 'order', subject: 'Order <%= rtEvent.ctx.@n %>', html: '<p>Thanks</p>' });
  await mc.publish('conf');
  for (const wf of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', wf);
  const t0 = performance.now();
  for (let i = 0; i < N; i += 500) await mc.pushEvents(Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ type: 'order', email: `e${i + k}@example.com`, ctx: { '@n': String(i + k) } })), { instance: 'mcExec1' });
  const pushed = performance.now();
  await mc.advance(2 * 3_600_000);
  const done = performance.now();
  const c = mc.countEvents({ instance: 'mcExec1' }).byStatus;
  await mc.close();
  rmSync(dir, { recursive: true, force: true });
  const final = c.sent + c.deliveryFailed + c.ignored + c.expired + c.notTakenIntoAccount;
  console.log();
  console.log(`End to end through SQLite (FULL), one process, PushEvents of 500: ${N} events pushed in ${((pushed - t0) / 1000).toFixed(1)} s, routed and sent in ${((done - pushed) / 1000).toFixed(1)} s`);
  console.log(`  ${(N / ((done - t0) / 1000)).toFixed(0)} events/s push → final status (target ≥ 20,000); ${c.sent} sent, ${final - c.sent} other final, ${N - final} not final`);
}

// ---- Logon refused: unknown operator against wrong password ----
{
  const { MessageCenter } = await import('../js/node.js');
  const mc = await MessageCenter.open({ config: { operators: [{ login: 'admin', allowEmptyPassword: true }, { login: 'mc', password: 'a-rather-long-secret-password' }] } });
  const logon = (login, password) => `<Envelope><Body><Logon xmlns="urn:xtk:session"><sessiontoken/><login>${login}</login><password>${password}</password></Logon></Body></Envelope>`;
  const caller = { remote: '203.0.113.9', entropy: 'ab'.repeat(32) };
  // Each refusal runs the password KDF (scrypt, tens of ms: an unknown login runs it on a decoy).
  const RUNS = 30;
  const time = async (text) => {
    const xs = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await mc.soap(text, { caller });
      xs.push(performance.now() - t);
    }
    xs.sort((a, b) => a - b);
    return xs[RUNS / 2] * 1000;
  };
  const unknown = [];
  const wrong = [];
  for (let round = 0; round < 3; round++) {
    unknown.push(await time(logon('nobody-at-all', 'a-rather-long-secret-passwore')));
    wrong.push(await time(logon('mc', 'a-rather-long-secret-passwore')));
  }
  console.log();
  console.log(`Logon refused (median of ${RUNS}, three rounds interleaved): unknown operator ${unknown.map((x) => x.toFixed(1)).join(' / ')} µs, wrong password ${wrong.map((x) => x.toFixed(1)).join(' / ')} µs`);
}
