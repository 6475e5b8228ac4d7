//! The README's example queries run against the bundled data, so they cannot rot.

use crate::helpers::spawn_app;
use serde_json::json;

#[tokio::test]
async fn every_graphql_example_in_the_readme_answers_without_errors() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let examples: Vec<&str> = readme
        .split("```graphql\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|q| !q.trim_start().starts_with("mutation")) // mutations: walkthrough.rs
        .collect();
    assert!(
        examples.len() >= 3,
        "the README shows at least three example queries"
    );
    let app = spawn_app().await;
    for query in examples {
        let data = app.data(query, json!({})).await;
        assert!(
            data.as_object()
                .is_some_and(|o| o.values().all(|v| !v.is_null())),
            "an example answered null: {query}: {data:#}"
        );
    }
}
