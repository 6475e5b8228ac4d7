//! A repeated `gapMatrix` is answered from memory until a published write moves the data
//! version; then it is evaluated again and shows the write.

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

    // China is recorded as supporting the Paris Call (a test write): publishing it moves the
    // data version.
    let created = app
        .post_as(&editor, r#"mutation { createCommitment(input: { state: "CHN", instrument: "paris-call", act: STATEMENT_OF_SUPPORT, modality: EXPLICIT, validFrom: "2019", sources: ["pariscall-site-supporters"] }) { id version } }"#, json!({}))
        .await;
    let c = &created["data"]["createCommitment"];
    // A draft changes nothing the public sees: still the kept answer.
    let (draft, after_draft) = ask_twice().await;
    assert_eq!(draft, first);
    assert!(after_draft <= 2, "{after_draft} statements after a draft");
    let published = app
        .post_as(
            &editor,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { id } }",
            json!({ "id": c["id"], "v": c["version"] }),
        )
        .await;
    assert!(published["errors"].is_null(), "{published}");
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
