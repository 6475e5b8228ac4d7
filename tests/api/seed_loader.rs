//! The loader refuses bad records precisely and writes nothing; good data loads idempotently.

use crate::helpers::{config, TestDb};
use entity::{revision, state, RevisionAction};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::path::{Path, PathBuf};

/// A small valid dataset in a temporary directory, removed on drop.
struct Fixture(PathBuf);

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const SOURCES: &str =
    "key,kind,tier,title,publisher,url,document_symbol,published_on,accessed_on,date_precision,note
untc,TREATY_DEPOSITARY,PRIMARY,Status of the ICCPR,United Nations,https://treaties.un.org/,,,,,
years,DATASET,SECONDARY,Ratification years,A compilation,https://example.org/years,,2022,,YEAR,years only
";
const STATES: &str =
    "code,alpha2,name,region,subregion,un_member,un_member_since,un_observer,sources
MEX,MX,Mexico,Americas,Latin America and the Caribbean,true,1945-11-07,false,untc
CHL,CL,Chile,Americas,Latin America and the Caribbean,true,1945-10-24,false,untc
";
const FORUMS: &str = "slug,name,kind,parent,url,established_on,summary,sources
unga,UN General Assembly,INTERGOVERNMENTAL,,https://www.un.org/en/ga/,1945,,untc
";
const INSTRUMENTS: &str =
    "slug,symbol,title,kind,bindingness,forum,adopted_on,adoption_mode,url,summary,sources
iccpr,A/RES/2200A(XXI),ICCPR,TREATY,LEGALLY_BINDING,unga,1966-12-16,VOTE,,,untc
";
const PROVISIONS: &str = "code,kind,instrument,reference,title,summary,sources
iccpr-17,HUMAN_RIGHTS_OBLIGATION,iccpr,Art. 17,Privacy,No arbitrary interference with privacy.,untc
iccpr-19,HUMAN_RIGHTS_OBLIGATION,iccpr,Art. 19,Expression,Freedom of expression.,untc
";
const COMMITMENTS: &str =
    "state,instrument,forum,act,modality,valid_from,valid_to,reservations,note,sources
MEX,iccpr,unga,ACCEDED,EXPLICIT,1981-03-23,,,,untc
CHL,iccpr,unga,RATIFIED,EXPLICIT,1972,,iccpr-19,a test reservation,years
";
const POSITIONS: &str = "state,forum,instrument,provision,kind,stance,date,summary,sources
MEX,unga,iccpr,iccpr-17,STATEMENT,SUPPORTS,2013-11-26,Co-sponsored the right to privacy in the digital age.,untc
";
const EVIDENCE: &str = "slug,title,summary,kind,occurred_from,occurred_to,responsible_states,attributed_by,attribution_basis,attribution_status,sources
mex-spyware,Spyware against journalists,Phones of reporters were infected.,SURVEILLANCE,2016-01,2017-06,MEX,A lab,Device forensics,SETTLED,untc
";
const ASSESSMENTS: &str = "evidence,state,provision,finding,confidence,rationale,context,sources
mex-spyware,MEX,iccpr-17,CONTRADICTS,HIGH,Covert infections with no legal basis.,,untc
";

fn write(dir: &Path, rel: &str, body: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, body).expect("write");
}

fn fixture() -> Fixture {
    let dir =
        std::env::temp_dir().join(format!("normwatch_seed_{}", uuid::Uuid::new_v4().simple()));
    write(&dir, "sources/s.csv", SOURCES);
    write(&dir, "states/s.csv", STATES);
    write(&dir, "forums/f.csv", FORUMS);
    write(&dir, "instruments/i.csv", INSTRUMENTS);
    write(&dir, "provisions/p.csv", PROVISIONS);
    write(&dir, "commitments/c.csv", COMMITMENTS);
    write(&dir, "positions/p.csv", POSITIONS);
    write(&dir, "evidence/e.csv", EVIDENCE);
    write(&dir, "assessments/a.csv", ASSESSMENTS);
    Fixture(dir)
}

/// Replaces `from` by `to` in one fixture file and returns every error reported.
pub(crate) fn errors_after(rel: &str, from: &str, to: &str) -> Vec<String> {
    errors_after_edits(&[(rel, from, to.to_string())])
}

