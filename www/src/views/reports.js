// The control's reports (Message Center > Reports): "History of Message Center events" (the
// pivot of events, sent and success rate by day, event type and channel, as a table and a
// chart), "Message Center service level" and "Message Center processing time", their figures
// coloured by the deployment wizard's thresholds (orange: warning, red: alert). Every figure and
// level is the engine's.

import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { Field, Loaded, Title, useQuery } from '../ui.js';

const PERIODS = [
  ['24 hour view', 86_400_000],
  ['7 days', 7 * 86_400_000],
  ['30 days', 30 * 86_400_000],
];

function Tiles({ kpis, label }) {
  return html`<ul class="tiles" aria-label=${label}>
    ${kpis.map((k) => html`<li class=${`tile ${k.level}`} title=${k.options ? `${k.options}: warning ${k.warning}, alert ${k.alert}` : ''}>
      <span class="tile-label">${k.label}</span>
      <strong>${k.value === null ? '—' : k.value.toLocaleString('en-US')}</strong> <span class="muted">${k.unit}</span>
      ${k.level === 'warning' || k.level === 'alert' ? html`<span class="sr-only"> (${k.level})</span>` : ''}
      ${k.warning !== null && html`<small class="muted">warning ${k.warning}, alert ${k.alert}</small>`}
      ${k.note && html`<small class="muted note">${k.note}</small>`}
    </li>`)}
  </ul>`;
}

/** A uPlot chart of series over labelled x positions (days or hours). */
function Bars({ title, xs, series, label }) {
  const box = useRef(null);
  useEffect(() => {
    if (xs.length === 0) return undefined;
    const bars = uPlot.paths.bars({ size: [0.6, 40] });
    const u = new uPlot(
      {
        width: Math.max(320, Math.min(box.current.clientWidth || 700, 900)),
        height: 200,
        title,
        // Bars from zero, and room on the right for the last label (it was cut).
        scales: { x: { time: false }, y: { range: (_, min, max) => [0, max > 0 ? Math.ceil(max * 1.1) : 1] } },
        padding: [null, 36, null, null],
        axes: [{ values: (_, ticks) => ticks.map((i) => xs[i] ?? '') }, { size: 50 }],
        series: [{ label: 'When', value: (_, i) => xs[i] ?? '' }, ...series.map((s) => ({ label: s.label, stroke: s.color, fill: `${s.color}55`, paths: bars }))],
      },
      [xs.map((_, i) => i), ...series.map((s) => s.values)],
      box.current,
    );
    return () => u.destroy();
  }, [JSON.stringify([xs, series])]);
  if (xs.length === 0) return html`<p class="empty">Nothing in the period.</p>`;
  return html`<figure class="chart" aria-label=${label}><div ref=${box}></div></figure>`;
}

/**
 * Campaign's pivot of the event history: rows year › quarter › month › event type (each level
 * folds), a column group per channel and the total, each with Events, Sent and Success (%).
 */
function Pivot({ history, channels }) {
  const [folded, setFolded] = useState(() => new Set());
  if (history.rows.length === 0) return html`<p class="empty">No archived event in the period.</p>`;
  const label = (c) => channels.find((x) => x.name === c)?.label ?? c;
  const rows = [];
  const walk = (nodes, depth, parent) => {
    for (const n of nodes) {
      const key = `${parent}/${n.label}`;
      rows.push({ n, depth, key });
      if (n.children.length > 0 && !folded.has(key)) walk(n.children, depth + 1, key);
    }
  };
  walk(history.rows, 0, '');
  const toggle = (key) => {
    const next = new Set(folded);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setFolded(next);
  };
  const fmt = (v) => v.toLocaleString('en-US');
  const cells = (c) => html`<td class="num">${fmt(c.events)}</td><td class="num">${fmt(c.sent)}</td><td class="num">${c.success ?? '—'}</td>`;
  return html`<div class="table-scroll" tabindex="0" role="group" aria-label="History pivot (scrolls)"><table class="pivot">
    <caption>By date (year › quarter › month) and event type, by channel</caption>
    <thead>
      <tr><th rowspan="2" scope="col">Date › Event type</th>${history.channels.map((c) => html`<th colspan="3" scope="colgroup">${label(c)}</th>`)}<th colspan="3" scope="colgroup">Total</th></tr>
      <tr>${[...history.channels, 'total'].map(() => html`<th scope="col">Events</th><th scope="col">Sent</th><th scope="col">Success (%)</th>`)}</tr>
    </thead>
    <tbody>
      ${rows.map(({ n, depth, key }) => html`<tr key=${key} class=${`level-${n.level}`}>
        <th scope="row" style=${`padding-left: ${0.5 + depth * 1.2}em`}>
          ${n.children.length > 0
            ? html`<button type="button" class="link" aria-expanded=${!folded.has(key)} onClick=${() => toggle(key)}><span aria-hidden="true">${folded.has(key) ? '▸' : '▾'}</span> ${n.label}</button>`
            : n.label}
        </th>
        ${n.cells.map(cells)}${cells(n.total)}
      </tr>`)}
    </tbody>
  </table></div>`;
}

