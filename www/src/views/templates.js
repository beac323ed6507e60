// Message Center > Transactional message templates on the control (create, edit with the
// engine's syntax errors at their line and column, preview with a seed address in a sandboxed
// iframe, publish and unpublish with the publication log), and on each execution instance the
// published copies (<name>_rt, <name>_batch) and the execution deliveries.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { go, href, route } from '../router.js';
import { Action, ErrorText, Field, Loaded, Table, Title, useQuery, when } from '../ui.js';

const CHANNELS = [
  ['email', 'Email'],
  ['sms', 'Mobile (SMS)'],
  ['mobileApp', 'Mobile application'],
  ['ios', 'iOS'],
  ['android', 'Android'],
];

/**
 * What a rendered message may load: images and fonts over https or inline, inline styles; no
 * script, no request to this origin (a relative URL in event data would reach it).
 */
const MESSAGE_CSP = "default-src 'none'; img-src https: data:; font-src https: data:; style-src 'unsafe-inline'";

/** A rendered message, shown only in a sandboxed iframe (no script, no same origin): never in the page. */
export function MessageFrame({ source, title, narrow = false }) {
  const doc = `<meta http-equiv="Content-Security-Policy" content="${MESSAGE_CSP}">${source}`;
  return html`<iframe class=${`message${narrow ? ' narrow' : ''}`} title=${title} sandbox="" referrerpolicy="no-referrer" srcdoc=${doc}></iframe>`;
}

function TemplateList() {
  const q = useQuery(() => mc.templates());
  return html`<${Title} path=${['Control instance', 'Message Center']} actions=${html`<a class="button primary" href=${href({ instance: 'control', page: 'templates', rest: ['new'] })}>New template</a>`}>Transactional message templates</${Title}>
    <${Loaded} query=${q}>${(list) => html`<${Table}
      caption="Transactional message templates"
      empty="No template yet: create one, give it an event type and content, then publish it."
      rows=${list}
      rowKey=${(t) => t.name}
      columns=${[
        ['Label', (t) => html`<a href=${href({ instance: 'control', page: 'templates', rest: [t.name] })}>${t.label}</a>`],
        ['Internal name', (t) => html`<code>${t.name}</code>`],
        ['Event type', (t) => t.eventType ?? '(None specified)'],
        ['Channel', (t) => CHANNELS.find(([c]) => c === t.channel)?.[1] ?? t.channel],
        ['Publication status', publicationStatus],
        ['Last publication', (t) => when(t.publishedAt) || '—'],
        ['Last modified', (t) => when(t.lastModified)],
      ]} />`}</${Loaded}>`;
}

/**
 * The publication status as Campaign shows it: a published template saved since with other content
 * is still sent as published (its copies on the execution instances) until it is published again.
 */
const publicationStatus = (t) => (t.publication === 'Published' && t.modifiedSincePublication ? 'Published — modified since publication' : t.publication);

const emptyTemplate = { name: '', label: '', eventType: '', channel: 'email', subject: '', html: '', text: '', seeds: [] };
const seedForm = (s) => ({ name: s.name ?? '', label: s.label ?? '', email: s.email ?? '', mobilePhone: s.mobilePhone ?? '', ctx: s.ctx ?? '<ctx/>' });

function SeedEditor({ seeds, onChange }) {
  const set = (i, k) => (e) => onChange(seeds.map((s, j) => (j === i ? { ...s, [k]: e.currentTarget.value } : s)));
  return html`<fieldset class="card">
    <legend>Seed addresses (each with its test data, the ctx a preview renders)</legend>
    ${seeds.length === 0 && html`<p class="empty">No seed address: add one to preview the template.</p>`}
    ${seeds.map((s, i) => html`<div class="row" key=${i}>
      <${Field} label="Internal name">${(id) => html`<input id=${id} value=${s.name} onInput=${set(i, 'name')} placeholder=${`seed${i + 1}`} />`}</${Field}>
      <${Field} label="Label">${(id) => html`<input id=${id} value=${s.label} onInput=${set(i, 'label')} />`}</${Field}>
      <${Field} label="Email">${(id) => html`<input id=${id} value=${s.email} onInput=${set(i, 'email')} />`}</${Field}>
      <${Field} label="Mobile phone">${(id) => html`<input id=${id} value=${s.mobilePhone} onInput=${set(i, 'mobilePhone')} />`}</${Field}>
      <div class="field grow"><${Field} label="Test data (ctx XML)">${(id) => html`<textarea id=${id} rows="3" value=${s.ctx} onInput=${set(i, 'ctx')}></textarea>`}</${Field}></div>
      <button type="button" class="danger" aria-label=${`Remove seed address ${i + 1}`} onClick=${() => onChange(seeds.filter((_, j) => j !== i))}>Remove</button>
    </div>`)}
    <button type="button" onClick=${() => onChange([...seeds, seedForm({ name: `seed${seeds.length + 1}`, email: `seed${seeds.length + 1}@example.com` })])}>Add a seed address</button>
  </fieldset>`;
}

