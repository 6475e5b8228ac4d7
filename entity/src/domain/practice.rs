//! The practice records: what states committed to (commitments, with their reservations), the
//! stances they took (positions), documented practice (evidence, with its responsible states)
//! and the assessments that weigh evidence against provisions.
//!
//! The same three parts as the reference records ([`super::reference`]): `<Type>Fields` (what a
//! correction may change, with its one `validate()`), `New<Type>` (plus what is fixed at
//! creation, the keys of what it hangs from, and its sources) and `<Type>Patch` (a correction,
//! validated as a whole once applied to the stored row). The lists a record owns in other
//! tables (reservations, responsible states) are checked here too ([`reservations`],
//! [`responsible_states`]); that their keys name existing records is checked where the registry
//! is.

use super::{Check, Checked, Rules, NAME_MAX, NOTE_MAX, SUMMARY_MAX};
use crate::*;
use chrono::Utc;

// ---------------------------------------------------------------------------------------------
// Commitments
// ---------------------------------------------------------------------------------------------

/// What a commitment says and a correction may change (its forum is a reference the caller
/// resolves).
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentFields {
    pub act: CommitmentAct,
    pub modality: CommitmentModality,
    pub valid_from: Option<PartialDate>,
    /// Until when it held (a withdrawal or denunciation): it may lie ahead (a denunciation takes
    /// effect later), so only its order is checked.
    pub valid_to: Option<PartialDate>,
    pub note: Option<String>,
}

impl Rules for CommitmentFields {
    fn check(mut self, c: &mut Check) -> Self {
        c.not_future("valid_from", self.valid_from);
        c.ordered("valid_to", self.valid_from, self.valid_to);
        self.note = c.opt_text("note", self.note, NOTE_MAX);
        self
    }
}

impl CommitmentFields {
    pub fn of(m: &commitment::Model) -> Self {
        CommitmentFields {
            act: m.act,
            modality: m.modality,
            valid_from: PartialDate::from_parts(m.valid_from, m.valid_from_precision),
            valid_to: PartialDate::from_parts(m.valid_to, m.valid_to_precision),
            note: m.note.clone(),
        }
    }

    pub fn set(self, m: &mut commitment::Model) {
        m.act = self.act;
        m.modality = self.modality;
        (m.valid_from, m.valid_from_precision) = PartialDate::to_parts(self.valid_from);
        (m.valid_to, m.valid_to_precision) = PartialDate::to_parts(self.valid_to);
        m.note = self.note;
    }
}

/// A new commitment of a state to an instrument.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommitment {
    /// ISO alpha-3 code of the state; fixed once created.
    pub state: String,
    /// Slug of the instrument; fixed once created.
    pub instrument: String,
    /// Slug of the forum where the act took place.
    pub forum: Option<String>,
    pub fields: CommitmentFields,
    /// Codes of the instrument's provisions the state excluded.
    pub reservations: Vec<String>,
    pub sources: Vec<String>,
}

impl Rules for NewCommitment {
    fn check(mut self, c: &mut Check) -> Self {
        self.state = c.letters("state", &self.state, 3);
        self.instrument = c.key("instrument", &self.instrument);
        self.forum = c.opt_key("forum", self.forum);
        self.fields = self.fields.check(c);
        self.reservations = c.keys("reservations", self.reservations);
        c.sources(&self.sources);
        self
    }
}

