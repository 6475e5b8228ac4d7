// The state page: the scorecard, then every commitment and position grouped by forum.

import { query } from './api.js';
import { el, clear, append, routeLink, words } from './dom.js';
import { STATUSES, nameOf, classOf } from './status.js';
import { allStates } from './registry.js';
import { SOURCE_FIELDS, sourceList } from './sources.js';

const STATE = `query StatePage($code: String!, $asOf: Date) {
  state(code: $code) {
    code alpha2 name region subregion unMember unMemberSince unObserver
    scorecard(asOf: $asOf) {
      asOf methodologyVersion committed contradicted contradictedShare latestEvidenceDate
      counts { status count }
      byKind { kind committed counts { status count } }
      mostContradicted { provision { code kind reference title } contradicting }
      strength { status confidence attribution count }
    }
    commitments {
      act modality validFrom validTo note
      instrument { slug symbol title }
      forum { slug name }
      ${SOURCE_FIELDS}
    }
    positions {
      kind stance date summary
      forum { slug name }
      instrument { slug symbol title }
      provision { code reference title }
      ${SOURCE_FIELDS}
    }
  }
}`;

/** Renders the state page for `params` (code, asOf). */
export async function renderState(root, params, navigate) {
  const code = (params.get('code') || 'MEX').toUpperCase();
  const asOf = params.get('asOf') || '';
  const states = await allStates();

  const picker = el('form', { class: 'filters', 'aria-label': 'Choose a state' },
    el('label', {}, 'State ',
      el('select', { name: 'code' }, states.map((s) =>
        el('option', { value: s.code, selected: s.code === code }, `${s.name} (${s.code})`)))),
    el('label', {}, 'As of ', el('input', { type: 'date', name: 'asOf', value: asOf })));
  picker.addEventListener('change', () => {
    const form = new FormData(picker);
    navigate({ code: form.get('code'), asOf: form.get('asOf') });
  });
  picker.addEventListener('submit', (e) => e.preventDefault());
  const body = el('div', { id: 'state-page' }, el('p', {}, 'Loading…'));
  clear(root);
  append(root, [el('h2', {}, 'State page'), picker, body]);

  const { state } = await query(STATE, { code, asOf: asOf || null });
  clear(body);
  if (!state) {
    body.append(el('p', {}, `No state with the code ${code}.`));
    return;
  }
  const card = state.scorecard;
  append(body, [
    el('h3', {}, `${state.name} (${state.code}, ${state.alpha2})`),
    el('p', { class: 'meta' }, [state.region, state.subregion].filter(Boolean).join(' · '),
      state.unMember ? ` · UN member${state.unMemberSince ? ' since ' + state.unMemberSince : ''}` : '',
      state.unObserver ? ' · UN observer state' : ''),
    el('section', { class: 'scorecard', 'data-committed': card.committed },
      el('h4', {}, `Scorecard as of ${card.asOf}`),
      el('dl', { class: 'figures' },
        el('div', {}, el('dt', {}, 'Committed provisions'), el('dd', {}, String(card.committed))),
        el('div', {}, el('dt', {}, 'Contradicted'), el('dd', {}, String(card.contradicted))),
        el('div', {}, el('dt', {}, 'Contradicted share'), el('dd', {}, `${Math.round(card.contradictedShare * 100)} %`)),
        el('div', {}, el('dt', {}, 'Latest assessed practice'), el('dd', {}, card.latestEvidenceDate || '—'))),
      kindTable(card),
      card.mostContradicted.length ? el('div', {}, el('h5', {}, 'Most contradicted'),
        el('ol', {}, card.mostContradicted.map((m) => el('li', {},
          routeLink('heatmap', { kind: m.provision.kind, gap: `${state.code}:${m.provision.code}` },
            `${m.provision.reference} ${m.provision.title} (${m.provision.code})`),
          `: ${m.contradicting} contradicting`)))) : null,
      card.strength.length ? el('div', {}, el('h5', {}, 'How strong the findings are'),
        el('ul', {}, card.strength.map((s) => el('li', {},
          `${nameOf(s.status)}: ${s.count} on ${words(s.confidence)} confidence, attribution ${words(s.attribution)}`)))) : null,
      el('p', { class: 'meta' }, `Gap method ${card.methodologyVersion}.`)),
    byForum(state),
  ]);
  body.dataset.loaded = state.code;
}

function kindTable(card) {
  return el('table', { class: 'counts' },
    el('caption', {}, 'Gaps per status and kind of provision'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Kind'), el('th', { scope: 'col' }, 'Committed'),
      STATUSES.map((s) => el('th', { scope: 'col' }, el('span', { class: `swatch ${classOf(s.status)}`, 'aria-hidden': 'true' }, s.letter), ' ', nameOf(s.status))))),
    el('tbody', {}, card.byKind.map((k) => {
      const counts = new Map(k.counts.map((c) => [c.status, c.count]));
      return el('tr', {}, el('th', { scope: 'row' }, words(k.kind)), el('td', {}, String(k.committed)),
        STATUSES.map((s) => el('td', {}, String(counts.get(s.status) || 0))));
    })));
}

/** Commitments and positions, one section per forum (acts outside any forum last). */
function byForum(state) {
  const groups = new Map();
  const group = (forum) => {
    const key = forum ? forum.slug : '';
    if (!groups.has(key)) groups.set(key, { forum, commitments: [], positions: [] });
    return groups.get(key);
  };
  state.commitments.forEach((c) => group(c.forum).commitments.push(c));
  state.positions.forEach((p) => group(p.forum).positions.push(p));
  const ordered = [...groups.values()].sort((a, b) =>
    (a.forum ? 0 : 1) - (b.forum ? 0 : 1) || (a.forum ? a.forum.name : '').localeCompare(b.forum ? b.forum.name : ''));
  return el('section', { class: 'by-forum' },
    el('h4', {}, `Commitments and positions by forum (${state.commitments.length} commitments, ${state.positions.length} positions)`),
    ordered.map((g) => forumBlock(g)));
}

/** One forum's commitments and positions (shared with the positions-across-forums view). */
export function forumBlock(g) {
  return el('div', { class: 'forum' },
    el('h5', {}, g.forum ? g.forum.name : 'Outside any forum (e.g. deposited with a treaty depositary)'),
    g.commitments.length ? el('ul', { class: 'commitments' }, g.commitments.map((c) => el('li', {},
      el('strong', {}, words(c.act)), ' ',
      c.instrument ? `${c.instrument.title}${c.instrument.symbol ? ' (' + c.instrument.symbol + ')' : ''}` : '',
      c.validFrom ? `, since ${c.validFrom}` : ', undated',
      c.validTo ? ` until ${c.validTo}` : '',
      c.note ? el('p', { class: 'note' }, c.note) : null,
      sourceList(c.sources)))) : null,
    g.positions.length ? el('ul', { class: 'positions' }, g.positions.map((p) => el('li', {},
      el('span', { class: `stance stance-${String(p.stance).toLowerCase()}` }, words(p.stance)), ' ',
      `${words(p.kind)}`, p.date ? `, ${p.date}` : '',
      p.instrument ? ` on ${p.instrument.symbol || p.instrument.title}` : '',
      p.provision ? ` (${p.provision.reference} ${p.provision.title})` : '',
      el('p', { class: 'note' }, p.summary),
      sourceList(p.sources)))) : null);
}
