// The setup checklist (issue 16, problem 5): on the home page, what a new platform needs before
// an event reaches Sent, each item done or what it misses (the engine's words), with a link to
// the place to do it. Once every item is done it folds to one line.

import { html } from '../html.js';
import { mc } from '../engine.js';
import { href } from '../router.js';
import { Loaded, useQuery } from '../ui.js';

/** Where each place of the engine's checklist is in the explorer. */
const PLACES = {
  externalAccounts: () => ({ to: { instance: 'control', page: 'accounts' }, label: 'External accounts' }),
  workflows: (i) => ({ to: { instance: i.instance, page: 'workflows' }, label: `${i.instance} › Message Center` }),
  eventTypes: () => ({ to: { instance: 'control', page: 'eventTypes' }, label: 'Enumerations (eventType)' }),
  templates: () => ({ to: { instance: 'control', page: 'templates' }, label: 'Transactional message templates' }),
  push: () => ({ to: { instance: '', page: 'push' }, label: 'Push events' }),
  events: (i) => ({ to: { instance: i.instance, page: 'events', params: { queue: 'rt' } }, label: `${i.instance} › Real time events` }),
};

export function SetupChecklist() {
  const q = useQuery(() => mc.setupChecklist());
  return html`<${Loaded} query=${q}>${(c) => {
    const list = html`<ol class="setup-list">
      ${c.items.map((i, n) => {
        const place = PLACES[i.place](i);
        return html`<li key=${i.id} class=${i.done ? 'done' : ''}>
          <span class="mark" aria-hidden="true">${i.done ? '✓' : n + 1}</span>
          <div>
            <p>${i.text}${i.done ? html`<span class="sr-only"> (done)</span>` : ''}</p>
            <p class="muted">${i.detail}${!i.done && html` · <a href=${href(place.to)}>${place.label}</a>`}</p>
          </div>
        </li>`;
      })}
    </ol>`;
    return c.complete
      ? html`<details class="card setup"><summary><strong>Setup complete</strong>: every item of the setup checklist is done.</summary>${list}</details>`
      : html`<section class="card setup" aria-labelledby="setup-title">
          <h2 id="setup-title">Setup checklist</h2>
          <p>${c.done} of ${c.items.length} done. Each item links to where it is done; the list follows what you do.</p>
          ${list}
        </section>`;
  }}</${Loaded}>`;
}
