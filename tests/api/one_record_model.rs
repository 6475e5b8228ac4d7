//! One description per record type (issue 14): the seed loader and the GraphQL mutations build
//! the same domain record ([`entity::domain`]) and validate it with the same rules, so the same
//! bad record is refused by both naming the same field with the same words. The seed names the
//! CSV column (`established_on`), the API the GraphQL field (`establishedOn`). Every kind of
//! record the seed loads is covered: the reference records and the practice records.

use crate::helpers::{code, spawn_writable_app};
use crate::seed_loader::errors_after;
use entity::UserRole;
use serde_json::json;

/// One bad record, written once as a CSV edit of the seed fixture and once as a mutation.
struct Case {
    rule: &'static str,
    file: &'static str,
    from: &'static str,
    to: String,
    mutation: String,
    /// The CSV column the seed names.
    column: &'static str,
    /// The GraphQL field the API names.
    field: &'static str,
}

fn cases() -> Vec<Case> {
    let mut all = reference_cases();
    all.extend(practice_cases());
    all
}

fn reference_cases() -> Vec<Case> {
    let long_name = "n".repeat(501);
    let long_summary = "s".repeat(5001);
    vec![
        Case {
            rule: "bad URL (forum)",
            file: "forums/f.csv",
            from: "https://www.un.org/en/ga/",
            to: "www.un.org/en/ga".into(),
            mutation: r#"createForum(input: { slug: "test-forum", name: "A forum", kind: INTERGOVERNMENTAL, url: "www.un.org/en/ga", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "url",
            field: "url",
        },
        Case {
            rule: "bad URL (source)",
            file: "sources/s.csv",
            from: "https://treaties.un.org/",
            to: "ftp://treaties.un.org/".into(),
            mutation: r#"createSource(input: { key: "test-source", kind: TREATY_DEPOSITARY, tier: PRIMARY, title: "A source", publisher: "Someone", url: "ftp://treaties.un.org/" }) { id }"#.into(),
            column: "url",
            field: "url",
        },
        Case {
            rule: "date in the future (forum)",
            file: "forums/f.csv",
            from: "/en/ga/,1945,",
            to: "/en/ga/,2999,".into(),
            mutation: r#"createForum(input: { slug: "test-forum", name: "A forum", kind: INTERGOVERNMENTAL, establishedOn: "2999", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "established_on",
            field: "establishedOn",
        },
        Case {
            rule: "date in the future (instrument)",
            file: "instruments/i.csv",
            from: "1966-12-16",
            to: "2999-12-16".into(),
            mutation: r#"createInstrument(input: { slug: "test-instrument", title: "A treaty", kind: TREATY, bindingness: LEGALLY_BINDING, adoptedOn: "2999-12-16", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "adopted_on",
            field: "adoptedOn",
        },
        Case {
            rule: "bad key format (instrument)",
            file: "instruments/i.csv",
            from: "iccpr,A/RES",
            to: "iccpr 1966,A/RES".into(),
            mutation: r#"createInstrument(input: { slug: "iccpr 1966", title: "A treaty", kind: TREATY, bindingness: LEGALLY_BINDING, sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "slug",
            field: "slug",
        },
        Case {
            rule: "bad key format (provision)",
            file: "provisions/p.csv",
            from: "iccpr-17,",
            to: "iccpr_17,".into(),
            mutation: r#"createProvision(input: { code: "iccpr_17", kind: HUMAN_RIGHTS_OBLIGATION, instrument: "iccpr", reference: "Art. 17", title: "Privacy", summary: "No arbitrary interference.", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "code",
            field: "code",
        },
        Case {
            rule: "over-long text (state)",
            file: "states/s.csv",
            from: "Mexico,",
            to: format!("{long_name},"),
            mutation: format!(r#"createState(input: {{ code: "XKX", alpha2: "XK", name: "{long_name}", unMember: false, sources: ["untc-iccpr"] }}) {{ id }}"#),
            column: "name",
            field: "name",
        },
        Case {
            rule: "over-long text (provision)",
            file: "provisions/p.csv",
            from: "No arbitrary interference with privacy.",
            to: long_summary.clone(),
            mutation: format!(r#"createProvision(input: {{ code: "test-provision", kind: HUMAN_RIGHTS_OBLIGATION, instrument: "iccpr", reference: "Art. 17", title: "Privacy", summary: "{long_summary}", sources: ["untc-iccpr"] }}) {{ id }}"#),
            column: "summary",
            field: "summary",
        },
    ]
}

/// The practice records: commitments (with reservations), positions, evidence (with responsible
/// states) and assessments. The API mutations need no record to exist for these: the domain's
/// rules run before anything is looked up.
fn practice_cases() -> Vec<Case> {
    let long_note = "n".repeat(2001);
    let long_title = "t".repeat(501);
    let long_summary = "s".repeat(5001);
    vec![
        Case {
            rule: "date in the future (commitment)",
            file: "commitments/c.csv",
            from: "ACCEDED,EXPLICIT,1981-03-23",
            to: "ACCEDED,EXPLICIT,2999-03-23".into(),
            mutation: r#"createCommitment(input: { state: "MEX", instrument: "iccpr", act: SIGNED, modality: EXPLICIT, validFrom: "2999-03-23", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "valid_from",
            field: "validFrom",
        },
        Case {
            rule: "dates out of order (commitment)",
            file: "commitments/c.csv",
            from: "1981-03-23,,",
            to: "1981-03-23,1980,".into(),
            mutation: r#"createCommitment(input: { state: "MEX", instrument: "iccpr", act: SIGNED, modality: EXPLICIT, validFrom: "1981-03-23", validTo: "1980", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "valid_to",
            field: "validTo",
        },
        Case {
            rule: "bad key format (commitment reservation)",
            file: "commitments/c.csv",
            from: "iccpr-19,a test",
            to: "iccpr 19,a test".into(),
            mutation: r#"createCommitment(input: { state: "CHL", instrument: "iccpr", act: SIGNED, modality: EXPLICIT, reservations: ["iccpr 19"], sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "reservations",
            field: "reservations",
        },
        Case {
            rule: "over-long text (commitment)",
            file: "commitments/c.csv",
            from: "a test reservation",
            to: long_note.clone(),
            mutation: format!(r#"createCommitment(input: {{ state: "MEX", instrument: "iccpr", act: SIGNED, modality: EXPLICIT, note: "{long_note}", sources: ["untc-iccpr"] }}) {{ id }}"#),
            column: "note",
            field: "note",
        },
        Case {
            rule: "no subject (position)",
            file: "positions/p.csv",
            from: "MEX,unga,iccpr,iccpr-17,",
            to: "MEX,unga,,,".into(),
            mutation: r#"createPosition(input: { state: "MEX", forum: "unga", kind: STATEMENT, stance: SUPPORTS, summary: "Said so.", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "instrument",
            field: "instrument",
        },
        Case {
            rule: "date in the future (position)",
            file: "positions/p.csv",
            from: "2013-11-26",
            to: "2999-11-26".into(),
            mutation: r#"createPosition(input: { state: "MEX", forum: "unga", instrument: "iccpr", kind: STATEMENT, stance: SUPPORTS, date: "2999-11-26", summary: "Said so.", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "date",
            field: "date",
        },
        Case {
            rule: "over-long text (position)",
            file: "positions/p.csv",
            from: "Co-sponsored the right to privacy in the digital age.",
            to: long_summary.clone(),
            mutation: format!(r#"createPosition(input: {{ state: "MEX", forum: "unga", instrument: "iccpr", kind: STATEMENT, stance: SUPPORTS, summary: "{long_summary}", sources: ["untc-iccpr"] }}) {{ id }}"#),
            column: "summary",
            field: "summary",
        },
        Case {
            rule: "bad key format (evidence)",
            file: "evidence/e.csv",
            from: "mex-spyware,Spyware",
            to: "mex spyware,Spyware".into(),
            mutation: r#"createEvidence(input: { slug: "mex spyware", title: "Spyware", summary: "Phones infected.", kind: SURVEILLANCE, occurredFrom: "2016-01", responsibleStates: ["MEX"], attributionStatus: SETTLED, sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "slug",
            field: "slug",
        },
        Case {
            rule: "dates out of order (evidence)",
            file: "evidence/e.csv",
            from: "2016-01,2017-06",
            to: "2016-01,2015-06".into(),
            mutation: r#"createEvidence(input: { slug: "test-evidence", title: "Spyware", summary: "Phones infected.", kind: SURVEILLANCE, occurredFrom: "2016-01", occurredTo: "2015-06", responsibleStates: ["MEX"], attributionStatus: SETTLED, sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "occurred_to",
            field: "occurredTo",
        },
        Case {
            rule: "a state listed twice (evidence)",
            file: "evidence/e.csv",
            from: ",MEX,A lab",
            to: ",MEX;mex,A lab".into(),
            mutation: r#"createEvidence(input: { slug: "test-evidence", title: "Spyware", summary: "Phones infected.", kind: SURVEILLANCE, occurredFrom: "2016-01", responsibleStates: ["MEX", "mex"], attributionStatus: SETTLED, sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "responsible_states",
            field: "responsibleStates",
        },
        Case {
            rule: "over-long text (evidence)",
            file: "evidence/e.csv",
            from: "Spyware against journalists",
            to: long_title.clone(),
            mutation: format!(r#"createEvidence(input: {{ slug: "test-evidence", title: "{long_title}", summary: "Phones infected.", kind: SURVEILLANCE, occurredFrom: "2016-01", responsibleStates: ["MEX"], attributionStatus: SETTLED, sources: ["untc-iccpr"] }}) {{ id }}"#),
            column: "title",
            field: "title",
        },
        Case {
            rule: "bad state code (assessment)",
            file: "assessments/a.csv",
            from: "mex-spyware,MEX,",
            to: "mex-spyware,MEXICO,".into(),
            mutation: r#"createAssessment(input: { evidence: "mex-spyware", state: "MEXICO", provision: "iccpr-17", finding: CONTRADICTS, confidence: HIGH, rationale: "No legal basis.", sources: ["untc-iccpr"] }) { id }"#.into(),
            column: "state",
            field: "state",
        },
        Case {
            rule: "over-long text (assessment)",
            file: "assessments/a.csv",
            from: "Covert infections with no legal basis.",
            to: long_summary.clone(),
            mutation: format!(r#"createAssessment(input: {{ evidence: "mex-spyware", state: "MEX", provision: "iccpr-17", finding: CONTRADICTS, confidence: HIGH, rationale: "{long_summary}", sources: ["untc-iccpr"] }}) {{ id }}"#),
            column: "rationale",
            field: "rationale",
        },
    ]
}

/// What the seed says about `column` of the edited row, without file and line.
fn seed_message(case: &Case) -> String {
    let errors = errors_after(case.file, case.from, &case.to);
    let marker = format!("field `{}`: ", case.column);
    let found: Vec<&String> = errors.iter().filter(|e| e.contains(&marker)).collect();
    assert_eq!(
        found.len(),
        1,
        "{}: the seed should refuse `{}` once, got {errors:#?}",
        case.rule,
        case.column
    );
    found[0]
        .split_once(&marker)
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_same_bad_record_gets_the_same_field_error_from_the_seed_and_the_api() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    for case in cases() {
        let seed = seed_message(&case);
        let resp = app
            .post_as(
                &editor,
                &format!("mutation {{ {} }}", case.mutation),
                json!({}),
            )
            .await;
        let err = &resp["errors"][0];
        assert_eq!(code(err), "BAD_USER_INPUT", "{}: {resp}", case.rule);
        assert_eq!(
            err["extensions"]["field"], case.field,
            "{}: {resp}",
            case.rule
        );
        assert_eq!(
            err["message"],
            format!("{}: {seed}", case.field),
            "{}: the API and the seed word the rule differently",
            case.rule
        );
    }
}

/// A key the registry holds already (a commitment's state, instrument and act; evidence's slug;
/// an assessment's evidence, state and provision) is the database's to refuse, through its
/// unique indexes, so two writers racing for one key cannot both win; the answer still names the
/// field, as the seed names the column of a duplicate row.
#[tokio::test]
async fn a_key_the_registry_holds_already_is_refused_naming_the_field() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let cases = [
        (
            r#"createCommitment(input: { state: "MEX", instrument: "iccpr", act: ACCEDED, modality: EXPLICIT, sources: ["untc-iccpr"] }) { id }"#,
            "act",
        ),
        (
            r#"createEvidence(input: { slug: "slv-pegasus-2020-2021", title: "Pegasus", summary: "Phones infected.", kind: SURVEILLANCE, occurredFrom: "2020-07", responsibleStates: ["SLV"], attributionStatus: CONTESTED, sources: ["untc-iccpr"] }) { id }"#,
            "slug",
        ),
        (
            r#"createAssessment(input: { evidence: "slv-pegasus-2020-2021", state: "SLV", provision: "iccpr-17", finding: CONTRADICTS, confidence: LOW, rationale: "Again.", sources: ["untc-iccpr"] }) { id }"#,
            "provision",
        ),
        (
            r#"createPosition(input: { state: "AGO", forum: "unga", instrument: "ares-73-187", kind: VOTE, stance: OPPOSES, date: "2018-12-17", summary: "Again.", sources: ["untc-iccpr"] }) { id }"#,
            "kind",
        ),
        (
            r#"createMembership(input: { state: "ALB", forum: "coe", role: MEMBER, validFrom: "1995-07-13", sources: ["untc-iccpr"] }) { id }"#,
            "role",
        ),
    ];
    for (mutation, field) in cases {
        let resp = app
            .post_as(&editor, &format!("mutation {{ {mutation} }}"), json!({}))
            .await;
        let err = &resp["errors"][0];
        assert_eq!(code(err), "BAD_USER_INPUT", "{mutation}: {resp}");
        assert_eq!(err["extensions"]["field"], field, "{mutation}: {resp}");
    }
}

/// Keys with absent parts: a position need not name an instrument, a provision or a date, and a
/// membership need not have a start. Absent compares equal to absent (the database's index is on
/// `COALESCE` of those parts), so writers racing to record the same undated statement, or the
/// same membership with no known start, get one record; every other writer is told which field
/// clashes, and nothing half-written is left.
#[tokio::test]
async fn writers_racing_for_a_key_with_absent_parts_get_one_record() {
    let app = spawn_writable_app().await;
    let editor = app.user_token("editor@example.org", UserRole::Editor).await;
    let cases = [
        (
            r#"mutation { createPosition(input: { state: "MEX", forum: "hrc", provision: "iccpr-17", kind: STATEMENT, stance: SUPPORTS, summary: "Spoke for privacy online.", sources: ["untc-iccpr"] }) { id } }"#,
            "kind",
            "SELECT count(*) AS n FROM positions WHERE date IS NULL AND instrument_id IS NULL AND kind = 'STATEMENT'",
        ),
        (
            r#"mutation { createMembership(input: { state: "MEX", forum: "foc", role: OBSERVER, sources: ["untc-iccpr"] }) { id } }"#,
            "role",
            "SELECT count(*) AS n FROM memberships WHERE valid_from IS NULL AND role = 'OBSERVER'",
        ),
    ];
    for (mutation, field, count) in cases {
        let before = app.count(count).await;
        let calls = (0..8).map(|_| app.post_as(&editor, mutation, json!({})));
        let results = futures_util::future::join_all(calls).await;
        let won = results.iter().filter(|r| r.get("errors").is_none()).count();
        assert_eq!(won, 1, "exactly one writer records it: {results:#?}");
        for r in results.iter().filter(|r| r.get("errors").is_some()) {
            let err = &r["errors"][0];
            assert_eq!(code(err), "BAD_USER_INPUT", "{r}");
            assert_eq!(err["extensions"]["field"], field, "{r}");
        }
        assert_eq!(app.count(count).await, before + 1, "{mutation}");
    }
}
