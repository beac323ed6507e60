// The app's entry: renders the frame into #app.

import { render } from 'preact';
import { html } from './html.js';
import { App } from './app.js';
import './style.css';

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
