// The explorer: one tree per instance with the console's folder names (control: Message Center,
// Administration > Platform and Production; each execution instance: Administration > Production
// > Message Center and Message Center > Default). Keyboard: Up/Down move, Right/Left open and
// close a folder, Enter or Space opens a page.

import { useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { mc } from './engine.js';
import { route, href } from './router.js';
import { useQuery } from './ui.js';

/** The tree as data: folders have `children`, pages have `to` (a route). */
function tree(accounts, workflows) {
  const folders = (instance) => {
    const byFolder = new Map();
    for (const w of workflows.filter((w) => w.instance === instance)) {
      const f = w.folder.split(' > ').at(-1);
      if (!byFolder.has(f)) byFolder.set(f, w.folder);
    }
    return [...byFolder].map(([label, folder]) => ({ label, to: { instance, page: 'workflows', params: { folder } } }));
  };
  return [
    { label: 'Topology', to: { instance: '', page: 'topology' } },
    { label: 'Activity', to: { instance: '', page: 'activity' } },
    { label: 'Exercises', to: { instance: '', page: 'exercises' } },
    { label: 'Push events', to: { instance: '', page: 'push' } },
    {
      label: 'Control instance',
      open: true,
      children: [
        {
          label: 'Message Center',
          open: true,
          children: [
            { label: 'Transactional message templates', to: { instance: 'control', page: 'templates' } },
            { label: 'Event history', to: { instance: 'control', page: 'events' } },
            { label: 'Reports', to: { instance: 'control', page: 'reports' } },
          ],
        },
        {
          label: 'Resources',
          open: true,
          children: [
            {
              label: 'Campaign Management',
              open: true,
              children: [{ label: 'Personalization blocks', to: { instance: 'control', page: 'blocks' } }],
            },
          ],
        },
        {
          label: 'Administration',
          open: true,
          children: [
            {
              label: 'Platform',
              open: true,
              children: [
                { label: 'External accounts', to: { instance: 'control', page: 'accounts' } },
                { label: 'Enumerations (eventType)', to: { instance: 'control', page: 'eventTypes' } },
                { label: 'Options', to: { instance: 'control', page: 'options' } },
              ],
            },
            { label: 'Production', open: true, children: folders('control') },
          ],
        },
      ],
    },
    ...accounts.map((a) => ({
      label: a.label,
      note: a.name,
      open: true,
      children: [
        {
          label: 'Administration',
          open: true,
          children: [
            { label: 'Production', open: true, children: folders(a.name) },
            { label: 'Monitoring', open: true, children: [{ label: 'mcPing.jsp', to: { instance: a.name, page: 'mcping' } }] },
          ],
        },
        {
          label: 'Message Center',
          open: true,
          children: [
            {
              label: 'Default',
              open: true,
              children: [
                { label: 'Transactional message templates', to: { instance: a.name, page: 'published' } },
                { label: 'Real time events', to: { instance: a.name, page: 'events', params: { queue: 'rt' } } },
                { label: 'Batch events', to: { instance: a.name, page: 'events', params: { queue: 'batch' } } },
                { label: 'Deliveries', to: { instance: a.name, page: 'deliveries' } },
              ],
            },
          ],
        },
      ],
    })),
  ];
}

const keyOf = (path) => path.join('/');

function isCurrent(to) {
  const r = route.value;
  if (r.instance !== to.instance || r.page !== to.page) return false;
  return Object.entries(to.params ?? {}).every(([k, v]) => r.params[k] === v || (k === 'queue' && !r.params[k] && v === 'rt'));
}

export function Explorer() {
  const q = useQuery(async () => ({ accounts: await mc.executionInstances(), workflows: await mc.workflows() }));
  const [closed, setClosed] = useState(() => new Set());
  const root = useRef(null);
  if (!q.data) return html`<p class="loading">Loading…</p>`;
  const nodes = tree(q.data.accounts, q.data.workflows);
  const toggle = (k) => {
    const next = new Set(closed);
    if (next.has(k)) next.delete(k);
    else next.add(k);
    setClosed(next);
  };
  const onKey = (e) => {
    const items = [...root.current.querySelectorAll('[role=treeitem]')].filter((el) => el.offsetParent !== null);
    const i = items.indexOf(document.activeElement);
    if (i < 0) return;
    const el = items[i];
    const folder = el.dataset.key && el.getAttribute('aria-expanded') !== null;
    const move = (j) => {
      e.preventDefault();
      items[Math.max(0, Math.min(items.length - 1, j))]?.focus();
    };
    if (e.key === 'ArrowDown') move(i + 1);
    else if (e.key === 'ArrowUp') move(i - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'ArrowRight' && folder && el.getAttribute('aria-expanded') === 'false') {
      e.preventDefault();
      toggle(el.dataset.key);
    } else if (e.key === 'ArrowLeft' && folder && el.getAttribute('aria-expanded') === 'true') {
      e.preventDefault();
      toggle(el.dataset.key);
    } else if ((e.key === 'Enter' || e.key === ' ') && folder) {
      e.preventDefault();
      toggle(el.dataset.key);
    }
  };
  const anyCurrent = nodes.some(function has(n) {
    return n.children ? n.children.some(has) : isCurrent(n.to);
  });
  const render = (node, path, level) => {
    const k = keyOf([...path, node.label]);
    if (node.children) {
      const open = !closed.has(k) && node.open !== false;
      return html`<li role="none">
        <span role="treeitem" tabindex="-1" class="folder" aria-level=${level} aria-expanded=${String(open)} data-key=${k} onClick=${() => toggle(k)}>
          <span class="twisty" aria-hidden="true">${open ? '▾' : '▸'}</span>${node.label}${node.note && html` <small class="muted">(${node.note})</small>`}
        </span>
        ${open && html`<ul role="group">${node.children.map((c) => render(c, [...path, node.label], level + 1))}</ul>`}
      </li>`;
    }
    const current = isCurrent(node.to);
    const focusable = current || (!anyCurrent && node === nodes[0]);
    return html`<li role="none">
      <a role="treeitem" tabindex=${focusable ? 0 : -1} aria-level=${level} aria-current=${current ? 'page' : undefined} class=${current ? 'current' : ''} href=${href(node.to)}>${node.label}</a>
    </li>`;
  };
  return html`<ul role="tree" aria-label="Instances and folders" ref=${root} onKeyDown=${onKey}>
    ${nodes.map((n) => render(n, [], 1))}
  </ul>`;
}
