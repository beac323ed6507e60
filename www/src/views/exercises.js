// Guided exercises: the ones that ship with the engine and a trainer's own file, each evaluated by
// the engine against the open sandbox at every change (the steps done, what the current one
// misses). The exercise under way stays in a panel over every page, with its current step, a
// "Check my work" button that shows the hint when the step is not done yet, and the progress.

import { useState } from 'preact/hooks';
import { signal } from '@preact/signals';
import { html } from '../html.js';
import { call, mc } from '../engine.js';
import { go, route } from '../router.js';
import { Action, ErrorText, Field, Loaded, Title, useQuery } from '../ui.js';
import { exportSandboxFile, fileName } from '../sandboxes.js';
import { download } from './export.js';

/**
 * The exercise under way in each sandbox: `{ text, reached }` kept in this browser, by sandbox id
 * (`reached`: the steps done so far, which stay done).
 */
const KEY = (sandbox) => `mc-exercise/${sandbox}`;
export const exerciseVersion = signal(0);

export function activeExercise(sandbox) {
  void exerciseVersion.value;
  try {
    return JSON.parse(localStorage.getItem(KEY(sandbox)) ?? 'null');
  } catch {
    return null;
  }
}

function setActive(sandbox, value) {
  if (value) localStorage.setItem(KEY(sandbox), JSON.stringify(value));
  else localStorage.removeItem(KEY(sandbox));
  exerciseVersion.value++;
}

/** Evaluates the exercise under way and keeps the steps it reached. */
async function evaluate(sandbox, active) {
  const p = await mc.exercise(active.text, { reached: active.reached ?? [] });
  if (p.reached.length !== (active.reached ?? []).length) setActive(sandbox, { ...active, reached: p.reached });
  return p;
}

/** The steps of an exercise, evaluated: done, current (with Check my work and its hint), to come. */
function Steps({ progress, full }) {
  const [tried, setTried] = useState(null);
  return html`<ol class="exercise-steps">
    ${progress.steps.map((s, i) => {
      const state = s.done ? 'done' : i === progress.current ? 'current' : 'todo';
      if (!full && state !== 'current') return null;
      return html`<li key=${i} class=${state} aria-current=${state === 'current' ? 'step' : undefined}>
        <span class="mark" aria-hidden="true">${s.done ? '✓' : i + 1}</span>
        <div>
          <p>${s.text}${s.done ? html` <span class="sr-only">(done)</span>` : ''}</p>
          ${state === 'current' && html`<button type="button" onClick=${() => setTried(i)}>Check my work</button>`}
          ${state === 'current' && tried === i && html`<div class="hint-box" role="status">
            <p><strong>Not yet:</strong> ${s.missing}.</p>
            ${s.hint && html`<p><strong>Hint:</strong> ${s.hint}</p>`}
          </div>`}
        </div>
      </li>`;
    })}
  </ol>`;
}

/**
 * What a trainee hands a trainer once an exercise is complete: the completion record (the
 * engine's, with the sandbox's seed and the digest of its state) and the sandbox's export, which
 * the trainer imports to verify the record against.
 */
function HandIn({ sandbox, active, progress }) {
  const record = async () => {
    const r = await mc.exerciseRecord(active.text, { reached: progress.reached });
    download(fileName(progress.id, 'mcrecord.json'), [`${JSON.stringify(r, null, 2)}\n`], 'application/json');
  };
  return html`<div class="hand-in">
    <p class="hint">For your trainer: the completion record and this sandbox's export, made now (the record names the sandbox's state, so export both after your last change).</p>
    <div class="row">
      <${Action} kind="primary" run=${record}>Export the completion record</${Action}>
      <${Action} run=${() => exportSandboxFile({ id: sandbox, name: `${progress.id}-sandbox` })}>Export this sandbox</${Action}>
    </div>
  </div>`;
}

/** A trainer's check of a trainee's completion record, against the sandbox open (the trainee's, imported). */
function Verify() {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [own, setOwn] = useState(null);
  const verify = async (file) => {
    setError(null);
    setResult(null);
    try {
      setResult(await mc.verifyExerciseRecord(await file.text(), own ? { text: own } : {}));
    } catch (err) {
      setError(err);
    }
  };
  return html`<section class="card" aria-labelledby="ex-verify">
    <h2 id="ex-verify">Verify a trainee's completion record</h2>
    <p class="hint">Import the trainee's sandbox export (Sandboxes › Import), open it, and load their record here: the engine checks that the record is unaltered, that this is the sandbox it was made in and in the same state, that every step was done and that the exercise's outcome holds.</p>
    <${Field} label="Exercise file (only for a trainer's own exercise)">${(id) => html`<input id=${id} type="file" accept=".json,application/json" onChange=${async (ev) => setOwn(ev.currentTarget.files[0] ? await ev.currentTarget.files[0].text() : null)} />`}</${Field}>
    <${Field} label="Completion record">${(id) => html`<input id=${id} type="file" accept=".json,application/json" onChange=${(ev) => ev.currentTarget.files[0] && verify(ev.currentTarget.files[0])} />`}</${Field}>
    <${ErrorText} error=${error} />
    ${result && html`<div class=${`verification ${result.verified ? 'ok' : 'bad'}`} role="status" aria-label="Verification">
      <p><strong>${result.verified ? `Verified: ${result.title}` : `Not verified: ${result.title}`}</strong></p>
      <ul>${result.findings.map((f) => html`<li class=${f.ok ? 'ok' : 'bad'}><span aria-hidden="true">${f.ok ? '✓' : '✗'}</span> ${f.what}${f.ok ? '' : html` <span class="sr-only">(no)</span>`}: <span class="muted">${f.detail}</span></li>`)}</ul>
    </div>`}
  </section>`;
}

