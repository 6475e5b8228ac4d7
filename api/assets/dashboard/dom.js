// DOM helpers. Data from the API only ever reaches the page as text (textContent) or as a
// checked link, never as HTML, so a record cannot inject markup or script.

/**
 * Creates an element. `attrs` keys are set with setAttribute, except `class` (className) and
 * `on*` functions (event listeners). Children are nodes or strings (added as text); null and
 * undefined children are skipped.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

/** Appends nodes and strings (as text) to `node`; `children` is one child or (nested) arrays. */
export function append(node, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Removes every child of `node`. */
export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/**
 * A link to a source: only http(s) URLs become links (a `javascript:` URL in the data must not
 * run); anything else is shown as plain text.
 */
export function externalLink(url, text) {
  let parsed = null;
  try {
    parsed = url ? new URL(url) : null;
  } catch (_) {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    return el('span', {}, text);
  }
  return el('a', { href: parsed.href, rel: 'noopener noreferrer', target: '_blank' }, text);
}

/** A link inside the dashboard (a `#/...` route). */
export function routeLink(route, params, text) {
  const query = new URLSearchParams(params).toString();
  return el('a', { href: `#/${route}${query ? '?' + query : ''}` }, text);
}

/** Upper-case words from an enum value: `PARTIALLY_CONTRADICTS` -> `partially contradicts`. */
export function words(value) {
  return value ? String(value).toLowerCase().replace(/_/g, ' ') : '';
}
