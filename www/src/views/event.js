// One event, as the console's event form shows it: General and Data (the ctx XML) tabs; its
// timeline with durations and the workflow run behind each step; the delivery log line by line;
// the message as sent (HTML in a sandboxed iframe, narrow or wide; text; source); the status with
// its "Why?" from the engine above every tab (what it waits for, or the cause of a final status);
// "push again". Event data is shown as text, never as markup.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { href } from '../router.js';
import { ErrorText, Loaded, useQuery, when } from '../ui.js';
import { MessageFrame } from './templates.js';

/** A duration in virtual time, as people read it. */
export function duration(ms) {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim();
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60 ? `${m % 60} min` : ''}`.trim();
  return `${Math.floor(h / 24)} days ${h % 24 ? `${h % 24} h` : ''}`.trim();
}

/** Whether a status is final (nothing more is to come). */
function isFinal(status) {
  return status !== 'pending' && status !== 'pendingDelivery';
}

function General({ e, story, labels }) {
  const rows = [
    ['Id', html`<code>${e.id}</code>`],
    ['Execution instance', `${e.instance} (id ${e.executionInstanceId})`],
    ['Queue', e.queue === 'rt' ? 'Real time' : 'Batch'],
    ['Event type', e.type],
    ['Channel', `${labels.channel(e.wishedChannel)} (${e.wishedChannelCode})`],
    ['Status', html`<span class=${`status ${e.status}`}>${e.statusLabel}</span>`],
    ['Email', e.email],
    ['Mobile phone', e.mobilePhone],
    ['External id', e.externalId],
    ['Origin', e.origin],
    ['Language', e.language],
    ['Country', e.country],
    ['Scheduled', when(e.scheduled)],
    ['Expiration', when(e.expiration)],
    ['Created', when(e.created)],
    ['Process requested on', when(e.processRequestedOn)],
    ['Processing', when(e.processing)],
    ['Processed', when(e.processed)],
    ['Last modified', when(e.lastModified)],
    ['Number of errors', e.errors],
    ['Last error', e.lastError],
    ['Template', story.template ? `${story.template.label} (${story.template.name})` : e.template],
    ['Delivery', e.delivery],
    ['Archived on the control', story.archived ? when(story.archived.archived) : 'not yet'],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  return html`<dl class="props">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function Timeline({ story }) {
  return html`<ol class="timeline" aria-label="Timeline">
    ${story.timeline.map((s) => html`<li class=${s.ongoing ? 'ongoing' : ''}>
      <strong>${s.label}</strong>: ${duration(s.durationMs)}${s.ongoing ? ' so far' : ''}
      <span class="muted"> — ${when(s.from)}${s.to ? ` → ${when(s.to)}` : ' → …'}${s.by ? ` · ${s.by}` : ''}</span>
    </li>`)}
  </ol>
  <h3>Status history</h3>
  <table class="grid"><thead><tr><th scope="col">When</th><th scope="col">Status</th><th scope="col">By</th><th scope="col">Note</th></tr></thead>
  <tbody>${story.event.history.map((h) => html`<tr><td>${when(h.at)}</td><td><span class=${`status ${h.status}`}>${h.statusLabel}</span></td><td><code>${h.by}</code></td><td>${h.note ?? ''}</td></tr>`)}</tbody></table>`;
}

function DeliveryLog({ b }) {
  if (!b) return html`<p class="empty">No delivery log: the event has not been routed.</p>`;
  return html`<dl class="props">
      <dt>Status</dt><dd>${b.status}</dd><dt>Address</dt><dd>${b.address}</dd><dt>Delivery</dt><dd>${b.delivery}</dd>
      <dt>Tries</dt><dd>${b.tries}</dd>${b.nextAction && html`<dt>Next action</dt><dd>${when(b.nextAction)}</dd>`}
      ${b.sentAt && html`<dt>Sent</dt><dd>${when(b.sentAt)}</dd>`}${b.failureReason && html`<dt>Failure</dt><dd>${b.failureType}: ${b.failureReason}</dd>`}
    </dl>
    <h3>Log</h3>
    <ol class="log">${b.log.map((l) => html`<li><span class="muted">${when(l.at)}</span> ${l.text}</li>`)}</ol>`;
}

