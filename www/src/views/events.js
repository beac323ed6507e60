// The status list: real-time or batch events of an execution instance, or the control's event
// history. Filters (in the URL, so a view can be bookmarked): queue, status, event type, channel,
// dates, address, and a search query the engine parses. Exact counts per status (counters) that
// are also filters, and a chart of them over virtual time. A virtualised list read from the engine
// block by block (by offset), never the whole set, its columns as wide as their content, each
// row's status with its "Why?" as a tooltip. j/k move, Enter opens, Esc goes back.

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { html } from '../html.js';
import { enumerations, mc, now, version } from '../engine.js';
import { go, route } from '../router.js';
import { ErrorText, Field, Table, Title, useQuery, whenShort } from '../ui.js';
import { StatusChart } from './chart.js';
import { EventDetail } from './event.js';
import { exportEvents } from './export.js';

const ROW = 30;
const BLOCK = 100;

/** The filter of the route: what the URL holds, for the engine. */
function filterOf(r) {
  const p = r.params;
  const f = { instance: r.instance };
  for (const k of ['queue', 'status', 'type', 'channel', 'from', 'to', 'address']) if (p[k]) f[k] = p[k];
  if (p.q) f.query = p.q;
  if (p.asOf && /^\d+$/.test(p.asOf)) f.asOf = Number(p.asOf);
  return f;
}

/** The filter of the chart and of the counts as of a moment: the list's, its status and moment aside. */
function periodFilter(f) {
  const { status, asOf, ...rest } = f;
  return rest;
}

/**
 * The time slider: the list, its counts and an event's detail as they stood at a moment of the
 * period the chart shows (the engine answers from the events' status histories).
 */
