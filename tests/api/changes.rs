//! The change feed and `updatedSince`: a mirror syncs by asking what changed since its last
//! read, and learns of retractions, without re-reading everything or seeing drafts.

use crate::helpers::{code, spawn_writable_app};
use entity::UserRole;
use serde_json::{json, Value};

const CREATE: &str = r#"mutation { createCommitment(input: { state: "CHL", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", sources: ["pariscall-site-supporters"] }) { id version } }"#;
const PUBLISH: &str =
    "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { id ... on Commitment { version } } }";
const RETRACT: &str = r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "duplicate entry") { id } }"#;
const CHANGES: &str = "query($since: DateTime!) { changes(since: $since) { totalCount nodes { action recordKind recordId actor reason createdAt } } }";

fn now() -> String {
    chrono::Utc::now().to_rfc3339()
}

#[tokio::test]
async fn the_change_feed_lists_publications_and_retractions_but_not_drafts() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let since = now();
    let feed = |v: Value| v["changes"].clone();
    let empty = feed(app.data(CHANGES, json!({ "since": since })).await);
    assert_eq!(
        empty["totalCount"], 0,
        "the seed load is older than `since`: {empty}"
    );

    let created = app.post_as(&editor, CREATE, json!({})).await;
    let c = &created["data"]["createCommitment"];
    let after_draft = feed(app.data(CHANGES, json!({ "since": since })).await);
    assert_eq!(
        after_draft["totalCount"], 0,
        "a draft reached the feed: {after_draft}"
    );

    let published = app
        .post_as(
            &editor,
            PUBLISH,
            json!({ "id": c["id"], "v": c["version"] }),
        )
        .await;
    let p = &published["data"]["publish"];
    app.post_as(
        &editor,
        RETRACT,
        json!({ "id": p["id"], "v": p["version"] }),
    )
    .await;

    let changes = feed(app.data(CHANGES, json!({ "since": since })).await);
    let nodes = changes["nodes"].as_array().expect("nodes");
    let actions: Vec<&str> = nodes.iter().filter_map(|n| n["action"].as_str()).collect();
    assert_eq!(actions, ["PUBLISH", "RETRACT"], "{changes}");
    for n in nodes {
        assert_eq!(n["recordId"], c["id"], "{n}");
        assert_eq!(n["recordKind"], "COMMITMENT");
        // The public is told the role, never the editor's e-mail.
        assert_eq!(n["actor"], "editor", "{n}");
    }
    assert_eq!(nodes[1]["reason"], "duplicate entry");

    // Once retracted, the record's content leaves the feed too: only the fact of the change stays.
    let content = app
        .data(
            "query($since: DateTime!) { changes(since: $since) { nodes { before after } } }",
            json!({ "since": since }),
        )
        .await;
    for n in content["changes"]["nodes"].as_array().expect("nodes") {
        assert_eq!(n["before"], Value::Null, "{content}");
        assert_eq!(n["after"], Value::Null, "{content}");
    }

    // Asking from after the publication leaves only the retraction.
    let later = nodes[1]["createdAt"].as_str().expect("createdAt");
    let tail = feed(app.data(CHANGES, json!({ "since": later })).await);
    assert_eq!(tail["nodes"][0]["action"], "RETRACT", "{tail}");
}

#[tokio::test]
async fn a_bad_since_is_refused_naming_the_field_and_the_type() {
    let app = spawn_writable_app().await;
    let body = app.post(CHANGES, json!({ "since": "yesterday" })).await;
    let err = &body["errors"][0];
    assert_eq!(code(err), "BAD_USER_INPUT", "{body}");
    assert_eq!(err["path"], json!(["changes"]), "{body}");
    assert!(
        err["message"]
            .as_str()
            .unwrap_or_default()
            .contains("DateTime"),
        "{body}"
    );
}

#[tokio::test]
async fn every_list_takes_updated_since() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let since = now();
    let lists = [
        "states",
        "forums",
        "instruments",
        "provisions",
        "commitments",
        "positions",
        "evidence",
    ];
    for list in lists {
        let q = format!(
            "query($s: DateTime!) {{ {list}(filter: {{ updatedSince: $s }}) {{ totalCount }} \
             all: {list} {{ totalCount }} }}"
        );
        let before = app.data(&q, json!({ "s": since })).await;
        assert_eq!(before[list]["totalCount"], 0, "{list}: {before}");
        let all = app.data(&q, json!({ "s": "1900-01-01T00:00:00Z" })).await;
        assert_eq!(
            all[list]["totalCount"], all["all"]["totalCount"],
            "{list}: {all}"
        );
    }

    // A published record created now is exactly what `updatedSince` returns.
    let created = app.post_as(&editor, CREATE, json!({})).await;
    let c = &created["data"]["createCommitment"];
    app.post_as(
        &editor,
        PUBLISH,
        json!({ "id": c["id"], "v": c["version"] }),
    )
    .await;
    let q = "query($s: DateTime!) { commitments(filter: { updatedSince: $s }) { nodes { id } } }";
    let fresh = app.data(q, json!({ "s": since })).await;
    assert_eq!(
        fresh["commitments"]["nodes"],
        json!([{ "id": c["id"] }]),
        "{fresh}"
    );
}
