//! A repeated `gapMatrix` or `scorecard` (top-level or `State.scorecard`) is answered from
//! memory until a published write moves the data version; then it is evaluated again and shows
//! the write. Public replies to such questions are kept whole, as the bytes that were sent
//! (`api::replies`).

use crate::helpers::spawn_writable_app;
use entity::UserRole;
use serde_json::{json, Value};

const MATRIX: &str =
    r#"{ gapMatrix(states: ["CHN"], kinds: [NORM]) { cells { state provision status } } }"#;

fn status_of(answer: &Value, provision: &str) -> String {
    answer["gapMatrix"]["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .find(|c| c["provision"] == provision)
        .map(|c| c["status"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_repeated_gap_matrix_is_kept_until_a_published_write() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let ask = || async {
        app.settle().await;
        let before = app.statements.get();
        let answer = app.data(MATRIX, json!({})).await;
        (answer, app.statements.get() - before)
    };
    // The fewer statements of two asks: background reads (the cost model's refresher, every
    // 5 s) can fall into one window on a loaded machine, not into both; an answer evaluated
    // again would cost several statements both times.
    let ask_twice = || async {
        let (a, n) = ask().await;
        let (b, m) = ask().await;
        assert_eq!(a, b);
        (a, n.min(m))
    };
    let (first, cold) = ask().await;
    let (second, warm) = ask_twice().await;
    assert_eq!(first, second);
    // One statement reads the data version (one more may be the refresher's). An evaluation
    // takes several.
    assert!(
        warm < cold && warm <= 2,
        "the repeat ran {warm} statements (the first ran {cold}): it was evaluated again"
    );
    assert_eq!(
        status_of(&first, "paris-call-1"),
        "NOT_COMMITTED",
        "{first}"
    );

    // China is recorded as supporting the Paris Call (a test write); a draft changes nothing
    // the public sees: still the kept answer.
    let publish = draft_commitment(&app, &editor).await;
    let (draft, after_draft) = ask_twice().await;
    assert_eq!(draft, first);
    assert!(after_draft <= 2, "{after_draft} statements after a draft");
    // Publishing it moves the data version.
    publish.await;
    let (third, recomputed) = ask().await;
    assert!(
        recomputed > 1,
        "the answer was not evaluated again after a published write"
    );
    assert_ne!(
        status_of(&third, "paris-call-1"),
        "NOT_COMMITTED",
        "{third}"
    );
}

/// Creates a draft commitment of China to the Paris Call as `editor`, and returns the write
/// that publishes it (which moves the data version).
async fn draft_commitment<'a>(
    app: &'a crate::helpers::TestApp,
    editor: &'a str,
) -> impl std::future::Future<Output = ()> + 'a {
    let created = app
        .post_as(editor, r#"mutation { createCommitment(input: { state: "CHN", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", sources: ["pariscall-site-supporters"] }) { id version } }"#, json!({}))
        .await;
    let c = created["data"]["createCommitment"].clone();
    assert!(c.is_object(), "{created}");
    async move {
        let published = app
            .post_as(
                editor,
                "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { id } }",
                json!({ "id": c["id"], "v": c["version"] }),
            )
            .await;
        assert!(published["errors"].is_null(), "{published}");
    }
}

#[tokio::test]
async fn a_repeated_scorecard_is_kept_until_a_published_write() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let fields = "committed counts { status count } byKind { kind committed }";
    let top = format!(r#"{{ scorecard(state: "chn") {{ {fields} }} }}"#);
    let nested = format!(r#"{{ state(code: "CHN") {{ scorecard {{ {fields} }} }} }}"#);
    let ask = |q: String| {
        let app = &app;
        async move { app.data_counted(&q).await }
    };
    let committed = |a: &Value| -> i64 {
        a.get("scorecard")
            .or_else(|| a["state"].get("scorecard"))
            .and_then(|s| s["committed"].as_i64())
            .unwrap_or(-1)
    };
    let (first, cold) = ask(top.clone()).await;
    let (second, warm) = ask(top.clone()).await;
    assert_eq!(first, second);
    // The data version, and maybe the shape refresher's periodic read.
    assert!(
        warm < cold && warm <= 2,
        "the repeat ran {warm} statements (the first ran {cold})"
    );
    // Through the state: the state's own lookup, then the version (and maybe the refresher,
    // which a busy machine can make read twice in the window).
    let (n1, nested_cold) = ask(nested.clone()).await;
    let (n2, nested_warm) = ask(nested.clone()).await;
    assert_eq!(n1, n2);
    assert_eq!(committed(&n1), committed(&first), "{n1} {first}");
    assert!(
        nested_warm < nested_cold && nested_warm <= 4,
        "the repeat through the state ran {nested_warm} statements (the first {nested_cold})"
    );

    let publish = draft_commitment(&app, &editor).await;
    let (draft, after_draft) = ask(top.clone()).await;
    assert_eq!(draft, first, "a draft changed the public scorecard");
    assert!(after_draft <= 2, "{after_draft} statements after a draft");
    assert_eq!(ask(nested.clone()).await.0, n1);

    publish.await;
    let (third, recomputed) = ask(top.clone()).await;
    assert!(
        recomputed > 2,
        "not evaluated again after a published write"
    );
    assert!(
        committed(&third) > committed(&first),
        "the published commitment does not show: {third} (before: {first})"
    );
    let (n3, _) = ask(nested).await;
    assert_eq!(committed(&n3), committed(&third), "{n3}");
}

/// A POST of `query` (with a token or not): its JSON and whether it was a kept reply (the
/// `X-Cache: hit` header `api::replies` sets).
async fn post_kept(
    app: &crate::helpers::TestApp,
    token: Option<&str>,
    query: &str,
) -> (Value, bool) {
    let mut req = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("sent");
    let kept = resp
        .headers()
        .get("x-cache")
        .is_some_and(|v| v.as_bytes() == b"hit");
    (resp.json().await.expect("JSON"), kept)
}

/// A repeated public question of the gap engine is answered with the bytes of its first reply
/// (`api::replies`): the same data, its cost charged again (the budget left goes down), no
/// statement but the data version. Someone who may see drafts is never served a kept reply, and
/// a published write makes the next reply a fresh one.
#[tokio::test]
async fn a_repeated_public_question_is_answered_with_the_kept_bytes() {
    // A budget that does not refill between two requests, so that a charge shows.
    let app = crate::helpers::spawn_app_with(|c| {
        c.jwt_secret = Some(api::config::Secret::new(crate::helpers::TEST_SECRET));
        c.writes_enabled = true;
        c.rate_limit_per_minute = 1;
    })
    .await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let ask = || async {
        app.settle().await;
        let before = app.statements.get();
        let (r, kept) = post_kept(&app, None, MATRIX).await;
        (r, kept, app.statements.get() - before)
    };
    let (first, kept_first, _) = ask().await;
    let (second, kept_second, statements) = ask().await;
    assert!(first.get("errors").is_none(), "{first}");
    assert!(!kept_first && kept_second, "the repeat is a kept reply");
    assert_eq!(first["data"], second["data"]);
    assert_eq!(
        first["extensions"]["cost"]["requested"],
        second["extensions"]["cost"]["requested"]
    );
    let left = |r: &Value| {
        r["extensions"]["cost"]["remaining"]
            .as_i64()
            .expect("remaining")
    };
    assert!(
        left(&second) < left(&first),
        "the kept reply was charged: {second}"
    );
    // The data version, and maybe the cost model's periodic look at it.
    assert!(
        statements <= 2,
        "the kept reply ran {statements} statements"
    );

    // An editor's view includes drafts: evaluated, never a kept reply.
    let (as_editor, kept) = post_kept(&app, Some(&editor), MATRIX).await;
    assert_eq!(as_editor["data"], first["data"]);
    assert!(!kept, "an editor got a kept reply");

    // A published write: the next public reply is evaluated again.
    let publish = draft_commitment(&app, &editor).await;
    publish.await;
    let (third, kept, _) = ask().await;
    assert!(!kept, "a reply kept before the write was served");
    assert_ne!(
        third["data"], first["data"],
        "the write does not show: {third}"
    );
}
