// The dashboard's only way to the data: POST /graphql, the public API, like any other client.

/** An error answered by the API, with its `extensions.code` (and `field` when an argument was wrong). */
export class ApiError extends Error {
  constructor(message, code, field) {
    super(message);
    this.code = code || 'ERROR';
    this.field = field || null;
  }
}

const listeners = [];

/** Calls `fn(cost)` with `extensions.cost` ({requested, remaining, limit}) after each answer. */
export function onCost(fn) {
  listeners.push(fn);
}

/**
 * Runs one query and returns its `data`. Any error (a refused query, a bad argument, an
 * exhausted budget, a server that cannot be reached) is thrown as an ApiError.
 */
export async function query(text, variables = {}) {
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: text, variables }),
    });
  } catch (e) {
    throw new ApiError(`the API could not be reached (${e.message})`, 'NETWORK');
  }
  let body;
  try {
    body = await response.json();
  } catch (_) {
    throw new ApiError(`the API answered HTTP ${response.status} without JSON`, 'HTTP_' + response.status);
  }
  const cost = body.extensions && body.extensions.cost;
  if (cost) listeners.forEach((fn) => fn(cost));
  if (body.errors && body.errors.length) {
    const first = body.errors[0];
    const ext = first.extensions || {};
    throw new ApiError(first.message, ext.code, ext.field);
  }
  return body.data;
}

/** Every page of a connection: `pick(data)` returns the connection of one answer. */
export async function all(text, variables, pick) {
  const nodes = [];
  let after = null;
  for (;;) {
    const conn = pick(await query(text, { ...variables, after }));
    nodes.push(...conn.nodes);
    if (!conn.pageInfo.hasNextPage) return nodes;
    after = conn.pageInfo.endCursor;
  }
}
