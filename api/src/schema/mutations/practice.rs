//! Creating and correcting what states say and do: positions, evidence of practice, and the
//! assessments that weigh evidence against provisions.
//!
//! The state a position or an assessment is about, the evidence and provision an assessment
//! links, and the `slug` of evidence are fixed at creation; everything else can be corrected.

use super::support::{
    change, change_date, create_owning, create_record, valid, List, Owned, Target,
};
use super::validate;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::schema::{
    evidence::{Assessment, Evidence},
    position::Position,
    scalars::PartialDate,
};
use async_graphql::Context;
use entity::domain::*;
use entity::*;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

record_inputs! {
    /// A stance a state took in a forum, about an instrument, a provision, or both.
    CreatePositionInput,
    /// Changes to a position; absent fields stay as they are, `null` clears an optional one.
    /// The state is fixed.
    UpdatePositionInput {
        /// ISO alpha-3 code of the state.
        fixed state: String;
        /// Slug of the forum where the state took the stance.
        set forum: String =>
            /// Slug of the forum where the state took the stance. Left out, it stays as it is.
        ;
        /// Slug of the instrument the stance is about (give it, a provision, or both).
        clear instrument: String =>
            /// Slug of the instrument the stance is about (give it, a provision, or both). Left out, it
            /// stays as it is; `null` clears it.
        ;
        /// Code of the provision the stance is about (give it, an instrument, or both).
        clear provision: String =>
            /// Code of the provision the stance is about (give it, an instrument, or both). Left out, it
            /// stays as it is; `null` clears it.
        ;
        /// Vote, statement, sponsorship, national position or survey response.
        set kind: PositionKind =>
            /// Vote, statement, sponsorship, national position or survey response. Left out, it stays as it
            /// is.
        ;
        /// Which way the position goes.
        set stance: Stance =>
            /// Which way the position goes. Left out, it stays as it is.
        ;
        /// As precise as the source: `2018`, `2018-12` or `2018-12-05`.
        clear date: PartialDate =>
            /// As precise as the source: `2018`, `2018-12` or `2018-12-05`. Left out, it stays as it is;
            /// `null` clears it.
        ;
        /// What the state said or did, in our own words.
        set summary: String =>
            /// What the state said or did, in our own words. Left out, it stays as it is.
        ;
        sources;
    }
}

record_inputs! {
    /// Documented practice of one or more states.
    CreateEvidenceInput,
    /// Changes to evidence; absent fields stay as they are, `null` clears an optional one.
    UpdateEvidenceInput {
        /// Stable key: lowercase letters, digits and `-`, e.g. `mex-pegasus-2017`. Fixed once created.
        fixed slug: String;
        /// Short title; 1 to 500 characters.
        set title: String =>
            /// Short title; 1 to 500 characters. Left out, it stays as it is.
        ;
        /// What happened, to whom, when, in our own words.
        set summary: String =>
            /// What happened, to whom, when, in our own words. Left out, it stays as it is.
        ;
        /// What kind of practice it documents.
        set kind: EvidenceKind =>
            /// What kind of practice it documents. Left out, it stays as it is.
        ;
        /// When the practice began, as precise as the sources.
        set occurred_from: PartialDate =>
            /// When the practice began, as precise as the sources. Left out, it stays as it is.
        ;
        /// When it ended, if it did.
        clear occurred_to: PartialDate =>
            /// When it ended, if it did. Left out, it stays as it is; `null` clears it.
        ;
        /// ISO alpha-3 codes of the states the practice is attributed to (at least one).
        set responsible_states: Vec<String> =>
            /// Replaces the responsible states. A state that has assessments of this evidence cannot
            /// be removed while they stand.
        ;
        /// Who made the attribution, e.g. `Citizen Lab; Government of the United Kingdom`.
        clear attributed_by: String =>
            /// Who made the attribution, e.g. `Citizen Lab; Government of the United Kingdom`. Left out, it
            /// stays as it is; `null` clears it.
        ;
        /// What the attribution rests on, in one line.
        clear attribution_basis: String =>
            /// What the attribution rests on, in one line. Left out, it stays as it is; `null` clears it.
        ;
        /// How firmly the practice is attributed: ACKNOWLEDGED, SETTLED or CONTESTED (see
        /// `AttributionStatus`).
        set attribution_status: AttributionStatus =>
            /// How firmly the practice is attributed: ACKNOWLEDGED, SETTLED or CONTESTED (see
            /// `AttributionStatus`). Left out, it stays as it is.
        ;
        /// For COURT_JUDGMENT and TREATY_BODY_FINDING evidence (required there, refused for
        /// any other kind): the body that decided, e.g. `UN Human Rights Committee`.
        clear authority_body: String =>
            /// The body that decided (COURT_JUDGMENT and TREATY_BODY_FINDING only). Left out, it
            /// stays as it is; `null` clears it.
        ;
        /// The body's document: UN symbol and paragraphs (`CCPR/C/GBR/CO/8, paras 34-35`),
        /// application or case number, or ECLI.
        clear authority_reference: String =>
            /// The body's document: UN symbol and paragraphs, application or case number, or ECLI.
            /// Left out, it stays as it is; `null` clears it.
        ;
        /// When the body decided (not when the practice occurred), as precise as the sources.
        clear decided_on: PartialDate =>
            /// When the body decided, as precise as the sources. Left out, it stays as it is;
            /// `null` clears it.
        ;
        sources;
    }
}

