//! The data version: it advances with every write the public can see, never on a read or a
//! draft, and GET answers carry it as an `ETag` that a client can revalidate.

use crate::helpers::{spawn_writable_app, TestApp};
use entity::UserRole;
use serde_json::json;

const VERSION: &str = "{ registry { dataVersion updatedAt } }";

async fn version(app: &TestApp) -> i64 {
    app.data(VERSION, json!({})).await["registry"]["dataVersion"]
        .as_i64()
        .expect("dataVersion")
}

const CREATE: &str = r#"mutation { createCommitment(input: { state: "CHL", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", sources: ["pariscall-site-supporters"] }) { id version } }"#;
const PUBLISH: &str =
    "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { id ... on Commitment { version } } }";
const RETRACT: &str =
    r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "test") { id } }"#;

#[tokio::test]
async fn the_data_version_moves_with_public_writes_only() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let start = version(&app).await;
    // Reads leave it alone.
    app.data(
        "{ states(first: 5) { nodes { code scorecard { committed } } } }",
        json!({}),
    )
    .await;
    assert_eq!(version(&app).await, start, "a read moved the data version");

    // A draft is not public: no move.
    let created = app.post_as(&editor, CREATE, json!({})).await;
    let c = &created["data"]["createCommitment"];
    assert_eq!(
        version(&app).await,
        start,
        "a draft moved the data version: {created}"
    );

    // Publishing it does.
    let published = app
        .post_as(
            &editor,
            PUBLISH,
            json!({ "id": c["id"], "v": c["version"] }),
        )
        .await;
    let p = &published["data"]["publish"];
    let after_publish = version(&app).await;
    assert!(after_publish > start, "{published}");

    // So does retracting a published record.
    app.post_as(
        &editor,
        RETRACT,
        json!({ "id": p["id"], "v": p["version"] }),
    )
    .await;
    assert!(version(&app).await > after_publish);
}

async fn get_if_none_match(app: &TestApp, path: &str, tag: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .header("If-None-Match", tag)
        .send()
        .await
        .expect("sent")
}

#[tokio::test]
async fn a_get_answer_carries_an_etag_that_revalidates_until_the_data_changes() {
    let app = spawn_writable_app().await;
    let path = "/graphql?query=%7B%20state(code%3A%20%22MEX%22)%20%7B%20name%20%7D%20%7D";
    let first = app.get(path).await;
    assert_eq!(first.status(), 200);
    let tag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_string();
    assert!(tag.starts_with("W/\""), "{tag}");

    let again = get_if_none_match(&app, path, &tag).await;
    assert_eq!(
        again.status(),
        304,
        "the same data answers 304 Not Modified"
    );

    // A public write: the old tag no longer matches.
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let created = app.post_as(&editor, CREATE, json!({})).await;
    let c = &created["data"]["createCommitment"];
    app.post_as(
        &editor,
        PUBLISH,
        json!({ "id": c["id"], "v": c["version"] }),
    )
    .await;
    let changed = get_if_none_match(&app, path, &tag).await;
    assert_eq!(changed.status(), 200);
    let new_tag = changed.headers().get("etag").and_then(|v| v.to_str().ok());
    assert!(new_tag.is_some_and(|t| t != tag), "{new_tag:?} vs {tag}");
}
