//! `/metrics`: what an operator sees after a few requests.

use crate::helpers::{spawn_app, spawn_app_with};
use serde_json::json;

/// The value of the sample `name{labels}` in a Prometheus text exposition (labels in any order).
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| {
            let (metric, _) = l.rsplit_once(' ').unwrap_or((l, ""));
            let bare = metric.split('{').next() == Some(name);
            bare && labels
                .iter()
                .all(|(k, v)| metric.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|l| l.rsplit_once(' ')?.1.parse().ok())
}

#[tokio::test]
async fn metrics_count_operations_by_name_and_code_with_cost_latency_and_pools() {
    let app = spawn_app().await;
    for _ in 0..2 {
        app.post(
            "query Heatmap { states(first: 2) { nodes { code } } }",
            json!({}),
        )
        .await;
    }
    app.post("{ states(first: 1000) { nodes { code } } }", json!({}))
        .await;
    let resp = app.get("/metrics").await;
    assert_eq!(resp.status(), 200);
    let text = resp.text().await.expect("text");
    let ok = sample(
        &text,
        "normwatch_graphql_requests_total",
        &[("operation", "Heatmap"), ("code", "OK")],
    );
    assert_eq!(ok, Some(2.0), "{text}");
    let bad = sample(
        &text,
        "normwatch_graphql_requests_total",
        &[("operation", "anonymous"), ("code", "BAD_USER_INPUT")],
    );
    assert_eq!(bad, Some(1.0), "{text}");
    let cost = sample(&text, "normwatch_query_cost_total", &[]).unwrap_or(0.0);
    assert!(cost > 0.0, "{text}");
    let answered = sample(
        &text,
        "normwatch_graphql_request_seconds_count",
        &[("method", "POST")],
    );
    assert_eq!(answered, Some(3.0), "{text}");
    for pool in ["read", "write", "limits"] {
        for state in ["in_use", "idle"] {
            assert!(
                sample(
                    &text,
                    "normwatch_db_connections",
                    &[("pool", pool), ("state", state)]
                )
                .is_some(),
                "no {pool}/{state} gauge:\n{text}"
            );
        }
    }
}

#[tokio::test]
async fn metrics_count_rate_limit_refusals() {
    let app = spawn_app_with(|c| {
        c.rate_limit_capacity = 50;
        c.rate_limit_per_minute = 1;
        c.max_complexity = 50;
    })
    .await;
    for _ in 0..5 {
        app.post("{ states(first: 20) { nodes { code } } }", json!({}))
            .await;
    }
    let text = app.get("/metrics").await.text().await.expect("text");
    let refused = sample(&text, "normwatch_rate_limited_total", &[]).unwrap_or(0.0);
    assert!(refused >= 1.0, "{text}");
    let by_code = sample(
        &text,
        "normwatch_graphql_requests_total",
        &[("code", "RATE_LIMITED")],
    );
    assert_eq!(by_code, Some(refused), "{text}");
}

/// A repeated public question is served from the kept answers, and `/metrics` says so. The
/// counters are per process (the kept answers are), and other tests run in this process too, so
/// the test compares the counts before and after its own requests.
#[tokio::test]
async fn kept_gap_answers_are_counted_as_hits_and_misses() {
    let app = spawn_app().await;
    let count = |text: &str, kind: &str, outcome: &str| {
        sample(
            text,
            "normwatch_kept_answers_total",
            &[("kind", kind), ("outcome", outcome)],
        )
        .unwrap_or(0.0)
    };
    let metrics = || async { app.get("/metrics").await.text().await.expect("text") };
    let before = metrics().await;
    let q = r#"{ scorecard(state: "MEX", asOf: "2021-05-05") { committed contradicted } }"#;
    let first = app.data(q, json!({})).await;
    let after_first = metrics().await;
    let second = app.data(q, json!({})).await;
    let after_second = metrics().await;
    assert_eq!(first, second);
    assert!(
        count(&after_first, "scorecard", "miss") > count(&before, "scorecard", "miss"),
        "the first answer is evaluated: {after_first}"
    );
    // The whole reply is kept too (`api::replies`): the repeat is served from its bytes.
    assert!(
        count(&after_second, "reply", "hit") > count(&after_first, "reply", "hit"),
        "the repeat is served from the kept replies: {after_second}"
    );
}

/// A request refused before any operation runs (here a bad bearer token; the same path answers
/// SERVICE_UNAVAILABLE when the account cannot be read) is counted by its code, on POST and on
/// GET: /metrics shows every refusal, whoever asked.
#[tokio::test]
async fn refusals_before_any_operation_are_counted_by_code() {
    let app = spawn_app_with(|c| {
        c.jwt_secret = Some(api::config::Secret::new(crate::helpers::TEST_SECRET));
    })
    .await;
    let client = reqwest::Client::new();
    let post = client
        .post(format!("{}/graphql", app.address))
        .bearer_auth("not-a-token")
        .json(&json!({ "query": "{ states(first: 1) { nodes { code } } }" }))
        .send()
        .await
        .expect("an answer");
    assert_eq!(post.status(), 200);
    let get = client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "{ states(first: 1) { nodes { code } } }")])
        .bearer_auth("not-a-token")
        .send()
        .await
        .expect("an answer");
    let body: serde_json::Value = get.json().await.expect("json");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let text = app.get("/metrics").await.text().await.expect("text");
    let refused = sample(
        &text,
        "normwatch_graphql_requests_total",
        &[("operation", "anonymous"), ("code", "UNAUTHENTICATED")],
    );
    assert_eq!(refused, Some(2.0), "{text}");
}
