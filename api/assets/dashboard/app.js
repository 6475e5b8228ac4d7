// The dashboard's entry point: a hash router over three views (#/heatmap, #/state, #/forums),
// so every view can be linked and reloaded, and the status line for errors and query cost.

import { onCost } from './api.js';
import { el, clear } from './dom.js';
import { renderHeatmap } from './heatmap.js';
import { renderState } from './state.js';
import { renderForums } from './forums.js';

const VIEWS = { heatmap: renderHeatmap, state: renderState, forums: renderForums };

const view = document.getElementById('view');
const status = document.getElementById('status');
const cost = document.getElementById('cost');

onCost((c) => {
  cost.textContent = `Last request cost ${c.requested} of the API's budget; ${c.remaining} of ${c.limit} left.`;
});

/** The route in the location hash: `#/state?code=MEX` -> ['state', URLSearchParams]. */
function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, search] = hash.split('?');
  return [VIEWS[name] ? name : 'heatmap', new URLSearchParams(search || '')];
}

let rendering = 0;

async function render() {
  const [name, params] = route();
  const ticket = ++rendering;
  document.querySelectorAll('nav a[data-view]').forEach((a) => {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  status.textContent = '';
  status.className = '';
  const navigate = (next) => {
    const clean = Object.entries(next).filter(([, v]) => v);
    location.hash = `#/${name}?${new URLSearchParams(clean)}`;
  };
  try {
    await VIEWS[name](view, params, navigate);
  } catch (e) {
    if (ticket !== rendering) return;
    status.className = 'error';
    status.setAttribute('role', 'alert');
    status.textContent = `${e.code || 'ERROR'}${e.field ? ' (' + e.field + ')' : ''}: ${e.message}`;
    if (!view.firstChild) view.append(el('p', {}, 'Nothing to show.'));
  }
}

window.addEventListener('hashchange', render);
clear(view);
render();