/**
 * "Insert" of the delivery editor: Campaign's personalization menu (Real time events > Email /
 * Language / Event XML / Other…), the engine's, with the first seed address's ctx paths under
 * Event XML. An item inserts its expression at the caret of the field last focused.
 */
function InsertMenu({ ctx, onInsert }) {
  const [open, setOpen] = useState(false);
  const q = useQuery(() => (open ? mc.personalizationMenu(ctx || undefined).catch((e) => ({ error: e })) : null), [open, ctx]);
  return html`<div class="insert-menu">
    <button type="button" aria-expanded=${open} aria-controls="insert-menu-list" onClick=${() => setOpen(!open)}>Insert personalization ▾</button>
    ${open && q.data && html`<div id="insert-menu-list" class="insert-list" role="group" aria-label="Real time events">
      <p class="muted">Real time events ›</p>
      ${q.data.error
        ? html`<${ErrorText} error=${q.data.error} />`
        : q.data.groups.map((g) => html`<div class="insert-group" role="group" aria-label=${g.label}>
            <h4>${g.label}</h4>
            ${g.items.length === 0 && html`<p class="muted">Add a seed address with test data: its paths show here.</p>`}
            ${g.items.map((i) => html`<button type="button" class="link" title=${i.insert} onClick=${() => { onInsert(i.insert); setOpen(false); }}>${i.label}</button>`)}
          </div>`)}
    </div>`}
  </div>`;
}

