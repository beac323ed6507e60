// Dates are parsed by the core, the same way in every time zone: a date without a zone is UTC.
// (The shell used `Date.parse`, which reads such a date in local time: `open({ now:
// '2026-03-02T08:00:00' })` started the clock at 08:00Z under TZ=UTC and at 13:00Z under
// TZ=America/New_York.) Each case runs in child processes with different TZ.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const entry = new URL('../../js/node.js', import.meta.url).href;
const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'];

/** Runs `body` (an async function of MessageCenter, returning JSON) under `tz`. */
function under(tz, body) {
  const script = `import { MessageCenter } from ${JSON.stringify(entry)};
    const out = await (${body})(MessageCenter);
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  assert.equal(r.status, 0, `TZ=${tz}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test('the child processes really run in different time zones', () => {
  const offsets = ZONES.map((tz) => under(tz, `async () => new Date(Date.UTC(2026, 2, 2, 8)).getTimezoneOffset()`));
  assert.equal(new Set(offsets).size, ZONES.length, `offsets ${offsets}`);
});

test('open({ now }) with a date without a zone starts the clock at the same instant (UTC) in every zone', () => {
  const body = `async (MessageCenter) => {
    const out = [];
    for (const now of ['2026-03-02T08:00:00', '2026-03-02T08:00', '2026-03-02', '2026-03-02T08:00:00.250']) {
      const mc = await MessageCenter.open({ seed: 1, now });
      out.push(mc.now());
      await mc.close();
    }
    return out;
  }`;
  const expected = [Date.UTC(2026, 2, 2, 8), Date.UTC(2026, 2, 2, 8), Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 2, 8, 0, 0, 250)];
  for (const tz of ZONES) assert.deepEqual(under(tz, body), expected, `TZ=${tz}`);
});

test('every date argument (advanceTo, listEvents from/to, an event\'s scheduled date) reads the same in every zone', () => {
  const body = `async (MessageCenter) => {
    const mc = await MessageCenter.open({ seed: 1, now: '2026-03-02T08:00:00Z' });
    await mc.addEventType('order');
    await mc.addExecutionInstance({ name: 'exec1', executionInstanceId: 1 });
    await mc.pushEvent({ type: 'order', email: 'a@example.com', scheduled: '2026-03-02T09:00:00', ctx: {} }, { instance: 'exec1' });
    await mc.advanceTo('2026-03-02T10:00:00');
    const inRange = await mc.listEvents({ instance: 'exec1', from: '2026-03-02T08:00:00', to: '2026-03-02T08:00:01' });
    const before = await mc.listEvents({ instance: 'exec1', from: '2026-03-02T07:00:00', to: '2026-03-02T07:59:59' });
    const ev = await mc.getEvent(inRange.events[0].id);
    return { now: mc.now(), inRange: inRange.events.length, before: before.events.length, scheduled: ev.event.scheduled ?? null };
  }`;
  const results = ZONES.map((tz) => under(tz, body));
  for (const r of results) assert.deepEqual(r, results[0]);
  assert.equal(results[0].now, Date.UTC(2026, 2, 2, 10));
  assert.equal(results[0].inRange, 1);
  assert.equal(results[0].before, 0);
  assert.equal(results[0].scheduled, '2026-03-02T09:00:00.000Z', 'an event date without a zone is UTC');
});