export function Reports() {
  const accounts = useQuery(() => mc.executionInstances());
  const enums = useQuery(() => mc.enumerations(), []);
  const [f, setF] = useState({ periodMs: PERIODS[0][1], instance: '', channel: '' });
  const q = useQuery(() => mc.report({ periodMs: f.periodMs, instance: f.instance || null, channel: f.channel || null }), [JSON.stringify(f)]);
  return html`<${Title} path=${['Control instance', 'Message Center']}>Reports</${Title}>
    <form class="filters row" aria-label="Report filters" onSubmit=${(e) => e.preventDefault()}>
      <${Field} label="Period">${(id) => html`<select id=${id} value=${f.periodMs} onChange=${(e) => setF({ ...f, periodMs: Number(e.currentTarget.value) })}>${PERIODS.map(([l, ms]) => html`<option value=${ms}>${l}</option>`)}</select>`}</${Field}>
      <${Field} label="Execution instance">${(id) => html`<select id=${id} value=${f.instance} onChange=${(e) => setF({ ...f, instance: e.currentTarget.value })}><option value="">All</option>${(accounts.data ?? []).map((a) => html`<option value=${a.name}>${a.label}</option>`)}</select>`}</${Field}>
      <${Field} label="Channel">${(id) => html`<select id=${id} value=${f.channel} onChange=${(e) => setF({ ...f, channel: e.currentTarget.value })}><option value="">All</option><option value="email">Email</option><option value="sms">Mobile (SMS)</option></select>`}</${Field}>
    </form>
    <${Loaded} query=${q}>${(r) => html`
      <p class="muted">From ${r.from.replace('T', ' ').slice(0, 19)} to ${r.to.replace('T', ' ').slice(0, 19)} UTC, events of the control's event history.</p>
      <section class="card" aria-labelledby="r-sl"><h2 id="r-sl">Message Center service level</h2>
        <${Tiles} kpis=${r.serviceLevel} label="Service level" />
        <${Bars} title="Number of sent messages and errors per hour over the period" label="Sent messages and errors per hour" xs=${r.hours.map((h) => h.hour.slice(5, 13).replace('T', ' ') + 'h')}
          series=${[{ label: 'Sent', color: '#1e7a3a', values: r.hours.map((h) => h.sent) }, { label: 'Errors', color: '#b42318', values: r.hours.map((h) => h.errors) }]} />
      </section>
      <section class="card" aria-labelledby="r-pt"><h2 id="r-pt">Message Center processing time</h2>
        <p class="hint">Real-time queue only.</p>
        <${Tiles} kpis=${r.processingTime} label="Processing time" />
      </section>
      <section class="card" aria-labelledby="r-h"><h2 id="r-h">History of Message Center events</h2>
        <${Bars} title="Events and sent by day" label="Events and sent messages by day" xs=${r.days.map((d) => d.day)}
          series=${[{ label: 'Events', color: '#1457c4', values: r.days.map((d) => d.events) }, { label: 'Sent', color: '#1e7a3a', values: r.days.map((d) => d.sent) }]} />
        <${Pivot} history=${r.history} channels=${enums.data?.channels ?? []} />
      </section>`}</${Loaded}>`;
}
