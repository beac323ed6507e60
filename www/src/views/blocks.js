// Resources > Campaign Management > Personalization blocks (the built-in ones and the control's
// own, created and edited here with the engine's syntax errors as you type), and Administration >
// Platform > Options (the values `<%@ include option='…' %>` writes). A change reaches the
// execution instances when the templates that use it are published again, as in Campaign.

import { useEffect, useState } from 'preact/hooks';
import { html } from '../html.js';
import { mc } from '../engine.js';
import { go, href, route } from '../router.js';
import { Action, ErrorText, Field, Loaded, Table, Title, useQuery } from '../ui.js';
import { useProblems } from './templates.js';

const usedBy = (names) =>
  names.length === 0
    ? html`<span class="muted">—</span>`
    : names.map((n, i) => html`${i > 0 && ', '}<a href=${href({ instance: 'control', page: 'templates', rest: [n] })}>${n}</a>`);

function BlockList() {
  const q = useQuery(() => mc.personalizationBlocks());
  return html`<${Title} path=${['Control instance', 'Resources', 'Campaign Management']} actions=${html`<a class="button primary" href=${href({ instance: 'control', page: 'blocks', rest: ['new'] })}>New personalization block</a>`}>Personalization blocks</${Title}>
    <p class="hint">A template includes a block with <code>${"<%@ include view='internalName' %>"}</code>: its content is inserted there and runs as part of the template. Publication copies the blocks a template uses to the execution instances: after a change, publish the templates listed under "Used by" again.</p>
    <${Loaded} query=${q}>${(list) => html`<${Table}
      caption="Personalization blocks"
      rows=${list}
      rowKey=${(b) => b.name}
      columns=${[
        ['Label', (b) => html`<a href=${href({ instance: 'control', page: 'blocks', rest: [b.name] })}>${b.label}</a>`],
        ['Internal name', (b) => html`<code>${b.name}</code>`],
        ['Origin', (b) => (b.builtin ? (b.changed ? 'Built-in, changed' : 'Built-in') : 'Control')],
        ['Used by', (b) => usedBy(b.usedBy)],
      ]} />`}</${Loaded}>`;
}