record_inputs! {
    /// Evidence about one responsible state weighed against one provision.
    CreateAssessmentInput,
    /// Changes to an assessment; absent fields stay as they are. Its evidence, state and provision
    /// are fixed.
    UpdateAssessmentInput {
        /// Slug of the evidence.
        fixed evidence: String;
        /// ISO alpha-3 code of the state: one of the evidence's responsible states.
        fixed state: String;
        /// Code of the provision.
        fixed provision: String;
        /// Whether the practice contradicts, partially contradicts or supports the provision
        /// (docs/assessment-standard.md).
        set finding: Finding =>
            /// Whether the practice contradicts, partially contradicts or supports the provision
            /// (docs/assessment-standard.md). Left out, it stays as it is.
        ;
        /// How sure the finding is, by the sources read; CONTESTED attribution is never HIGH.
        set confidence: Confidence =>
            /// How sure the finding is, by the sources read; CONTESTED attribution is never HIGH. Left out,
            /// it stays as it is.
        ;
        /// Why the practice bears on the provision, in our own words.
        set rationale: String =>
            /// Why the practice bears on the provision, in our own words. Left out, it stays as it is.
        ;
        sources;
    }
}

// ---------------------------------------------------------------------------------------------
// Conversions to the domain's records ([`entity::domain`], whose rules the seed applies too)
// ---------------------------------------------------------------------------------------------

impl CreatePositionInput {
    fn domain(self) -> NewPosition {
        NewPosition {
            state: self.state,
            forum: self.forum,
            instrument: self.instrument,
            provision: self.provision,
            fields: PositionFields {
                kind: self.kind,
                stance: self.stance,
                date: self.date.map(|d| d.0),
                summary: self.summary,
            },
            sources: self.sources,
        }
    }
}

impl UpdatePositionInput {
    fn patch(self) -> PositionPatch {
        PositionPatch {
            kind: self.kind,
            stance: self.stance,
            date: change_date(self.date),
            summary: self.summary,
        }
    }
}

impl CreateEvidenceInput {
    fn domain(self) -> NewEvidence {
        NewEvidence {
            slug: self.slug,
            fields: EvidenceFields {
                title: self.title,
                summary: self.summary,
                kind: self.kind,
                occurred_from: self.occurred_from.0,
                occurred_to: self.occurred_to.map(|d| d.0),
                attributed_by: self.attributed_by,
                attribution_basis: self.attribution_basis,
                attribution_status: self.attribution_status,
                authority_body: self.authority_body,
                authority_reference: self.authority_reference,
                decided_on: self.decided_on.map(|d| d.0),
            },
            responsible_states: self.responsible_states,
            sources: self.sources,
        }
    }
}

impl UpdateEvidenceInput {
    fn patch(self) -> EvidencePatch {
        EvidencePatch {
            title: self.title,
            summary: self.summary,
            kind: self.kind,
            occurred_from: self.occurred_from.map(|d| d.0),
            occurred_to: change_date(self.occurred_to),
            attributed_by: change(self.attributed_by, |v| v),
            attribution_basis: change(self.attribution_basis, |v| v),
            attribution_status: self.attribution_status,
            authority_body: change(self.authority_body, |v| v),
            authority_reference: change(self.authority_reference, |v| v),
            decided_on: change_date(self.decided_on),
        }
    }
}

