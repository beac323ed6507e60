// The sandboxes of this browser: create, switch, rename, reset, delete; export one to a file and
// import it again (a trainer hands a class the same starting point). Each is kept in IndexedDB
// across reloads; one open in another tab is refused by the engine's lock, and said so.

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { call, job, mc } from './engine.js';
import { EVENTS } from './protocol.js';
import { go } from './router.js';
import { Action, ErrorText, Field, useQuery } from './ui.js';
import { download } from './views/export.js';

/** A sandbox's name as a file's name: `My-first-sandbox.mcsandbox.jsonl`. */
export const fileName = (name, ext = 'mcsandbox.jsonl') => `${name.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-|-$/g, '') || 'sandbox'}.${ext}`;

/** Exports a sandbox (`{ id, name }`) to a file the browser downloads; `onProgress(records)`. */
export async function exportSandboxFile(s, onProgress) {
  const parts = [];
  const j = job('exportSandbox', { id: s.id }, (e) => {
    if (e.event === EVENTS.chunk) parts.push(e.text);
    else onProgress?.(e.done);
  });
  await j.done;
  download(fileName(s.name), parts, 'application/x-ndjson');
}

/** A name not taken by `taken`: the name, else "name (2)", "name (3)"… */
export function freeName(name, taken) {
  if (!taken.includes(name)) return name;
  for (let i = 2; ; i++) if (!taken.includes(`${name} (${i})`)) return `${name} (${i})`;
}

