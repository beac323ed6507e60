// The virtual clock: always visible; play and pause at a speed (the worker moves the clock in
// slices, so the page stays responsive), step to the next due workflow step, advance by a
// duration. The engine runs every workflow step that falls due on the way.

import { useState } from 'preact/hooks';
import { signal } from '@preact/signals';
import { html } from './html.js';
import { call, clock, mc, now } from './engine.js';
import { href, route } from './router.js';
import { ErrorText, useQuery } from './ui.js';
import { ActivityLines } from './views/activity.js';

/** What the last "Next step" or "Advance" did: `{ sandbox, action, moved, to, due, lines, more, next }`; null: none. */
export const clockReport = signal(null);
/** Lines the report shows; the rest are on the Activity page. */
const REPORT_LINES = 8;

/** Runs a clock move and reports what ran on the way (the core's activity lines since its mark). */
async function moveAndReport(action, move) {
  const { mark } = await mc.activity({ limit: 0 });
  const due = action === 'Next step' ? await mc.nextDue() : null;
  if (action === 'Next step' && !due) throw Object.assign(new Error('no workflow step is due: start a workflow first'), { code: 'NOTHING_DUE' });
  await move(due);
  const after = await mc.activity({ since: mark, limit: REPORT_LINES + 1 });
  clockReport.value = { sandbox: route.value.sandbox, action, moved: after.moved, to: await mc.now(), due, lines: after.lines.slice(0, REPORT_LINES), more: after.lines.length > REPORT_LINES, next: after.next };
}

/** The report of the last clock move, under the header until closed. */
export function ClockReport() {
  const r = clockReport.value;
  // A report is of its sandbox: another one opened (switched, imported, created) does not show it.
  if (!r || r.sandbox !== route.value.sandbox) return null;
  const why = r.due ? `: ${r.due.who} was due then.` : '.';
  const close = () => (clockReport.value = null);
  return html`<section class="clock-report" aria-labelledby="clock-report-title">
    <h2 id="clock-report-title">${r.action}</h2>
    <p>${r.moved}${why} ${r.lines.length === 0 ? 'No workflow step had anything to do on the way.' : ''}</p>
    ${r.lines.length > 0 && html`<${ActivityLines} lines=${r.lines} today=${new Date(r.to).toISOString()} onFollow=${close} />`}
    ${r.more && html`<p><a href=${href({ instance: '', page: 'activity' })} onClick=${close}>More steps ran: see Activity</a></p>`}
    <p class="muted">${r.next ? `Next step: ${r.next.text}.` : 'No workflow step is due now.'}</p>
    <button type="button" onClick=${close}>Close the report</button>
  </section>`;
}

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
  const [more, setMore] = useState(false);
  const c = clock.value;
  const run = (fn) => async () => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    }
  };
  const next = run(() => moveAndReport('Next step', (due) => mc.advanceTo(due.at)));
  const due = useQuery(() => mc.nextDue());
  const nextText = due.data ? `Advance to the next workflow step due: ${due.data.text}` : 'No workflow step is due: start a workflow first';
  const text = clockText(now.value);
  // On a narrow screen, the date, the labels and the speed and advance controls fold away (the
  // last behind "More clock controls"), so that the header stays one line.
  return html`<div class="clock" role="group" aria-label="Virtual clock">
    <output class="time" aria-live="off" title=${`Virtual time: ${text} UTC`}><span class="muted label">Virtual time</span> <span class="date">${text.slice(0, 10)}</span> ${text.slice(11)}<span class="utc"> UTC</span></output>
    <button type="button" class="primary" onClick=${run(() => (c.running ? call('pause') : call('play', { speed: c.speed })))} aria-pressed=${c.running}>
      ${c.running ? html`❚❚<span class="word"> Pause</span>` : html`▶<span class="word"> Play</span>`}
    </button>
    <button type="button" onClick=${next} title=${nextText} aria-label="Next step" aria-describedby="next-step-text"><span class="icon" aria-hidden="true">Next</span><span class="word">Next step</span></button>
    <span id="next-step-text" class="sr-only">${nextText}</span>
    <button type="button" class="more-toggle" aria-expanded=${more} aria-controls="clock-more" aria-label="More clock controls" title="Speed and advance" onClick=${() => setMore(!more)}>⋯</button>
    <div id="clock-more" class=${`clock-more${more ? ' open' : ''}`}>
      <label class="inline"><span class="word">Speed</span>
        <select value=${c.speed} onChange=${(e) => call('speed', { speed: Number(e.currentTarget.value) }).catch(setError)}>
          ${SPEEDS.map((s) => html`<option value=${s}>×${s}</option>`)}
        </select>
      </label>
      <label class="inline"><span class="word">Advance by</span>
        <select value=${by} onChange=${(e) => setBy(Number(e.currentTarget.value))}>
          ${STEPS.map(([l, ms]) => html`<option value=${ms}>${l}</option>`)}
        </select>
      </label>
      <button type="button" onClick=${run(() => moveAndReport(`Advance by ${STEPS.find(([, ms]) => ms === by)[0]}`, () => mc.advance(by)))}>Advance</button>
    </div>
    <${ErrorText} error=${error} />
  </div>`;
}