impl CreateAssessmentInput {
    fn domain(self) -> NewAssessment {
        NewAssessment {
            evidence: self.evidence,
            state: self.state,
            provision: self.provision,
            fields: AssessmentFields {
                finding: self.finding,
                confidence: self.confidence,
                rationale: self.rationale,
            },
            sources: self.sources,
        }
    }
}

impl UpdateAssessmentInput {
    fn patch(self) -> AssessmentPatch {
        AssessmentPatch {
            finding: self.finding,
            confidence: self.confidence,
            rationale: self.rationale,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Checks against the registry, shared by create and update
// ---------------------------------------------------------------------------------------------

/// The responsible states, resolved: each known to the writer (the domain has checked that
/// there is at least one and none twice).
async fn responsible(
    txn: &DatabaseTransaction,
    actor: &Actor,
    codes: Vec<String>,
) -> Result<Owned> {
    let mut ids = Vec::new();
    for code in &codes {
        ids.push(validate::id_of::<state::Entity>(txn, actor, "responsibleStates", code).await?);
    }
    Ok(Owned::new(List::ResponsibleStates, ids, codes))
}

/// A state leaving the responsible states must not leave standing assessments behind.
async fn no_orphaned_assessments(
    txn: &DatabaseTransaction,
    evidence_id: i32,
    keep: &[i32],
) -> Result<()> {
    let orphaned = assessment::Entity::find()
        .filter(assessment::Column::EvidenceId.eq(evidence_id))
        .filter(assessment::Column::StateId.is_not_in(keep.to_vec()))
        .filter(assessment::Column::Status.ne(PublicationStatus::Retracted))
        .one(txn)
        .await?;
    if let Some(a) = orphaned {
        let code = state::Entity::find_by_id(a.state_id)
            .one(txn)
            .await?
            .map(|s| s.code)
            .unwrap_or_default();
        return Err(Error::bad_input(
            "responsibleStates",
            format!("`{code}` has assessments of this evidence; correct or retract them before removing it"),
        ));
    }
    Ok(())
}

/// The state an assessment is about must be one of the evidence's responsible states.
async fn among_responsible(
    txn: &DatabaseTransaction,
    evidence: &evidence::Model,
    state_id: i32,
    code: &str,
) -> Result<()> {
    let states = List::ResponsibleStates.of(txn, evidence.id).await?;
    if states.contains(&state_id) {
        return Ok(());
    }
    let codes = List::ResponsibleStates.keys(txn, states).await?;
    Err(Error::bad_input(
        "state",
        format!(
            "`{code}` is not among the responsible states of evidence `{}` ({})",
            evidence.slug,
            codes.join(", ")
        ),
    ))
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

record_mutations! {
    PracticeMutation {
        /// Records a position as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_position(CreatePositionInput),
        /// Corrects a position. `version` is the one you read: if someone changed the record since,
        /// this is a CONFLICT carrying the current version.
        update_position(UpdatePositionInput) -> Position;
        /// Records evidence of practice as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_evidence(CreateEvidenceInput),
        /// Corrects evidence. `version` is the one you read: if someone changed the record since,
        /// this is a CONFLICT carrying the current version. The `slug` is fixed.
        update_evidence(UpdateEvidenceInput) -> Evidence;
        /// Records an assessment as a DRAFT (CONTRIBUTOR or above); an editor publishes it, and
        /// only then does it count in the gap engine.
        create_assessment(CreateAssessmentInput),
        /// Corrects an assessment. `version` is the one you read: if someone changed the record
        /// since, this is a CONFLICT carrying the current version.
        update_assessment(UpdateAssessmentInput) -> Assessment;
    }
}

async fn create_position(ctx: &Context<'_>, input: CreatePositionInput) -> Result<position::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let state_id =
                validate::id_of::<state::Entity>(txn, actor, "state", &new.state).await?;
            let forum_id =
                validate::id_of::<forum::Entity>(txn, actor, "forum", &new.forum).await?;
            let instrument = new.instrument.as_deref();
            let instrument_id =
                validate::opt_id::<instrument::Entity>(txn, actor, "instrument", instrument)
                    .await?;
            let provision = new.provision.as_deref();
            let provision_id =
                validate::opt_id::<provision::Entity>(txn, actor, "provision", provision).await?;
            Ok(new.model(state_id, forum_id, instrument_id, provision_id))
        })
    })
    .await
}