/// [`errors_after`] for several edits, each `(file, from, to)`, applied in order.
pub(crate) fn errors_after_edits(edits: &[(&str, &str, String)]) -> Vec<String> {
    let f = fixture();
    for (rel, from, to) in edits {
        let path = f.0.join(rel);
        let body = std::fs::read_to_string(&path).expect("read");
        assert!(body.contains(from), "fixture lacks `{from}`");
        std::fs::write(&path, body.replacen(from, to, 1)).expect("write");
    }
    match seed::read_dataset(&f.0) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(|e| e.to_string()).collect(),
    }
}

fn assert_refused(errors: &[String], expected: &str) {
    assert!(
        errors.iter().any(|e| e.contains(expected)),
        "expected an error containing `{expected}`, got {errors:#?}"
    );
}

#[test]
fn the_fixture_itself_is_valid() {
    let f = fixture();
    let ds = seed::read_dataset(&f.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ds.states.len(), 2);
}

#[test]
fn an_unknown_state_code_is_refused_with_file_line_and_field() {
    let e = errors_after("commitments/c.csv", "MEX,iccpr", "XXX,iccpr");
    assert_refused(
        &e,
        "commitments/c.csv:2: field `state`: unknown state `XXX`",
    );
}

#[test]
fn an_unknown_instrument_or_provision_is_refused() {
    assert_refused(
        &errors_after("commitments/c.csv", "MEX,iccpr", "MEX,iccpr-x"),
        "commitments/c.csv:2: field `instrument`: unknown instrument `iccpr-x`",
    );
    assert_refused(
        &errors_after("commitments/c.csv", "iccpr-19,a test", "iccpr-99,a test"),
        "commitments/c.csv:3: field `reservations`: unknown provision `iccpr-99`",
    );
}

#[test]
fn a_malformed_date_is_refused() {
    assert_refused(
        &errors_after("commitments/c.csv", "1981-03-23", "23/03/1981"),
        "commitments/c.csv:2: field `valid_from`: `23/03/1981` is not a date",
    );
    assert_refused(
        &errors_after("commitments/c.csv", "1981-03-23", "1981-02-30"),
        "not a valid calendar date",
    );
}

#[test]
fn a_date_more_precise_than_its_source_is_refused() {
    assert_refused(
        &errors_after(
            "commitments/c.csv",
            "RATIFIED,EXPLICIT,1972,",
            "RATIFIED,EXPLICIT,1972-01-01,",
        ),
        "commitments/c.csv:3: field `valid_from`: `1972-01-01` is more precise than its sources",
    );
}

#[test]
fn a_missing_or_unknown_source_is_refused() {
    assert_refused(
        &errors_after("states/s.csv", "false,untc\nCHL", "false,\nCHL"),
        "states/s.csv:2: field `sources`: every record needs at least one source",
    );
    assert_refused(
        &errors_after("states/s.csv", "false,untc\nCHL", "false,nowhere\nCHL"),
        "states/s.csv:2: field `sources`: unknown source `nowhere`",
    );
}

#[test]
fn a_duplicate_key_is_refused_naming_the_first() {
    assert_refused(
        &errors_after("states/s.csv", "CHL,CL,Chile", "MEX,CL,Chile"),
        "states/s.csv:3: field `code`: duplicate key `MEX` (first defined in states/s.csv:2)",
    );
}

#[test]
fn an_unknown_enum_value_is_refused_listing_the_choices() {
    let e = errors_after("commitments/c.csv", "ACCEDED", "ACCEDE");
    assert_refused(
        &e,
        "commitments/c.csv:2: field `act`: unknown value `ACCEDE`, expected one of RATIFIED",
    );
}

#[test]
fn an_unknown_column_is_refused() {
    assert_refused(
        &errors_after("states/s.csv", "un_observer,sources", "un_observer,source"),
        "states/s.csv: unknown column `source`",
    );
}

#[test]
fn all_errors_are_reported_at_once() {
    let f = fixture();
    write(
        &f.0,
        "states/s.csv",
        &STATES
            .replace("MX,Mexico", "mx,Mexico")
            .replace("true,1945-10-24", "maybe,1945-10-24"),
    );
    write(
        &f.0,
        "commitments/c.csv",
        &COMMITMENTS.replace("EXPLICIT,1981", "IMPLICIT,1981"),
    );
    let errors = seed::read_dataset(&f.0).expect_err("refused").0;
    assert!(errors.len() >= 3, "{errors:#?}");
    let files: std::collections::HashSet<_> = errors.iter().map(|e| e.file.as_str()).collect();
    assert!(files.contains("states/s.csv") && files.contains("commitments/c.csv"));
}

