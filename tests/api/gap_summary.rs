//! The gap summary never drifts from the raw rows: a long pseudo-random sequence of writes
//! through the public API (new evidence and assessments, corrections of dates, attribution and
//! findings, retractions, new commitments with reservations, withdrawals, reservation changes,
//! retractions of the sources a finding cites and of the states, provisions, instruments and
//! forums it hangs from, draft sources cited and then published, states renamed, reloads of the
//! bundled data, retractions of memberships, positions and crosswalk links)
//! and, after every step, the stored public visibility of every record is compared with the rule
//! computed from statuses (`entity::visibility::public_drift`), and the engine's answer from the summary is
//! compared with its answer from the raw tables (`gap::load::load_from_rows`, the reference),
//! for every state and provision, at several dates and under two admissibility filters. The
//! API's own `gapMatrix` for the state the step touched is compared too, so a kept answer that
//! outlived a write would show. The assessments' rationale keys are checked against their
//! rationales after every step too.
//!
//! The sequence is fixed by a seed (`NORMWATCH_DRIFT_SEED`, default 20261128) and its length by
//! `NORMWATCH_DRIFT_STEPS` (default 36), so a failure can be replayed.

use crate::helpers::{spawn_app_with, TestApp, TEST_SECRET};
use api::gap::load::{self, Scope};
use api::gap::rules::{Admissible, GapOutcome};
use chrono::NaiveDate;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

/// A small deterministic generator (xorshift64*): the test needs reproducible choices, not
/// good randomness.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            items.get(self.below(items.len()))
        }
    }
    /// A date as the API takes it: a year, or a day (sources dated to the day allow both).
    fn date(&mut self, from_year: i32, to_year: i32) -> String {
        let year = from_year + self.below((to_year - from_year + 1) as usize) as i32;
        match self.below(3) {
            0 => format!("{year}"),
            1 => format!("{year}-{:02}", 1 + self.below(12)),
            _ => format!("{year}-{:02}-{:02}", 1 + self.below(12), 1 + self.below(28)),
        }
    }
}

const AS_OF: [&str; 4] = ["2012-01-01", "2018-06-30", "2024-01-01", "2026-11-28"];

/// Every (state, provision) outcome at `as_of` under `admit`, from the summary and from the
/// raw rows.
async fn both(
    db: &DatabaseConnection,
    as_of: NaiveDate,
    admit: &Admissible,
) -> (
    Vec<(String, String, GapOutcome)>,
    Vec<(String, String, GapOutcome)>,
) {
    let scope = Scope::default();
    let answer = |inputs: load::Inputs| -> Vec<(String, String, GapOutcome)> {
        inputs
            .evaluate_all(as_of)
            .map(|e| (e.state.code.clone(), e.provision.code.clone(), e.outcome))
            .collect()
    };
    let summary = load::load(db, &scope, as_of, admit)
        .await
        .expect("load from the summary");
    let rows = load::load_from_rows(db, &scope, as_of, admit)
        .await
        .expect("load from the rows");
    (answer(summary), answer(rows))
}

