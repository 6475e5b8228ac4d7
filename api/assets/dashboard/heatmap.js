// The gap heatmap: states x provisions of one kind, from `gapMatrix`, one cell per pair,
// coloured by status. One kind at a time keeps each request well under the API's cost limit
// for anonymous callers (every cell costs a point, every engine run 500) and keeps the table
// readable; a refused request shows its error code.

import { query } from './api.js';
import { el, clear, append, words } from './dom.js';
import { STATUSES, letterOf, nameOf, classOf } from './status.js';
import { allStates, allProvisions } from './registry.js';
import { showChain } from './chain.js';

export const KINDS = ['HUMAN_RIGHTS_OBLIGATION', 'NORM', 'CONFIDENCE_BUILDING_MEASURE'];
const CONFIDENCES = ['LOW', 'MEDIUM', 'HIGH'];

const MATRIX = `query Heatmap($states: [String!], $kinds: [ProvisionKind!], $asOf: Date, $minConfidence: Confidence) {
  gapMatrix(states: $states, kinds: $kinds, asOf: $asOf, minConfidence: $minConfidence) {
    states
    provisions
    cells { state provision status contradicting partiallyContradicting supporting confidence attribution }
    asOf
    methodologyVersion
  }
}`;

/**
 * Renders the heatmap view into `root` for the route's `params` (kind, region, asOf,
 * minConfidence, and gap=STATE:provision to open a chain), calling `navigate(params)` when a
 * filter changes.
 */
export async function renderHeatmap(root, params, navigate) {
  const kind = KINDS.includes(params.get('kind')) ? params.get('kind') : KINDS[0];
  const region = params.get('region') || '';
  const asOf = params.get('asOf') || '';
  const minConfidence = CONFIDENCES.includes(params.get('minConfidence')) ? params.get('minConfidence') : '';

  const [states, provisions] = await Promise.all([allStates(), allProvisions()]);
  const regions = [...new Set(states.map((s) => s.region).filter(Boolean))].sort();
  const stateByCode = new Map(states.map((s) => [s.code, s]));
  const provisionByCode = new Map(provisions.map((p) => [p.code, p]));

  const filters = el('form', { class: 'filters', 'aria-label': 'Heatmap filters' },
    el('label', {}, 'Provisions ',
      el('select', { name: 'kind' }, KINDS.map((k) => el('option', { value: k, selected: k === kind }, words(k))))),
    el('label', {}, 'UN region ',
      el('select', { name: 'region' },
        el('option', { value: '' }, 'All regions'),
        regions.map((r) => el('option', { value: r, selected: r === region }, r)))),
    el('label', {}, 'As of ', el('input', { type: 'date', name: 'asOf', value: asOf })),
    el('label', {}, 'Findings of at least ',
      el('select', { name: 'minConfidence' },
        el('option', { value: '' }, 'any confidence'),
        CONFIDENCES.map((c) => el('option', { value: c, selected: c === minConfidence }, words(c) + ' confidence')))));
  filters.addEventListener('change', () => {
    const form = new FormData(filters);
    navigate({
      kind: form.get('kind'),
      region: form.get('region'),
      asOf: form.get('asOf'),
      minConfidence: form.get('minConfidence'),
    });
  });
  filters.addEventListener('submit', (e) => e.preventDefault());

  const summary = el('p', { class: 'summary' }, 'Loading the matrix…');
  const legend = el('ul', { class: 'legend', 'aria-label': 'Legend' });
  const table = el('table', { id: 'heatmap', class: 'heatmap' });
  const chain = el('aside', { id: 'chain', class: 'chain', tabindex: '-1', 'aria-label': 'The chain behind the selected cell', hidden: true });
  clear(root);
  append(root, [
    el('h2', {}, 'Gap heatmap'),
    el('p', { class: 'lead' },
      'Each cell is one state against one provision: whether the state was committed to it at the date, ',
      'and whether documented practice since then contradicts or supports it. Select a cell for the chain of ',
      'commitments, assessments, evidence and sources behind it.'),
    filters,
    legend,
    summary,
    el('div', { class: 'heatmap-layout' }, el('div', { class: 'heatmap-scroll' }, table), chain),
  ]);

  const codes = region ? states.filter((s) => s.region === region).map((s) => s.code) : null;
  const data = await query(MATRIX, {
    states: codes,
    kinds: [kind],
    asOf: asOf || null,
    minConfidence: minConfidence || null,
  });
  const matrix = data.gapMatrix;

  const counts = new Map(STATUSES.map((s) => [s.status, 0]));
  matrix.cells.forEach((c) => counts.set(c.status, (counts.get(c.status) || 0) + 1));
  append(legend, STATUSES.map((s) =>
    el('li', {}, el('span', { class: `swatch ${classOf(s.status)}`, 'aria-hidden': 'true' }, s.letter),
      `${s.label} (${counts.get(s.status)})`)));
  clear(summary);
  append(summary, `${matrix.states.length} states × ${matrix.provisions.length} provisions (${words(kind)}), ` +
    `as of ${matrix.asOf}, gap method ${matrix.methodologyVersion}.`);

  const head = el('tr', {}, el('th', { scope: 'col', class: 'corner' }, 'State'),
    matrix.provisions.map((code) => {
      const p = provisionByCode.get(code);
      const title = p ? `${p.instrument ? p.instrument.title + ', ' : ''}${p.reference}: ${p.title}` : code;
      return el('th', { scope: 'col', class: 'provision', title }, el('span', {}, code));
    }));
  const body = el('tbody');
  const n = matrix.provisions.length;
  matrix.states.forEach((code, i) => {
    const state = stateByCode.get(code);
    const row = el('tr', {}, el('th', { scope: 'row', title: state ? state.name : code },
      `${state ? state.name : code} `, el('span', { class: 'code' }, code)));
    for (let j = 0; j < n; j++) {
      const cell = matrix.cells[i * n + j];
      const label = `${state ? state.name : code}, ${cell.provision}: ${nameOf(cell.status)}` +
        (cell.confidence ? `, ${words(cell.confidence)} confidence` : '') +
        (cell.contradicting ? `, ${cell.contradicting} contradicting` : '') +
        (cell.supporting ? `, ${cell.supporting} supporting` : '');
      row.append(el('td', { class: `cell ${classOf(cell.status)}` },
        el('button', {
          type: 'button',
          'data-state': cell.state,
          'data-provision': cell.provision,
          'aria-label': label,
          title: label,
        }, letterOf(cell.status))));
    }
    body.append(row);
  });
  append(table, [el('thead', {}, head), body]);

  const open = (stateCode, provisionCode) => {
    table.querySelectorAll('td.selected').forEach((td) => td.classList.remove('selected'));
    const button = table.querySelector(`button[data-state="${CSS.escape(stateCode)}"][data-provision="${CSS.escape(provisionCode)}"]`);
    if (button) button.parentElement.classList.add('selected');
    const next = new URLSearchParams(params);
    next.set('gap', `${stateCode}:${provisionCode}`);
    history.replaceState(null, '', `#/heatmap?${next}`);
    showChain(chain, stateCode, provisionCode, asOf || null, minConfidence || null);
  };
  table.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-state]');
    if (button) open(button.dataset.state, button.dataset.provision);
  });
  table.dataset.ready = 'true';

  const gap = (params.get('gap') || '').split(':');
  if (gap.length === 2 && gap[0] && gap[1]) open(gap[0], gap[1]);
}
