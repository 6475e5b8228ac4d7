//! Abuse limits: each refuses its query with a clear error before it runs.

use crate::helpers::{code, spawn_app, spawn_app_with};
use serde_json::json;

#[tokio::test]
async fn an_alias_heavy_query_is_refused_for_complexity() {
    let app = spawn_app_with(|c| c.max_complexity = 50).await;
    let fields: String = (0..60)
        .map(|i| format!("a{i}: forums(first: 1) {{ totalCount }} "))
        .collect();
    let err = app.error(&format!("{{ {fields} }}"), json!({})).await;
    assert_eq!(code(&err), "BAD_USER_INPUT");
    // 60 aliases of (the connection, totalCount).
    assert_eq!(err["extensions"]["cost"], 120, "{err}");
    assert_eq!(err["extensions"]["limit"], 50, "{err}");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("this query costs 120, more than the limit of 50"),
        "{err}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let app = spawn_app_with(|c| c.max_body_bytes = 2048).await;
    let big = format!(
        "{{ states(filter: {{ search: \"{}\" }}) {{ totalCount }} }}",
        "x".repeat(4000)
    );
    let resp = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": big }))
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status(), 413);
}

#[tokio::test]
async fn a_batch_over_the_limit_is_refused() {
    let app = spawn_app_with(|c| c.max_batch = 3).await;
    let one = json!({ "query": "{ forums { totalCount } }" });
    let ok: serde_json::Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!([one, one, one]))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(ok.as_array().map(Vec::len), Some(3));
    let refused: serde_json::Value = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!([one, one, one, one]))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(code(&refused["errors"][0]), "BAD_USER_INPUT", "{refused}");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let on = spawn_app().await;
    let q = "{ __schema { queryType { name } } }";
    assert_eq!(
        on.data(q, json!({})).await["__schema"]["queryType"]["name"],
        "QueryRoot"
    );
    let off = spawn_app_with(|c| c.introspection = false).await;
    let resp = off.post(q, json!({})).await;
    assert!(
        resp["data"]["__schema"].is_null(),
        "the schema is withheld: {resp}"
    );
}

#[tokio::test]
async fn the_cost_budget_is_reported_and_runs_out() {
    let app = spawn_app_with(|c| {
        c.rate_limit_capacity = 60;
        c.rate_limit_per_minute = 1;
        c.max_complexity = 60;
    })
    .await;
    let q = "{ forums(first: 3) { totalCount nodes { slug name } } }";
    let first = app.post(q, json!({})).await;
    let cost = &first["extensions"]["cost"];
    let requested = cost["requested"].as_i64().expect("requested");
    assert!(requested > 0);
    assert_eq!(cost["limit"], 60);
    assert_eq!(cost["remaining"].as_i64(), Some(60 - requested));
    let mut last = first;
    for _ in 0..60 {
        last = app.post(q, json!({})).await;
        if last.get("errors").is_some() {
            break;
        }
    }
    let err = &last["errors"][0];
    assert_eq!(code(err), "RATE_LIMITED", "{last}");
    assert!(err["extensions"]["retryAfter"].as_i64().unwrap_or(0) > 0);
    assert!(last["data"].is_null(), "the query did not run");
}
