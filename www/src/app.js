// The app's frame: the sandbox bar and the virtual clock on top, the explorer on the left, the
// page of the route in the middle. Which sandbox is open follows the URL.

import { useEffect, useState } from 'preact/hooks';
import { signal } from '@preact/signals';
import { html } from './html.js';
import { call, enumerations, loading, mc, now, ready, service, workerError } from './engine.js';
import { route, go } from './router.js';
import { ErrorText } from './ui.js';
import { Clock, ClockReport, clockText } from './clock.js';
import { Explorer } from './explorer.js';
import { Sandboxes } from './sandboxes.js';
import { pageFor } from './pages.js';
import { ExercisePanel } from './views/exercises.js';

/**
 * Whether the explorer shows. On a wide screen (the `DOCKED` query) it is docked beside the page
 * and open at first; on a narrower one it opens over the page and closes once a page is chosen.
 */
const DOCKED = matchMedia('(min-width: 1200px)');
export const explorerOpen = signal(DOCKED.matches);
DOCKED.addEventListener('change', (e) => (explorerOpen.value = e.matches));

/** The open sandbox `{ id, name }`, null while none is, and the error that kept it from opening. */
export const sandbox = signal(null);
export const openError = signal(null);

/** Bumped by each opening: an older one that wakes up after a newer began gives way. */
let openings = 0;

async function openFromRoute() {
  const mine = ++openings;
  const stale = () => mine !== openings;
  await ready;
  const wanted = route.value.sandbox;
  if (sandbox.value && sandbox.value.id === wanted) return;
  openError.value = null;
  try {
    const list = await call('sandboxes');
    // The route changed meanwhile (an import during the first visit's first second): the newer
    // opening decides, and this one sends nothing more.
    if (stale()) return;
    let target = wanted && list.find((s) => s.id === wanted);
    if (!target && list.length > 0 && !wanted) target = list[0];
    let opened;
    if (target) opened = await call('openSandbox', { id: target.id });
    else if (!wanted || list.length === 0) opened = await call('createSandbox', { name: 'My first sandbox' });
    else throw Object.assign(new Error(`there is no sandbox ${wanted} in this browser`), { code: 'NO_SANDBOX' });
    if (stale()) return;
    // Static for a version of the engine: read once, so that views need not wait for them.
    if (enumerations.value === null) enumerations.value = await mc.enumerations();
    if (stale()) return;
    sandbox.value = { id: opened.id, name: opened.name };
    if (route.value.sandbox !== opened.id) go({ sandbox: opened.id, instance: '', page: 'topology' }, { replace: true });
  } catch (e) {
    if (stale()) return;
    sandbox.value = null;
    openError.value = e;
  }
}

/** What shows until the sandbox is open: the engine's download while it is under way. */
function Opening() {
  const l = loading.value;
  if (!l) return html`<p class="loading">Opening the sandbox…</p>`;
  const mb = (n) => (n / 1e6).toFixed(1);
  return html`<div class="loading">
    <label for="engine-progress">Loading the engine: ${mb(l.loaded)} of ${mb(l.total)} MB</label>
    <progress id="engine-progress" max=${l.total} value=${l.loaded}></progress>
  </div>`;
}

export function App() {
  const r = route.value;
  useEffect(() => {
    openFromRoute();
  }, [r.sandbox]);
  const [menu, setMenu] = useState(false);
  const [notice, setNotice] = useState(null);
  const sb = sandbox.value;
  const Page = pageFor(r);
  // Over the page (not docked), the explorer closes once a page is chosen, and on Esc.
  const followed = (e) => {
    if (!DOCKED.matches && e.target.closest('a[role=treeitem]')) explorerOpen.value = false;
  };
  const escape = (e) => {
    if (!DOCKED.matches && e.key === 'Escape') {
      explorerOpen.value = false;
      document.querySelector('.explorer-toggle')?.focus();
    }
  };
  return html`
    <div class="app">
      <header class="top">
        <button type="button" class="explorer-toggle" aria-controls="explorer" aria-expanded=${explorerOpen.value} aria-label="Explorer" title=${explorerOpen.value ? 'Hide the explorer' : 'Show the explorer'} onClick=${() => (explorerOpen.value = !explorerOpen.value)}>☰</button>
        <a class="brand" href="#/">Message Center <span>${service ? 'console' : 'simulator'}</span></a>
        ${service
          ? html`<div class="sandbox-bar live" role="status"><span class="muted">Live</span> ${service}${now.value !== null && html` <span class="muted">· ${clockText(now.value)} UTC</span>`}</div>`
          : html`<div class="sandbox-bar">
              <button type="button" class="sandbox-button" aria-haspopup="dialog" aria-expanded=${menu} onClick=${() => setMenu(!menu)}>
                <span class="muted">Sandbox</span> ${sb ? sb.name : '—'} ▾
              </button>
            </div>`}
        ${sb && !service && html`<${Clock} />`}
      </header>
      ${sb && !service && html`<${ClockReport} />`}
      ${menu && html`<${Sandboxes} current=${sb} onClose=${() => setMenu(false)} onRenamed=${(s) => (sandbox.value = s)} onNotice=${setNotice} />`}
      ${notice && html`<div class="banner notice" role="status"><p>${notice}</p><button type="button" onClick=${() => setNotice(null)}>Dismiss</button></div>`}
      ${workerError.value && html`<div class="banner" role="alert"><${ErrorText} error=${workerError.value} /><button type="button" onClick=${() => (workerError.value = null)}>Dismiss</button></div>`}
      ${openError.value && html`<div class="banner" role="alert">
        ${openError.value.code === 'STORAGE_LOCKED'
          ? html`<p><strong>This sandbox is open in another tab.</strong> A sandbox works in one tab at a time, so that two tabs never write beside each other. Close it there, or open another sandbox.</p>`
          : html`<${ErrorText} error=${openError.value} />`}
        <button type="button" onClick=${() => setMenu(true)}>Choose a sandbox</button>
      </div>`}
      <div class=${`body${explorerOpen.value ? '' : ' explorer-closed'}`}>
        <nav id="explorer" class="explorer" aria-label="Explorer" hidden=${!explorerOpen.value} onClick=${followed} onKeyDown=${escape}>${sb && html`<${Explorer} key=${sb.id} />`}</nav>
        ${explorerOpen.value && html`<div class="scrim" aria-hidden="true" onClick=${() => (explorerOpen.value = false)}></div>`}
        <main class="page" id="main">${sb ? html`<${Page} key=${`${r.instance}/${r.page}`} />` : !openError.value && html`<${Opening} />`}</main>
        ${sb && !service && r.page !== 'exercises' && html`<${ExercisePanel} key=${sb.id} sandbox=${sb.id} />`}
      </div>
    </div>`;
}
