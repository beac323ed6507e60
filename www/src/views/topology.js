// The topology at a glance: the load balancer in front, the execution instances with their live
// counts (queued: Pending; pending: Pending delivery; sent), the control behind them and the
// archiving arrows (mcSynch_<account>) with the time of their last run. A box opens its instance.

import { html } from '../html.js';
import { mc } from '../engine.js';
import { go } from '../router.js';
import { Loaded, Title, useQuery, when } from '../ui.js';
import { SetupChecklist } from './setup.js';

const W = 250;
const H = 112;
const GAP = 40;

async function load() {
  const accounts = await mc.executionInstances();
  const control = await mc.workflows('control');
  const counts = await Promise.all(accounts.map((a) => mc.countEvents({ instance: a.name })));
  const history = await mc.countEvents({ instance: 'control' });
  return { accounts, control, counts, history };
}

function Box({ x, y, title, lines, onOpen, label, disabled }) {
  const key = (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen();
    }
  };
  // Its name is its text (what it shows), `label` says where it leads.
  return html`<g class=${`box${disabled ? ' disabled' : ''}`} role="link" tabindex="0" aria-description=${label} onClick=${onOpen} onKeyDown=${key} transform=${`translate(${x},${y})`}>
    <rect width=${W} height=${H} rx="8" />
    <text class="title" x="12" y="22">${title}</text>
    ${lines.map((l, i) => html`<text class=${l.small ? 'small' : ''} x="12" y=${44 + i * 18}>${l.text}</text>`)}
  </g>`;
}

export function Topology() {
  const q = useQuery(load);
  return html`<${Title}>Topology</${Title}>
    <${SetupChecklist} />
    <${Loaded} query=${q}>${({ accounts, control, counts, history }) => {
      const n = Math.max(1, accounts.length);
      const width = Math.max(760, n * (W + GAP) + GAP);
      const execY = 150;
      const ctrlY = 350;
      const ex = (i) => GAP + i * (W + GAP) + (width - (n * (W + GAP) + GAP)) / 2;
      const lbX = width / 2 - W / 2;
      const ctrlX = width / 2 - W / 2;
      const synch = (a) => control.find((w) => w.name === `mcSynch_${a.name}`);
      const fmt = (v) => v.toLocaleString('en-US');
      return html`<div class="topology">
        <p class="hint">Events come in through the load balancer (or straight to an instance), are processed and sent on the execution instances, and are archived on the control by its <code>${'mcSynch_<account>'}</code> workflows. Click a box to open it.</p>
        <svg viewBox=${`0 0 ${width} 480`} role="group" aria-label="Topology of the platform">
          <defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8aa0c2" /></marker></defs>
          <${Box} x=${lbX} y=${10} title="Load balancer" label="Load balancer: push events" onOpen=${() => go({ instance: '', page: 'push' })}
            lines=${[{ text: `${accounts.filter((a) => a.enabled).length} enabled execution instance(s)` }, { text: 'round robin, one call to one instance', small: true }]} />
          ${accounts.map((a, i) => html`
            <path class="arrow" d=${`M${lbX + W / 2},${10 + H} C${lbX + W / 2},${execY - 20} ${ex(i) + W / 2},${10 + H + 20} ${ex(i) + W / 2},${execY - 2}`} marker-end="url(#arrowhead)" />
            <${Box} x=${ex(i)} y=${execY} title=${a.label} disabled=${!a.enabled}
              label=${`Execution instance ${a.label}: ${counts[i].byStatus.pending} queued, ${counts[i].byStatus.pendingDelivery} pending delivery, ${counts[i].byStatus.sent} sent`}
              onOpen=${() => go({ instance: a.name, page: 'events', params: { queue: 'rt' } })}
              lines=${[
                { text: `${a.name} · id ${a.executionInstanceId}${a.enabled ? '' : ' · disabled'}`, small: true },
                { text: `Queued (Pending): ${fmt(counts[i].byStatus.pending)}` },
                { text: `Pending delivery: ${fmt(counts[i].byStatus.pendingDelivery)}` },
                { text: `Sent: ${fmt(counts[i].byStatus.sent)}` },
              ]} />
            ${(() => {
              const w = synch(a);
              const x1 = ex(i) + W / 2;
              const cls = w ? 'arrow archive' : 'arrow missing';
              const mid = (execY + H + ctrlY) / 2;
              const anchor = x1 < ctrlX + W / 2 - 1 ? 'end' : x1 > ctrlX + W / 2 + 1 ? 'start' : 'middle';
              const tx = anchor === 'end' ? x1 - 8 : anchor === 'start' ? x1 + 8 : x1 + 8;
              return html`<path class=${cls} d=${`M${x1},${execY + H} C${x1},${mid} ${ctrlX + W / 2},${mid} ${ctrlX + W / 2},${ctrlY - 2}`} marker-end="url(#arrowhead)" />
                <text class="small" text-anchor=${anchor === 'middle' ? 'start' : anchor} x=${tx} y=${execY + H + 20}>${w ? w.name : 'no archiving workflow'}</text>
                ${w && html`<text class="small" text-anchor=${anchor === 'middle' ? 'start' : anchor} x=${tx} y=${execY + H + 35}>${w.lastRun ? `last run ${when(w.lastRun)}` : w.stateLabel}</text>`}`;
            })()}`)}
          <${Box} x=${ctrlX} y=${ctrlY} title="Control instance" label=${`Control instance: ${history.total} archived events`} onOpen=${() => go({ instance: 'control', page: 'events' })}
            lines=${[{ text: `Event history: ${fmt(history.total)} events` }, { text: `Sent: ${fmt(history.byStatus.sent)}` }, { text: 'templates, reports, archiving', small: true }]} />
        </svg>
        ${accounts.length === 0 && html`<p class="empty">No execution instance yet: register one in Control instance › Administration › Platform › <a href="#" onClick=${(e) => { e.preventDefault(); go({ instance: 'control', page: 'accounts' }); }}>External accounts</a>.</p>`}
      </div>`;
    }}</${Loaded}>`;
}
