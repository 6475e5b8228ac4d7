//! Writes: concurrency, validation, drafts, retraction, history.

use crate::helpers::{code, spawn_writable_app, TestApp};
use entity::{revision, RecordKind, UserRole};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

const CREATE: &str = r#"mutation($state: String!) { createCommitment(input: { state: $state, instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", note: "draft", sources: ["pariscall-site-supporters"] }) { id version status } }"#;

async fn create(app: &TestApp, token: &str, state: &str) -> (String, i64) {
    let r = app.post_as(token, CREATE, json!({ "state": state })).await;
    let c = &r["data"]["createCommitment"];
    (
        c["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{r}"))
            .to_string(),
        c["version"].as_i64().unwrap_or(0),
    )
}

#[tokio::test]
async fn twenty_concurrent_updates_of_one_version_let_exactly_one_through() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let (id, version) = create(&app, &editor, "CHL").await;
    let q = r#"mutation($id: ID!, $v: Int!, $n: String!) { updateCommitment(id: $id, version: $v, input: { note: $n }) { version } }"#;
    let calls = (0..20).map(|i| {
        let (app, editor, id) = (&app, &editor, &id);
        async move {
            app.post_as(
                editor,
                q,
                json!({ "id": id, "v": version, "n": format!("edit {i}") }),
            )
            .await
        }
    });
    let results: Vec<Value> = futures_util::future::join_all(calls).await;
    let ok = results.iter().filter(|r| r.get("errors").is_none()).count();
    let conflicts: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("errors").is_some())
        .collect();
    assert_eq!(ok, 1, "exactly one update wins: {results:#?}");
    assert_eq!(conflicts.len(), 19);
    for c in conflicts {
        assert_eq!(code(&c["errors"][0]), "CONFLICT", "{c}");
        assert_eq!(c["errors"][0]["extensions"]["currentVersion"], version + 1);
    }
    let cid: i32 = {
        use base64::Engine;
        let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&id)
            .expect("id");
        String::from_utf8(raw)
            .expect("utf8")
            .rsplit(':')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("number")
    };
    let updates = revision::Entity::find()
        .filter(revision::Column::RecordKind.eq(RecordKind::Commitment))
        .filter(revision::Column::RecordId.eq(cid))
        .filter(revision::Column::Action.eq(entity::RevisionAction::Update))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(updates, 1, "the log shows one change");
}

#[tokio::test]
async fn bad_inputs_are_refused_naming_the_field_and_change_nothing() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let before = entity::commitment::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let revisions_before = revision::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let base = json!({ "state": "CHL", "instrument": "paris-call", "act": "ENDORSED", "modality": "EXPLICIT", "validFrom": "2019", "sources": ["pariscall-site-supporters"] });
    let with = |k: &str, v: Value| {
        let mut i = base.clone();
        i[k] = v;
        i
    };
    let q = "mutation($i: CreateCommitmentInput!) { createCommitment(input: $i) { id } }";
    for (input, field) in [
        (with("state", json!("XXX")), "state"),
        (with("instrument", json!("no-such-thing")), "instrument"),
        (with("forum", json!("nowhere")), "forum"),
        (with("sources", json!([])), "sources"),
        (with("sources", json!(["unknown-source"])), "sources"),
        (with("validTo", json!("2001")), "validTo"),
        (with("validFrom", json!("2999-01-01")), "validFrom"),
        (with("reservations", json!(["iccpr-17"])), "reservations"),
        (with("note", json!("x".repeat(2001))), "note"),
    ] {
        let r = app.post_as(&editor, q, json!({ "i": input })).await;
        let err = &r["errors"][0];
        assert_eq!(code(err), "BAD_USER_INPUT", "{input}: {r}");
        assert_eq!(err["extensions"]["field"], field, "{input}: {r}");
    }
    // Malformed scalars are refused before any resolver runs.
    let r = app
        .post_as(
            &editor,
            q,
            json!({ "i": with("validFrom", json!("19-3-2019")) }),
        )
        .await;
    assert_eq!(code(&r["errors"][0]), "BAD_USER_INPUT");
    let r = app
        .post_as(&editor, q, json!({ "i": with("act", json!("PROMISED")) }))
        .await;
    assert_eq!(code(&r["errors"][0]), "BAD_USER_INPUT");
    assert_eq!(
        entity::commitment::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        before
    );
    assert_eq!(
        revision::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        revisions_before
    );
}

