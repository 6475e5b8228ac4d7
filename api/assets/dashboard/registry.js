// Lists every view needs (states, provisions), fetched once per page load.

import { all } from './api.js';

const STATES = `query States($after: String) {
  states(first: 100, after: $after) {
    nodes { code name region }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PROVISIONS = `query Provisions($after: String) {
  provisions(first: 100, after: $after) {
    nodes { code kind reference title instrument { slug symbol title } }
    pageInfo { hasNextPage endCursor }
  }
}`;

let states = null;
let provisions = null;

/** Every state (code, name, region), in registry order. */
export function allStates() {
  if (!states) states = all(STATES, {}, (d) => d.states).catch((e) => { states = null; throw e; });
  return states;
}

/** Every provision (code, kind, reference, title, instrument), in registry order. */
export function allProvisions() {
  if (!provisions) provisions = all(PROVISIONS, {}, (d) => d.provisions).catch((e) => { provisions = null; throw e; });
  return provisions;
}
