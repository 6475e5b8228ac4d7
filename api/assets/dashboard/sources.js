// How a record's sources are shown everywhere: title (linked when it has an http(s) URL),
// publisher, date and tier.

import { el, externalLink, words } from './dom.js';

/** The GraphQL selection every view asks for sources with. */
export const SOURCE_FIELDS = 'sources { key title publisher url publishedOn tier }';

/** A list of sources, or nothing when there are none. */
export function sourceList(sources) {
  if (!sources || !sources.length) return null;
  return el('ul', { class: 'sources' }, sources.map((s) =>
    el('li', { 'data-source': s.key },
      externalLink(s.url, s.title),
      ` — ${s.publisher}`,
      s.publishedOn ? `, ${s.publishedOn}` : '',
      el('span', { class: 'tier', title: 'How close the source is to the fact' }, words(s.tier)))));
}
