// The chain behind one cell: the `gaps` query for one state and one provision, with the
// commitments, the assessments and their evidence, every source, the linked rights and the
// engine's own explanation.

import { query } from './api.js';
import { el, clear, append, routeLink, words } from './dom.js';
import { nameOf, classOf } from './status.js';
import { SOURCE_FIELDS, sourceList } from './sources.js';

const ASSESSMENT = `{
  finding confidence rationale ${SOURCE_FIELDS}
  evidence {
    slug title summary kind occurredFrom occurredTo
    responsibleStates { code }
    attribution { attributedBy basis status }
    ${SOURCE_FIELDS}
  }
}`;

const CHAIN = `query Chain($state: String!, $provision: String!, $asOf: Date, $minConfidence: Confidence) {
  gaps(filter: { states: [$state], provisions: [$provision], minConfidence: $minConfidence }, asOf: $asOf, first: 1) {
    nodes {
      state { code name }
      provision { code kind reference title instrument { title symbol } }
      status confidence attribution committedSince strength undatedCommitment explanation asOf methodologyVersion
      commitments {
        act validFrom validTo note
        instrument { title symbol }
        forum { name }
        ${SOURCE_FIELDS}
      }
      contradicting ${ASSESSMENT}
      partiallyContradicting ${ASSESSMENT}
      supporting ${ASSESSMENT}
      context ${ASSESSMENT}
      linkedRights { relation rationale to { code reference title } }
    }
  }
}`;

let current = 0;

/** Loads and shows the chain of `state` x `provision` in `panel`. */
export async function showChain(panel, state, provision, asOf, minConfidence) {
  const ticket = ++current;
  panel.hidden = false;
  clear(panel);
  panel.append(el('p', {}, `Loading ${state} × ${provision}…`));
  let gap;
  try {
    const data = await query(CHAIN, { state, provision, asOf, minConfidence });
    gap = data.gaps.nodes[0];
  } catch (e) {
    if (ticket !== current) return;
    clear(panel);
    panel.append(el('p', { class: 'error', role: 'alert' }, `${e.code}: ${e.message}`));
    return;
  }
  if (ticket !== current) return; // a later click won
  clear(panel);
  if (!gap) {
    panel.append(el('p', {}, `No gap for ${state} × ${provision}.`));
    return;
  }
  append(panel, renderGap(gap, () => { panel.hidden = true; clear(panel); }));
  panel.dataset.loaded = `${state}:${provision}`;
  panel.focus({ preventScroll: true });
}

function renderGap(gap, close) {
  const p = gap.provision;
  const s = gap.state;
  const committed = gap.status !== 'NOT_COMMITTED';
  return [
    el('button', { type: 'button', class: 'close', 'aria-label': 'Close the chain', onclick: close }, '×'),
    el('h3', {}, `${s.name} × ${p.reference} ${p.title}`),
    el('p', { class: 'instrument' }, p.instrument ? `${p.instrument.title}${p.instrument.symbol ? ' (' + p.instrument.symbol + ')' : ''}` : '', ` — ${p.code}`),
    el('p', {},
      el('span', { class: `badge ${classOf(gap.status)}` }, nameOf(gap.status)),
      gap.confidence ? ` ${words(gap.confidence)} confidence` : '',
      gap.attribution ? `, attribution ${words(gap.attribution)}` : ''),
    el('p', { class: 'explanation' }, gap.explanation),
    el('p', { class: 'meta' },
      committed ? `Committed since ${gap.committedSince || 'an undated act'}${gap.strength ? ' (' + words(gap.strength) + ')' : ''}. ` : '',
      `As of ${gap.asOf}, gap method ${gap.methodologyVersion}.`),
    section('Commitments', gap.commitments, (c) => el('li', {},
      el('strong', {}, words(c.act)), ` ${c.instrument ? c.instrument.title : ''}`,
      c.forum ? ` in ${c.forum.name}` : '',
      c.validFrom ? `, since ${c.validFrom}` : ', undated',
      c.validTo ? ` until ${c.validTo}` : '',
      c.note ? el('p', { class: 'note' }, c.note) : null,
      sourceList(c.sources))),
    assessments('Contradicting', gap.contradicting),
    assessments('Partially contradicting', gap.partiallyContradicting),
    assessments('Supporting', gap.supporting),
    assessments('Context (not counted: before the commitment, or not committed)', gap.context),
    section('Linked rights', gap.linkedRights, (l) => el('li', {},
      `${words(l.relation)} `, el('strong', {}, l.to ? `${l.to.reference} ${l.to.title}` : ''),
      l.to ? ` (${l.to.code})` : '', el('p', { class: 'note' }, l.rationale))),
    el('p', { class: 'links' },
      routeLink('state', { code: s.code }, `${s.name}: state page`), ' · ',
      routeLink('forums', { state: s.code, provision: p.code }, `${s.name} on ${p.code} across forums`)),
  ];
}

function section(title, items, render) {
  if (!items || !items.length) return null;
  return el('section', {}, el('h4', {}, `${title} (${items.length})`), el('ul', {}, items.map(render)));
}

function assessments(title, items) {
  return section(title, items, (a) => {
    const e = a.evidence;
    return el('li', { class: 'assessment', 'data-evidence': e ? e.slug : null },
      e ? el('p', {}, el('strong', {}, e.title), ` (${words(e.kind)}, ${e.occurredFrom}${e.occurredTo ? '–' + e.occurredTo : ''})`) : null,
      el('p', {}, `Finding: ${words(a.finding)}, ${words(a.confidence)} confidence. `, a.rationale),
      e ? el('p', { class: 'note' }, e.summary) : null,
      e ? el('p', { class: 'meta' }, `Attribution: ${words(e.attribution.status)}`,
        e.attribution.attributedBy ? ` by ${e.attribution.attributedBy}` : '',
        e.attribution.basis ? ` (${e.attribution.basis})` : '') : null,
      e ? sourceList(e.sources) : null,
      sourceList(a.sources));
  });
}
