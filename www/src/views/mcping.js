// mcPing.jsp of an execution instance (Campaign's health check, GET /nl/jsp/mcPing.jsp): the plain
// text the instance answers, live, and what it means. The engine writes the text; the console
// shows it as the JSP would.

import { html } from '../html.js';
import { mc } from '../engine.js';
import { route } from '../router.js';
import { Loaded, Title, useQuery } from '../ui.js';

export function McPingPage() {
  const instance = route.value.instance;
  const q = useQuery(() => mc.mcPing(instance), [instance]);
  return html`<${Title} path=${[instance]}>mcPing.jsp</${Title}>
    <p class="hint">What <code>GET /nl/jsp/mcPing.jsp</code> answers on this execution instance: <strong>Ok</strong>, the time and the pending real-time events over the alert threshold (option <code>MC_RtEventQueueAlert</code>); or <strong>Error</strong> with "The queue is full" once more events wait than the threshold. Monitoring tools and Adobe's SDK (<code>client.mcPing()</code>) read it.</p>
    <${Loaded} query=${q}>${(p) => html`<section class="card" aria-labelledby="mcping-title">
      <h2 id="mcping-title">Response <span class=${`status ${p.status === 'Ok' ? 'sent' : 'deliveryFailed'}`}>${p.status}</span></h2>
      <pre class="mcping" aria-label="mcPing.jsp response">${p.text}</pre>
      <p class="muted">${p.pending.toLocaleString('en-US')} pending real-time event(s); the queue is full above ${p.threshold.toLocaleString('en-US')}.</p>
    </section>`}</${Loaded}>`;
}
