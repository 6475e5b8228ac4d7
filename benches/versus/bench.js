#!/usr/bin/env node
// Normwatch vs PostGraphile v4 and v5: the Node half of scripts/bench-vs-postgraphile.sh.
//
//   node bench.js db-create URL        drop and create the database URL names (through its server)
//   node bench.js db-drop URL          drop it
//   node bench.js scale URL N          multiply the registry N times (benches/versus/scale.sql)
//   node bench.js counts URL           print the row counts of the queried tables
//   node bench.js wait-graphql URL S   wait up to S seconds for a GraphQL endpoint to answer
//   node bench.js run OPTIONS          check that both servers answer the same rows, then measure
//
// The shell script owns the processes (build, servers, cleanup); this file owns everything that
// talks to PostgreSQL (with `pg`, so the benchmark needs no psql) or to the servers.
'use strict';

const fs = require('fs');
const path = require('path');
const { Client } = require('pg');
const autocannon = require('autocannon');

/// The four kinds of request from issue 10, as the same question to the three servers, with
/// variables that change from request to request (how many records, which state), so that no
/// server can answer the benchmark from a cache of the last answer. Anonymous Normwatch shows
/// PUBLISHED records only, so PostGraphile's documents filter `condition: { status: "PUBLISHED" }`
/// at every level a `condition` can reach (to-one relations cannot be filtered; the row check
/// below proves they agree on the data measured), and all order by id. PostGraphile v5 runs with
/// @graphile/simplify-inflection, hence its shorter names (`states`, `commitments`, `instrument`).
/// `variables(r)` draws one request's variables from `r()` (uniform in [0, 1)); `checked` are
/// the variables the row check compares; `rows` turns an answer into the compared tuples.
const QUERIES = [
  {
    name: 'flat',
    title: 'flat: 50-100 states',
    variables: (r) => ({ n: 50 + Math.floor(r() * 51) }),
    checked: [{ n: 50 }, { n: 77 }, { n: 100 }],
    normwatch: 'query($n: Int!) { states(first: $n) { nodes { code name region } } }',
    v4: 'query($n: Int!) { allStates(first: $n, orderBy: ID_ASC, condition: { status: "PUBLISHED" }) { nodes { code name region } } }',
    v5: 'query($n: Int!) { states(first: $n, orderBy: PRIMARY_KEY_ASC, condition: { status: "PUBLISHED" }) { nodes { code name region } } }',
    rows: {
      normwatch: (d) => d.states.nodes.map((s) => [s.code, s.name, s.region]),
      v4: (d) => d.allStates.nodes.map((s) => [s.code, s.name, s.region]),
      v5: (d) => d.states.nodes.map((s) => [s.code, s.name, s.region]),
    },
  },
  {
    name: 'nested',
    title: 'nested: 50-100 states, commitments, instruments',
    variables: (r) => ({ n: 50 + Math.floor(r() * 51) }),
    checked: [{ n: 50 }, { n: 100 }],
    normwatch:
      'query($n: Int!) { states(first: $n) { nodes { code commitments { act validFrom instrument { slug title } } } } }',
    // `validFromPrecision` is the one extra column: Normwatch writes a partial date at its
    // precision (`2017`), PostgreSQL stores a day and the precision beside it.
    v4:
      'query($n: Int!) { allStates(first: $n, orderBy: ID_ASC, condition: { status: "PUBLISHED" }) { nodes { code ' +
      'commitmentsByStateId(orderBy: ID_ASC, condition: { status: "PUBLISHED" }) { nodes { act validFrom validFromPrecision ' +
      'instrumentByInstrumentId { slug title } } } } } }',
    v5:
      'query($n: Int!) { states(first: $n, orderBy: PRIMARY_KEY_ASC, condition: { status: "PUBLISHED" }) { nodes { code ' +
      'commitments(orderBy: PRIMARY_KEY_ASC, condition: { status: "PUBLISHED" }) { nodes { act validFrom validFromPrecision ' +
      'instrument { slug title } } } } } }',
    rows: {
      normwatch: (d) =>
        tree(d.states.nodes, (s) => [s.code], (s) => s.commitments, (s, c) => [
          s.code,
          c.act,
          c.validFrom,
          c.instrument.slug,
          c.instrument.title,
        ]),
      v4: (d) =>
        tree(d.allStates.nodes, (s) => [s.code], (s) => s.commitmentsByStateId.nodes, (s, c) => [
          s.code,
          c.act,
          partialDate(c.validFrom, c.validFromPrecision),
          c.instrumentByInstrumentId.slug,
          c.instrumentByInstrumentId.title,
        ]),
      v5: (d) =>
        tree(d.states.nodes, (s) => [s.code], (s) => s.commitments.nodes, (s, c) => [
          s.code,
          c.act,
          partialDate(c.validFrom, c.validFromPrecision),
          c.instrument.slug,
          c.instrument.title,
        ]),
    },
  },
  {
    name: 'point',
    title: 'point: one of 100 states, commitments',
    // Filled in by `run` with the codes of the first 100 states (by id).
    codes: [],
    variables(r) {
      return { code: this.codes[Math.floor(r() * this.codes.length)] };
    },
    checked: [{ code: 'MEX' }, { code: 'AFG' }, { code: 'USA' }],
    normwatch: 'query($code: String!) { state(code: $code) { code commitments { act instrument { slug } } } }',
    v4:
      'query($code: String!) { allStates(condition: { code: $code, status: "PUBLISHED" }) { nodes { code ' +
      'commitmentsByStateId(orderBy: ID_ASC, condition: { status: "PUBLISHED" }) { nodes { act instrumentByInstrumentId { slug } } } } } }',
    v5:
      'query($code: String!) { states(condition: { code: $code, status: "PUBLISHED" }) { nodes { code ' +
      'commitments(orderBy: PRIMARY_KEY_ASC, condition: { status: "PUBLISHED" }) { nodes { act instrument { slug } } } } } }',
    rows: {
      normwatch: (d) =>
        tree(d.state ? [d.state] : [], (s) => [s.code], (s) => s.commitments, (s, c) => [c.act, c.instrument.slug]),
      v4: (d) =>
        tree(d.allStates.nodes, (s) => [s.code], (s) => s.commitmentsByStateId.nodes, (s, c) => [
          c.act,
          c.instrumentByInstrumentId.slug,
        ]),
      v5: (d) =>
        tree(d.states.nodes, (s) => [s.code], (s) => s.commitments.nodes, (s, c) => [c.act, c.instrument.slug]),
    },
  },
  {
    name: '3 levels',
    title: '3 levels: 25-50 evidence, assessments, provisions',
    variables: (r) => ({ n: 25 + Math.floor(r() * 26) }),
    checked: [{ n: 25 }, { n: 50 }],
    normwatch:
      'query($n: Int!) { evidence(first: $n) { nodes { slug assessments { finding confidence provision { code title } } } } }',
    v4:
      'query($n: Int!) { allEvidences(first: $n, orderBy: ID_ASC, condition: { status: "PUBLISHED" }) { nodes { slug ' +
      'assessmentsByEvidenceId(orderBy: ID_ASC, condition: { status: "PUBLISHED" }) { nodes { finding confidence ' +
      'provisionByProvisionId { code title } } } } } }',
    v5:
      'query($n: Int!) { evidences(first: $n, orderBy: PRIMARY_KEY_ASC, condition: { status: "PUBLISHED" }) { nodes { slug ' +
      'assessments(orderBy: PRIMARY_KEY_ASC, condition: { status: "PUBLISHED" }) { nodes { finding confidence ' +
      'provision { code title } } } } } }',
    rows: {
      normwatch: (d) =>
        tree(d.evidence.nodes, (e) => [e.slug], (e) => e.assessments, (e, a) => [
          e.slug,
          a.finding,
          a.confidence,
          a.provision.code,
          a.provision.title,
        ]),
      v4: (d) =>
        tree(d.allEvidences.nodes, (e) => [e.slug], (e) => e.assessmentsByEvidenceId.nodes, (e, a) => [
          e.slug,
          a.finding,
          a.confidence,
          a.provisionByProvisionId.code,
          a.provisionByProvisionId.title,
        ]),
      v5: (d) =>
        tree(d.evidences.nodes, (e) => [e.slug], (e) => e.assessments.nodes, (e, a) => [
          e.slug,
          a.finding,
          a.confidence,
          a.provision.code,
          a.provision.title,
        ]),
    },
  },
];

