// The event generator: a rate and a duration of virtual time, a mix of event types, channels and
// addresses (outcome-directed test addresses included); the engine generates them and runs the
// workflows in between, with a progress bar and a cancel button.

import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { job, mc } from '../engine.js';
import { ErrorText, Field, useQuery } from '../ui.js';

const DURATIONS = [
  ['1 minute', 60_000],
  ['10 minutes', 600_000],
  ['1 hour', 3_600_000],
  ['1 day', 86_400_000],
];

export function GeneratorPanel() {
  const accounts = useQuery(() => mc.executionInstances());
  const types = useQuery(() => mc.eventTypes());
  const [f, setF] = useState({ rate: '3600', duration: 600_000, target: 'loadBalancer', queue: 'rt', types: null, channels: ['email'], share: '10' });
  const [progress, setProgress] = useState(null);
  const [running, setRunning] = useState(null);
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const allTypes = types.data ?? [];
  const chosen = f.types ?? allTypes.map((t) => t.name);
  const toggle = (k, v, list) => setF({ ...f, [k]: list.includes(v) ? list.filter((x) => x !== v) : [...list, v] });
  const start = async (e) => {
    e.preventDefault();
    setError(null);
    setResult(null);
    const spec = { ratePerHour: Number(f.rate), durationMs: Number(f.duration), target: f.target, queue: f.queue, types: chosen, channels: f.channels, testShare: Number(f.share) / 100 };
    const j = job('generate', { spec }, (p) => setProgress(p));
    setRunning(j);
    try {
      setResult(await j.done);
    } catch (x) {
      setError(x);
    } finally {
      setRunning(null);
    }
  };
  return html`<form class="card" onSubmit=${start} aria-label="Generate events">
    <div class="row">
      <${Field} label="Rate (events per hour)">${(id) => html`<input id=${id} inputmode="decimal" value=${f.rate} onInput=${(e) => setF({ ...f, rate: e.currentTarget.value })} />`}</${Field}>
      <${Field} label="Duration (virtual time)">${(id) => html`<select id=${id} value=${f.duration} onChange=${(e) => setF({ ...f, duration: Number(e.currentTarget.value) })}>${DURATIONS.map(([l, ms]) => html`<option value=${ms}>${l}</option>`)}</select>`}</${Field}>
      <${Field} label="Send to">${(id) => html`<select id=${id} value=${f.target} onChange=${(e) => setF({ ...f, target: e.currentTarget.value })}>
        <option value="loadBalancer">The load balancer (round robin)</option>
        ${(accounts.data ?? []).map((a) => html`<option value=${a.name}>${a.label} (${a.name})</option>`)}
      </select>`}</${Field}>
      <${Field} label="Queue">${(id) => html`<select id=${id} value=${f.queue} onChange=${(e) => setF({ ...f, queue: e.currentTarget.value })}><option value="rt">Real time</option><option value="batch">Batch</option></select>`}</${Field}>
      <${Field} label="Test addresses (%)" hint="Share sent to outcome-directed test addresses">${(id, d) => html`<input id=${id} aria-describedby=${d} inputmode="decimal" value=${f.share} onInput=${(e) => setF({ ...f, share: e.currentTarget.value })} />`}</${Field}>
    </div>
    <div class="row">
      <fieldset class="plain"><legend>Event types</legend>
        ${allTypes.length === 0 && html`<span class="hint">No event type yet: create one in Enumerations (eventType).</span>`}
        ${allTypes.map((t) => html`<label class="check"><input type="checkbox" checked=${chosen.includes(t.name)} onChange=${() => toggle('types', t.name, chosen)} /> ${t.label}</label>`)}
      </fieldset>
      <fieldset class="plain"><legend>Channels</legend>
        ${[['email', 'Email'], ['sms', 'Mobile (SMS)']].map(([c, l]) => html`<label class="check"><input type="checkbox" checked=${f.channels.includes(c)} onChange=${() => toggle('channels', c, f.channels)} /> ${l}</label>`)}
      </fieldset>
    </div>
    <button type="submit" class="primary" disabled=${!!running}>Generate</button>
    ${running && html`<button type="button" onClick=${() => running.cancel()}>Cancel</button>`}
    ${(running || result) && progress && html`<p role="status">
      <progress max=${progress.total} value=${progress.pushed} aria-label="Events generated"></progress>
      ${progress.pushed.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} events · virtual time ${progress.now.replace('T', ' ').slice(0, 19)} (ends ${progress.end.replace('T', ' ').slice(0, 19)})
      ${result && (result.done ? ' · done' : ' · cancelled')}
    </p>`}
    <${ErrorText} error=${error} />
  </form>`;
}