function TimeSlider({ overTime, asOf, onPick }) {
  if (!overTime?.start || overTime.points.length === 0) return null;
  // The period's ends, as the engine counted them (its first and last points): never parsed here.
  const start = overTime.points[0].ms;
  const end = overTime.points.at(-1).ms;
  const value = asOf ?? end;
  const text = (ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  return html`<div class=${`time-slider${asOf !== undefined ? ' past' : ''}`} role="group" aria-label="Time slider">
    <label for="as-of">Show the list as it stood at</label>
    <input id="as-of" type="range" min=${start} max=${end} step="1000" value=${value} aria-valuetext=${`${text(value)} UTC`}
      onChange=${(e) => onPick(Number(e.currentTarget.value) >= end ? null : Number(e.currentTarget.value))} />
    <output for="as-of">${text(value)} UTC${asOf === undefined ? ' (now)' : ''}</output>
    ${asOf !== undefined && html`<button type="button" onClick=${() => onPick(null)}>Back to now</button>`}
  </div>`;
}

/** Text that may be cut, whole in its tooltip. */
function titled(text) {
  return html`<span title=${text}>${text}</span>`;
}

/**
 * The columns: label, cell, and how the column is sized. Every column is as wide as its widest
 * cell (measured in the page, so the status pill and the template name are never cut); `min` is
 * the narrowest it gets (its header wraps above); `grow` columns take the space left, and when
 * the row is too wide for the page, they give way first, down to their `cap` (cut with an
 * ellipsis beyond it, the whole text in their tooltip), before the list scrolls sideways. The id
 * is the decimal string the engine gives, never a Number.
 */
const COLUMNS = [
  { label: 'Id', cell: (e) => html`<code>${e.id}</code>`, min: 60 },
  { label: 'Event type', cell: (e) => titled(e.type), min: 70, grow: true, cap: 110 },
  { label: 'Channel', cell: (e, L) => L.channel(e.wishedChannel), min: 56 },
  { label: 'Process requested on', cell: (e, L) => whenShort(e.processRequestedOn, L.today), min: 70 },
  { label: 'Status', cell: (e) => html`<span class=${`status ${e.status}`} title=${e.why ? `Why? ${e.why}` : undefined}>${e.statusLabel}</span>`, min: 60, why: true },
  { label: 'Number of errors', cell: (e) => e.errors, min: 52 },
  { label: 'Created', cell: (e, L) => whenShort(e.created, L.today), min: 56 },
  { label: 'Address', cell: (e) => titled(e.email ?? e.mobilePhone ?? e.registrationToken ?? ''), min: 90, grow: true, cap: 130 },
  { label: 'Template', cell: (e) => e.template ?? '', min: 70 },
];

const GAP = 8;
const PADDING = 20;

/** The grid of the columns for these measured widths, and the width under which it scrolls. */
function gridOf(columns, widths) {
  let total = PADDING + GAP * (columns.length - 1);
  const tracks = columns.map((c, i) => {
    const w = Math.max(c.min, widths[i] ?? 0);
    const least = c.cap ? Math.min(w, c.cap) : w;
    total += least;
    return c.grow ? `minmax(${least}px, ${w}fr)` : `${w}px`;
  });
  return { template: tracks.join(' '), total };
}

/** Most pages one block may follow (a page can come back short when a call's scan budget runs out). */
const MAX_HOPS = 50;
/** Blocks kept around the view; the others are dropped (and fetched again if scrolled back to). */
const KEEP_BLOCKS = 20;

/**
 * Rows by index, fetched in blocks of BLOCK by offset; only the blocks near the view are kept. A
 * block is fetched again once the engine changed (live updates): the rows shown stay until it
 * comes back, and a fetch in flight is not started twice.
 */
function useRows(filter, key) {
  const blank = () => ({ rows: new Map(), total: null, end: null, known: 0, error: null, fresh: new Set() });
  const [state, setState] = useState(blank);
  const inflight = useRef(new Set());
  const gen = useRef(0);
  const keyGen = useRef(0);
  const v = version.value;
  // Layout effects, before the list's own (which fetches): a new filter or a change of the
  // engine is known before the blocks of the view are asked for.
  useLayoutEffect(() => {
    gen.current++;
    keyGen.current++;
    inflight.current = new Set();
    setState(blank());
  }, [key]);
  useLayoutEffect(() => {
    gen.current++;
    setState((s) => ({ ...s, fresh: new Set() }));
  }, [v]);
  const fetchBlock = async (b, view) => {
    const g = gen.current;
    const k = keyGen.current;
    if (inflight.current.has(b)) return;
    inflight.current.add(b);
    try {
      const got = [];
      let after = null;
      let total = null;
      let ended = false;
      for (let hop = 0; got.length < BLOCK; hop++) {
        if (hop >= MAX_HOPS) throw Object.assign(new Error('the list did not get a full block after many pages: try a narrower filter'), { code: 'INCOMPLETE' });
        const page = await mc.listEvents(after ? { ...filter, after, limit: BLOCK - got.length } : { ...filter, offset: b * BLOCK, limit: BLOCK });
        total = page.total;
        got.push(...page.events);
        if (!page.next) {
          ended = true;
          break;
        }
        after = page.next;
      }
      if (k !== keyGen.current) return;
      setState((s) => {
        const rows = new Map();
        // Keep the blocks near the view, drop the others.
        for (const [i, r] of s.rows) if (Math.abs(Math.floor(i / BLOCK) - view) <= KEEP_BLOCKS && Math.floor(i / BLOCK) !== b) rows.set(i, r);
        got.forEach((e, i) => rows.set(b * BLOCK + i, e));
        const end = ended ? b * BLOCK + got.length : s.end;
        const fresh = new Set([...s.fresh].filter((x) => Math.abs(x - view) <= KEEP_BLOCKS));
        // A fetch started before the engine changed shows its rows, and is fetched again.
        if (g === gen.current) fresh.add(b);
        return { rows, total, end, known: Math.max(s.known, b * BLOCK + got.length), error: null, fresh };
      });
    } catch (error) {
      if (k === keyGen.current) setState((s) => ({ ...s, error, fresh: new Set(s.fresh).add(b) }));
    } finally {
      if (k === keyGen.current) inflight.current.delete(b);
    }
  };
  return { ...state, fetchBlock };
}

function Counts({ filter, onStatus, active, labels }) {
  const q = useQuery(
    () =>
      filter.asOf !== undefined
        ? // As of a moment: counted from the histories, at that one moment.
          mc.statusOverTime(periodFilter(filter), { points: 1, end: filter.asOf }).then((o) => {
            const byStatus = o.points[0]?.byStatus ?? Object.fromEntries(labels.statuses.map((s) => [s.name, 0]));
            return { byStatus, total: Object.values(byStatus).reduce((a, b) => a + b, 0), exact: true };
          })
        : mc.countEvents({ instance: filter.instance, queue: filter.queue ?? null, type: filter.type ?? null, channel: filter.channel ?? null, query: filter.query ?? null, from: filter.from ?? null, to: filter.to ?? null, address: filter.address ?? null }),
    [JSON.stringify(filter)],
  );
  if (!q.data) return q.error ? null : html`<p class="loading">Counting…</p>`;
  const c = q.data;
  return html`<div class="counts" role="group" aria-label="Counts per status (click one to filter)">
    <button type="button" class=${!active ? 'count on' : 'count'} aria-pressed=${!active} onClick=${() => onStatus(null)}>All <strong>${c.total.toLocaleString('en-US')}</strong></button>
    ${labels.statuses.map((s) => html`<button type="button" class=${`count ${active === s.name ? 'on' : ''}`} aria-pressed=${active === s.name} onClick=${() => onStatus(active === s.name ? null : s.name)}>
      <span class=${`dot ${s.name}`} aria-hidden="true"></span>${s.label} <strong>${c.byStatus[s.name].toLocaleString('en-US')}</strong>
    </button>`)}
    ${!c.exact && html`<span class="hint">(the counts leave out the dates and the address)</span>`}
  </div>`;
}

function Filters({ r, labels, types }) {
  const p = r.params;
  const [q, setQ] = useState(p.q ?? '');
  useEffect(() => setQ(p.q ?? ''), [p.q]);
  const set = (k, v) => go({ ...r, params: { ...p, [k]: v || undefined, event: undefined } }, { replace: true });
  // A search the engine cannot read: its error under the search box, where the eye is.
  const check = useQuery(() => (p.q ? mc.countEvents({ instance: r.instance, query: p.q }).then(() => null) : null), [r.instance, p.q]);
  const select = (k, label, options) => html`<${Field} label=${label}>${(id) => html`<select id=${id} value=${p[k] ?? ''} onChange=${(e) => set(k, e.currentTarget.value)}>
      <option value="">(all)</option>
      ${options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
    </select>`}</${Field}>`;
  return html`<form class="filters" role="search" aria-label="Filter the events" onSubmit=${(e) => { e.preventDefault(); set('q', q.trim()); }}>
    <div class="row">
      <div class="field grow"><${Field} label="Search" error=${check.error} hint="status:sent type:order_confirmation email:ada@example.com after:08:00 -status:pending id:72057594037927937">${(id, d) => html`<input id=${id} type="search" aria-describedby=${d} value=${q} onInput=${(e) => setQ(e.currentTarget.value)} placeholder="status:sent -type:reset after:08:00" />`}</${Field}></div>
      <button type="submit">Search</button>
    </div>
    <div class="row">
      ${r.instance === 'control' && select('queue', 'Queue', labels.queues.map((x) => [x.name, x.label]))}
      ${select('status', 'Status', labels.statuses.map((s) => [s.name, s.label]))}
      ${select('type', 'Event type', types.map((t) => [t.name, t.label]))}
      ${select('channel', 'Channel', labels.channels.map((c) => [c.name, c.label]))}
      <${Field} label="Created from (UTC)">${(id) => html`<input id=${id} value=${p.from ?? ''} onChange=${(e) => set('from', e.currentTarget.value.trim())} placeholder="2026-03-02T08:00:00Z" />`}</${Field}>
      <${Field} label="Created to (UTC)">${(id) => html`<input id=${id} value=${p.to ?? ''} onChange=${(e) => set('to', e.currentTarget.value.trim())} />`}</${Field}>
      <${Field} label="Address">${(id) => html`<input id=${id} value=${p.address ?? ''} onChange=${(e) => set('address', e.currentTarget.value.trim())} placeholder="ada@example.com" />`}</${Field}>
    </div>
  </form>`;
}

const INSTANCE = { label: 'Execution instance', cell: (e) => e.instance, min: 70 };

function List({ filter, filterKey, labels, open, onOpen }) {
  const columns = filter.instance === 'control' ? [INSTANCE, ...COLUMNS] : COLUMNS;
  const { rows, total, error, end, known, fresh, fetchBlock } = useRows(filter, filterKey);
  const count = error ? 0 : (total ?? end ?? known + BLOCK);
  const scroller = useRef(null);
  const gridEl = useRef(null);
  // The widest cell of each column seen under this filter: columns only widen, so the list does
  // not jump as it scrolls.
  const [widths, setWidths] = useState([]);
  const [, redraw] = useState(0);
  const [focus, setFocus] = useState(0);
  const virt = useMemo(
    () =>
      new Virtualizer({
        count,
        getScrollElement: () => scroller.current,
        estimateSize: () => ROW,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        overscan: 10,
        onChange: () => redraw((x) => x + 1),
      }),
    [],
  );
  virt.setOptions({ ...virt.options, count });
  useLayoutEffect(() => virt._didMount(), []);
  useLayoutEffect(() => virt._willUpdate());
  const items = virt.getVirtualItems();
  // Fetch the blocks in view that are not fresh.
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  // Before the paint: the first block is asked for in the same frame the list mounts in.
  useLayoutEffect(() => {
    const view = Math.floor(first / BLOCK);
    for (let b = view; b <= Math.floor(last / BLOCK); b++) {
      if (!fresh.has(b) && (end === null || b * BLOCK < end || b === 0)) fetchBlock(b, view);
    }
  }, [first, last, fresh, end]);
  const focusRow = (i) => {
    const n = Math.max(0, Math.min(count - 1, i));
    setFocus(n);
    const el = scroller.current?.querySelector(`[data-index="${n}"]`);
    // A row in view takes the focus at once; one out of view once it is rendered there.
    if (el && el.offsetTop >= 0) el.focus({ preventScroll: false });
    virt.scrollToIndex(n, { align: 'auto' });
    if (!el) requestAnimationFrame(() => scroller.current?.querySelector(`[data-index="${n}"]`)?.focus());
  };
  const key = (e) => {
    const row = e.target.closest('[role=row]');
    if (row === null || row.dataset.index === undefined) return;
    const at = Number(row.dataset.index);
    if (e.key === 'j' || e.key === 'ArrowDown') {
      e.preventDefault();
      focusRow(at + 1);
    } else if (e.key === 'k' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusRow(at - 1);
    } else if (e.key === 'Enter') {
      const ev = rows.get(at);
      if (ev) onOpen(ev.id, at);
    }
  };
  // Back from the detail: the focus goes to the row that was opened.
  useEffect(() => {
    const back = (e) => {
      if (e.detail?.index !== undefined) focusRow(e.detail.index);
    };
    addEventListener('mc-list-focus', back);
    return () => removeEventListener('mc-list-focus', back);
  });
  // Measure the content of the cells shown (a range over a cell's content is as wide as the
  // content, whatever the width of the cell).
  useLayoutEffect(() => {
    const g = gridEl.current;
    if (!g) return;
    const range = document.createRange();
    const next = [...widths];
    let changed = false;
    for (const row of g.querySelectorAll('.list-row[data-loaded]')) {
      row.querySelectorAll('[role=gridcell]').forEach((cell, i) => {
        range.selectNodeContents(cell);
        const w = Math.ceil(range.getBoundingClientRect().width) + 1;
        if (w > (next[i] ?? 0)) {
          next[i] = w;
          changed = true;
        }
      });
    }
    if (changed) setWidths(next);
  });
  const grid = gridOf(columns, widths);
  const n = (x, more = '') => `${x.toLocaleString('en-US')}${more} ${x === 1 && !more ? 'event' : 'events'}`;
  const shown = total !== null ? n(total) : end !== null ? n(end) : n(known, '+');
  return html`<div class="list"><div class="list-scroll"><div role="grid" aria-label="Events" aria-rowcount=${total ?? -1} onKeyDown=${key} ref=${gridEl}
      style=${`--cols:${grid.template};min-width:${grid.total}px`}>
    <div class="list-head" role="row">${columns.map((c) => html`<span role="columnheader">${c.label}</span>`)}</div>
    <div class=${`list-body${open ? ' short' : ''}`} role="rowgroup" ref=${scroller} data-testid="event-list">
      <div role="presentation" style=${`height:${virt.getTotalSize()}px;position:relative`}>
        ${items.map((it) => {
          const e = rows.get(it.index);
          return html`<div role="row" key=${it.index} data-index=${it.index} aria-rowindex=${it.index + 2} tabindex=${it.index === focus ? 0 : -1} data-loaded=${e ? '' : undefined}
              class=${`list-row${e && e.id === open ? ' open' : ''}`} style=${`transform:translateY(${it.start}px)`}
              onClick=${() => e && (setFocus(it.index), onOpen(e.id, it.index))} onFocus=${() => setFocus(it.index)}>
            ${e ? columns.map((c) => html`<span role="gridcell" aria-description=${c.why && e.why ? `Why? ${e.why}` : undefined}>${c.cell(e, labels)}</span>`) : html`<span role="gridcell" class="muted">…</span>`}
          </div>`;
        })}
      </div>
    </div>
    </div></div>
    ${count === 0 && !error && html`<p class="empty list-empty">No event matches.</p>`}
    <p class="list-foot muted" aria-live="polite">${shown}</p>
    ${error?.code === 'INVALID_QUERY' ? html`<p class="list-empty error">No list: the search is not valid (its error is under the search box).</p>` : html`<${ErrorText} error=${error} />`}
  </div>`;
}

/**
 * The event history grouped by event type or by status, as the console groups it: one row per
 * group with the engine's counts per status (from counters), each a filter.
 */
function Groups({ by, filter, labels, types, onPick }) {
  const names = by === 'type' ? types.map((t) => t.name) : null;
  const q = useQuery(
    () => (by === 'type' ? Promise.all(names.map((t) => mc.countEvents({ instance: filter.instance, queue: filter.queue ?? null, type: t, channel: filter.channel ?? null, query: filter.query ?? null }))) : mc.countEvents({ instance: filter.instance, queue: filter.queue ?? null, type: filter.type ?? null, channel: filter.channel ?? null, query: filter.query ?? null })),
    [by, JSON.stringify(filter), JSON.stringify(names)],
  );
  if (!q.data) return null;
  if (by === 'status') {
    return html`<${Table} caption="Grouped by status" rows=${labels.statuses} rowKey=${(s) => s.name} columns=${[
      ['Status', (s) => html`<button type="button" class="link" onClick=${() => onPick({ status: s.name })}>${s.label}</button>`],
      ['Events', (s) => html`<span class="num">${q.data.byStatus[s.name].toLocaleString('en-US')}</span>`],
    ]} />`;
  }
  const rows = names.map((t, i) => ({ type: t, counts: q.data[i] })).filter((r) => r.counts.total > 0);
  return html`<${Table} caption="Grouped by event type" rows=${rows} rowKey=${(r) => r.type} empty="No event." columns=${[
    ['Event type', (r) => html`<button type="button" class="link" onClick=${() => onPick({ type: r.type })}>${r.type}</button>`],
    ['Events', (r) => html`<span class="num">${r.counts.total.toLocaleString('en-US')}</span>`],
    ...labels.statuses.map((s) => [s.label, (r) => html`<span class="num">${r.counts.byStatus[s.name].toLocaleString('en-US')}</span>`]),
  ]} />`;
}

export function EventsPage() {
  const r = route.value;
  const filter = filterOf(r);
  const filterKey = JSON.stringify(filter);
  const enums = { data: enumerations.value };
  const types = useQuery(() => mc.eventTypes());
  const chartFilter = periodFilter({ ...filterOf(r), ...(r.instance !== 'control' && !r.params.queue ? { queue: 'rt' } : {}) });
  const overTime = useQuery(() => mc.statusOverTime(chartFilter, { points: 120 }), [JSON.stringify(chartFilter)], { single: true });
  const [exporting, setExporting] = useState(null);
  const [exportError, setExportError] = useState(null);
  const control = r.instance === 'control';
  const where = control ? ['Control instance', 'Message Center'] : [r.instance, 'Message Center', 'Default'];
  const title = control ? 'Event history' : r.params.queue === 'batch' ? 'Batch events' : 'Real time events';
  if (!control && !r.params.queue) filter.queue = 'rt';
  if (!enums.data) return html`<${Title} path=${where}>${title}</${Title}><p class="loading">Loading…</p>`;
  const labels = {
    ...enums.data,
    today: now.value === null ? null : new Date(now.value).toISOString(),
    channel: (name) => enums.data.channels.find((c) => c.name === name)?.label ?? name,
  };
  const setParam = (k, v) => go({ ...r, params: { ...r.params, [k]: v ?? undefined } }, { replace: k !== 'event' });
  const pickMoment = (ms) => setParam('asOf', ms === null ? null : String(ms));
  const open = (id, index) => {
    sessionStorage.setItem('mc-open-index', String(index));
    go({ ...r, params: { ...r.params, event: id } });
  };
  const close = () => {
    const index = Number(sessionStorage.getItem('mc-open-index') ?? '0');
    go({ ...r, params: { ...r.params, event: undefined } });
    requestAnimationFrame(() => dispatchEvent(new CustomEvent('mc-list-focus', { detail: { index } })));
  };
  const startExport = (format) => {
    setExportError(null);
    const j = exportEvents(mc, filter, format, (p) => setExporting({ ...p, format, cancel: j.cancel }));
    j.done.catch(setExportError).finally(() => setExporting(null));
  };
  return html`<${Title} path=${where} actions=${html`
      <button type="button" onClick=${() => startExport('csv')} disabled=${!!exporting}>Export CSV</button>
      <button type="button" onClick=${() => startExport('json')} disabled=${!!exporting}>Export JSON</button>`}>${title}</${Title}>
    ${exporting && html`<p role="status">Exporting ${exporting.format.toUpperCase()}: <progress max=${exporting.total ?? undefined} value=${exporting.done}></progress> ${exporting.done.toLocaleString('en-US')}${exporting.total !== null && exporting.total !== undefined ? ` of ${exporting.total.toLocaleString('en-US')}` : ''} events <button type="button" onClick=${() => exporting.cancel()}>Cancel</button></p>`}
    <${ErrorText} error=${exportError} />
    <${Filters} r=${r} labels=${labels} types=${types.data ?? []} />
    <${Counts} filter=${filter} labels=${labels} active=${r.params.status} onStatus=${(s) => setParam('status', s)} />
    ${control && html`<div class="row group-by"><${Field} label="Group by">${(id) => html`<select id=${id} value=${r.params.group ?? ''} onChange=${(e) => setParam('group', e.currentTarget.value || null)}>
        <option value="">(no grouping)</option><option value="type">Event type</option><option value="status">Status</option>
      </select>`}</${Field}></div>`}
    ${control && r.params.group && html`<${Groups} by=${r.params.group} filter=${filter} labels=${labels} types=${types.data ?? []} onPick=${(p) => go({ ...r, params: { ...r.params, ...p, group: undefined } })} />`}
    <${StatusChart} overTime=${overTime.data} labels=${labels} asOf=${filter.asOf} onPick=${pickMoment} />
    <${TimeSlider} overTime=${overTime.data} asOf=${filter.asOf} onPick=${pickMoment} />
    ${filter.asOf !== undefined && html`<p class="as-of-note" role="status">As it stood at <strong>${new Date(filter.asOf).toISOString().replace('T', ' ').slice(0, 19)} UTC</strong>: the list, its counts and an event's detail show that moment (events purged since are not shown).</p>`}
    <div class=${`list-and-detail${r.params.event ? ' has-detail' : ''}`}>
      <${List} key=${filterKey} filter=${filter} filterKey=${filterKey} labels=${labels} open=${r.params.event} onOpen=${open} />
      ${r.params.event && html`<${EventDetail} key=${`${r.params.event}@${filter.asOf ?? ''}`} id=${r.params.event} asOf=${filter.asOf} labels=${labels} onClose=${close} />`}
    </div>`;
}
