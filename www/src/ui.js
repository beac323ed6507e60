// Shared pieces of the views: reading the engine, buttons that show what their call answered,
// form fields with their error, times as the console shows them.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { version } from './engine.js';

/**
 * Reads from the engine, again whenever it changed (`version`) or `deps` change. Keeps the last
 * data while a new read is in flight, so that live views do not flicker. `single`: at most one
 * read in flight; changes meanwhile make one more read when it ends (a scan that must not pile
 * up while the clock plays).
 */
export function useQuery(fn, deps = [], { single = false } = {}) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const v = version.value;
  const seq = useRef(0);
  const flight = useRef({ busy: false, again: false });
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    const run = () => {
      const mine = ++seq.current;
      flight.current.busy = true;
      setState((s) => ({ ...s, loading: true }));
      Promise.resolve()
        .then(() => latest.current())
        .then(
          (data) => mine === seq.current && setState({ data, error: null, loading: false }),
          (error) => mine === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
        )
        .finally(() => {
          flight.current.busy = false;
          if (single && flight.current.again) {
            flight.current.again = false;
            run();
          }
        });
    };
    if (single && flight.current.busy) flight.current.again = true;
    else run();
  }, [v, ...deps]);
  return state;
}

/** A time of the virtual clock (ISO 8601 from the engine) as the console shows it. */
export function when(iso) {
  if (!iso) return '';
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

/**
 * A time for a dense column: the time of day when it is on the virtual clock's day (`today`, the
 * engine's ISO text of now), else the date and the minute. Text is compared, never parsed.
 */
export function whenShort(iso, today) {
  if (!iso) return '';
  const t = when(iso);
  return today && iso.slice(0, 10) === today.slice(0, 10) ? t.slice(11) : t.slice(0, 16);
}

/** The engine's error, next to what caused it. */
export function ErrorText({ error, id }) {
  if (!error) return null;
  return html`<p class="error" role="alert" id=${id}><span class="code">${error.code ?? 'ERROR'}</span> ${error.message}</p>`;
}

/**
 * A button that runs an async action: disabled while it runs, its error shown beside it (or given
 * to `onError`).
 */
export function Action({ run, children, kind = '', title, onError, disabled, label }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const click = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await run();
    } catch (err) {
      if (onError) onError(err);
      else setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button type="button" class=${kind} title=${title} aria-label=${label} disabled=${busy || disabled} onClick=${click}>${children}</button>
    ${!onError && html`<${ErrorText} error=${error} />`}
  </span>`;
}

let fieldIds = 0;

/**
 * A labelled form field: `children(id, describedBy)` renders the control with that id, so that
 * the label and the error are tied to it.
 */
export function Field({ label, children, hint, error, errorAt }) {
  const [id] = useState(() => `f${++fieldIds}`);
  // `errorAt`: the id of the form's one error message, shown by the form (so that an error does
  // not move the fields); the field is marked invalid and described by it.
  const errId = errorAt ?? `${id}-err`;
  const describedBy = [hint && `${id}-hint`, error && errId].filter(Boolean).join(' ') || undefined;
  return html`<div class=${`field${error ? ' invalid' : ''}`}>
    <label for=${id}>${label}</label>
    ${children(id, describedBy)}
    ${hint && html`<small class="hint" id=${`${id}-hint`}>${hint}</small>`}
    ${!errorAt && html`<${ErrorText} error=${error} id=${errId} />`}
  </div>`;
}

/** The text of a title's children (strings and numbers; markup inside is skipped). */
function textOf(children) {
  if (typeof children === 'string' || typeof children === 'number') return String(children);
  if (Array.isArray(children)) return children.map(textOf).join('');
  return '';
}

/**
 * A page's title bar, with its path in the explorer. The window's title follows it ("Real time
 * events · mcExec1 — Message Center simulator"), so tabs and history say where each page is.
 */
export function Title({ path = [], children, actions }) {
  const text = textOf(children).trim();
  const where = path[0] ? ` · ${path[0]}` : '';
  useEffect(() => {
    document.title = text ? `${text}${where} — Message Center simulator` : 'Message Center simulator';
  }, [text, where]);
  return html`<header class="page-title">
    <div>
      ${path.length > 0 && html`<p class="crumbs">${path.join(' › ')}</p>`}
      <h1>${children}</h1>
    </div>
    ${actions && html`<div class="page-actions">${actions}</div>`}
  </header>`;
}

/** A simple table: `columns` are `[label, (row) => cell]`. */
export function Table({ columns, rows, empty = 'Nothing yet.', caption, rowKey = (_, i) => i, oneLine = false }) {
  if (!rows || rows.length === 0) return html`<p class="empty">${empty}</p>`;
  // A table wider than the page scrolls on its own, so that the page never does; the keyboard
  // reaches that box (Tab, then the arrows) even when no cell holds a link.
  return html`<div class="table-scroll" tabindex="0" role="group" aria-label=${caption ? `${caption} (scrolls)` : 'Table (scrolls)'}><table class=${`grid${oneLine ? ' one-line' : ''}`}>
    ${caption && html`<caption>${caption}</caption>`}
    <thead><tr>${columns.map(([label]) => html`<th scope="col">${label}</th>`)}</tr></thead>
    <tbody>${rows.map((r, i) => html`<tr key=${rowKey(r, i)}>${columns.map(([, cell]) => html`<td>${cell(r)}</td>`)}</tr>`)}</tbody>
  </table></div>`;
}

/** Loading and error states of a query, then `children(data)`. */
export function Loaded({ query, children }) {
  if (query.data === undefined) {
    if (query.error) return html`<${ErrorText} error=${query.error} />`;
    return html`<p class="loading">Loading…</p>`;
  }
  return html`${query.error && html`<${ErrorText} error=${query.error} />`}${children(query.data)}`;
}
