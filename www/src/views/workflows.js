// Administration > Production > Message Center (and > Processes for the simulated MTA): the
// technical workflows of one instance, with their state, last and next run; start, pause, stop and
// "run now"; and each workflow's journal (what each run did, counted, and its errors).

import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { route } from '../router.js';
import { Action, Loaded, Table, Title, useQuery, when } from '../ui.js';

function Journal({ instance, name }) {
  const q = useQuery(() => mc.journal(instance, name, { limit: 20 }), [instance, name]);
  return html`<${Loaded} query=${q}>${(j) => html`<${Table}
    caption=${`Journal of ${name} (newest run first, the last 20)`}
    empty="No run yet."
    rows=${j.runs}
    rowKey=${(r) => r.run}
    columns=${[
      ['Run', (r) => html`<span class="num">${r.run}</span>`],
      ['Start', (r) => when(r.start)],
      ['End', (r) => (r.end ? when(r.end) : html`<em>in progress</em>`)],
      ['Steps', (r) => r.steps],
      ['What it did', (r) => Object.entries(r.counts).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ') || '—'],
      ['Errors', (r) => (r.errors.length ? html`<ul class="error">${r.errors.map((e) => html`<li>${e}</li>`)}</ul>` : '—')],
    ]} />`}</${Loaded}>`;
}

export function Workflows() {
  const r = route.value;
  const instance = r.instance;
  const q = useQuery(() => mc.workflows(instance), [instance]);
  // A link to a workflow's journal (the activity feed's) opens it, in the workflow's folder.
  const linked = r.params.journal && q.data?.find((w) => w.name === r.params.journal);
  const folder = r.params.folder ?? linked?.folder ?? 'Administration > Production > Message Center';
  const [open, setOpen] = useState(r.params.journal ?? null);
  const where = instance === 'control' ? 'Control instance' : instance;
  return html`<${Title} path=${[where, ...folder.split(' > ').slice(0, -1)]}>${folder.split(' > ').at(-1)}</${Title}>
    <${Loaded} query=${q}>${(all) => {
      const list = all.filter((w) => w.folder === folder);
      return html`<${Table}
        caption=${`Workflows of ${where}`}
        oneLine
        empty=${instance === 'control' ? 'No archiving workflow yet: create one from an external account (Administration › Platform › External accounts).' : 'No workflow in this folder.'}
        rows=${list}
        rowKey=${(w) => w.name}
        columns=${[
          ['Label', (w) => w.label],
          ['Internal name', (w) => html`<code>${w.name}</code>`],
          ['State', (w) => html`<span class=${`state ${w.state}`}>${w.stateLabel}</span>${w.inProgress ? html` <em>(run in progress)</em>` : ''}`],
          ['Last run', (w) => when(w.lastRun) || '—'],
          ['Next run', (w) => when(w.nextRun) || '—'],
          ['Runs', (w) => w.runs],
          [
            'Actions',
            (w) => html`<div class="row actions">
              <${Action} kind=${w.state === 'started' ? '' : 'primary'} disabled=${w.state === 'started'} label=${`Start ${w.name}`} run=${() => mc.startWorkflow(instance, w.name)}>Start</${Action}>
              <${Action} disabled=${w.state !== 'started'} label=${`Pause ${w.name}`} run=${() => mc.pauseWorkflow(instance, w.name)}>Pause</${Action}>
              <${Action} disabled=${w.state === 'stopped' || w.state === 'beingEdited'} label=${`Stop ${w.name}`} run=${() => mc.stopWorkflow(instance, w.name)}>Stop</${Action}>
              <${Action} label=${`Run now ${w.name}`} run=${() => mc.runWorkflow(instance, w.name)}>Run now</${Action}>
              <button type="button" aria-label=${`Journal of ${w.name}`} aria-expanded=${open === w.name} onClick=${() => setOpen(open === w.name ? null : w.name)}>Journal</button>
            </div>`,
          ],
        ]} />
        ${open && list.some((w) => w.name === open) && html`<div class="card"><${Journal} instance=${instance} name=${open} /></div>`}`;
    }}</${Loaded}>`;
}
