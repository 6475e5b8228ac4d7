// Positions across forums: one state's commitments and votes on one provision, and on the
// provisions the crosswalk links to it, grouped by forum (`positionsAcrossForums`).

import { query } from './api.js';
import { el, clear, append } from './dom.js';
import { allStates, allProvisions } from './registry.js';
import { SOURCE_FIELDS } from './sources.js';
import { forumBlock } from './state.js';

const ACROSS = `query Across($state: String!, $provision: String!) {
  positionsAcrossForums(state: $state, provision: $provision) {
    forum { slug name }
    commitments {
      act modality validFrom validTo note
      instrument { slug symbol title }
      ${SOURCE_FIELDS}
    }
    positions {
      kind stance date summary
      instrument { slug symbol title }
      provision { code reference title }
      ${SOURCE_FIELDS}
    }
  }
}`;

/** Renders the view for `params` (state, provision). */
export async function renderForums(root, params, navigate) {
  const state = (params.get('state') || 'MEX').toUpperCase();
  const provision = params.get('provision') || 'iccpr-17';
  const [states, provisions] = await Promise.all([allStates(), allProvisions()]);

  const picker = el('form', { class: 'filters', 'aria-label': 'Choose a state and a provision' },
    el('label', {}, 'State ',
      el('select', { name: 'state' }, states.map((s) =>
        el('option', { value: s.code, selected: s.code === state }, `${s.name} (${s.code})`)))),
    el('label', {}, 'Provision ',
      el('select', { name: 'provision' }, provisions.map((p) =>
        el('option', { value: p.code, selected: p.code === provision },
          `${p.code}: ${p.reference} ${p.title}`)))));
  picker.addEventListener('change', () => {
    const form = new FormData(picker);
    navigate({ state: form.get('state'), provision: form.get('provision') });
  });
  picker.addEventListener('submit', (e) => e.preventDefault());
  const body = el('div', { id: 'forums-view' }, el('p', {}, 'Loading…'));
  clear(root);
  append(root, [
    el('h2', {}, 'Positions across forums'),
    el('p', { class: 'lead' }, 'What one state committed to and said about a provision, and about the provisions the ',
      'crosswalk links to it as equivalent or reaffirming, forum by forum: the place to see whether its words ',
      'in one forum match its words and votes in another.'),
    picker, body,
  ]);

  const data = await query(ACROSS, { state, provision });
  clear(body);
  const groups = data.positionsAcrossForums;
  if (!groups.length) {
    body.append(el('p', {}, `No commitment or position of ${state} on ${provision} or its linked provisions.`));
  } else {
    append(body, groups.map((g) => forumBlock(g)));
  }
  body.dataset.loaded = `${state}:${provision}`;
}