/// The rows of a two-level answer: each parent's own row, then one row per child (so a parent
/// without children still counts).
function tree(parents, parentRow, children, childRow) {
  return parents.flatMap((p) => [parentRow(p), ...children(p).map((c) => childRow(p, c))]);
}

/// A stored day at its precision, as Normwatch's PartialDate writes it.
function partialDate(day, precision) {
  if (day == null) return null;
  if (precision === 'YEAR') return day.slice(0, 4);
  if (precision === 'MONTH') return day.slice(0, 7);
  return day.slice(0, 10);
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/// The same server, another database: `url` with its path replaced by `name`.
function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient(url, f) {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
  } catch (e) {
    fail(`cannot connect to ${url}: ${e.message}`);
  }
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

/// Drops and creates the database `url` names, connected to the server's `postgres` database.
async function dbCreate(url, create) {
  const name = new URL(url).pathname.slice(1);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail(`database name \`${name}\` must be a plain lower-case identifier`);
  await withClient(withDatabase(url, 'postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (create) await c.query(`CREATE DATABASE ${name}`);
  });
}

async function scale(url, factor) {
  const sql = fs.readFileSync(path.join(__dirname, 'scale.sql'), 'utf8');
  await withClient(url, async (c) => {
    await c.query(sql);
    await c.query('SELECT pg_temp.versus_scale($1)', [factor - 1]);
    await c.query('ANALYZE');
  });
}

const COUNTED = ['states', 'commitments', 'instruments', 'evidence', 'assessments', 'provisions'];

async function counts(url) {
  return withClient(url, async (c) => {
    const out = {};
    for (const t of COUNTED) {
      out[t] = Number((await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
    }
    return out;
  });
}

async function post(url, query, variables = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, body, text };
}

async function waitGraphql(url, seconds) {
  const until = Date.now() + seconds * 1000;
  let last = '';
  while (Date.now() < until) {
    try {
      const r = await post(url, '{ __typename }');
      if (r.status === 200 && r.body && r.body.data) return;
      last = `HTTP ${r.status}: ${r.text.slice(0, 200)}`;
    } catch (e) {
      last = e.cause ? e.cause.code || e.message : e.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`${url} did not answer { __typename } within ${seconds} s (last: ${last})`);
}

/// Asks every server each question with each of its checked variables and compares the
/// tuples with Normwatch's; the first difference fails.
async function check(servers) {
  for (const q of QUERIES) {
    let compared = 0;
    for (const variables of q.checked) {
      const rows = {};
      for (const s of servers) {
        const r = await post(s.url, q[s.key], variables);
        if (r.status !== 200 || !r.body || r.body.errors || !r.body.data) {
          fail(`${s.label} answered the ${q.name} query ${JSON.stringify(variables)} with HTTP ${r.status}: ${r.text.slice(0, 500)}`);
        }
        rows[s.key] = q.rows[s.key](r.body.data).map((t) => JSON.stringify(t));
      }
      const a = rows.normwatch;
      for (const s of servers.slice(1)) {
        const b = rows[s.key];
        const n = Math.max(a.length, b.length);
        for (let i = 0; i < n; i++) {
          if (a[i] !== b[i]) {
            fail(
              `Normwatch and ${s.label} answer the ${q.name} query ${JSON.stringify(variables)} differently ` +
                `(${a.length} vs ${b.length} rows); first difference at row ${i + 1}:\n  Normwatch: ${a[i] ?? '(none)'}\n  ${s.label}: ${b[i] ?? '(none)'}`,
            );
          }
        }
      }
      if (a.length < 2 && q.name !== 'flat') fail(`the ${q.name} query ${JSON.stringify(variables)} answers ${a.length} rows: nothing to compare`);
      compared += a.length;
    }
    console.log(`  same rows: ${q.title}: ${compared} rows over ${q.checked.length} variants`);
  }
}

/// A small deterministic generator (mulberry32), so that every server gets the same sequence
/// of variables.
function dice(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/// One autocannon run of question `q` in the server's vocabulary `query`, each request with
/// fresh variables. Every response body is searched for a top-level `"errors"` key (a cheap
/// substring test, the same for every server): a GraphQL error with HTTP 200 counts too.
function load(url, q, query, connections, duration) {
  let graphqlErrors = 0;
  const r = dice(20261207);
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration,
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables: q.variables(r) }),
        requests: [
          {
            method: 'POST',
            headers,
            setupRequest: (req) => ({ ...req, body: JSON.stringify({ query, variables: q.variables(r) }) }),
            onResponse: (status, body) => {
              if (typeof body === 'string' && body.includes('"errors":')) graphqlErrors += 1;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        resolve({
          rps: result.requests.average,
          total: result.requests.total,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          graphqlErrors,
        });
      },
    );
  });
}

function parseOptions(argv) {
  const o = { connections: 8, duration: 10, warmup: 2, rounds: 2, report: 'mean', only: null, label: '' };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    const num = () => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) fail(`${k} needs a whole number, got \`${v}\``);
      i++;
      return n;
    };
    if (k === '--normwatch') (o.normwatch = v), i++;
    else if (k === '--postgraphile') (o.v4 = v), i++;
    else if (k === '--postgraphile5') (o.v5 = v), i++;
    else if (k === '--connections') o.connections = num();
    else if (k === '--duration') o.duration = num();
    else if (k === '--warmup') o.warmup = num();
    else if (k === '--rounds') o.rounds = num();
    else if (k === '--report') (o.report = v), i++;
    else if (k === '--label') (o.label = v), i++;
    else if (k === '--check-only') o.only = 'check';
    else fail(`unknown option \`${k}\``);
  }
  if (!o.normwatch || !o.v4 || !o.v5) fail('run needs --normwatch URL, --postgraphile URL (v4) and --postgraphile5 URL');
  if (!['mean', 'best'].includes(o.report)) fail(`--report is \`mean\` or \`best\`, got \`${o.report}\``);
  if (o.rounds < 1 || o.duration < 1 || o.connections < 1) fail('--rounds, --duration and --connections must be at least 1');
  return o;
}

