// The virtual clock: always visible; play and pause at a speed (the worker moves the clock in
// slices, so the page stays responsive), step to the next due workflow step, advance by a
// duration. The engine runs every workflow step that falls due on the way.

import { useState } from 'preact/hooks';
import { html } from './html.js';
import { call, clock, mc, now } from './engine.js';
import { ErrorText } from './ui.js';

const SPEEDS = [1, 10, 60, 600, 3600];
const STEPS = [
  ['1 minute', 60_000],
  ['10 minutes', 600_000],
  ['1 hour', 3_600_000],
  ['1 day', 86_400_000],
];

/** The virtual time as the console shows it (UTC): formatted from the engine's ms, never parsed. */
export function clockText(ms) {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function Clock() {
  const [error, setError] = useState(null);
  const [by, setBy] = useState(STEPS[0][1]);
  const c = clock.value;
  const run = (fn) => async () => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
  };
  const next = run(async () => {
    const due = await mc.nextDue();
    if (!due) throw Object.assign(new Error('no workflow step is due: start a workflow first'), { code: 'NOTHING_DUE' });
    await mc.advanceTo(due.at);
  });
  return html`<div class="clock" role="group" aria-label="Virtual clock">
    <output class="time" aria-live="off" title="Virtual time (UTC)"><span class="muted">Virtual time</span> ${clockText(now.value)} UTC</output>
    <button type="button" class="primary" onClick=${run(() => (c.running ? call('pause') : call('play', { speed: c.speed })))} aria-pressed=${c.running}>
      ${c.running ? '❚❚ Pause' : '▶ Play'}
    </button>
    <label class="inline">Speed
      <select value=${c.speed} onChange=${(e) => call('speed', { speed: Number(e.currentTarget.value) }).catch(setError)}>
        ${SPEEDS.map((s) => html`<option value=${s}>×${s}</option>`)}
      </select>
    </label>
    <button type="button" onClick=${next} title="Advance to the next workflow step that is due">Next step</button>
    <label class="inline">Advance by
      <select value=${by} onChange=${(e) => setBy(Number(e.currentTarget.value))}>
        ${STEPS.map(([l, ms]) => html`<option value=${ms}>${l}</option>`)}
      </select>
    </label>
    <button type="button" onClick=${run(() => mc.advance(by))}>Advance</button>
    <${ErrorText} error=${error} />
  </div>`;
}