function BlockEditor({ name }) {
  const creating = name === 'new';
  const existing = useQuery(async () => {
    if (creating) return null;
    const b = (await mc.personalizationBlocks()).find((x) => x.name === name);
    if (!b) throw Object.assign(new Error(`no personalization block named '${name}'`), { code: 'UNKNOWN_BLOCK' });
    return b;
  }, [name]);
  const [f, setF] = useState(creating ? { name: '', label: '', source: '' } : null);
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const problems = useProblems(f && { html: f.source });
  useEffect(() => {
    if (!creating && existing.data && f === null) setF({ ...existing.data });
  }, [existing.data]);
  if (!creating && existing.error && !existing.data) return html`<${ErrorText} error=${existing.error} />`;
  if (!f) return html`<p class="loading">Loading…</p>`;
  const sourceError = problems[0] ? { ...problems[0], message: problems[0].message.replace(/^HTML body: /, '') } : error && /TEMPLATE_SYNTAX/.test(error.code) ? error : null;
  const save = async (e) => {
    e.preventDefault();
    setError(null);
    setSaved(null);
    try {
      if (creating) {
        const b = await mc.createPersonalizationBlock({ name: f.name, label: f.label || f.name, source: f.source });
        go({ instance: 'control', page: 'blocks', rest: [b.name] }, { replace: true });
      } else {
        const b = await mc.updatePersonalizationBlock(name, { label: f.label, source: f.source });
        setF({ ...b });
        setSaved(b.usedBy.length ? `Saved. Publish ${b.usedBy.join(', ')} again for the change to reach the execution instances.` : 'Saved.');
      }
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    await mc.deletePersonalizationBlock(name);
    go({ instance: 'control', page: 'blocks' });
  };
  return html`<${Title} path=${['Control instance', 'Resources', 'Campaign Management', 'Personalization blocks']}
      actions=${!creating && (!f.builtin || f.changed) && html`<${Action} kind="danger" run=${remove}>${f.builtin ? 'Restore as shipped' : 'Delete'}</${Action}>`}>
      ${creating ? 'New personalization block' : f.label}
    </${Title}>
    ${!creating && html`<p class="muted">${f.builtin ? (f.changed ? 'A built-in block, changed on this control.' : 'A built-in block: saving a change makes it this control’s own.') : 'A block of this control.'} Used by: ${usedBy(f.usedBy ?? [])}</p>`}
    <form class="card" onSubmit=${save} aria-label="Personalization block">
      <div class="row">
        <${Field} label="Label">${(id) => html`<input id=${id} value=${f.label} onInput=${(e) => setF({ ...f, label: e.currentTarget.value })} placeholder="Shop footer" />`}</${Field}>
        <${Field} label="Internal name">${(id) => html`<input id=${id} required=${creating} readOnly=${!creating} value=${f.name} onInput=${(e) => setF({ ...f, name: e.currentTarget.value })} placeholder="shopFooter" />`}</${Field}>
      </div>
      <div class="field grow">
        <${Field} label="Content (JSSP)" error=${sourceError}>${(id, d) => html`<textarea id=${id} rows="12" spellcheck="false" aria-describedby=${d} aria-invalid=${sourceError ? 'true' : undefined} value=${f.source} onInput=${(e) => setF({ ...f, source: e.currentTarget.value })}></textarea>`}</${Field}>
        ${sourceError?.line && html`<p class="hint">Line ${sourceError.line}, column ${sourceError.column}.</p>`}
      </div>
      ${!creating && html`<p class="hint">Include it with <code>${`<%@ include view='${f.name}' %>`}</code>.</p>`}
      <button type="submit" class="primary">${creating ? 'Create the block' : 'Save'}</button>
      ${error && error !== sourceError && html`<${ErrorText} error=${error} />`}
      ${saved && html`<p role="status">${saved}</p>`}
    </form>`;
}

export function Blocks() {
  const r = route.value;
  if (r.rest[0]) return html`<${BlockEditor} key=${r.rest[0]} name=${r.rest[0]} />`;
  return html`<${BlockList} />`;
}

function OptionValue({ o }) {
  const [v, setV] = useState(o.value);
  useEffect(() => setV(o.value), [o.value]);
  return html`<span class="row tight">
    <input aria-label=${`Value of ${o.name}`} value=${v} onInput=${(e) => setV(e.currentTarget.value)} />
    <${Action} disabled=${v === o.value} run=${() => mc.setOption(o.name, v)}>Save</${Action}>
    ${o.set && html`<${Action} run=${() => mc.setOption(o.name, null)} title=${o.builtin ? 'Back to the default value' : 'Delete the option'}>${o.builtin ? 'Reset' : 'Delete'}</${Action}>`}
  </span>`;
}

export function Options() {
  const q = useQuery(() => mc.options());
  const [f, setF] = useState({ name: '', value: '' });
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      await mc.setOption(f.name, f.value);
      setF({ name: '', value: '' });
    } catch (err) {
      setError(err);
    }
  };
  return html`<${Title} path=${['Control instance', 'Administration', 'Platform']}>Options</${Title}>
    <p class="hint">A template writes an option's value with <code>${"<%@ include option='NmsServer_URL' %>"}</code>. As with blocks, publish the templates that use an option again after a change.</p>
    <${Loaded} query=${q}>${(list) => html`<${Table}
      caption="Options"
      rows=${list}
      rowKey=${(o) => o.name}
      columns=${[
        ['Internal name', (o) => html`<code>${o.name}</code>`],
        ['Value', (o) => html`<${OptionValue} o=${o} />`],
        ['Origin', (o) => (o.builtin ? (o.set ? 'Built-in, changed' : 'Built-in') : 'Control')],
        ['Used by', (o) => usedBy(o.usedBy)],
      ]} />`}</${Loaded}>
    <form class="card" onSubmit=${submit} aria-label="New option">
      <h2>New option</h2>
      <div class="row">
        <${Field} label="Internal name">${(id) => html`<input id=${id} required value=${f.name} onInput=${(e) => setF({ ...f, name: e.currentTarget.value })} placeholder="shopName" />`}</${Field}>
        <div class="field grow"><${Field} label="Value">${(id) => html`<input id=${id} value=${f.value} onInput=${(e) => setF({ ...f, value: e.currentTarget.value })} placeholder="Example Retail" />`}</${Field}></div>
      </div>
      <button type="submit" class="primary">Add the option</button>
      <${ErrorText} error=${error} />
    </form>`;
}
