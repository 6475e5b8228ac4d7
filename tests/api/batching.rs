//! Nested relations are batched: the number of SQL statements does not grow with the page size.

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

async fn statements_for(app: &crate::helpers::TestApp, first: i64) -> u64 {
    let before = app.statements.get();
    let d = app.data(NESTED, json!({ "first": first })).await;
    let after = app.statements.get();
    assert_eq!(
        d["states"]["nodes"].as_array().map(Vec::len),
        Some(first as usize)
    );
    after - before
}

#[tokio::test]
async fn a_page_of_100_states_with_relations_costs_as_many_statements_as_a_page_of_5() {
    // The loaders' batching window (2 ms by default) is widened here: on a loaded 2-core
    // machine the keys of one level can arrive more than 2 ms apart and a batch is cut in two,
    // which says nothing about whether the relations are batched. (Batching without a window
    // is issue 10's work; `api/src/batch.rs` already does it for the gap engine's fields.)
    let app = crate::helpers::spawn_app_with(|c| c.batch_delay_ms = 25).await;
    // Warm up (connection set-up statements are not the query's).
    statements_for(&app, 1).await;
    // One batch per relation path: the page of states, commitments, their instrument, its
    // forum, their sources (2 statements), their reservations (2), memberships, their forum,
    // evidence (2), assessments, their provision: 14. A loader's batch is cut in two when its
    // keys arrive further apart than the batching window, which happens under load, so the
    // bound allows each path two batches. An N+1 pattern would cost hundreds for 100 states.
    const PATHS: u64 = 14;
    let mut counts = Vec::new();
    for first in [5, 20, 100] {
        let n = statements_for(&app, first).await;
        assert!(
            n <= 2 * PATHS,
            "{n} statements for a page of {first} states"
        );
        counts.push(n);
    }
    eprintln!("statements for 5, 20 and 100 states: {counts:?}");
}

/// Statements a query costs on the app (after a warm-up).
async fn statements_of(
    app: &crate::helpers::TestApp,
    query: &str,
    variables: serde_json::Value,
) -> (u64, serde_json::Value) {
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
    // `id` and `status` only: `Gap.state` would add a loader path whose batching depends on
    // timing (see above), and this test counts the engine's statements exactly.
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
