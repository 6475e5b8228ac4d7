//! Nested relations are batched without a clock: each relation path of a query costs the same
//! statements whatever the page size and however the request is scheduled.

use crate::helpers::spawn_app;
use serde_json::json;

const NESTED: &str = r#"query($first: Int) {
  states(first: $first) {
    nodes {
      code
      commitments { act instrument { slug forum { slug } } sources { title } reservations { code } }
      memberships { forum { slug } }
      evidence { assessments { provision { code } } }
    }
  }
}"#;

/// The same page with no relation: what a request costs before any relation is followed
/// (the page itself, and on PostgreSQL the shared budget).
const PAGE_ONLY: &str = r#"query($first: Int) { states(first: $first) { nodes { code } } }"#;

/// One statement per relation path: commitments, their instrument, its forum, memberships,
/// their forum, assessments, their provision; two through a join table (the join rows, then
/// the records): sources, reservations, evidence.
const NESTED_PATHS: u64 = 7 + 2 * 3;

#[tokio::test]
async fn every_relation_path_costs_the_same_statements_for_5_20_or_100_states() {
    let app = spawn_app().await;
    // Warm up (connection set-up statements are not the query's).
    statements_of(&app, PAGE_ONLY, json!({ "first": 1 })).await;
    for first in [5, 20, 100] {
        let (page, _) = statements_of(&app, PAGE_ONLY, json!({ "first": first })).await;
        let (nested, d) = statements_of(&app, NESTED, json!({ "first": first })).await;
        let nodes = d["states"]["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), first as usize);
        // Every path has rows on each page, so every path runs.
        let assessed = nodes.iter().any(|n| {
            n["evidence"].as_array().is_some_and(|e| {
                e.iter()
                    .any(|e| e["assessments"].as_array().is_some_and(|a| !a.is_empty()))
            })
        });
        assert!(assessed, "the first {first} states have assessed evidence");
        assert_eq!(
            nested - page,
            NESTED_PATHS,
            "statements for the relations of {first} states"
        );
    }
}

/// The same relation reached twice in one query, under two aliases and at two depths: each
/// place in the query is its own path, and still one run however many rows sit there.
#[tokio::test]
async fn aliases_and_repeated_relations_are_separate_paths_of_fixed_cost() {
    let app = spawn_app().await;
    statements_of(&app, PAGE_ONLY, json!({ "first": 1 })).await;
    let query = r#"query($first: Int) { states(first: $first) { nodes {
        a: commitments { instrument { slug } }
        b: commitments { state { code commitments { act } } }
    } } }"#;
    // a, a.instrument, b, b.state, b.state.commitments.
    const PATHS: u64 = 5;
    for first in [3, 50] {
        let (page, _) = statements_of(&app, PAGE_ONLY, json!({ "first": first })).await;
        let (n, d) = statements_of(&app, query, json!({ "first": first })).await;
        assert_eq!(n - page, PATHS, "statements for {first} states");
        // The relation reached back through a commitment answers the same rows.
        for node in d["states"]["nodes"].as_array().expect("nodes") {
            let direct = node["b"].as_array().expect("b").len();
            if let Some(first) = node["b"].as_array().and_then(|b| b.first()) {
                let back = first["state"]["commitments"]
                    .as_array()
                    .expect("back")
                    .len();
                assert_eq!(back, direct);
            }
        }
    }
}

/// A page of contradicted gaps with their chains (state, provision, commitments, assessments,
/// evidence and explanation): a fixed number of statements for 5 or 60 gaps. (Contradicted
/// gaps have a commitment and a contradicting assessment each, so every path has rows.)
#[tokio::test]
async fn the_chains_of_a_page_of_gaps_cost_the_same_for_5_or_60_gaps() {
    let app = spawn_app().await;
    let bare = r#"query($first: Int) { gaps(first: $first, asOf: "2025-01-01", filter: { statuses: [CONTRADICTED] }) { nodes { status } } }"#;
    let chains = r#"query($first: Int) { gaps(first: $first, asOf: "2025-01-01", filter: { statuses: [CONTRADICTED] }) { nodes {
        status state { code } provision { code instrument { slug } }
        commitments { act } contradicting { finding evidence { title } }
        explanation
    } } }"#;
    statements_of(&app, bare, json!({ "first": 1 })).await;
    let mut extra = Vec::new();
    for first in [5, 60] {
        // Once unmeasured: a walk that reaches the end of the list keeps it (crate::answers),
        // and both measured requests must find the engine's side in the same state.
        statements_of(&app, bare, json!({ "first": first })).await;
        // Another text for the same question, so that it is evaluated and not answered with
        // the kept bytes of the request above (api::replies): both measured requests then run.
        let again = format!("{bare} # measured");
        let (without, _) = statements_of(&app, &again, json!({ "first": first })).await;
        let (with, d) = statements_of(&app, chains, json!({ "first": first })).await;
        let nodes = d["gaps"]["nodes"].as_array().expect("nodes");
        assert_eq!(nodes.len(), first as usize);
        assert!(nodes
            .iter()
            .all(|n| n["explanation"].as_str().is_some_and(|e| !e.is_empty())));
        extra.push(with - without);
    }
    assert_eq!(
        extra[0], extra[1],
        "statements of the chains of 5 and 60 gaps: {extra:?}"
    );
}

