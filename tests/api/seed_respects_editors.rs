//! A reload of the bundled data never undoes what an editor did in the registry: a retraction
//! stays, a correction stays, each is reported, and only `--force` overwrites (with a revision).

use crate::helpers::{spawn_writable_app, TestApp};
use entity::UserRole;
use serde_json::{json, Value};

const MEXICO_ICCPR: &str = r#"{ commitments(filter: { states: ["MEX"], instruments: ["iccpr"] }) { nodes { id version act note } } }"#;

async fn record(app: &TestApp, token: &str, id: &Value) -> Value {
    let q = format!(
        "{{ node(id: {id}) {{ ... on Commitment {{ status version note history(last: 1) {{ nodes {{ action actor }} }} }} }} }}"
    );
    app.data_as(token, &q).await["node"].clone()
}

fn bundled() -> seed::Dataset {
    seed::read_dataset(&seed::bundled_data_dir()).expect("the bundled data is valid")
}

#[tokio::test]
async fn a_reload_keeps_an_editors_retraction_and_reports_it_until_forced() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let found = app.data(MEXICO_ICCPR, json!({})).await;
    let c = found["commitments"]["nodes"][0].clone();
    let retracted = app
        .post_as(
            &editor,
            r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "entered twice") { id } }"#,
            json!({ "id": c["id"], "v": c["version"] }),
        )
        .await;
    assert!(retracted["errors"].is_null(), "{retracted}");

    let report = seed::load(&app.db, &bundled()).await.expect("reload");
    assert_eq!(report.kept.len(), 1, "{report:?}");
    assert!(
        report.kept[0].contains("kept an editor's change to commitment"),
        "{report:?}"
    );
    assert_eq!((report.created, report.updated), (0, 0), "{report}");
    let after = record(&app, &editor, &c["id"]).await;
    assert_eq!(after["status"], "RETRACTED", "{after}");

    // --force overwrites, and says so in the history.
    let forced = seed::load_with(&app.db, &bundled(), seed::LoadOptions { force: true })
        .await
        .expect("forced reload");
    assert!(forced.kept.is_empty() && forced.updated == 1, "{forced}");
    let after = record(&app, &editor, &c["id"]).await;
    assert_eq!(after["status"], "PUBLISHED", "{after}");
    assert_eq!(after["history"]["nodes"][0]["actor"], "seed", "{after}");
}

#[tokio::test]
async fn a_reload_keeps_an_editors_correction_when_the_file_changed_too() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let found = app.data(MEXICO_ICCPR, json!({})).await;
    let c = found["commitments"]["nodes"][0].clone();
    let edited = app
        .post_as(
            &editor,
            r#"mutation($id: ID!, $v: Int!) { updateCommitment(id: $id, version: $v, input: { note: "Checked against the depositary notification." }) { version } }"#,
            json!({ "id": c["id"], "v": c["version"] }),
        )
        .await;
    assert!(edited["errors"].is_null(), "{edited}");

    // The upstream file changes the same row.
    let mut ds = bundled();
    let row = ds
        .commitments
        .iter_mut()
        .find(|r| r.state == "MEX" && r.instrument == "iccpr")
        .expect("Mexico's ICCPR row");
    row.rec.fields.note = Some("An upstream correction.".into());
    let report = seed::load(&app.db, &ds).await.expect("reload");
    assert_eq!(report.kept.len(), 1, "{report:?}");
    let after = record(&app, &editor, &c["id"]).await;
    assert_eq!(
        after["note"], "Checked against the depositary notification.",
        "{after}"
    );
    assert_eq!(after["status"], "PUBLISHED");

    // An unchanged reload reports nothing: only differences are worth a line.
    let mut same = bundled();
    let row = same
        .commitments
        .iter_mut()
        .find(|r| r.state == "MEX" && r.instrument == "iccpr")
        .expect("Mexico's ICCPR row");
    row.rec.fields.note = after["note"].as_str().map(str::to_string);
    let quiet = seed::load(&app.db, &same).await.expect("reload");
    assert!(quiet.kept.is_empty(), "{quiet:?}");
}
