// The browser app's time axis writes virtual time as the rest of the app does (UTC, ISO dates),
// never in the browser's local format ("1/1/26 12:19am", issue 16).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utcTicks } from '../../www/src/time.js';

const s = (iso) => Date.parse(iso) / 1000;

test('chart ticks: UTC times, the date under the first tick and where the day changes', () => {
  assert.deepEqual(utcTicks(null, [s('2026-01-01T23:00:00Z'), s('2026-01-01T23:30:00Z'), s('2026-01-02T00:00:00Z'), s('2026-01-02T00:30:00Z')]), ['23:00\n2026-01-01', '23:30', '00:00\n2026-01-02', '00:30']);
  // Under ten minutes: seconds.
  assert.deepEqual(utcTicks(null, [s('2026-01-01T00:19:00Z'), s('2026-01-01T00:19:30Z'), s('2026-01-01T00:20:00Z')]), ['00:19:00\n2026-01-01', '00:19:30', '00:20:00']);
  assert.deepEqual(utcTicks(null, []), []);
  for (const label of utcTicks(null, [s('2026-06-30T12:00:00Z'), s('2026-06-30T13:00:00Z')])) assert.doesNotMatch(label, /am|pm|\//i);
});
