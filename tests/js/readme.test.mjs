// README examples are run as tests: the quick start (the code block after `<!-- quickstart -->`)
// runs as written, importing the package by its path instead of its name, exits 0 and prints
// exactly the block after `<!-- quickstart-output -->`. Also checks that docs/behaviour.md lists
// every configuration field and docs/api.md every status of the core, that the README stays a
// page a newcomer reads in five minutes, and that every link of the README and the docs leads to
// a file that exists.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const behaviour = readFileSync(join(root, 'docs/behaviour.md'), 'utf8');
const api = readFileSync(join(root, 'docs/api.md'), 'utf8');

/** The fenced block that follows `<!-- marker -->`. */
function blockAfter(marker) {
  const at = readme.indexOf(`<!-- ${marker} -->`);
  assert.ok(at >= 0, `README.md has no <!-- ${marker} --> marker`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `no fenced block after <!-- ${marker} -->`);
  return m[1];
}

test('the README quick start runs and prints what the README says', () => {
  const code = blockAfter('quickstart');
  assert.match(code, /from 'message-center'/);
  const entry = pathToFileURL(join(root, 'js/node.js')).href;
  const dir = mkdtempSync(join(tmpdir(), 'mc-readme-'));
  try {
    const file = join(dir, 'quickstart.mjs');
    writeFileSync(file, code.replaceAll("'message-center'", `'${entry}'`));
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `exit ${r.status}\n${r.stderr}`);
    assert.equal(r.stdout, blockAfter('quickstart-output'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/behaviour.md lists every configuration field with its default', async () => {
  const { MessageCenter } = await import('../../js/node.js');
  const mc = await MessageCenter.open();
  const config = mc.settings().config;
  await mc.close();
  const fields = [];
  for (const [k, v] of Object.entries(config)) {
    if (k === 'schedules') fields.push(...Object.keys(v).map((s) => `schedules.${s}`));
    else fields.push(k);
  }
  const missing = fields.filter((f) => !behaviour.includes(`| \`${f}\` |`));
  assert.deepEqual(missing, []);
});

test('the status table of docs/api.md matches the core', async () => {
  const { MessageCenter } = await import('../../js/node.js');
  const mc = await MessageCenter.open({ now: '2026-03-02T08:00:00Z' });
  await mc.addExecutionInstance({ name: 'mcExec1', executionInstanceId: 1 });
  await mc.addEventType('t');
  await mc.createTemplate({ name: 'tpl', eventType: 't', subject: 's' });
  await mc.publish('tpl');
  for (const w of ['rtEventsProcessing', 'updateEventsStatus']) await mc.startWorkflow('mcExec1', w);
  await mc.addEventType('noTemplate');
  const cases = [
    ['t', 'x@example.com', 'pending', 0, { scheduled: '2026-03-09T00:00:00Z' }],
    ['t', 'sent@mc-sim.test', 'sent', 3_600_000],
    ['t', 'ignored@mc-sim.test', 'ignored', 3_600_000],
    ['t', 'hard@mc-sim.test', 'deliveryFailed', 3_600_000],
    ['noTemplate', 'x@example.com', 'notTakenIntoAccount', 3_600_000],
    ['t', 'procerr@mc-sim.test', 'expired', 3_600_000],
    ['t', 'delay-2h@mc-sim.test', 'pendingDelivery', 3_600_000],
  ];
  const seen = new Map();
  for (const [type, email, want, ms, extra] of cases) {
    const { id } = await mc.pushEvent({ type, email, ctx: {}, ...extra });
    await mc.advance(ms);
    const { event } = await mc.getEvent(id);
    assert.equal(event.status, want, email);
    seen.set(event.status, event);
  }
  await mc.close();
  for (const e of seen.values()) {
    const row = `| \`${e.status}\` | ${e.statusLabel} | \`${e.restStatus}\` | ${e.statusCode} |`;
    assert.ok(api.includes(row), `docs/api.md lacks the row ${row}`);
  }
});

test('the README is short, and every link of the README and the docs leads somewhere', () => {
  const lines = readme.split('\n');
  assert.ok(lines.length <= 160, `README.md has ${lines.length} lines: the reference belongs in docs/`);
  assert.deepEqual(lines.filter((l) => l.length > 400), [], 'no line of the README over 400 characters');
  const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken = [];
  for (const file of docs) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^(https?:|mailto:)/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const to = path === '' ? file : join(dirname(file), path);
      if (!existsSync(join(root, to))) {
        broken.push(`${file}: ${target}`);
        continue;
      }
      if (anchor && to.endsWith('.md')) {
        const slugs = readFileSync(join(root, to), 'utf8').split('\n').filter((l) => /^#+ /.test(l))
          .map((l) => l.replace(/^#+ /, '').toLowerCase().replace(/[^\w\s-]/g, '').trim().replace(/\s/g, '-'));
        if (!slugs.includes(anchor)) broken.push(`${file}: ${target} (no heading #${anchor})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});