#[tokio::test]
async fn drafts_are_invisible_to_the_public_in_every_query_and_count() {
    let app = spawn_writable_app().await;
    let contributor = app.user_token("c@example.org", UserRole::Contributor).await;
    let viewer = app.user_token("v@example.org", UserRole::Viewer).await;
    let editor = app.user_token("e@example.org", UserRole::Editor).await;
    let count = r#"{ commitments(filter: { states: ["CHL"], instruments: ["paris-call"] }) { totalCount } state(code: "CHL") { commitments { act } } }"#;
    let public_before = app.data(count, json!({})).await;
    let (id, version) = create(&app, &contributor, "CHL").await;
    let node = "query($id: ID!) { node(id: $id) { id } }";
    for (who, resp) in [
        ("anonymous", app.post(count, json!({})).await),
        ("viewer", app.post_as(&viewer, count, json!({})).await),
    ] {
        assert_eq!(resp["data"], public_before, "{who} sees no draft");
    }
    assert!(app.post(node, json!({ "id": id })).await["data"]["node"].is_null());
    assert!(app.post_as(&viewer, node, json!({ "id": id })).await["data"]["node"].is_null());
    assert_eq!(
        app.post_as(&contributor, node, json!({ "id": id })).await["data"]["node"]["id"],
        id,
        "the author sees it"
    );
    let seen = app.post_as(&editor, count, json!({})).await;
    assert_eq!(
        seen["data"]["commitments"]["totalCount"].as_i64(),
        public_before["commitments"]["totalCount"]
            .as_i64()
            .map(|n| n + 1),
        "editors see drafts"
    );
    // The gap engine ignores drafts.
    let gap = r#"{ gaps(filter: { states: ["CHL"], provisions: ["paris-call-1"] }, asOf: "2024-01-01") { nodes { commitments { id } } } }"#;
    let g = app.post_as(&editor, gap, json!({})).await;
    assert!(!g.to_string().contains(&id), "a draft never counts: {g}");
    // Published, everyone sees it; retracted, only editors, with its history.
    let p = app
        .post_as(
            &editor,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { id } }",
            json!({ "id": id, "v": version }),
        )
        .await;
    assert!(p.get("errors").is_none(), "{p}");
    assert_eq!(
        app.post(node, json!({ "id": id })).await["data"]["node"]["id"],
        id
    );
    let r = app
        .post_as(&editor, "mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: \"duplicate of the site list\") { ... on Commitment { status history { nodes { action reason actor } } } } }", json!({ "id": id, "v": version + 1 }))
        .await;
    let c = &r["data"]["retract"];
    assert_eq!(c["status"], "RETRACTED", "{r}");
    let actions: Vec<_> = c["history"]["nodes"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["action"].clone())
        .collect();
    assert_eq!(
        actions,
        vec![json!("CREATE"), json!("PUBLISH"), json!("RETRACT")]
    );
    assert_eq!(
        c["history"]["nodes"][2]["reason"],
        "duplicate of the site list"
    );
    assert!(
        app.post(node, json!({ "id": id })).await["data"]["node"].is_null(),
        "retracted: gone for the public"
    );
    assert_eq!(
        app.post_as(&editor, node, json!({ "id": id })).await["data"]["node"]["id"],
        id,
        "but kept for editors"
    );
}

/// A date may be no more precise than the finest of the sources the record cites (a source that
/// gives years cannot back a day): checked when a record is created, when a correction changes
/// the date, and when it changes the sources under an unchanged date. Nothing is written when
/// refused.
#[tokio::test]
async fn a_date_more_precise_than_its_sources_is_refused_on_create_and_on_update() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let create = r#"mutation($date: PartialDate!, $sources: [String!]!) { createPosition(input: { state: "MEX", forum: "hrc", provision: "iccpr-17", kind: STATEMENT, stance: SUPPORTS, date: $date, summary: "Spoke for privacy online.", sources: $sources }) { id version } }"#;
    let update = r#"mutation($id: ID!, $v: Int!, $i: UpdatePositionInput!) { updatePosition(id: $id, version: $v, input: $i) { date version } }"#;
    let refused =
        |r: &Value| {
            let err = &r["errors"][0];
            assert_eq!(code(err), "BAD_USER_INPUT", "{r}");
            assert_eq!(err["extensions"]["field"], "date", "{r}");
            assert!(
                err["message"].as_str().is_some_and(|m| m
                    .contains("is more precise than its sources, which give dates to the year")),
                "{r}"
            );
        };
    let by_year = json!(["wpdl-hr-treaty-status"]);
    let by_day = json!(["untc-iccpr"]);

    // Created with a day on a source of years: refused.
    let r = app
        .post_as(
            &editor,
            create,
            json!({ "date": "2020-05-04", "sources": by_year }),
        )
        .await;
    refused(&r);

    // Created with the year: accepted; then corrected to a day: refused, the record unchanged.
    let r = app
        .post_as(
            &editor,
            create,
            json!({ "date": "2020", "sources": by_year }),
        )
        .await;
    let p = &r["data"]["createPosition"];
    let (id, v) = (p["id"].clone(), p["version"].clone());
    let r = app
        .post_as(
            &editor,
            update,
            json!({ "id": id, "v": v, "i": { "date": "2020-05-04" } }),
        )
        .await;
    refused(&r);

    // A day on a source of days: accepted; then the sources replaced by a source of years,
    // the date left as it is: refused.
    let r = app
        .post_as(
            &editor,
            update,
            json!({ "id": id, "v": v, "i": { "date": "2020-05-04", "sources": by_day } }),
        )
        .await;
    assert_eq!(r["data"]["updatePosition"]["date"], "2020-05-04", "{r}");
    let v = r["data"]["updatePosition"]["version"].clone();
    let r = app
        .post_as(
            &editor,
            update,
            json!({ "id": id, "v": v, "i": { "sources": by_year } }),
        )
        .await;
    refused(&r);
    let r = app
        .post_as(
            &editor,
            update,
            json!({ "id": id, "v": v, "i": { "summary": "Spoke again." } }),
        )
        .await;
    assert!(
        r.get("errors").is_none(),
        "an unrelated correction passes: {r}"
    );
}