async fn update_position(
    at: Target<'_>,
    mut input: UpdatePositionInput,
) -> Result<position::Model> {
    let sources = input.sources.take();
    let forum = input.forum.take();
    let instrument = std::mem::take(&mut input.instrument);
    let provision = std::mem::take(&mut input.provision);
    let patch = input.patch();
    at.update(
        sources,
        patch,
        move |txn, actor, current, mut next: position::Model| {
            Box::pin(async move {
                if let Some(f) = &forum {
                    next.forum_id =
                        validate::id_of::<forum::Entity>(txn, actor, "forum", f).await?;
                }
                let (field, was) = ("instrument", current.instrument_id);
                next.instrument_id =
                    validate::relinked::<instrument::Entity>(txn, actor, field, instrument, was)
                        .await?;
                let (field, was) = ("provision", current.provision_id);
                next.provision_id =
                    validate::relinked::<provision::Entity>(txn, actor, field, provision, was)
                        .await?;
                valid(position_subject(
                    next.instrument_id.is_some(),
                    next.provision_id.is_some(),
                ))?;
                Ok(next)
            })
        },
    )
    .await
}

async fn create_evidence(ctx: &Context<'_>, input: CreateEvidenceInput) -> Result<evidence::Model> {
    create_owning(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let owned = responsible(txn, actor, new.responsible_states.clone()).await?;
            Ok((new.model(), Some(owned)))
        })
    })
    .await
}

async fn update_evidence(
    at: Target<'_>,
    mut input: UpdateEvidenceInput,
) -> Result<evidence::Model> {
    let sources = input.sources.take();
    let states = input.responsible_states.take();
    let patch = input.patch();
    let list = Some(List::ResponsibleStates);
    at.update_owning(
        sources,
        list,
        patch,
        move |txn, actor, current, next: evidence::Model| {
            Box::pin(async move {
                if next.attribution_status != current.attribution_status {
                    assessments_still_meet_the_standard(txn, &next, "attributionStatus").await?;
                } else if next.kind != current.kind {
                    assessments_still_meet_the_standard(txn, &next, "kind").await?;
                }
                let Some(codes) = states else {
                    return Ok((next, None));
                };
                let owned = responsible(txn, actor, valid(responsible_states(codes))?).await?;
                no_orphaned_assessments(txn, current.id, &owned.ids).await?;
                Ok((next, Some(owned)))
            })
        },
    )
    .await
}

async fn create_assessment(
    ctx: &Context<'_>,
    input: CreateAssessmentInput,
) -> Result<assessment::Model> {
    create_record(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let evidence =
                validate::named::<evidence::Entity>(txn, actor, "evidence", &new.evidence).await?;
            let state_id =
                validate::id_of::<state::Entity>(txn, actor, "state", &new.state).await?;
            let provision =
                validate::named::<provision::Entity>(txn, actor, "provision", &new.provision)
                    .await?;
            among_responsible(txn, &evidence, state_id, &new.state).await?;
            let model = new.clone().model(evidence.id, state_id, provision.id);
            let facts = (evidence.kind, evidence.attribution_status);
            meets_the_standard(txn, &model, facts, Cites::Keys(&new.sources), true).await?;
            Ok(model)
        })
    })
    .await
}

async fn update_assessment(
    at: Target<'_>,
    mut input: UpdateAssessmentInput,
) -> Result<assessment::Model> {
    let sources = input.sources.take();
    let keys = sources.clone();
    at.update(sources, input.patch(), move |txn, _, current, next| {
        Box::pin(async move {
            let cites = match &keys {
                Some(keys) => Cites::Keys(keys),
                None => Cites::Stored,
            };
            let reworded = next.rationale != current.rationale;
            let facts = evidence_facts(txn, next.evidence_id).await?;
            meets_the_standard(txn, &next, facts, cites, reworded).await?;
            Ok(next)
        })
    })
    .await
}

/// Where an assessment's sources are: the keys a mutation gives, or those it cites already.
enum Cites<'a> {
    Keys(&'a [String]),
    Stored,
}

/// The kind and attribution of the evidence an assessment weighs: what the standard reads of it.
async fn evidence_facts(
    txn: &DatabaseTransaction,
    id: i32,
) -> Result<(EvidenceKind, AttributionStatus)> {
    use sea_orm::QuerySelect;
    evidence::Entity::find_by_id(id)
        .select_only()
        .column(evidence::Column::Kind)
        .column(evidence::Column::AttributionStatus)
        .into_tuple()
        .one(txn)
        .await?
        .ok_or_else(|| Error::bad_input("evidence", "no such evidence"))
}

