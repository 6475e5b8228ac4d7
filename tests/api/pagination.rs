use crate::helpers::{code, spawn_app};
use serde_json::{json, Value};

const PAGE: &str = r#"query($first: Int, $after: String, $last: Int, $before: String) {
  states(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { code } }
    nodes { code }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

fn codes(page: &Value) -> Vec<String> {
    page["states"]["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn first_defaults_to_20_and_total_count_counts_all() {
    let app = spawn_app().await;
    let page = app.data(PAGE, json!({})).await;
    assert_eq!(codes(&page).len(), 20);
    assert_eq!(page["states"]["totalCount"], 195);
    assert_eq!(page["states"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(page["states"]["pageInfo"]["hasPreviousPage"], false);
    let edges = page["states"]["edges"].as_array().expect("edges");
    assert_eq!(edges[0]["node"]["code"], page["states"]["nodes"][0]["code"]);
    assert_eq!(
        edges[0]["cursor"],
        page["states"]["pageInfo"]["startCursor"]
    );
}

#[tokio::test]
async fn walking_forward_visits_every_state_once() {
    let app = spawn_app().await;
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let page = app
            .data(PAGE, json!({ "first": 100, "after": after }))
            .await;
        seen.extend(codes(&page));
        let info = &page["states"]["pageInfo"];
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].as_str().map(str::to_string);
    }
    assert_eq!(seen.len(), 195);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 195);
}

#[tokio::test]
async fn paging_backwards_gives_the_same_records_in_the_same_order() {
    let app = spawn_app().await;
    let first = app.data(PAGE, json!({ "first": 10 })).await;
    let second = app
        .data(
            PAGE,
            json!({ "first": 10, "after": first["states"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(second["states"]["pageInfo"]["hasPreviousPage"], true);
    let back = app
        .data(
            PAGE,
            json!({ "last": 10, "before": second["states"]["pageInfo"]["startCursor"] }),
        )
        .await;
    assert_eq!(codes(&back), codes(&first));
    assert_eq!(back["states"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(back["states"]["pageInfo"]["hasPreviousPage"], false);
    let tail = app.data(PAGE, json!({ "last": 5 })).await;
    assert_eq!(codes(&tail).len(), 5);
    assert_eq!(tail["states"]["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn first_over_100_is_refused_naming_the_limit() {
    let app = spawn_app().await;
    let err = app.error(PAGE, json!({ "first": 101 })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "first");
    assert!(
        err["message"].as_str().unwrap_or_default().contains("100"),
        "{err}"
    );
    let err = app.error(PAGE, json!({ "first": -1 })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    let err = app.error(PAGE, json!({ "first": 5, "last": 5 })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_malformed_cursor_is_bad_user_input() {
    let app = spawn_app().await;
    let err = app.error(PAGE, json!({ "after": "not-a-cursor" })).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    assert_eq!(err["extensions"]["field"], "after");
}

#[tokio::test]
async fn empty_pages_are_empty_not_errors() {
    let app = spawn_app().await;
    let page = app.data(PAGE, json!({ "first": 0 })).await;
    assert_eq!(codes(&page).len(), 0);
    assert!(page["states"]["pageInfo"]["endCursor"].is_null());
    let none = app
        .data(
            r#"{ states(filter: { search: "no such country" }) { totalCount nodes { code } pageInfo { hasNextPage } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(none["states"]["totalCount"], 0);
    assert_eq!(none["states"]["nodes"], json!([]));
    assert_eq!(none["states"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn every_connection_paginates_the_same_way() {
    let app = spawn_app().await;
    for field in [
        "forums",
        "instruments",
        "provisions",
        "commitments",
        "positions",
        "evidence",
    ] {
        let q = format!(
            "query($after: String) {{ {field}(first: 3, after: $after) {{ totalCount nodes {{ id }} pageInfo {{ endCursor hasNextPage }} }} }}"
        );
        let one = app.data(&q, json!({})).await;
        let c = &one[field];
        assert_eq!(c["nodes"].as_array().map(Vec::len), Some(3), "{field}");
        assert!(c["totalCount"].as_i64().unwrap_or(0) > 3, "{field}");
        let two = app
            .data(&q, json!({ "after": c["pageInfo"]["endCursor"] }))
            .await;
        assert_ne!(two[field]["nodes"][0]["id"], c["nodes"][0]["id"], "{field}");
    }
}