async fn assert_no_drift(app: &TestApp, step: usize, what: &str, state: Option<&str>) {
    let strict = Admissible {
        min_confidence: Some(Confidence::Medium),
        attribution: Some(vec![
            AttributionStatus::Acknowledged,
            AttributionStatus::Settled,
        ]),
    };
    for as_of in AS_OF {
        let day: NaiveDate = as_of.parse().expect("a date");
        for admit in [Admissible::default(), strict.clone()] {
            let (summary, rows) = both(&app.db, day, &admit).await;
            assert_eq!(
                summary.len(),
                rows.len(),
                "step {step} ({what}): cell count"
            );
            for (s, r) in summary.iter().zip(&rows) {
                assert_eq!(
                    s, r,
                    "step {step} ({what}): the summary drifted at {as_of} under {admit:?}"
                );
            }
        }
    }
    // The stored public visibility of every record equals the rule computed from statuses.
    let drift = entity::visibility::public_drift(&app.db)
        .await
        .expect("the public visibility compared with the rule");
    assert!(
        drift.iter().all(|(_, n)| *n == 0),
        "step {step} ({what}): stored public visibility differs from the rule: {drift:?}"
    );
    // The rationale keys (derived state too) equal the key of each stored rationale.
    let names = entity::rationale_key::names(&app.db).await.expect("names");
    for a in assessment::Entity::find()
        .all(&app.db)
        .await
        .expect("assessments")
    {
        let key = entity::domain::standard::rationale_key(&a.rationale, &names);
        assert_eq!(
            a.rationale_key.as_deref(),
            Some(key.as_str()),
            "step {step} ({what}): assessment {} has a stale rationale key",
            a.id
        );
    }
    // The API's kept answers must not outlive the write either.
    let Some(state) = state else { return };
    let day: NaiveDate = "2026-11-28".parse().expect("a date");
    let (_, rows) = both(&app.db, day, &Admissible::default()).await;
    if !rows.iter().any(|(s, _, _)| s == state) {
        return; // a retracted state: the engine has nothing to say of it
    }
    let matrix = app
        .data(
            r#"query($s: String!) { gapMatrix(states: [$s], asOf: "2026-11-28") {
                 cells { state provision status contradicting partiallyContradicting supporting } } }"#,
            json!({ "s": state }),
        )
        .await;
    let cells = matrix["gapMatrix"]["cells"].as_array().expect("cells");
    let expected: Vec<Value> = rows
        .iter()
        .filter(|(s, _, _)| s == state)
        .map(|(s, p, o)| {
            json!({
                "state": s, "provision": p, "status": o.status.as_str(),
                "contradicting": o.contradicting.len(),
                "partiallyContradicting": o.partially_contradicting.len(),
                "supporting": o.supporting.len(),
            })
        })
        .collect();
    assert_eq!(
        cells.len(),
        expected.len(),
        "step {step} ({what}): matrix size"
    );
    for (got, want) in cells.iter().zip(&expected) {
        assert_eq!(got, want, "step {step} ({what}): the API's matrix is stale");
    }
    crate::verdicts::every_count_is_its_chain(app, state).await;
}

/// Sends a mutation; returns its data, or `None` when the API refused it (a refused write must
/// change nothing, which the comparison that follows also checks).
async fn write(app: &TestApp, token: &str, query: &str, vars: Value) -> Option<Value> {
    let resp = app.post_as(token, query, vars).await;
    if resp["errors"].is_null() {
        Some(resp["data"].clone())
    } else {
        None
    }
}

async fn publish(app: &TestApp, token: &str, created: &Value) -> bool {
    write(
        app,
        token,
        "mutation($id: ID!, $v: Int!) { publish(id: $id, version: $v) { id } }",
        json!({ "id": created["id"], "v": created["version"] }),
    )
    .await
    .is_some()
}

/// The global id and version of a record, from its node.
async fn node_version(
    app: &TestApp,
    token: &str,
    kind: RecordKind,
    id: i32,
) -> Option<(String, i64)> {
    let gid = api::schema::ids::encode(kind, id).to_string();
    let kind = api::schema::ids::type_name(kind);
    let q = format!("{{ node(id: \"{gid}\") {{ ... on {kind} {{ version }} }} }}");
    let d = app.post_as(token, &q, json!({})).await;
    d["data"]["node"]["version"].as_i64().map(|v| (gid, v))
}

struct World {
    states: Vec<(i32, String)>,
    provisions: Vec<(String, i32)>,
    instruments: Vec<instrument::Model>,
    day_source: String,
}

async fn world(db: &DatabaseConnection) -> World {
    let states = state::Entity::find()
        .filter(state::Column::Status.eq(PublicationStatus::Published))
        .order_by_asc(state::Column::Id)
        .all(db)
        .await
        .expect("states")
        .into_iter()
        .map(|s| (s.id, s.code))
        .collect();
    let provisions = provision::Entity::find()
        .filter(provision::Column::Status.eq(PublicationStatus::Published))
        .order_by_asc(provision::Column::Id)
        .all(db)
        .await
        .expect("provisions")
        .into_iter()
        .map(|p| (p.code, p.instrument_id))
        .collect();
    let instruments = instrument::Entity::find()
        .filter(instrument::Column::Status.eq(PublicationStatus::Published))
        .order_by_asc(instrument::Column::Id)
        .all(db)
        .await
        .expect("instruments");
    let day_source = source::Entity::find()
        .filter(source::Column::Status.eq(PublicationStatus::Published))
        .filter(source::Column::DatePrecision.eq(DatePrecision::Day))
        .order_by_asc(source::Column::Id)
        .one(db)
        .await
        .expect("sources")
        .expect("a source dated to the day")
        .key;
    World {
        states,
        provisions,
        instruments,
        day_source,
    }
}

async fn published<E>(db: &DatabaseConnection, status: E::Column) -> Vec<E::Model>
where
    E: EntityTrait,
    E::Column: ColumnTrait,
{
    E::find()
        .filter(status.eq(PublicationStatus::Published))
        .all(db)
        .await
        .expect("records")
}