#[tokio::test]
async fn the_seed_command_exits_non_zero_and_writes_nothing_on_bad_data() {
    let f = fixture();
    write(
        &f.0,
        "commitments/c.csv",
        &COMMITMENTS.replace("MEX,iccpr", "XXX,iccpr"),
    );
    let test_db = TestDb::new().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_normwatch"))
        .args(["seed", "--path"])
        .arg(&f.0)
        .env("DATABASE_URL", &test_db.url)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("commitments/c.csv:2: field `state`"),
        "{stderr}"
    );
    let db = test_db.connect().await;
    api::db::migrate(&db).await.expect("migrate");
    assert_eq!(
        state::Entity::find().count(&db).await.expect("count"),
        0,
        "nothing written"
    );
}

#[tokio::test]
async fn loading_twice_changes_nothing_and_one_edit_updates_one_record_with_a_revision() {
    let f = fixture();
    let test_db = TestDb::new().await;
    let db = test_db.connect().await;
    api::db::migrate(&db).await.expect("migrate");
    let ds = seed::read_dataset(&f.0).expect("valid");
    let first = seed::load(&db, &ds).await.expect("load");
    assert_eq!(first.updated, 0);
    assert!(first.created >= 9);
    let revisions = revision::Entity::find().count(&db).await.expect("count");
    assert_eq!(revisions as usize, first.created);

    let again = seed::load(&db, &ds).await.expect("load again");
    assert_eq!((again.created, again.updated), (0, 0));
    assert_eq!(again.unchanged, first.created);
    assert_eq!(
        revision::Entity::find().count(&db).await.expect("count"),
        revisions
    );

    write(
        &f.0,
        "commitments/c.csv",
        &COMMITMENTS.replace("a test reservation", "a corrected note"),
    );
    let ds = seed::read_dataset(&f.0).expect("valid");
    let third = seed::load(&db, &ds).await.expect("load edited");
    assert_eq!((third.created, third.updated), (0, 1));
    let updates = revision::Entity::find()
        .filter(revision::Column::Action.eq(RevisionAction::Update))
        .all(&db)
        .await
        .expect("revisions");
    assert_eq!(updates.len(), 1);
    let r = &updates[0];
    assert_eq!(
        r.before.as_ref().map(|b| b["note"].clone()),
        Some(json!("a test reservation"))
    );
    assert_eq!(
        r.after.as_ref().map(|a| a["note"].clone()),
        Some(json!("a corrected note"))
    );
}

#[tokio::test]
async fn a_reservation_excludes_its_provision_through_the_api() {
    let f = fixture();
    let test_db = TestDb::new().await;
    let mut c = config(&test_db.url, true);
    c.seed_dir = Some(f.0.clone());
    let app = api::App::build(c).await.expect("builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let resp: serde_json::Value = reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": r#"{ state(code: "CHL") { commitments { validFrom datePrecision note reservations { code } } } }"# }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let c = &resp["data"]["state"]["commitments"][0];
    assert_eq!(c["validFrom"], "1972");
    assert_eq!(c["datePrecision"], "YEAR");
    assert_eq!(c["reservations"][0]["code"], "iccpr-19");
}

/// The same record refused by the seed loader and by the API, with the same words: the rule is
/// one function ([`entity::rules::act_misfit`]) that both entry points call.
#[tokio::test]
async fn a_vote_in_favour_of_a_treaty_is_refused_by_the_seed_and_by_the_api_alike() {
    let errors = errors_after(
        "commitments/c.csv",
        "MEX,iccpr,unga,ACCEDED",
        "MEX,iccpr,unga,VOTED_IN_FAVOUR",
    );
    let seed_error = errors
        .iter()
        .find_map(|e| e.split_once("field `act`: ").map(|(_, m)| m.to_string()))
        .unwrap_or_else(|| panic!("no error on `act` in {errors:#?}"));

    let app = crate::helpers::spawn_writable_app().await;
    let editor = app
        .user_token("editor@example.org", entity::UserRole::Editor)
        .await;
    let resp = app
        .post_as(
            &editor,
            r#"mutation { createCommitment(input: { state: "MEX", instrument: "iccpr", act: VOTED_IN_FAVOUR, modality: EXPLICIT, sources: ["untc-iccpr"] }) { id } }"#,
            json!({}),
        )
        .await;
    let err = &resp["errors"][0];
    assert_eq!(crate::helpers::code(err), "BAD_USER_INPUT", "{resp}");
    assert_eq!(err["extensions"]["field"], "act", "{resp}");
    // The API names the field first, as the seed names file, line and field.
    assert_eq!(err["message"], format!("act: {seed_error}"), "{resp}");
}