/// A correction of evidence's kind or attribution (`changed`, the field) may not leave an
/// assessment of it above what the standard allows (CONTESTED caps its findings at MEDIUM; a
/// POLICY rated SUPPORTS at LOW): the assessment is lowered first, by its own correction.
async fn assessments_still_meet_the_standard(
    txn: &DatabaseTransaction,
    next: &evidence::Model,
    changed: &'static str,
) -> Result<()> {
    let standing = assessment::Entity::find()
        .filter(assessment::Column::EvidenceId.eq(next.id))
        .filter(assessment::Column::Status.ne(PublicationStatus::Retracted))
        .all(txn)
        .await?;
    let facts = (next.kind, next.attribution_status);
    for a in &standing {
        if let Err(Error::BadUserInput { field, message }) =
            meets_the_standard(txn, a, facts, Cites::Stored, false).await
        {
            if field == "confidence" {
                return Err(Error::bad_input(
                    changed,
                    format!(
                        "would leave assessment {} above the assessment standard ({message}); \
                         lower its confidence first",
                        label(txn, a).await?
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The assessment standard ([`entity::domain::standard`], which the seed applies too): the
/// facts it weighs are read here (each source's tier and kind in the order cited, and, when the
/// rationale is new or reworded, an assessment the public can see with the same rationale key),
/// with the evidence's kind and attribution (`evidence`) given by the caller.
async fn meets_the_standard(
    txn: &DatabaseTransaction,
    a: &assessment::Model,
    evidence: (EvidenceKind, AttributionStatus),
    cites: Cites<'_>,
    reworded: bool,
) -> Result<()> {
    use entity::domain::standard::{self, Cited};
    use sea_orm::{QueryOrder, QuerySelect};
    let (kind, attribution) = evidence;
    let ids: Vec<i32> = match cites {
        Cites::Keys(keys) => {
            let found: Vec<(i32, String)> = source::Entity::find()
                .select_only()
                .columns([source::Column::Id, source::Column::Key])
                .filter(source::Column::Key.is_in(keys.to_vec()))
                .into_tuple()
                .all(txn)
                .await?;
            keys.iter()
                .filter_map(|k| found.iter().find(|(_, key)| key == k).map(|(id, _)| *id))
                .collect()
        }
        Cites::Stored => {
            record_source::Entity::find()
                .select_only()
                .column(record_source::Column::SourceId)
                .filter(record_source::Column::RecordKind.eq(RecordKind::Assessment))
                .filter(record_source::Column::RecordId.eq(a.id))
                .order_by_asc(record_source::Column::Ordinal)
                .into_tuple()
                .all(txn)
                .await?
        }
    };
    let found: Vec<(i32, String, SourceTier, SourceKind)> = source::Entity::find()
        .select_only()
        .columns([
            source::Column::Id,
            source::Column::Key,
            source::Column::Tier,
            source::Column::Kind,
        ])
        .filter(source::Column::Id.is_in(ids.clone()))
        .into_tuple()
        .all(txn)
        .await?;
    let sources: Vec<Cited> = ids
        .iter()
        .filter_map(|i| found.iter().find(|(id, ..)| id == i))
        .map(|(_, key, tier, kind)| Cited {
            key: key.clone(),
            tier: *tier,
            kind: *kind,
        })
        .collect();
    let twin = if reworded {
        let names = entity::rationale_key::names(txn).await?;
        let key = standard::rationale_key(&a.rationale, &names);
        let except = (a.id != 0).then_some(a.id);
        match entity::rationale_key::published_twin(txn, &key, except).await? {
            Some(t) => Some(label(txn, &t).await?),
            None => None,
        }
    } else {
        None
    };
    valid(standard::check(&standard::Grounds {
        finding: a.finding,
        confidence: a.confidence,
        evidence_kind: kind,
        attribution,
        sources: &sources,
        twin: twin.as_deref(),
    }))
}

/// An assessment as `evidence/STATE/provision`, the way the seed names it too.
async fn label(txn: &DatabaseTransaction, a: &assessment::Model) -> Result<String> {
    let evidence = evidence::Entity::find_by_id(a.evidence_id).one(txn).await?;
    let state = state::Entity::find_by_id(a.state_id).one(txn).await?;
    let provision = provision::Entity::find_by_id(a.provision_id)
        .one(txn)
        .await?;
    Ok(format!(
        "{}/{}/{}",
        evidence.map(|e| e.slug).unwrap_or_default(),
        state.map(|s| s.code).unwrap_or_default(),
        provision.map(|p| p.code).unwrap_or_default()
    ))
}
