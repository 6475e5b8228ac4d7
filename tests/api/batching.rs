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
    let app = spawn_app().await;
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