/// Statements a query costs on the app (after a warm-up).
async fn statements_of(
    app: &crate::helpers::TestApp,
    query: &str,
    variables: serde_json::Value,
) -> (u64, serde_json::Value) {
    app.settle().await;
    let before = app.statements.get();
    let d = app.data(query, variables).await;
    (app.statements.get() - before, d)
}

const SCORECARDS: &str = r#"query($first: Int) {
  states(first: $first) { nodes { code scorecard(asOf: "2025-01-01") { committed contradicted counts { status count } } } }
}"#;
const CODES: &str = r#"query($first: Int) { states(first: $first) { nodes { code } } }"#;

#[tokio::test]
async fn the_scorecards_of_a_page_of_states_run_the_gap_engine_once() {
    let app = spawn_app().await;
    statements_of(&app, CODES, json!({ "first": 1 })).await;
    let mut engine = Vec::new();
    for first in [1, 40] {
        let (with, d) = statements_of(&app, SCORECARDS, json!({ "first": first })).await;
        let (without, _) = statements_of(&app, CODES, json!({ "first": first })).await;
        engine.push(with - without);
        // Each state's scorecard from the page equals the one asked for alone.
        for node in d["states"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .step_by(13)
        {
            let alone = app
                .data(
                    r#"query($s: String!) { scorecard(state: $s, asOf: "2025-01-01") { committed contradicted counts { status count } } }"#,
                    json!({ "s": node["code"] }),
                )
                .await;
            assert_eq!(node["scorecard"], alone["scorecard"], "{}", node["code"]);
        }
    }
    assert_eq!(
        engine[0], engine[1],
        "statements of the scorecards of 1 and of 40 states: {engine:?}"
    );
}

#[tokio::test]
async fn the_gaps_of_a_page_of_provisions_run_the_gap_engine_once() {
    let app = spawn_app().await;
    let gaps = r#"query($first: Int) { provisions(first: $first) { nodes { code gaps(asOf: "2025-01-01", statuses: [CONTRADICTED, PARTIAL]) { id status } } } }"#;
    let codes = r#"query($first: Int) { provisions(first: $first) { nodes { code } } }"#;
    statements_of(&app, codes, json!({ "first": 1 })).await;
    let mut engine = Vec::new();
    let mut found = 0;
    for first in [1, 60] {
        let (with, d) = statements_of(&app, gaps, json!({ "first": first })).await;
        let (without, _) = statements_of(&app, codes, json!({ "first": first })).await;
        engine.push(with - without);
        let nodes = d["provisions"]["nodes"].as_array().expect("nodes");
        found += nodes
            .iter()
            .map(|n| n["gaps"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
        // Each provision's gaps from the page equal those asked for alone (a sample: each
        // request runs the engine over every state, and the test budget is small).
        for node in nodes.iter().step_by(9) {
            let alone = app
                .data(
                    r#"query($p: String!) { provision(code: $p) { gaps(asOf: "2025-01-01", statuses: [CONTRADICTED, PARTIAL]) { id status } } }"#,
                    json!({ "p": node["code"] }),
                )
                .await;
            assert_eq!(node["gaps"], alone["provision"]["gaps"], "{}", node["code"]);
        }
    }
    assert!(found > 0, "the fixture has contradicted or partial gaps");
    assert_eq!(
        engine[0], engine[1],
        "statements of the gaps of 1 and of 60 provisions: {engine:?}"
    );
}

#[tokio::test]
async fn a_page_of_100_scorecards_fits_the_default_cost_limit() {
    let app = spawn_app().await;
    let body = app.post(SCORECARDS, json!({ "first": 100 })).await;
    assert!(body.get("errors").is_none(), "{body}");
    let cost = body["extensions"]["cost"]["requested"]
        .as_u64()
        .expect("cost");
    // One engine run for the page (500) and every state's cells, not 100 runs.
    assert!(cost < 25_000, "cost {cost}");
}
