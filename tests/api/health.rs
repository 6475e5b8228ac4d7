use crate::helpers::spawn_empty_app;

#[tokio::test]
async fn healthz_answers_ok_and_readyz_sees_the_database() {
    let app = spawn_empty_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body"), "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_gone() {
    let app = spawn_empty_app().await;
    app.db.clone().close().await.expect("close the pool");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_echoes_a_sane_one() {
    let app = spawn_empty_app().await;
    let resp = app.get("/healthz").await;
    let id = resp.headers().get("x-request-id").expect("a request id");
    assert_eq!(id.to_str().expect("ascii").len(), 36, "a fresh UUID");
    let resp = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "abc-123")
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.headers()["x-request-id"], "abc-123");
}

#[tokio::test]
async fn graphiql_is_served_to_a_browser() {
    let app = spawn_empty_app().await;
    let resp = app.get("/graphql").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.expect("body").contains("graphiql"));
}

#[tokio::test]
async fn a_read_query_works_over_get_and_a_mutation_does_not() {
    let app = spawn_empty_app().await;
    let resp = app
        .get("/graphql?query=%7B%20forums%20%7B%20totalCount%20%7D%20%7D")
        .await;
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body["data"]["forums"]["totalCount"], 0);
    let resp = app.get("/graphql?query=mutation%20%7B%20x%20%7D").await;
    assert_eq!(resp.status(), 405);
}

#[tokio::test]
async fn cors_preflight_is_answered() {
    let app = spawn_empty_app().await;
    let resp = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
        .header("origin", "https://dashboard.example.org")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("sent");
    assert!(resp.status().is_success(), "{}", resp.status());
    assert!(resp.headers().contains_key("access-control-allow-origin"));
}
