// The sandboxes of this browser: create, switch, rename, reset, delete; export one to a file and
// import it again (a trainer hands a class the same starting point). Each is kept in IndexedDB
// across reloads; one open in another tab is refused by the engine's lock, and said so.

import { useState } from 'preact/hooks';
import { html } from './html.js';
import { call, job } from './engine.js';
import { go } from './router.js';
import { Action, ErrorText, Field, useQuery } from './ui.js';

function download(name, parts) {
  const url = URL.createObjectURL(new Blob(parts, { type: 'application/x-ndjson' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const fileName = (name) => `${name.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-|-$/g, '') || 'sandbox'}.mcsandbox.jsonl`;

export function Sandboxes({ current, onClose, onRenamed }) {
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
    const parts = [];
    const j = job('exportSandbox', { id: s.id }, (e) => {
      if (e.event === 'chunk') parts.push(e.text);
      else setProgress(`Exporting ${s.name}: ${e.done.toLocaleString('en-US')} records`);
    });
    try {
      await j.done;
      download(fileName(s.name), parts);
    } finally {
      setProgress(null);
    }
  };
  const importFile = async (file) => {
    setError(null);
    const text = await file.text();
    const lines = text.split('\n');
    const j = job('importSandbox', { name: '', lines }, (e) => setProgress(`Importing ${file.name}: ${e.done.toLocaleString('en-US')} of ${e.total.toLocaleString('en-US')} records`));
    try {
      const s = await j.done;
      open(s.id);
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  return html`<section class="sandboxes" role="dialog" aria-label="Sandboxes" aria-modal="false">
    <header><h2>Sandboxes</h2><button type="button" onClick=${onClose} aria-label="Close the sandbox list">✕</button></header>
    <p class="hint">Each sandbox is a control instance and its execution instances, kept in this browser. It stays as you leave it.</p>
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
            ${current?.id !== s.id && html`<button type="button" onClick=${() => open(s.id)}>Open</button>`}
            <button type="button" onClick=${() => setRenaming({ id: s.id, name: s.name })}>Rename</button>
            <${Action} onError=${setError} run=${() => exportOne(s)}>Export</${Action}>
            <${Action} onError=${setError} run=${async () => {
              if (!confirm(`Reset "${s.name}"? Everything in it is erased; the seed is kept.`)) return;
              await call('resetSandbox', { id: s.id });
              if (current?.id === s.id) go({ sandbox: s.id, instance: '', page: 'topology' });
            }}>Reset</${Action}>
            <${Action} kind="danger" onError=${setError} run=${async () => {
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