const FINDINGS: [&str; 3] = ["CONTRADICTS", "PARTIALLY_CONTRADICTS", "SUPPORTS"];
/// Practice and texts: method 2.0 tells them apart (IMPLEMENTED against LAW_OR_POLICY_ONLY).
const KINDS: [&str; 4] = [
    "POLICY",
    "LEGISLATION",
    "SURVEILLANCE",
    "IMPLEMENTATION_MEASURE",
];
const CONFIDENCES: [&str; 2] = ["LOW", "MEDIUM"];
const ATTRIBUTIONS: [&str; 3] = ["ACKNOWLEDGED", "SETTLED", "CONTESTED"];

/// One pseudo-random write; returns what it was and the state it touched, or `None` when the
/// API refused it.
async fn step(
    app: &TestApp,
    token: &str,
    w: &World,
    dice: &mut Dice,
    n: usize,
) -> (String, Option<String>) {
    let db = &app.db;
    match dice.below(14) {
        // New evidence about a state, and an assessment of it, both published.
        0 | 1 => {
            let (_, state) = dice.pick(&w.states).expect("states").clone();
            let (provision, _) = dice.pick(&w.provisions).expect("provisions").clone();
            let from = dice.date(2000, 2025);
            let to = if dice.below(2) == 0 {
                Value::Null
            } else {
                json!(dice.date(2010, 2026))
            };
            let slug = format!("drift-case-{n}");
            let created = write(app, token,
                r#"mutation($i: CreateEvidenceInput!) { createEvidence(input: $i) { id version } }"#,
                json!({ "i": { "slug": slug, "title": "A drift-test case", "summary": "Written by the drift test.",
                    "kind": KINDS[dice.below(4)], "occurredFrom": from, "occurredTo": to, "responsibleStates": [state],
                    "attributionStatus": ATTRIBUTIONS[dice.below(3)], "sources": [w.day_source] } })).await;
            let Some(created) = created else {
                return (format!("evidence {from}..{to} refused"), None);
            };
            publish(app, token, &created["createEvidence"]).await;
            let a = write(app, token,
                r#"mutation($i: CreateAssessmentInput!) { createAssessment(input: $i) { id version } }"#,
                json!({ "i": { "evidence": slug, "state": state, "provision": provision,
                    "finding": FINDINGS[dice.below(3)], "confidence": CONFIDENCES[dice.below(2)],
                    "rationale": format!("Written by the drift test at step {n}."), "sources": [w.day_source] } })).await;
            let Some(a) = a else {
                return (
                    format!("assessment of {state} on {provision} refused"),
                    Some(state),
                );
            };
            publish(app, token, &a["createAssessment"]).await;
            (
                format!("new evidence {from}..{to} and assessment of {state} on {provision}"),
                Some(state),
            )
        }
        // A correction of a published record of practice: its dates or its attribution.
        2 => {
            let all = published::<evidence::Entity>(db, evidence::Column::Status).await;
            let Some(e) = dice.pick(&all) else {
                return ("no evidence".into(), None);
            };
            let Some((gid, v)) = node_version(app, token, RecordKind::Evidence, e.id).await else {
                return ("no node".into(), None);
            };
            let from = dice.date(2000, 2025);
            let input = if dice.below(2) == 0 {
                json!({ "occurredFrom": from, "sources": [w.day_source] })
            } else {
                json!({ "attributionStatus": ATTRIBUTIONS[dice.below(3)] })
            };
            let done = write(app, token,
                "mutation($id: ID!, $v: Int!, $i: UpdateEvidenceInput!) { updateEvidence(id: $id, version: $v, input: $i) { id } }",
                json!({ "id": gid, "v": v, "i": input })).await;
            let state = evidence_state(db, e.id).await;
            (
                format!(
                    "evidence {} corrected ({input}): {}",
                    e.slug,
                    done.is_some()
                ),
                state,
            )
        }
        // A changed finding or confidence.
        3 => {
            let all = published::<assessment::Entity>(db, assessment::Column::Status).await;
            let Some(a) = dice.pick(&all) else {
                return ("no assessment".into(), None);
            };
            let Some((gid, v)) = node_version(app, token, RecordKind::Assessment, a.id).await
            else {
                return ("no node".into(), None);
            };
            let done = write(app, token,
                "mutation($id: ID!, $v: Int!, $i: UpdateAssessmentInput!) { updateAssessment(id: $id, version: $v, input: $i) { id } }",
                json!({ "id": gid, "v": v, "i": { "finding": FINDINGS[dice.below(3)], "confidence": CONFIDENCES[dice.below(2)] } })).await;
            (
                format!("assessment {} corrected: {}", a.id, done.is_some()),
                state_code(w, a.state_id),
            )
        }
        // A retraction of an assessment or of a piece of evidence.
        4 => {
            let (kind, id, state) = if dice.below(2) == 0 {
                let all = published::<assessment::Entity>(db, assessment::Column::Status).await;
                let Some(a) = dice.pick(&all) else {
                    return ("nothing".into(), None);
                };
                (RecordKind::Assessment, a.id, state_code(w, a.state_id))
            } else {
                let all = published::<evidence::Entity>(db, evidence::Column::Status).await;
                let Some(e) = dice.pick(&all) else {
                    return ("nothing".into(), None);
                };
                (RecordKind::Evidence, e.id, evidence_state(db, e.id).await)
            };
            let Some((gid, v)) = node_version(app, token, kind, id).await else {
                return ("no node".into(), None);
            };
            let done = write(app, token,
                r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "drift test") { id } }"#,
                json!({ "id": gid, "v": v })).await;
            (
                format!("{kind:?} {id} retracted: {}", done.is_some()),
                state,
            )
        }
        // A new commitment, sometimes with a reservation, or a withdrawal.
        5 | 6 => {
            let (_, state) = dice.pick(&w.states).expect("states").clone();
            let instrument = dice.pick(&w.instruments).expect("instruments").clone();
            let (instrument_id, slug) = (instrument.id, instrument.slug.clone());
            // An act that fits the instrument (a treaty is ratified, a resolution voted for),
            // a withdrawal one time in four where the instrument allows one.
            let fits = |act: &CommitmentAct| {
                entity::rules::act_misfit(
                    *act,
                    &instrument.slug,
                    instrument.kind,
                    instrument.adoption_mode,
                )
                .is_none()
            };
            let acts: Vec<CommitmentAct> = CommitmentAct::ALL
                .iter()
                .copied()
                .filter(|a| fits(a) && *a != CommitmentAct::Withdrew)
                .collect();
            let withdraw = dice.below(4) == 0 && fits(&CommitmentAct::Withdrew);
            let Some(act) = (if withdraw {
                Some(CommitmentAct::Withdrew)
            } else {
                dice.pick(&acts).copied()
            }) else {
                return (format!("no act fits {slug}"), None);
            };
            let act = act.as_str();
            let reservations: Vec<&String> = w
                .provisions
                .iter()
                .filter(|(_, i)| *i == instrument_id)
                .map(|(c, _)| c)
                .take(1)
                .collect();
            let mut input = json!({ "state": state, "instrument": slug, "act": act, "modality": "EXPLICIT",
                "validFrom": dice.date(1995, 2025), "sources": [w.day_source] });
            if !withdraw && dice.below(2) == 0 && !reservations.is_empty() {
                input["reservations"] = json!(reservations);
            }
            let created = write(app, token,
                r#"mutation($i: CreateCommitmentInput!) { createCommitment(input: $i) { id version } }"#,
                json!({ "i": input })).await;
            let Some(created) = created else {
                return (format!("commitment {input} refused"), None);
            };
            publish(app, token, &created["createCommitment"]).await;
            (format!("commitment {input}"), Some(state))
        }
        // A changed reservation on a published commitment.
        7 => {
            let all = published::<commitment::Entity>(db, commitment::Column::Status).await;
            let Some(c) = dice.pick(&all) else {
                return ("no commitment".into(), None);
            };
            let codes: Vec<&String> = w
                .provisions
                .iter()
                .filter(|(_, i)| *i == c.instrument_id)
                .map(|(code, _)| code)
                .collect();
            let Some(code) = dice.pick(&codes) else {
                return ("no provision".into(), None);
            };
            let Some((gid, v)) = node_version(app, token, RecordKind::Commitment, c.id).await
            else {
                return ("no node".into(), None);
            };
            let done = write(app, token,
                "mutation($id: ID!, $v: Int!, $i: UpdateCommitmentInput!) { updateCommitment(id: $id, version: $v, input: $i) { id } }",
                json!({ "id": gid, "v": v, "i": { "reservations": [code] } })).await;
            (
                format!("commitment {} reserves {code}: {}", c.id, done.is_some()),
                state_code(w, c.state_id),
            )
        }
        // A source a published finding or its evidence cites, retracted: what rests on it leaves
        // public view, so it must leave the summary.
        9 => {
            let citing = record_source::Entity::find()
                .filter(
                    record_source::Column::RecordKind
                        .is_in([RecordKind::Assessment, RecordKind::Evidence]),
                )
                .order_by_asc(record_source::Column::SourceId)
                .all(db)
                .await
                .expect("citations");
            let Some(c) = dice.pick(&citing) else {
                return ("no citation".into(), None);
            };
            let state = match c.record_kind {
                RecordKind::Assessment => assessment::Entity::find_by_id(c.record_id)
                    .one(db)
                    .await
                    .expect("an assessment")
                    .and_then(|a| state_code(w, a.state_id)),
                _ => evidence_state(db, c.record_id).await,
            };
            let Some((gid, v)) = node_version(app, token, RecordKind::Source, c.source_id).await
            else {
                return ("no node".into(), None);
            };
            let done = write(app, token,
                r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "drift test") { id } }"#,
                json!({ "id": gid, "v": v })).await;
            (
                format!("source {} retracted: {}", c.source_id, done.is_some()),
                state,
            )
        }
        // A record an assessment hangs from retracted: a provision, an instrument, a forum or
        // a state.
        10 => {
            let (kind, id, state) = match dice.below(4) {
                0 => {
                    let all = published::<provision::Entity>(db, provision::Column::Status).await;
                    let Some(p) = dice.pick(&all) else {
                        return ("no provision".into(), None);
                    };
                    (RecordKind::Provision, p.id, None)
                }
                1 => {
                    let all = published::<instrument::Entity>(db, instrument::Column::Status).await;
                    let Some(i) = dice.pick(&all) else {
                        return ("no instrument".into(), None);
                    };
                    (RecordKind::Instrument, i.id, None)
                }
                2 => {
                    let all = published::<forum::Entity>(db, forum::Column::Status).await;
                    let Some(f) = dice.pick(&all) else {
                        return ("no forum".into(), None);
                    };
                    (RecordKind::Forum, f.id, None)
                }
                _ => {
                    let Some((id, code)) = dice.pick(&w.states).cloned() else {
                        return ("no state".into(), None);
                    };
                    (RecordKind::State, id, Some(code))
                    // (the check after the step sees that the state left public view)
                }
            };
            let Some((gid, v)) = node_version(app, token, kind, id).await else {
                return (format!("{kind:?} {id}: no node"), None);
            };
            let done = write(app, token,
                r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "drift test") { id } }"#,
                json!({ "id": gid, "v": v })).await;
            (
                format!("{kind:?} {id} retracted: {}", done.is_some()),
                state,
            )
        }
        // A published finding made to cite a draft source (it leaves public view), and the
        // source published half the time (it comes back).
        11 => {
            let all = published::<assessment::Entity>(db, assessment::Column::Status).await;
            let Some(a) = dice.pick(&all) else {
                return ("no assessment".into(), None);
            };
            let key = format!("drift-source-{n}");
            let created = write(app, token,
                r#"mutation($i: CreateSourceInput!) { createSource(input: $i) { id version } }"#,
                json!({ "i": { "key": key, "kind": "GOVERNMENT", "tier": "PRIMARY", "title": "A drift-test source",
                    "publisher": "Drift", "url": format!("https://example.org/{key}") } })).await;
            let Some(created) = created else {
                return ("source refused".into(), None);
            };
            let Some((gid, v)) = node_version(app, token, RecordKind::Assessment, a.id).await
            else {
                return ("no node".into(), None);
            };
            let cited = write(app, token,
                "mutation($id: ID!, $v: Int!, $i: UpdateAssessmentInput!) { updateAssessment(id: $id, version: $v, input: $i) { id } }",
                json!({ "id": gid, "v": v, "i": { "sources": [key, w.day_source] } })).await;
            let published =
                dice.below(2) == 0 && publish(app, token, &created["createSource"]).await;
            (
                format!(
                    "assessment {} cites draft source {key}: {}, published: {published}",
                    a.id,
                    cited.is_some()
                ),
                state_code(w, a.state_id),
            )
        }
        // A state renamed: the names a rationale key masks change, so every key is recomputed.
        12 => {
            let Some((id, code)) = dice.pick(&w.states).cloned() else {
                return ("no state".into(), None);
            };
            let Some((gid, v)) = node_version(app, token, RecordKind::State, id).await else {
                return ("no node".into(), None);
            };
            let done = write(app, token,
                "mutation($id: ID!, $v: Int!, $i: UpdateStateInput!) { updateState(id: $id, version: $v, input: $i) { id } }",
                json!({ "id": gid, "v": v, "i": { "name": format!("Drift State {n}") } })).await;
            (
                format!("state {code} renamed: {}", done.is_some()),
                Some(code),
            )
        }
        // A record nothing in the summary hangs from retracted: a membership, a position or a
        // crosswalk link (their stored public visibility must follow all the same).
        13 => {
            let (kind, id) = match dice.below(3) {
                0 => {
                    let all = published::<membership::Entity>(db, membership::Column::Status).await;
                    let Some(m) = dice.pick(&all) else {
                        return ("no membership".into(), None);
                    };
                    (RecordKind::Membership, m.id)
                }
                1 => {
                    let all = published::<position::Entity>(db, position::Column::Status).await;
                    let Some(p) = dice.pick(&all) else {
                        return ("no position".into(), None);
                    };
                    (RecordKind::Position, p.id)
                }
                _ => {
                    let all =
                        published::<provision_link::Entity>(db, provision_link::Column::Status)
                            .await;
                    let Some(l) = dice.pick(&all) else {
                        return ("no link".into(), None);
                    };
                    (RecordKind::ProvisionLink, l.id)
                }
            };
            let Some((gid, v)) = node_version(app, token, kind, id).await else {
                return (format!("{kind:?} {id}: no node"), None);
            };
            let done = write(app, token,
                r#"mutation($id: ID!, $v: Int!) { retract(id: $id, version: $v, reason: "drift test") { id } }"#,
                json!({ "id": gid, "v": v })).await;
            (format!("{kind:?} {id} retracted: {}", done.is_some()), None)
        }
        // A reload of the bundled data, now and then forced (which undoes the retractions).
        _ => {
            let dataset = seed::read_dataset(&seed::bundled_data_dir()).expect("the bundled data");
            let force = dice.below(2) == 0;
            let report = seed::load_with(db, &dataset, seed::LoadOptions { force })
                .await
                .expect("reload");
            (format!("reload (force: {force}): {report}"), None)
        }
    }
}