export function Sandboxes({ current, onClose, onRenamed, onNotice }) {
  const heading = useRef(null);
  // A dialog: the focus moves into it; Esc closes it (and the focus goes back to its button).
  useEffect(() => {
    heading.current?.focus();
    const esc = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
        document.querySelector('.sandbox-button')?.focus();
      }
    };
    addEventListener('keydown', esc);
    return () => removeEventListener('keydown', esc);
  }, []);
  const settings = useQuery(() => (current ? mc.settings() : null), [current?.id]);
  const [n, setN] = useState(0);
  const refresh = () => setN((x) => x + 1);
  const list = useQuery(() => call('sandboxes'), [n]);
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [progress, setProgress] = useState(null);
  const [renaming, setRenaming] = useState(null);
  const open = (id) => {
    go({ sandbox: id, instance: '', page: 'topology' });
    onClose();
  };
  const [seed, setSeed] = useState('');
  const [start, setStart] = useState('');
  const create = async () => {
    const params = { name };
    // The engine reads both (a seed as a decimal string, a start time as ISO 8601); empty: its defaults.
    if (seed.trim()) params.seed = seed.trim();
    if (start.trim()) params.now = start.trim();
    const s = await call('createSandbox', params);
    setName('');
    setSeed('');
    setStart('');
    open(s.id);
  };
  const exportOne = async (s) => {
    try {
      await exportSandboxFile(s, (done) => setProgress(`Exporting ${s.name}: ${done.toLocaleString('en-US')} records`));
    } finally {
      setProgress(null);
    }
  };
  const importFile = async (file) => {
    setError(null);
    const text = await file.text();
    const lines = text.split('\n');
    // A sandbox of the same name already here: the import gets its own name, and says so.
    let wanted = '';
    try {
      wanted = String(JSON.parse(lines[0]).name ?? '');
    } catch {
      // Not a sandbox file: the worker says why.
    }
    const taken = (list.data ?? []).map((s) => s.name);
    const name = wanted ? freeName(wanted, taken) : '';
    const j = job('importSandbox', { name, lines }, (e) => setProgress(`Importing ${file.name}: ${e.done.toLocaleString('en-US')} of ${e.total.toLocaleString('en-US')} records`));
    try {
      const s = await j.done;
      onNotice(name && name !== wanted ? `Imported as "${s.name}": a sandbox named "${wanted}" is already in this browser.` : `Imported "${s.name}".`);
      open(s.id);
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  return html`<section class="sandboxes" role="dialog" aria-labelledby="sandboxes-title" aria-modal="false">
    <header><h2 id="sandboxes-title" tabindex="-1" ref=${heading}>Sandboxes</h2><button type="button" onClick=${onClose} aria-label="Close the sandbox list">✕</button></header>
    <p class="hint">Each sandbox is a control instance and its execution instances, kept in this browser. It stays as you leave it.</p>
    ${current && settings.data && html`<p>The open sandbox's seed is <code>${settings.data.seed}</code>: its simulated outcomes (bounces, delays, errors) are drawn from it, so Reset, or a new sandbox with this seed, replays them the same way.</p>`}
    ${list.data && html`<table class="grid">
      <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        ${list.data.map((s) => html`<tr key=${s.id} aria-current=${current?.id === s.id ? 'true' : undefined}>
          <td>
            ${renaming?.id === s.id
              ? html`<form class="inline" onSubmit=${async (e) => {
                  e.preventDefault();
                  try {
                    const r = await call('renameSandbox', { id: s.id, name: renaming.name });
                    setRenaming(null);
                    if (current?.id === s.id) onRenamed({ id: r.id, name: r.name });
                    refresh();
                  } catch (err) {
                    setError(err);
                  }
                }}>
                  <input aria-label="New name" value=${renaming.name} onInput=${(e) => setRenaming({ id: s.id, name: e.currentTarget.value })} />
                  <button type="submit">Save</button>
                </form>`
              : html`<strong>${s.name}</strong>${current?.id === s.id && html` <span class="tag">open</span>`}`}
          </td>
          <td>${s.created.slice(0, 16).replace('T', ' ')}</td>
          <td class="actions">
            ${current?.id !== s.id && html`<button type="button" aria-label=${`Open ${s.name}`} onClick=${() => open(s.id)}>Open</button>`}
            <button type="button" aria-label=${`Rename ${s.name}`} onClick=${() => setRenaming({ id: s.id, name: s.name })}>Rename</button>
            <${Action} label=${`Export ${s.name}`} onError=${setError} run=${() => exportOne(s)}>Export</${Action}>
            <${Action} label=${`Reset ${s.name}`} onError=${setError} run=${async () => {
              if (!confirm(`Reset "${s.name}"? Everything in it is erased; the seed is kept.`)) return;
              await call('resetSandbox', { id: s.id });
              if (current?.id === s.id) go({ sandbox: s.id, instance: '', page: 'topology' });
            }}>Reset</${Action}>
            <${Action} kind="danger" label=${`Delete ${s.name}`} onError=${setError} run=${async () => {
              if (!confirm(`Delete "${s.name}"? This cannot be undone.`)) return;
              await call('deleteSandbox', { id: s.id });
              if (current?.id === s.id) go({ sandbox: '', instance: '', page: '' });
              refresh();
            }}>Delete</${Action}>
          </td>
        </tr>`)}
      </tbody>
    </table>`}
    <form class="row" onSubmit=${(e) => {
      e.preventDefault();
      create().catch(setError);
    }}>
      <${Field} label="New sandbox">${(id) => html`<input id=${id} value=${name} placeholder="Training, day 1" onInput=${(e) => setName(e.currentTarget.value)} />`}</${Field}>
      <${Field} label="Seed (optional)" hint="The same seed replays the same outcomes">${(id, d) => html`<input id=${id} aria-describedby=${d} inputmode="numeric" value=${seed} placeholder="random" onInput=${(e) => setSeed(e.currentTarget.value)} />`}</${Field}>
      <${Field} label="Start time (UTC, optional)">${(id) => html`<input id=${id} value=${start} placeholder="2026-01-01T00:00:00Z" onInput=${(e) => setStart(e.currentTarget.value)} />`}</${Field}>
      <button type="submit" class="primary">Create</button>
      <${Field} label="Import a sandbox file">${(id) => html`<input id=${id} type="file" accept=".jsonl,.mcsandbox,application/x-ndjson" onChange=${(e) => e.currentTarget.files[0] && importFile(e.currentTarget.files[0])} />`}</${Field}>
    </form>
    ${progress && html`<p role="status">${progress}</p>`}
    <${ErrorText} error=${error} />
  </section>`;
}