impl NewCommitment {
    pub fn model(
        self,
        state_id: i32,
        instrument_id: i32,
        forum_id: Option<i32>,
    ) -> commitment::Model {
        let mut m = row!(commitment {
            state_id: state_id,
            instrument_id: instrument_id,
            forum_id: forum_id,
            act: self.fields.act,
            modality: self.fields.modality,
            valid_from: None,
            valid_from_precision: None,
            valid_to: None,
            valid_to_precision: None,
            note: None,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to a commitment (its state and instrument are fixed; its forum and
/// reservations are resolved by the caller, the reservations checked by [`reservations`]).
#[derive(Debug, Clone, Default)]
pub struct CommitmentPatch {
    pub act: Option<CommitmentAct>,
    pub modality: Option<CommitmentModality>,
    pub valid_from: Option<Option<PartialDate>>,
    pub valid_to: Option<Option<PartialDate>>,
    pub note: Option<Option<String>>,
}

impl CommitmentPatch {
    /// The stored commitment's fields with this correction applied, validated.
    pub fn apply(self, current: &commitment::Model) -> Checked<CommitmentFields> {
        let mut f = CommitmentFields::of(current);
        patch!(self, f; act, modality, valid_from, valid_to, note);
        f.validate()
    }
}

/// A commitment's new list of reservations, checked as a new commitment's is.
pub fn reservations(codes: Vec<String>) -> Checked<Vec<String>> {
    let mut c = Check::default();
    let codes = c.keys("reservations", codes);
    c.finish(codes)
}

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

/// What a position says and a correction may change (its forum, instrument and provision are
/// references the caller resolves).
#[derive(Debug, Clone, PartialEq)]
pub struct PositionFields {
    pub kind: PositionKind,
    pub stance: Stance,
    pub date: Option<PartialDate>,
    pub summary: String,
}

impl Rules for PositionFields {
    fn check(mut self, c: &mut Check) -> Self {
        c.not_future("date", self.date);
        self.summary = c.text("summary", &self.summary, SUMMARY_MAX);
        self
    }
}

impl PositionFields {
    pub fn of(m: &position::Model) -> Self {
        PositionFields {
            kind: m.kind,
            stance: m.stance,
            date: PartialDate::from_parts(m.date, m.date_precision),
            summary: m.summary.clone(),
        }
    }

    pub fn set(self, m: &mut position::Model) {
        m.kind = self.kind;
        m.stance = self.stance;
        (m.date, m.date_precision) = PartialDate::to_parts(self.date);
        m.summary = self.summary;
    }
}

/// A new position of a state in a forum.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPosition {
    /// ISO alpha-3 code of the state; fixed once created.
    pub state: String,
    /// Slug of the forum.
    pub forum: String,
    /// Slug of the instrument it is about (this, a provision, or both).
    pub instrument: Option<String>,
    /// Code of the provision it is about (this, an instrument, or both).
    pub provision: Option<String>,
    pub fields: PositionFields,
    pub sources: Vec<String>,
}

impl Rules for NewPosition {
    fn check(mut self, c: &mut Check) -> Self {
        self.state = c.letters("state", &self.state, 3);
        self.forum = c.key("forum", &self.forum);
        self.instrument = c.opt_key("instrument", self.instrument);
        self.provision = c.opt_key("provision", self.provision);
        about_something(c, self.instrument.is_some(), self.provision.is_some());
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

/// A position is about an instrument, a provision, or both.
fn about_something(c: &mut Check, instrument: bool, provision: bool) {
    if !instrument && !provision {
        c.fail(
            "instrument",
            "a position is about an instrument, a provision or both: name at least one",
        );
    }
}

/// The subject of a corrected position (whether it names an instrument and a provision),
/// checked as a new position's is.
pub fn position_subject(instrument: bool, provision: bool) -> Checked<()> {
    let mut c = Check::default();
    about_something(&mut c, instrument, provision);
    c.finish(())
}

impl NewPosition {
    pub fn model(
        self,
        state_id: i32,
        forum_id: i32,
        instrument_id: Option<i32>,
        provision_id: Option<i32>,
    ) -> position::Model {
        let mut m = row!(position {
            state_id: state_id,
            forum_id: forum_id,
            instrument_id: instrument_id,
            provision_id: provision_id,
            kind: self.fields.kind,
            stance: self.fields.stance,
            date: None,
            date_precision: None,
            summary: String::new(),
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to a position's own fields.
#[derive(Debug, Clone, Default)]
pub struct PositionPatch {
    pub kind: Option<PositionKind>,
    pub stance: Option<Stance>,
    pub date: Option<Option<PartialDate>>,
    pub summary: Option<String>,
}

impl PositionPatch {
    /// The stored position's fields with this correction applied, validated.
    pub fn apply(self, current: &position::Model) -> Checked<PositionFields> {
        let mut f = PositionFields::of(current);
        patch!(self, f; kind, stance, date, summary);
        f.validate()
    }
}

// ---------------------------------------------------------------------------------------------
// Evidence
// ---------------------------------------------------------------------------------------------

/// What evidence says and a correction may change.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceFields {
    pub title: String,
    pub summary: String,
    pub kind: EvidenceKind,
    pub occurred_from: PartialDate,
    pub occurred_to: Option<PartialDate>,
    pub attributed_by: Option<String>,
    pub attribution_basis: Option<String>,
    pub attribution_status: AttributionStatus,
    /// The deciding body of a COURT_JUDGMENT or TREATY_BODY_FINDING (absent otherwise).
    pub authority_body: Option<String>,
    /// Its document: UN symbol and paragraphs, application or case number, ECLI.
    pub authority_reference: Option<String>,
    /// The date of the decision.
    pub decided_on: Option<PartialDate>,
}

impl Rules for EvidenceFields {
    fn check(mut self, c: &mut Check) -> Self {
        self.title = c.text("title", &self.title, NAME_MAX);
        self.summary = c.text("summary", &self.summary, SUMMARY_MAX);
        c.not_future("occurred_from", Some(self.occurred_from));
        c.not_future("occurred_to", self.occurred_to);
        c.ordered("occurred_to", Some(self.occurred_from), self.occurred_to);
        self.attributed_by = c.opt_text("attributed_by", self.attributed_by, NAME_MAX);
        self.attribution_basis = c.opt_text("attribution_basis", self.attribution_basis, NOTE_MAX);
        self.authority_body = c.opt_text("authority_body", self.authority_body, NAME_MAX);
        self.authority_reference =
            c.opt_text("authority_reference", self.authority_reference, NAME_MAX);
        c.not_future("decided_on", self.decided_on);
        c.ordered("decided_on", Some(self.occurred_from), self.decided_on);
        authority(c, &self);
        self
    }
}

/// A court's or a treaty body's finding names the body, its document and the date of the
/// decision, and its attribution is not contested (the state was a party to the proceedings);
/// evidence of any other kind has none of the three.
fn authority(c: &mut Check, f: &EvidenceFields) {
    let parts = [
        ("authority_body", f.authority_body.is_some()),
        ("authority_reference", f.authority_reference.is_some()),
        ("decided_on", f.decided_on.is_some()),
    ];
    if f.kind.is_authority() {
        for (field, present) in parts {
            if !present {
                c.fail(
                    field,
                    format!(
                        "is required for {} evidence: name the body, its document (UN symbol \
                         and paragraph, application number or ECLI) and the date of the decision",
                        f.kind
                    ),
                );
            }
        }
        if f.attribution_status == AttributionStatus::Contested {
            c.fail(
                "attribution_status",
                format!(
                    "{} evidence cannot be CONTESTED: the state took part in the proceedings \
                     (use SETTLED, or ACKNOWLEDGED where the state accepted the finding)",
                    f.kind
                ),
            );
        }
    } else {
        for (field, present) in parts {
            if present {
                c.fail(
                    field,
                    format!(
                        "only COURT_JUDGMENT and TREATY_BODY_FINDING evidence names a deciding \
                         body; this evidence is {}",
                        f.kind
                    ),
                );
            }
        }
    }
}

impl EvidenceFields {
    pub fn of(m: &evidence::Model) -> Self {
        EvidenceFields {
            title: m.title.clone(),
            summary: m.summary.clone(),
            kind: m.kind,
            occurred_from: PartialDate {
                date: m.occurred_from,
                precision: m.occurred_from_precision,
            },
            occurred_to: PartialDate::from_parts(m.occurred_to, m.occurred_to_precision),
            attributed_by: m.attributed_by.clone(),
            attribution_basis: m.attribution_basis.clone(),
            attribution_status: m.attribution_status,
            authority_body: m.authority_body.clone(),
            authority_reference: m.authority_reference.clone(),
            decided_on: PartialDate::from_parts(m.decided_on, m.decided_on_precision),
        }
    }

    pub fn set(self, m: &mut evidence::Model) {
        m.title = self.title;
        m.summary = self.summary;
        m.kind = self.kind;
        (m.occurred_from, m.occurred_from_precision) =
            (self.occurred_from.date, self.occurred_from.precision);
        (m.occurred_to, m.occurred_to_precision) = PartialDate::to_parts(self.occurred_to);
        m.attributed_by = self.attributed_by;
        m.attribution_basis = self.attribution_basis;
        m.attribution_status = self.attribution_status;
        m.authority_body = self.authority_body;
        m.authority_reference = self.authority_reference;
        (m.decided_on, m.decided_on_precision) = PartialDate::to_parts(self.decided_on);
    }
}

/// New evidence of practice.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvidence {
    /// Stable key, e.g. `mex-pegasus-2017`; fixed once created.
    pub slug: String,
    pub fields: EvidenceFields,
    /// ISO alpha-3 codes of the states the practice is attributed to (at least one).
    pub responsible_states: Vec<String>,
    pub sources: Vec<String>,
}

impl Rules for NewEvidence {
    fn check(mut self, c: &mut Check) -> Self {
        self.slug = c.key("slug", &self.slug);
        self.fields = self.fields.check(c);
        self.responsible_states = c.codes("responsible_states", self.responsible_states);
        c.sources(&self.sources);
        self
    }
}

impl NewEvidence {
    pub fn model(self) -> evidence::Model {
        let mut m = row!(evidence {
            slug: self.slug,
            title: String::new(),
            summary: String::new(),
            kind: self.fields.kind,
            occurred_from: self.fields.occurred_from.date,
            occurred_from_precision: self.fields.occurred_from.precision,
            occurred_to: None,
            occurred_to_precision: None,
            attributed_by: None,
            attribution_basis: None,
            attribution_status: self.fields.attribution_status,
            authority_body: None,
            authority_reference: None,
            decided_on: None,
            decided_on_precision: None,
        });
        self.fields.set(&mut m);
        m
    }
}

/// A correction to evidence's own fields (its slug is fixed; new responsible states are
/// checked by [`responsible_states`]).
#[derive(Debug, Clone, Default)]
pub struct EvidencePatch {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub kind: Option<EvidenceKind>,
    pub occurred_from: Option<PartialDate>,
    pub occurred_to: Option<Option<PartialDate>>,
    pub attributed_by: Option<Option<String>>,
    pub attribution_basis: Option<Option<String>>,
    pub attribution_status: Option<AttributionStatus>,
    pub authority_body: Option<Option<String>>,
    pub authority_reference: Option<Option<String>>,
    pub decided_on: Option<Option<PartialDate>>,
}

impl EvidencePatch {
    /// The stored evidence's fields with this correction applied, validated.
    pub fn apply(self, current: &evidence::Model) -> Checked<EvidenceFields> {
        let mut f = EvidenceFields::of(current);
        patch!(self, f; title, summary, kind, occurred_from, occurred_to, attributed_by,
            attribution_basis, attribution_status, authority_body, authority_reference, decided_on);
        f.validate()
    }
}

/// Evidence's new list of responsible states, checked as new evidence's is.
pub fn responsible_states(codes: Vec<String>) -> Checked<Vec<String>> {
    let mut c = Check::default();
    let codes = c.codes("responsible_states", codes);
    c.finish(codes)
}

// ---------------------------------------------------------------------------------------------
// Assessments
// ---------------------------------------------------------------------------------------------

/// What an assessment says and a correction may change.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentFields {
    pub finding: Finding,
    pub confidence: Confidence,
    pub rationale: String,
}

impl Rules for AssessmentFields {
    fn check(mut self, c: &mut Check) -> Self {
        self.rationale = c.text("rationale", &self.rationale, SUMMARY_MAX);
        self
    }
}

impl AssessmentFields {
    pub fn of(m: &assessment::Model) -> Self {
        AssessmentFields {
            finding: m.finding,
            confidence: m.confidence,
            rationale: m.rationale.clone(),
        }
    }

    pub fn set(self, m: &mut assessment::Model) {
        m.finding = self.finding;
        m.confidence = self.confidence;
        m.rationale = self.rationale;
    }
}

/// A new assessment of evidence about one state against one provision.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAssessment {
    /// Slug of the evidence; fixed once created.
    pub evidence: String,
    /// ISO alpha-3 code of the state, one of the evidence's responsible states; fixed.
    pub state: String,
    /// Code of the provision; fixed once created.
    pub provision: String,
    pub fields: AssessmentFields,
    pub sources: Vec<String>,
}

impl Rules for NewAssessment {
    fn check(mut self, c: &mut Check) -> Self {
        self.evidence = c.key("evidence", &self.evidence);
        self.state = c.letters("state", &self.state, 3);
        self.provision = c.key("provision", &self.provision);
        self.fields = self.fields.check(c);
        c.sources(&self.sources);
        self
    }
}

impl NewAssessment {
    pub fn model(self, evidence_id: i32, state_id: i32, provision_id: i32) -> assessment::Model {
        row!(assessment {
            evidence_id: evidence_id,
            state_id: state_id,
            provision_id: provision_id,
            finding: self.fields.finding,
            confidence: self.fields.confidence,
            rationale: self.fields.rationale,
            rationale_key: None,
        })
    }
}

/// A correction to an assessment (its evidence, state and provision are fixed).
#[derive(Debug, Clone, Default)]
pub struct AssessmentPatch {
    pub finding: Option<Finding>,
    pub confidence: Option<Confidence>,
    pub rationale: Option<String>,
}

impl AssessmentPatch {
    /// The stored assessment's fields with this correction applied, validated.
    pub fn apply(self, current: &assessment::Model) -> Checked<AssessmentFields> {
        let mut f = AssessmentFields::of(current);
        patch!(self, f; finding, confidence, rationale);
        f.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> EvidenceFields {
        EvidenceFields {
            title: "Pegasus".into(),
            summary: "Spyware against journalists.".into(),
            kind: EvidenceKind::Surveillance,
            occurred_from: "2016".parse().expect("a date"),
            occurred_to: None,
            attributed_by: None,
            attribution_basis: None,
            attribution_status: AttributionStatus::Settled,
            authority_body: None,
            authority_reference: None,
            decided_on: None,
        }
    }

    #[test]
    fn a_body_s_finding_names_the_body_its_document_and_the_decision_date() {
        let mut f = fields();
        f.kind = EvidenceKind::CourtJudgment;
        let errors = messages(f.clone().validate());
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("authority_body"), "{errors:?}");
        f.authority_body = Some("European Court of Human Rights".into());
        f.authority_reference = Some("Applications nos. 58170/13, 62322/14 and 24960/15".into());
        f.decided_on = Some("2021-05-25".parse().expect("a date"));
        assert!(f.clone().validate().is_ok());
        f.attribution_status = AttributionStatus::Contested;
        assert_eq!(messages(f.clone().validate()).len(), 1);
        f.attribution_status = AttributionStatus::Settled;
        f.decided_on = Some("2015".parse().expect("a date"));
        assert!(messages(f.clone().validate())[0].starts_with("decided_on"));
        let mut plain = fields();
        plain.authority_body = Some("A court".into());
        assert!(messages(plain.validate())[0].starts_with("authority_body"));
    }

    fn messages<T>(r: Checked<T>) -> Vec<String> {
        match r {
            Ok(_) => Vec::new(),
            Err(super::super::Invalid(e)) => e.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn evidence_dates_in_order_and_states_once_each() {
        let mut f = fields();
        f.occurred_to = Some("2015".parse().expect("a date"));
        let new = NewEvidence {
            slug: "mex-pegasus".into(),
            fields: f,
            responsible_states: vec!["MEX".into(), "mex".into()],
            sources: vec!["citizenlab".into()],
        };
        assert_eq!(
            messages(new.validate()),
            [
                "occurred_to: `2015` is before the start date `2016`",
                "responsible_states: state `MEX` is listed twice",
            ]
        );
        assert_eq!(
            messages(responsible_states(vec![])),
            ["responsible_states: name at least one state (ISO alpha-3 code)"]
        );
    }

    #[test]
    fn a_position_needs_a_subject() {
        assert_eq!(
            messages(position_subject(false, false)),
            ["instrument: a position is about an instrument, a provision or both: name at least one"]
        );
        assert!(position_subject(true, false).is_ok());
    }
}