fn state_code(w: &World, id: i32) -> Option<String> {
    w.states
        .iter()
        .find(|(s, _)| *s == id)
        .map(|(_, c)| c.clone())
}

async fn evidence_state(db: &DatabaseConnection, evidence: i32) -> Option<String> {
    let link = evidence_state::Entity::find()
        .filter(evidence_state::Column::EvidenceId.eq(evidence))
        .one(db)
        .await
        .expect("responsible states")?;
    state::Entity::find_by_id(link.state_id)
        .one(db)
        .await
        .expect("a state")
        .map(|s| s.code)
}

#[tokio::test]
async fn the_summary_never_drifts_from_the_raw_rows() {
    let app = spawn_app_with(|c| {
        c.jwt_secret = Some(api::config::Secret::new(TEST_SECRET));
        c.writes_enabled = true;
        c.rate_limit_capacity = 100_000_000;
        c.rate_limit_per_minute = 100_000_000;
    })
    .await;
    let editor = app.user_token("drift@example.org", UserRole::Editor).await;
    let seed: u64 = std::env::var("NORMWATCH_DRIFT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261128);
    let steps: usize = std::env::var("NORMWATCH_DRIFT_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(36);
    eprintln!("drift test: seed {seed}, {steps} steps");
    let mut dice = Dice(seed.max(1));
    let w = world(&app.db).await;
    assert_no_drift(&app, 0, "bundled data", Some("MEX")).await;

    let summary_rows = gap_summary::Entity::find()
        .all(&app.db)
        .await
        .expect("rows")
        .len();
    assert!(
        summary_rows > 100,
        "the bundled data fills the summary: {summary_rows} rows"
    );

    let mut changed = 0;
    for n in 1..=steps {
        let before = api::repo::registry::current(&app.db)
            .await
            .expect("registry")
            .data_version;
        let (what, state) = step(&app, &editor, &w, &mut dice, n).await;
        let after = api::repo::registry::current(&app.db)
            .await
            .expect("registry")
            .data_version;
        if after != before {
            changed += 1;
        }
        eprintln!("step {n}: {what}");
        assert_no_drift(&app, n, &what, state.as_deref()).await;
    }
    // The sequence must really have changed the registry, or the comparison proves nothing.
    assert!(
        changed * 2 >= steps,
        "only {changed} of {steps} steps changed the data"
    );
}