/** "Send a proof" and the Audit: the proofs sent, newest first. */
function Audit({ name, proofs, onSent }) {
  const [sent, setSent] = useState(null);
  return html`<section class="card" aria-label="Audit">
    <h2>Proofs</h2>
    <div class="row">
      <${Action} kind="primary" run=${async () => { const r = await mc.sendProof(name); setSent(r); onSent(); }}>Send a proof</${Action}>
      <p class="hint">Renders the saved content with each seed address and sends it to the seed's address.</p>
    </div>
    ${sent && html`<p role="status">Sent ${sent.proofs.length} proof(s): ${sent.proofs.map((p) => `#${p.n} to ${p.to}`).join(', ')}.</p>`}
    <${Table} caption=${`Proofs of ${name} (the last 20)`} empty="No proof sent yet." rows=${proofs} rowKey=${(p) => p.n}
      columns=${[
        ['Proof', (p) => `#${p.n}`],
        ['Sent', (p) => when(new Date(p.at).toISOString())],
        ['Seed address', (p) => p.seed],
        ['To', (p) => p.to],
        ['Subject', (p) => p.subject],
        ['Size', (p) => html`<span class="num">${p.bytes.toLocaleString('en-US')} B</span>`],
      ]} />
  </section>`;
}

function Preview({ name, seeds }) {
  const [seed, setSeed] = useState(seeds[0]?.name ?? '');
  const [narrow, setNarrow] = useState(false);
  const q = useQuery(() => (seed ? mc.preview(name, seed) : null), [name, seed]);
  if (seeds.length === 0) return html`<p class="empty">Add a seed address and save to preview.</p>`;
  return html`<section class="card" aria-label="Preview">
    <h2>Preview</h2>
    <div class="row">
      <${Field} label="Seed address">${(id) => html`<select id=${id} value=${seed} onChange=${(e) => setSeed(e.currentTarget.value)}>${seeds.map((s) => html`<option value=${s.name}>${s.label} (${s.email || s.mobilePhone || s.name})</option>`)}</select>`}</${Field}>
      <label class="check"><input type="checkbox" checked=${narrow} onChange=${(e) => setNarrow(e.currentTarget.checked)} /> Narrow (mobile width)</label>
    </div>
    <${Loaded} query=${q}>${(p) => p && html`
      <p><span class="muted">Subject:</span> <strong>${p.subject}</strong></p>
      <${MessageFrame} title=${`Preview of ${name} for ${p.seed}`} source=${p.html} narrow=${narrow} />
      <h3>Text</h3><pre class="code">${p.text}</pre>`}</${Loaded}>
  </section>`;
}

/**
 * The syntax errors of the fields being edited, asked of the engine a moment after the last
 * keystroke (`checkTemplate` saves nothing). Each is `{ code, field, line, column, message }`.
 */
export function useProblems(fields) {
  const [problems, setProblems] = useState([]);
  const { subject = '', html: body = '', text = '' } = fields ?? {};
  useEffect(() => {
    if (!fields) return undefined;
    let live = true;
    const t = setTimeout(async () => {
      try {
        const list = await mc.checkTemplate({ subject, html: body, text });
        if (live) setProblems(list.map((p) => ({ ...p, code: 'TEMPLATE_SYNTAX' })));
      } catch (e) {
        if (live) setProblems([]);
      }
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [fields === null, subject, body, text]);
  return problems;
}

function TemplateEditor({ name }) {
  const creating = name === 'new';
  const types = useQuery(() => mc.eventTypes());
  const existing = useQuery(() => (creating ? null : mc.getTemplate(name)), [name]);
  const [f, setF] = useState(null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const [log, setLog] = useState(null);
  const lastField = useRef(null);
  const problems = useProblems(f);
  useEffect(() => {
    // A link from the event type's confirmation names its type (`?eventType=`).
    if (creating) setF({ ...emptyTemplate, eventType: route.value.params.eventType ?? emptyTemplate.eventType });
    else if (existing.data && f === null) setF({ ...existing.data, eventType: existing.data.eventType ?? '', seeds: existing.data.seeds.map(seedForm) });
  }, [existing.data, creating]);
  if (!creating && existing.error && !existing.data) return html`<${ErrorText} error=${existing.error} />`;
  // The event types first: a select set before its options are there would show none.
  if (!f || !types.data) return html`<p class="loading">Loading…</p>`;
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  // The engine's syntax errors as you type (what a save would refuse), else the save's own error.
  const fieldError = (k) => problems.find((p) => p.field === k) ?? (error && error.field === k ? error : null);
  const input = () => ({
    label: f.label || f.name,
    eventType: f.eventType || null,
    channel: f.channel,
    subject: f.subject,
    html: f.html,
    text: f.text,
    seeds: f.seeds.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== ''))),
  });
  const save = async (e) => {
    e?.preventDefault();
    setError(null);
    setSaved(null);
    try {
      if (creating) {
        const t = await mc.createTemplate({ name: f.name, ...input() });
        go({ instance: 'control', page: 'templates', rest: [t.name] }, { replace: true });
      } else {
        const t = await mc.updateTemplate(name, input());
        setF({ ...t, eventType: t.eventType ?? '', seeds: t.seeds.map(seedForm) });
        setSaved(`Saved at ${when(t.lastModified)}.`);
      }
    } catch (err) {
      setError(err);
    }
  };
  const publication = (fn) => async () => {
    setLog(null);
    const r = await fn(name);
    setLog(r);
    const t = await mc.getTemplate(name);
    setF({ ...f, publication: t.publication, publishedAt: t.publishedAt, modifiedSincePublication: t.modifiedSincePublication });
  };
  // The caret of the field last focused, where "Insert personalization" writes.
  const insert = (text) => {
    const el = lastField.current;
    const k = el?.dataset.field ?? 'html';
    const at = el ? el.selectionStart : f[k].length;
    const end = el ? el.selectionEnd : at;
    setF({ ...f, [k]: f[k].slice(0, at) + text + f[k].slice(end) });
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(at + text.length, at + text.length);
    });
  };
  const focus = (e) => (lastField.current = e.currentTarget);
  const tab = creating ? 'content' : (route.value.params.tab ?? 'content');
  const toTab = (t) => go({ instance: 'control', page: 'templates', rest: [name], params: t === 'content' ? {} : { tab: t } }, { replace: true });
  const codeField = (k, label, rows) => html`<div class="field grow">
    <${Field} label=${label} error=${fieldError(k)}>${(id, d) => html`<textarea id=${id} data-field=${k} onFocus=${focus} rows=${rows} aria-describedby=${d} aria-invalid=${fieldError(k) ? 'true' : undefined} value=${f[k]} onInput=${set(k)} spellcheck="false"></textarea>`}</${Field}>
    ${fieldError(k) && html`<p class="hint">Line ${fieldError(k).line}, column ${fieldError(k).column}.</p>`}
  </div>`;
  return html`<${Title} path=${['Control instance', 'Message Center', 'Transactional message templates']}
      actions=${!creating && html`
        <${Action} kind="primary" run=${publication(mc.publish)} label="Publish">Publish</${Action}>
        <${Action} disabled=${f.publication !== 'Published'} run=${publication(mc.unpublish)}>Unpublish</${Action}>
        <${Action} kind="danger" run=${async () => { await mc.deleteTemplate(name); go({ instance: 'control', page: 'templates' }); }}>Delete</${Action}>`}>
      ${creating ? 'New transactional message template' : f.label}
    </${Title}>
    ${!creating && html`<p class="muted">Publication status: <strong>${publicationStatus(f)}</strong>${f.publishedAt ? ` (last published ${when(f.publishedAt)})` : ''}</p>`}
    ${!creating && f.publication === 'Published' && f.modifiedSincePublication && html`<p class="republish" role="note" aria-label="Republication">The published version is the one sent: publish again to send these changes.</p>`}
    ${log && html`<section class="card" aria-label="Publication log"><h2>Publication log</h2><ul>${log.log.map((l) => html`<li>${l}</li>`)}</ul>
      <p>Next: <a href=${href({ instance: '', page: 'push', params: { type: f.eventType || undefined } })}>push an event${f.eventType ? html` of type <code>${f.eventType}</code>` : ''}</a>, or see the <a href=${href({ instance: 'control', page: 'published' })}>published templates</a>.</p></section>`}
    ${!creating && html`<div class="tabs" role="tablist" aria-label="Template">
      ${[['content', 'Content'], ['preview', 'Preview'], ['audit', `Audit (${(f.proofs ?? []).length})`]].map(([t, l]) => html`<button type="button" role="tab" id=${`tpl-tab-${t}`} aria-selected=${tab === t} aria-controls=${`tpl-panel-${t}`} class=${tab === t ? 'selected' : ''} onClick=${() => toTab(t)}>${l}</button>`)}
    </div>`}
    <div id="tpl-panel-content" role=${creating ? undefined : 'tabpanel'} aria-labelledby=${creating ? undefined : 'tpl-tab-content'} hidden=${tab !== 'content'}>
    <form class="card" onSubmit=${save} aria-label="Template">
      <div class="row">
        <${Field} label="Label">${(id) => html`<input id=${id} value=${f.label} onInput=${set('label')} placeholder="Order confirmation" />`}</${Field}>
        <${Field} label="Internal name">${(id) => html`<input id=${id} required=${creating} readOnly=${!creating} value=${f.name} onInput=${set('name')} placeholder="orderConfirmation" />`}</${Field}>
        <${Field} label="Event type">${(id) => html`<select id=${id} value=${f.eventType} onChange=${set('eventType')}>
          <option value="">(None specified)</option>
          ${(types.data ?? []).map((t) => html`<option value=${t.name}>${t.label} (${t.name})</option>`)}
        </select>`}</${Field}>
        <${Field} label="Channel">${(id) => html`<select id=${id} value=${f.channel} onChange=${set('channel')}>${CHANNELS.map(([c, l]) => html`<option value=${c}>${l}</option>`)}</select>`}</${Field}>
      </div>
      <div class="row"><div class="field grow"><${Field} label="Subject" error=${fieldError('subject')}>${(id, d) => html`<input id=${id} data-field="subject" onFocus=${focus} aria-describedby=${d} aria-invalid=${fieldError('subject') ? 'true' : undefined} value=${f.subject} onInput=${set('subject')} placeholder="Your order <%= rtEvent.ctx.order.@number %>" />`}</${Field}></div></div>
      <details class="hint">
        <summary>Personalization: JavaScript with E4X, as in Campaign</summary>
        <ul>
          <li><code>${'<%= rtEvent.ctx.order.@number %>'}</code> writes a value; <code>${'<%= escapeXMLString(rtEvent.ctx.firstName) %>'}</code> escapes it for HTML.</li>
          <li><code>${"<% if (rtEvent.ctx.@vip == 'true') { %>"}</code>…<code>${'<% } else { %>'}</code>…<code>${'<% } %>'}</code> shows content on a condition.</li>
          <li><code>${'<% for each (var line in rtEvent.ctx.order.line) { %>'}</code>…<code>${'<%= line.@sku %>'}</code>…<code>${'<% } %>'}</code> repeats it for each element of the event's XML.</li>
          <li><code>${"<%= formatDate(new Date(), '%2D/%2M/%4Y') %>"}</code> (the virtual clock), <code>${"<%@ include view='MirrorPage' %>"}</code> (a <a href=${href({ instance: 'control', page: 'blocks' })}>personalization block</a>), <code>${"<%@ include option='NmsServer_URL' %>"}</code> (an <a href=${href({ instance: 'control', page: 'options' })}>option</a>).</li>
        </ul>
      </details>
      <${InsertMenu} ctx=${f.seeds[0]?.ctx} onInsert=${insert} />
      <div class="row">${codeField('html', 'HTML body', 10)}${codeField('text', 'Text body', 10)}</div>
      <${SeedEditor} seeds=${f.seeds} onChange=${(seeds) => setF({ ...f, seeds })} />
      <button type="submit" class="primary">${creating ? 'Create the template' : 'Save'}</button>
      ${error && !error.field && html`<${ErrorText} error=${error} />`}
      ${saved && html`<p role="status">${saved}</p>`}
    </form>
    </div>
    ${!creating && tab === 'preview' && html`<div id="tpl-panel-preview" role="tabpanel" aria-labelledby="tpl-tab-preview"><${Preview} key=${f.lastModified} name=${name} seeds=${f.seeds.filter((s) => s.name)} /></div>`}
    ${!creating && tab === 'audit' && html`<div id="tpl-panel-audit" role="tabpanel" aria-labelledby="tpl-tab-audit"><${Audit} name=${name} proofs=${f.proofs ?? []} onSent=${async () => { const t = await mc.getTemplate(name); setF({ ...f, proofs: t.proofs }); }} /></div>`}`;
}

export function Templates() {
  const r = route.value;
  if (r.rest[0]) return html`<${TemplateEditor} key=${r.rest[0]} name=${r.rest[0]} />`;
  return html`<${TemplateList} />`;
}

export function Published() {
  const instance = route.value.instance;
  const q = useQuery(() => mc.publishedTemplates(instance), [instance]);
  return html`<${Title} path=${[instance, 'Message Center', 'Default']}>Transactional message templates</${Title}>
    <p class="hint">The copies the control published here: one for real-time events (<code>_rt</code>) and one for batch events (<code>_batch</code>).</p>
    <${Loaded} query=${q}>${(list) => html`<${Table}
      caption=${`Published templates on ${instance}`}
      empty="Nothing published here yet: publish a template on the control."
      rows=${list}
      rowKey=${(t) => t.name}
      columns=${[
        ['Label', (t) => t.label],
        ['Internal name', (t) => html`<code>${t.name}</code>`],
        ['Queue', (t) => (t.queue === 'rt' ? 'Real time' : 'Batch')],
        ['Event type', (t) => t.eventType],
        ['Channel', (t) => CHANNELS.find(([c]) => c === t.channel)?.[1] ?? t.channel],
        ['Status', (t) => t.publicationStatus],
        ['Mode', (t) => t.mode],
        ['Published', (t) => when(t.publishedAt)],
      ]} />`}</${Loaded}>`;
}

export function Deliveries() {
  const instance = route.value.instance;
  const q = useQuery(() => mc.deliveries(instance), [instance]);
  return html`<${Title} path=${[instance, 'Message Center', 'Default']}>Deliveries</${Title}>
    <p class="hint">One execution delivery per published copy and month; every message sent is attached to one.</p>
    <${Loaded} query=${q}>${(list) => html`<${Table}
      caption=${`Deliveries on ${instance}`}
      empty="No delivery yet: they are created when the first message of a month is routed."
      rows=${list}
      rowKey=${(d) => d.name}
      columns=${[
        ['Internal name', (d) => html`<code>${d.name}</code>`],
        ['Template', (d) => d.template],
        ['Month', (d) => d.month],
        ['Created', (d) => when(d.created)],
        ['Messages', (d) => html`<span class="num">${d.messages.toLocaleString('en-US')}</span>`],
      ]} />`}</${Loaded}>`;
}
