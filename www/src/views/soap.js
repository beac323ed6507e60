// Pasting a raw SOAP PushEvent / PushEvents envelope, exactly as an integrator's code posts it to
// /nl/jsp/soaprouter.jsp: the engine reads it and answers with the envelope (or the SOAP fault)
// Campaign would return, shown as text, never as markup.

import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { href } from '../router.js';
import { ErrorText, Field, useQuery } from '../ui.js';

export const SAMPLE = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
                  xmlns:urn="urn:nms:rtEvent">
  <soapenv:Header/>
  <soapenv:Body>
    <urn:PushEvent>
      <urn:sessiontoken>mc/</urn:sessiontoken>
      <urn:domEvent>
        <rtEvent type="order_confirmation" email="john.doe@example.com"
                 origin="eCommerce" wishedChannel="0" externalId="1242" emailFormat="2">
          <ctx>
            <client><firstname>John</firstname><lastname>Doe</lastname></client>
            <action><type>Order confirmation</type><number>CN23453</number></action>
          </ctx>
        </rtEvent>
      </urn:domEvent>
    </urn:PushEvent>
  </soapenv:Body>
</soapenv:Envelope>`;

export function SoapPanel() {
  const accounts = useQuery(() => mc.executionInstances());
  const [text, setText] = useState(SAMPLE);
  const [instance, setInstance] = useState('loadBalancer');
  const [action, setAction] = useState('');
  const [reply, setReply] = useState(null);
  const [error, setError] = useState(null);
  const send = async (e) => {
    e.preventDefault();
    setError(null);
    setReply(null);
    try {
      setReply(await mc.soap(text, { instance, soapAction: action || null }));
    } catch (x) {
      setError(x);
    }
  };
  return html`<form class="card" onSubmit=${send} aria-label="Send a SOAP envelope">
    <p class="hint">POST /nl/jsp/soaprouter.jsp — any namespace prefix, parameters by position; the service (<code>nms:rtEvent</code> or <code>nms:batchEvent</code>) comes from the method's namespace, or from the SOAPAction. The sandbox accepts every session token.</p>
    <div class="row">
      <${Field} label="Execution instance (the host the request is sent to)">${(id) => html`<select id=${id} value=${instance} onChange=${(e) => setInstance(e.currentTarget.value)}>
        <option value="loadBalancer">The load balancer (round robin)</option>
        ${(accounts.data ?? []).map((a) => html`<option value=${a.name}>${a.label} (${a.name})</option>`)}
      </select>`}</${Field}>
      <${Field} label="SOAPAction header (optional)">${(id) => html`<input id=${id} value=${action} onInput=${(e) => setAction(e.currentTarget.value)} placeholder="nms:rtEvent#PushEvent" />`}</${Field}>
    </div>
    <${Field} label="Request envelope">${(id) => html`<textarea id=${id} rows="18" spellcheck="false" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>`}</${Field}>
    <button type="submit" class="primary">Send</button>
    <${ErrorText} error=${error} />
    ${reply && html`<section aria-label="Response" role="status">
      <h3>HTTP ${reply.status} ${reply.status === 200 ? 'OK' : 'Internal Server Error'} <span class="muted">Content-Type: ${reply.contentType}</span></h3>
      ${reply.fault && html`<p class="error"><span class="code">${reply.fault.code}</span> ${reply.fault.faultstring} ${reply.fault.detail}</p>`}
      ${reply.events.length > 0 && html`<p>Pushed: ${reply.events.map((p, i) => html`${i > 0 ? ', ' : ''}<a href=${href({ instance: p.instance, page: 'events', params: { queue: p.queue, event: p.id } })}><code>${p.id}</code></a>`)} on ${reply.events[0].instance}</p>`}
      <pre class="code" aria-label="Response envelope">${reply.body}</pre>
    </section>`}
  </form>`;
}