/// The figure reported for several rounds: their mean, or the round with the most requests.
function combine(runs, how) {
  if (how === 'best') return runs.reduce((a, b) => (b.rps > a.rps ? b : a));
  const mean = (f) => runs.reduce((s, r) => s + r[f], 0) / runs.length;
  return { rps: mean('rps'), p50: mean('p50'), p99: mean('p99') };
}

const fmtRps = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

async function run(argv) {
  const o = parseOptions(argv);
  const servers = [
    { key: 'normwatch', label: 'Normwatch', url: o.normwatch },
    { key: 'v4', label: 'PostGraphile v4', url: o.v4 },
    { key: 'v5', label: 'PostGraphile v5', url: o.v5 },
  ];
  const first = await post(o.normwatch, '{ states(first: 100) { nodes { code } } }');
  if (!first.body || !first.body.data) fail(`Normwatch did not list its states: ${first.text.slice(0, 300)}`);
  QUERIES.find((q) => q.name === 'point').codes = first.body.data.states.nodes.map((s) => s.code);
  console.log('Checking that the servers answer the same rows:');
  await check(servers);
  if (o.only === 'check') return;

  const table = [];
  let invalid = 0;
  for (const q of QUERIES) {
    for (const s of servers) {
      if (o.warmup > 0) await load(s.url, q, q[s.key], o.connections, o.warmup);
    }
    const runs = { normwatch: [], v4: [], v5: [] };
    for (let round = 1; round <= o.rounds; round++) {
      for (const s of servers) {
        const r = await load(s.url, q, q[s.key], o.connections, o.duration);
        runs[s.key].push(r);
        const bad = r.non2xx + r.errors + r.graphqlErrors;
        invalid += bad;
        console.log(
          `  ${q.name}, round ${round}, ${s.label.padEnd(15)} ${fmtRps(r.rps).padStart(6)} req/s  ` +
            `p50 ${fmtMs(r.p50)}  p99 ${fmtMs(r.p99)}  (${r.total} requests` +
            (bad ? `; INVALID: ${r.non2xx} non-2xx, ${r.errors} errors/timeouts, ${r.graphqlErrors} GraphQL errors)` : ', all HTTP 200 without errors)'),
        );
      }
    }
    const n = combine(runs.normwatch, o.report);
    const p4 = combine(runs.v4, o.report);
    const p5 = combine(runs.v5, o.report);
    const cell = (x) => `${fmtRps(x.rps)} | ${fmtMs(x.p50)} / ${fmtMs(x.p99)}`;
    table.push(
      `| ${q.title} | ${cell(n)} | ${cell(p4)} | ${cell(p5)} | ${(n.rps / p4.rps).toFixed(2)}x | ${(n.rps / p5.rps).toFixed(2)}x |`,
    );
  }
  const how = o.report === 'mean' ? `mean of ${o.rounds} rounds` : `best of ${o.rounds} rounds (by req/s)`;
  console.log(
    `\n${o.label}${o.connections} connections, ${o.duration} s per round, ${how}, ${o.warmup} s warm-up per server and query:\n`,
  );
  console.log('| query | Normwatch req/s | p50 / p99 | v4 req/s | p50 / p99 | v5 req/s | p50 / p99 | vs v4 | vs v5 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const line of table) console.log(line);
  if (invalid > 0) {
    fail(`${invalid} responses were not HTTP 200 without errors: these figures are invalid`);
  }
}

async function main() {
  const [cmd, ...args] = process.argv.slice(2);
  switch (cmd) {
    case 'db-create':
      return dbCreate(args[0], true);
    case 'db-drop':
      return dbCreate(args[0], false);
    case 'scale': {
      const n = Number(args[1]);
      if (!Number.isInteger(n) || n < 1) fail(`scale needs a whole number of at least 1, got \`${args[1]}\``);
      return scale(args[0], n);
    }
    case 'counts': {
      const c = await counts(args[0]);
      return console.log(Object.entries(c).map(([t, n]) => `${n} ${t}`).join(', '));
    }
    case 'wait-graphql':
      return waitGraphql(args[0], Number(args[1] || 60));
    case 'run':
      return run(args);
    default:
      fail(`unknown command \`${cmd}\` (db-create, db-drop, scale, counts, wait-graphql, run)`);
  }
}

main().catch((e) => fail(e.stack || String(e)));
