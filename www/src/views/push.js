// Pushing events: one event by a form (queue, instance or load balancer, type, channel, address
// with the test addresses offered, ctx as XML or JSON); a raw SOAP PushEvent / PushEvents envelope
// answered as Campaign answers it; a generator. Invalid input shows the engine's error next to the
// field and pushes nothing. "Push again" from an event opens this form prefilled (?from=<id>).

import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { href, route, go } from '../router.js';
import { ErrorText, Field, Title, useQuery } from '../ui.js';
import { SoapPanel } from './soap.js';
import { GeneratorPanel } from './generator.js';

/** Which field of the form an engine error is about (the rest are shown under the form). */
const FIELD_OF = {
  UNKNOWN_EVENT_TYPE: 'type',
  MISSING_EVENT_TYPE: 'type',
  UNKNOWN_CHANNEL: 'channel',
  INVALID_EMAIL: 'address',
  INVALID_PHONE: 'address',
  MALFORMED_XML: 'ctx',
  XML_DTD_REFUSED: 'ctx',
  INVALID_JSON: 'ctx',
  CTX_TOO_LARGE: 'ctx',
  UNKNOWN_INSTANCE: 'instance',
  NO_INSTANCE_AVAILABLE: 'instance',
};

const blank = { queue: 'rt', instance: 'loadBalancer', type: '', channel: 'email', address: '', externalId: '', scheduled: '', expiration: '', ctxFormat: 'xml', ctx: '<ctx>\n  <order number="1001"/>\n  <firstName>Ada</firstName>\n</ctx>' };

function fromEvent(e) {
  return {
    queue: e.queue,
    instance: e.instance,
    type: e.type,
    channel: e.wishedChannel,
    address: (e.wishedChannel === 'sms' ? e.mobilePhone : e.email) ?? '',
    externalId: e.externalId ?? '',
    scheduled: '',
    expiration: '',
    ctxFormat: 'xml',
    ctx: e.ctx,
  };
}

