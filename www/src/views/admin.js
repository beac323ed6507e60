// Administration > Platform on the control: the external accounts of type "Execution instance"
// (with "Create the archiving workflow" and the product's warning while it is missing) and the
// `eventType` enumeration.

import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { href } from '../router.js';
import { Action, ErrorText, Field, Loaded, Table, Title, useQuery } from '../ui.js';

/** "Test the connection" of an account: the engine's answer, with the instance's mcPing. */
function TestConnection({ account }) {
  const [result, setResult] = useState(null);
  return html`<div class="test-connection">
    <${Action} label=${`Test the connection of ${account.name}`} run=${async () => setResult(await mc.testConnection(account.name))}>Test the connection</${Action}>
    ${result && html`<p role="status" class=${result.ok ? 'ok' : 'error'}>${result.text}${result.mcPing && html` <span class="muted">mcPing: ${result.mcPing.text.split('\n')[0]}, ${result.mcPing.pending}/${result.mcPing.threshold} pending events</span>`}</p>`}
  </div>`;
}

function AccountForm() {
  const blank = { label: '', name: '', url: '', executionInstanceId: '', enabled: true, account: 'mc', password: '', connectionMethod: 'webService' };
  const [f, setF] = useState(blank);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const set = (k) => (e) => setF({ ...f, [k]: e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value });
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const input = { name: f.name, executionInstanceId: f.executionInstanceId === '' ? NaN : Number(f.executionInstanceId), enabled: f.enabled };
      if (f.label) input.label = f.label;
      if (f.url) input.url = f.url;
      input.account = f.account;
      if (f.password) input.password = f.password;
      input.connectionMethod = f.connectionMethod;
      const a = await mc.addExecutionInstance(input);
      setDone(a);
      setF(blank);
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="card" onSubmit=${submit} aria-label="New external account">
    <h2>New external account</h2>
    <p class="hint">Type: <strong>Execution instance</strong>. "Execution instance ID will automatically be defined on first use or by account initialization" in Campaign; here you choose it (0–255): it is the top byte of the ids of the events the instance receives.</p>
    <div class="row">
      <${Field} label="Label">${(id) => html`<input id=${id} value=${f.label} onInput=${set('label')} placeholder="Execution instance 1" />`}</${Field}>
      <${Field} label="Internal name">${(id) => html`<input id=${id} required value=${f.name} onInput=${set('name')} placeholder="mcExec1" />`}</${Field}>
      <${Field} label="URL">${(id) => html`<input id=${id} value=${f.url} onInput=${set('url')} placeholder="http://mcexec1.example.com:8080" />`}</${Field}>
      <${Field} label="Execution instance ID">${(id) => html`<input id=${id} required inputmode="numeric" value=${f.executionInstanceId} onInput=${set('executionInstanceId')} placeholder="1" />`}</${Field}>
      <label class="check"><input type="checkbox" checked=${f.enabled} onChange=${set('enabled')} /> Enabled</label>
    </div>
    <div class="row">
      <${Field} label="Account" hint="The Message Center agent operator on the execution instance.">${(id, d) => html`<input id=${id} aria-describedby=${d} value=${f.account} onInput=${set('account')} autocomplete="off" />`}</${Field}>
      <${Field} label="Password" hint="Kept nowhere: in a sandbox nothing logs on with it, and an export holds no secret; only whether one is set.">${(id, d) => html`<input id=${id} type="password" aria-describedby=${d} value=${f.password} onInput=${set('password')} autocomplete="new-password" />`}</${Field}>
      <${Field} label="Account connection method">${(id) => html`<select id=${id} value=${f.connectionMethod} onChange=${set('connectionMethod')}>
        <option value="webService">Web service</option>
        <option value="fda">Federated Data Access (FDA)</option>
      </select>`}</${Field}>
    </div>
    <button type="submit" class="primary">Add the execution instance</button>
    <${ErrorText} error=${error} />
    ${done && html`<p role="status">Added <strong>${done.label}</strong> (${done.name}). Next: <strong>Create the archiving workflow</strong> in its row above, then start its technical workflows (created stopped) in <a href=${href({ instance: done.name, page: 'workflows' })}>${done.name} › Administration › Production › Message Center</a>.</p>`}
  </form>`;
}

export function Accounts() {
  const q = useQuery(() => mc.executionInstances());
  return html`<${Title} path=${['Control instance', 'Administration', 'Platform']}>External accounts</${Title}>
    <${Loaded} query=${q}>${(accounts) => html`
      <${Table}
        caption="External accounts of type Execution instance"
        empty="No execution instance is registered yet: add one below."
        rows=${accounts}
        rowKey=${(a) => a.name}
        columns=${[
          ['Label', (a) => a.label],
          ['Internal name', (a) => html`<code>${a.name}</code>`],
          ['Type', (a) => a.type],
          ['Enabled', (a) => html`<label class="check"><input type="checkbox" checked=${a.enabled} aria-label=${`Enabled: ${a.label}`} onChange=${(e) => mc.updateExecutionInstance(a.name, { enabled: e.currentTarget.checked })} /></label>`],
          ['URL', (a) => a.url],
          ['Account', (a) => html`<code>${a.account}</code>${a.passwordSet ? html` <span class="muted" title="A password is set">••••••</span>` : ''}`],
          ['Connection method', (a) => a.connectionMethodLabel],
          ['Execution instance ID', (a) => a.executionInstanceId],
          ['Connection', (a) => html`<${TestConnection} account=${a} />`],
          [
            'Archiving',
            (a) =>
              a.warning
                ? html`<p class="warning">⚠ ${a.warning}</p><${Action} kind="primary" run=${() => mc.createArchivingWorkflow(a.name)}>Create the archiving workflow</${Action}>`
                : html`<code>${a.archivingWorkflow}</code>`,
          ],
        ]}
      />`}</${Loaded}>
    <${AccountForm} />`;
}

export function EventTypes() {
  const q = useQuery(() => mc.eventTypes());
  const [f, setF] = useState({ name: '', label: '' });
  const [error, setError] = useState(null);
  const [added, setAdded] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    setAdded(null);
    try {
      await mc.addEventType(f.label ? { name: f.name, label: f.label } : f.name);
      setAdded(f.name);
      setF({ name: '', label: '' });
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Title} path=${['Control instance', 'Administration', 'Platform', 'Enumerations']}>Event type (eventType)</${Title}>
    <p class="hint">The values of the <code>eventType</code> enumeration: what events carry in their <code>type</code> attribute, and what a transactional message template is for.</p>
    <${Loaded} query=${q}>${(types) => html`<${Table} caption="Values of eventType" rows=${types} rowKey=${(t) => t.name} empty="No event type yet." columns=${[
      ['Internal name', (t) => html`<code>${t.name}</code>`],
      ['Label', (t) => t.label],
    ]} />`}</${Loaded}>
    <form class="card" onSubmit=${submit} aria-label="New event type">
      <h2>New value</h2>
      <div class="row">
        <${Field} label="Internal name">${(id) => html`<input id=${id} required value=${f.name} onInput=${(e) => setF({ ...f, name: e.currentTarget.value })} placeholder="order_confirmation" />`}</${Field}>
        <${Field} label="Label">${(id) => html`<input id=${id} value=${f.label} onInput=${(e) => setF({ ...f, label: e.currentTarget.value })} placeholder="Order confirmation" />`}</${Field}>
      </div>
      <button type="submit" class="primary">Add the event type</button>
      <${ErrorText} error=${error} />
      ${added && html`<p role="status">Added <code>${added}</code>. Next: <a href=${href({ instance: 'control', page: 'templates', rest: ['new'], params: { eventType: added } })}>create a transactional message template for it</a>.</p>`}
    </form>`;
}