function Message({ b }) {
  const [view, setView] = useState('html');
  const [narrow, setNarrow] = useState(false);
  if (!b) return html`<p class="empty">No message yet: it is rendered when the event is routed.</p>`;
  return html`<p><span class="muted">Subject:</span> <strong>${b.subject}</strong></p>
    <div class="row" role="group" aria-label="How to show the message">
      ${['html', 'text', 'source'].map((v) => html`<label class="check"><input type="radio" name="msgview" checked=${view === v} onChange=${() => setView(v)} /> ${v === 'html' ? 'Rendered HTML' : v === 'text' ? 'Text' : 'HTML source'}</label>`)}
      ${view === 'html' && html`<label class="check"><input type="checkbox" checked=${narrow} onChange=${(e) => setNarrow(e.currentTarget.checked)} /> Narrow (mobile width)</label>`}
    </div>
    ${view === 'html' && html`<${MessageFrame} title=${`Message of event ${b.id}`} source=${b.html} narrow=${narrow} />`}
    ${view === 'text' && html`<pre class="code">${b.text}</pre>`}
    ${view === 'source' && html`<pre class="code">${b.html}</pre>`}`;
}

const TABS = [
  ['general', 'General'],
  ['data', 'Data'],
  ['timeline', 'Timeline'],
  ['log', 'Delivery log'],
  ['message', 'Message'],
];

export function EventDetail({ id, labels, onClose, asOf }) {
  const q = useQuery(() => mc.getEvent(id, { asOf }), [id, asOf]);
  const [tab, setTab] = useState('general');
  const heading = useRef(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    const esc = (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        onClose();
      }
    };
    addEventListener('keydown', esc);
    return () => removeEventListener('keydown', esc);
  }, [onClose]);
  const key = (e) => {
    const i = TABS.findIndex(([t]) => t === tab);
    if (e.key === 'ArrowRight') setTab(TABS[(i + 1) % TABS.length][0]);
    else if (e.key === 'ArrowLeft') setTab(TABS[(i + TABS.length - 1) % TABS.length][0]);
  };
  return html`<section class="card detail" aria-labelledby="event-title">
    <header class="page-title">
      <h2 id="event-title" tabindex="-1" ref=${heading}>Event <code>${id}</code>${asOf !== undefined && html` <small class="muted">as it stood at ${new Date(asOf).toISOString().replace('T', ' ').slice(0, 19)} UTC</small>`}</h2>
      <div class="page-actions">
        ${q.data && html`<a class="button" href=${href({ instance: '', page: 'push', params: { tab: 'form', from: id } })}>Push again</a>`}
        <button type="button" onClick=${onClose} title="Back to the list (Esc)">Close</button>
      </div>
    </header>
    <${Loaded} query=${q}>${(story) => html`
      <p class=${`why${isFinal(story.event.status) ? ' final' : ''}`} role="note" aria-label="Status and why">
        <span class=${`status ${story.event.status}`}>${story.event.statusLabel}</span>${' '}${story.why ? html`<strong>Why?</strong> ${story.why}` : html`<span class="muted">No explanation: the execution instance no longer has this event.</span>`}
      </p>
      ${story.purgedFromExecution && html`<p class="hint">Purged from the execution instance by cleanup: this is the control's archived copy.</p>`}
      <div class="tabs" role="tablist" aria-label="Event" onKeyDown=${key}>
        ${TABS.map(([t, l]) => html`<button type="button" role="tab" id=${`etab-${t}`} aria-selected=${tab === t} aria-controls=${`epanel-${t}`} tabindex=${tab === t ? 0 : -1} onClick=${() => setTab(t)}>${l}</button>`)}
      </div>
      <div role="tabpanel" id=${`epanel-${tab}`} aria-labelledby=${`etab-${tab}`}>
        ${tab === 'general' && html`<${General} e=${story.event} story=${story} labels=${labels} />`}
        ${tab === 'data' && html`<h3>Data specific to the event (ctx)</h3><pre class="code">${story.event.ctx}</pre>`}
        ${tab === 'timeline' && html`<${Timeline} story=${story} />`}
        ${tab === 'log' && html`<${DeliveryLog} b=${story.broadLog} />`}
        ${tab === 'message' && html`<${Message} b=${story.broadLog} />`}
      </div>`}</${Loaded}>
    <${ErrorText} error=${null} />
  </section>`;
}
