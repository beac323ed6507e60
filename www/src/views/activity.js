// The activity feed: what every workflow run did, across the instances, newest first, in the
// product's words (the core tells each run), each line linking to what it touched; it follows the
// engine as it works. The clock's report after "Next step" or "Advance" shows the same lines.

import { html } from '../html.js';
import { mc, now } from '../engine.js';
import { href } from '../router.js';
import { Loaded, Title, useQuery, whenShort } from '../ui.js';

/** Where a line's link leads (the core names what; the app knows its routes). */
export function linkRoute(l) {
  switch (l.kind) {
    case 'workflow':
      return { instance: l.instance, page: 'workflows', params: { journal: l.name } };
    case 'published':
      return { instance: l.instance, page: 'published' };
    case 'deliveries':
      return { instance: l.instance, page: 'deliveries' };
    case 'events':
      return { instance: l.instance, page: 'events', params: { status: l.name ?? undefined } };
    default:
      return null;
  }
}

/** Lines of the feed as a list: time, the line, its links. */
export function ActivityLines({ lines, today, onFollow }) {
  return html`<ol class="activity">
    ${lines.map((l) => html`<li key=${`${l.instance}/${l.workflow}/${l.run}/${l.ongoing}`} class=${l.errors ? 'has-errors' : ''}>
      <time datetime=${l.at}>${whenShort(l.at, today)}</time>
      <span class="what">${l.text}</span>
      <span class="links">${l.links.map((k) => {
        const to = linkRoute(k);
        return to && html`<a href=${href(to)} onClick=${onFollow}>${k.label}</a>`;
      })}</span>
    </li>`)}
  </ol>`;
}

export function ActivityPage() {
  const q = useQuery(() => mc.activity({ limit: 200 }));
  const today = now.value === null ? null : new Date(now.value).toISOString();
  return html`<${Title}>Activity</${Title}>
    <p class="hint">What each workflow run did, on every instance, newest first (the last 200 runs; each workflow's journal keeps its recent runs). A run that found nothing to do leaves no line.</p>
    <${Loaded} query=${q}>${(a) => html`
      <p class="next-step">${a.next ? html`<strong>Next step:</strong> ${a.next.text}.` : 'No workflow step is due: start a workflow (Administration › Production › Message Center on an instance).'}</p>
      ${a.lines.length === 0
        ? html`<p class="empty">No workflow has run yet. Start the workflows of an execution instance, push an event, then press "Next step" or "Advance".</p>`
        : html`<${ActivityLines} lines=${a.lines} today=${today} />`}`}</${Loaded}>`;
}