function EventForm({ from, type }) {
  const accounts = useQuery(() => mc.executionInstances());
  const types = useQuery(() => mc.eventTypes());
  const enums = useQuery(() => mc.enumerations());
  // A link from a publication's confirmation names its event type (`?type=`).
  const [f, setF] = useState(() => (type ? { ...blank, type } : blank));
  const [error, setError] = useState(null);
  const [pushed, setPushed] = useState([]);
  useEffect(() => {
    if (from) mc.getEvent(from).then((s) => setF(fromEvent(s.event)), setError);
  }, [from]);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.value });
  const err = (k) => (error && FIELD_OF[error.code] === k ? error : null);
  const sms = f.channel === 'sms';
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    let ctx = f.ctx;
    if (f.ctxFormat === 'json') {
      try {
        ctx = JSON.parse(f.ctx);
      } catch (x) {
        setError(Object.assign(new Error(`the ctx is not JSON: ${x.message}`), { code: 'INVALID_JSON' }));
        return;
      }
    }
    const event = { type: f.type, wishedChannel: f.channel, ctx };
    if (f.address) event[sms ? 'mobilePhone' : 'email'] = f.address;
    if (f.externalId) event.externalId = f.externalId;
    if (f.scheduled) event.scheduled = f.scheduled;
    if (f.expiration) event.expiration = f.expiration;
    try {
      const r = await mc.pushEvent(event, { instance: f.instance, queue: f.queue });
      setPushed([r, ...pushed].slice(0, 10));
    } catch (x) {
      setError(x);
    }
  };
  const tests = (enums.data?.testAddresses ?? []).filter((t) => t.channel === (sms ? 'sms' : 'email'));
  return html`<form class="card" onSubmit=${submit} aria-label="Push one event" novalidate>
    <div class="row">
      <${Field} label="Queue">${(id) => html`<select id=${id} value=${f.queue} onChange=${set('queue')}>${(enums.data?.queues ?? []).map((q) => html`<option value=${q.name}>${q.label}</option>`)}</select>`}</${Field}>
      <${Field} label="Send to" error=${err('instance')} errorAt=\"push-error\">${(id, d) => html`<select id=${id} aria-describedby=${d} value=${f.instance} onChange=${set('instance')}>
        <option value="loadBalancer">The load balancer (round robin)</option>
        ${(accounts.data ?? []).map((a) => html`<option value=${a.name}>${a.label} (${a.name})</option>`)}
      </select>`}</${Field}>
      <${Field} label="Event type" error=${err('type')} errorAt=\"push-error\">${(id, d) => html`<input id=${id} aria-describedby=${d} list=${`${id}-list`} value=${f.type} onInput=${set('type')} placeholder="order_confirmation" />
        <datalist id=${`${id}-list`}>${(types.data ?? []).map((t) => html`<option value=${t.name}>${t.label}</option>`)}</datalist>`}</${Field}>
      <${Field} label="Channel (wishedChannel)" error=${err('channel')} errorAt=\"push-error\">${(id, d) => html`<select id=${id} aria-describedby=${d} value=${f.channel} onChange=${set('channel')}>${(enums.data?.channels ?? []).map((c) => html`<option value=${c.name}>${c.label} (${c.code})</option>`)}</select>`}</${Field}>
    </div>
    <div class="row">
      <div class="field grow"><${Field} label=${sms ? 'Mobile phone' : 'Email'} error=${err('address')} errorAt=\"push-error\" hint="Outcome-directed test addresses are in the list (they make the simulated MTA do what they say).">${(id, d) => html`<input id=${id} aria-describedby=${d} list=${`${id}-list`} value=${f.address} onInput=${set('address')} placeholder=${sms ? '+33620202020' : 'ada@example.com'} />
        <datalist id=${`${id}-list`}>${tests.map((t) => html`<option value=${t.address}>${t.outcome}</option>`)}</datalist>`}</${Field}></div>
      <${Field} label="External id">${(id) => html`<input id=${id} value=${f.externalId} onInput=${set('externalId')} />`}</${Field}>
      <${Field} label="Scheduled (UTC)" hint="ISO 8601, e.g. 2026-03-02T10:00:00Z">${(id, d) => html`<input id=${id} aria-describedby=${d} value=${f.scheduled} onInput=${set('scheduled')} />`}</${Field}>
      <${Field} label="Expiration (UTC)">${(id) => html`<input id=${id} value=${f.expiration} onInput=${set('expiration')} />`}</${Field}>
    </div>
    <fieldset class="row plain">
      <legend>ctx format</legend>
      <label class="check"><input type="radio" name="ctxFormat" value="xml" checked=${f.ctxFormat === 'xml'} onChange=${set('ctxFormat')} /> XML</label>
      <label class="check"><input type="radio" name="ctxFormat" value="json" checked=${f.ctxFormat === 'json'} onChange=${set('ctxFormat')} /> JSON</label>
    </fieldset>
    <${Field} label="ctx (data specific to the event)" error=${err('ctx')} errorAt=\"push-error\">${(id, d) => html`<textarea id=${id} aria-describedby=${d} rows="6" spellcheck="false" value=${f.ctx} onInput=${set('ctx')}></textarea>`}</${Field}>
    <button type="submit" class="primary">Push the event</button>
    <${ErrorText} error=${error} id="push-error" />
    ${pushed.length > 0 && html`<div role="status"><h3>Pushed</h3><ul>${pushed.map((p) => html`<li>Event <a href=${href({ instance: p.instance, page: 'events', params: { queue: p.queue, event: p.id } })}><code>${p.id}</code></a> on ${p.instance} (${p.queue === 'rt' ? 'real time' : 'batch'})</li>`)}</ul></div>`}
  </form>`;
}

const TABS = [
  ['form', 'One event'],
  ['soap', 'SOAP envelope'],
  ['generator', 'Generator'],
];

export function PushPage() {
  const r = route.value;
  const tab = r.params.tab ?? 'form';
  const select = (t) => go({ instance: '', page: 'push', params: { tab: t } }, { replace: true });
  const key = (e) => {
    const i = TABS.findIndex(([t]) => t === tab);
    if (e.key === 'ArrowRight') select(TABS[(i + 1) % TABS.length][0]);
    else if (e.key === 'ArrowLeft') select(TABS[(i + TABS.length - 1) % TABS.length][0]);
  };
  return html`<${Title}>Push events</${Title}>
    <div class="tabs" role="tablist" aria-label="How to push" onKeyDown=${key}>
      ${TABS.map(([t, label]) => html`<button type="button" role="tab" id=${`tab-${t}`} aria-selected=${tab === t} aria-controls=${`panel-${t}`} tabindex=${tab === t ? 0 : -1} onClick=${() => select(t)}>${label}</button>`)}
    </div>
    <div role="tabpanel" id=${`panel-${tab}`} aria-labelledby=${`tab-${tab}`}>
      ${tab === 'form' && html`<${EventForm} from=${r.params.from} type=${r.params.type} />`}
      ${tab === 'soap' && html`<${SoapPanel} />`}
      ${tab === 'generator' && html`<${GeneratorPanel} />`}
    </div>`;
}