/** The exercise under way, over every page (collapsible). */
export function ExercisePanel({ sandbox }) {
  const active = activeExercise(sandbox);
  // On a phone the panel starts folded to its title line, so that it does not cover the page.
  const [open, setOpen] = useState(() => !globalThis.matchMedia?.('(max-width: 599px)').matches);
  const q = useQuery(() => (active ? evaluate(sandbox, active) : null), [active?.text, active?.reached?.length]);
  if (!active || !q.data) return null;
  const p = q.data;
  return html`<aside class=${`exercise-panel${open ? '' : ' folded'}`} aria-label="Exercise">
    <header>
      <button type="button" class="link" aria-expanded=${open} onClick=${() => setOpen(!open)}>${p.title}</button>
      <span class="muted">${p.done} of ${p.steps.length} steps</span>
    </header>
    ${open && html`<progress max=${p.steps.length} value=${p.done} aria-label="Steps done"></progress>
      ${p.complete
        ? html`<p class="complete" role="status"><strong>Exercise complete.</strong> Every step was done in this sandbox.</p>
          <${HandIn} sandbox=${sandbox} active=${active} progress=${p} />`
        : html`<${Steps} progress=${p} full=${false} />`}
      <p><a href=${`#/${sandbox}//exercises`}>All the steps</a></p>`}
  </aside>`;
}

export function ExercisesPage() {
  const sandbox = route.value.sandbox;
  const list = useQuery(() => mc.exercises(), []);
  const active = activeExercise(sandbox);
  const progress = useQuery(() => (active ? evaluate(sandbox, active) : null), [active?.text, active?.reached?.length]);
  const [error, setError] = useState(null);
  const start = async (e, here) => {
    setError(null);
    try {
      if (here) {
        await mc.exercise(e.text); // the engine reads it first: a bad file never becomes the active one
        setActive(sandbox, { text: e.text, reached: [] });
        return;
      }
      const s = await call('createSandbox', { name: e.title.slice(0, 60) });
      setActive(s.id, { text: e.text, reached: [] });
      go({ sandbox: s.id, instance: '', page: 'exercises' });
    } catch (err) {
      setError(err);
    }
  };
  const load = async (file) => {
    setError(null);
    const text = await file.text();
    try {
      const p = await mc.exercise(text);
      setActive(sandbox, { text, reached: [] });
      return p;
    } catch (err) {
      setError(err);
      return null;
    }
  };
  return html`<${Title}>Exercises</${Title}>
    <p class="hint">Each exercise follows a page of Adobe's documentation. The engine checks every step against this sandbox as you work; "Check my work" shows a hint when a step is not done yet.</p>
    ${active && html`<section class="card" aria-labelledby="ex-now">
      <${Loaded} query=${progress}>${(p) => p && html`
        <header class="page-title"><h2 id="ex-now">${p.title}</h2>
          <div class="page-actions"><button type="button" onClick=${() => setActive(sandbox, null)}>Stop this exercise</button></div></header>
        <p>${p.done} of ${p.steps.length} steps done${p.complete ? ': complete.' : '.'}</p>
        <${Steps} progress=${p} full=${true} />
        ${p.complete && html`<${HandIn} sandbox=${sandbox} active=${active} progress=${p} />`}`}</${Loaded}>
    </section>`}
    <${ErrorText} error=${error} />
    <${Loaded} query=${list}>${(all) => html`<ul class="exercise-list">
      ${all.map((e) => html`<li key=${e.id} class="card">
        <h2>${e.title}</h2>
        <p>${e.summary}</p>
        <p class="muted">${e.steps} steps · ${e.start === 'newSandbox' ? 'starts from a new sandbox' : 'starts from the sandbox open now'}${e.source && html` · <a href=${e.source} target="_blank" rel="noopener noreferrer">Adobe's page</a>`}</p>
        <div class="row">
          ${e.start === 'newSandbox' && html`<button type="button" class="primary" aria-label=${`Start in a new sandbox: ${e.title}`} onClick=${() => start(e, false)}>Start in a new sandbox</button>`}
          <button type="button" class=${e.start === 'newSandbox' ? '' : 'primary'} aria-label=${`Start in this sandbox: ${e.title}`} onClick=${() => start(e, true)}>Start in this sandbox</button>
        </div>
      </li>`)}
    </ul>`}</${Loaded}>
    <section class="card" aria-labelledby="ex-own">
      <h2 id="ex-own">A trainer's exercise</h2>
      <p class="hint">An exercise is a JSON file (format <code>message-center-exercise/1</code>, see docs/exercises.md): load one to do it in this sandbox.</p>
      <${Field} label="Load an exercise file">${(id) => html`<input id=${id} type="file" accept=".json,application/json" onChange=${(ev) => ev.currentTarget.files[0] && load(ev.currentTarget.files[0])} />`}</${Field}>
    </section>
    <${Verify} />`;
}
