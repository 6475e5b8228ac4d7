//! Creating and correcting what states say and do: positions, evidence of practice, and the
//! assessments that weigh evidence against provisions.
//!
//! The state a position or an assessment is about, the evidence and provision an assessment
//! links, and the `slug` of evidence are fixed at creation; everything else can be corrected.

use super::support::{
    cited, eq_or_null, merged_date, merged_text, precise_enough, recite, split, stored,
    update_record, NAME_MAX, NOTE_MAX, SUMMARY_MAX,
};
use super::{record_id, transaction, validate, writer};
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::schema::{
    evidence::{Assessment, Evidence},
    position::Position,
    scalars::PartialDate,
};
use crate::write;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/// A stance a state took in a forum, about an instrument, a provision, or both.
#[derive(InputObject)]
pub struct CreatePositionInput {
    /// ISO alpha-3 code of the state.
    pub state: String,
    /// Slug of the forum where the state took the stance.
    pub forum: String,
    /// Slug of the instrument the stance is about (give it, a provision, or both).
    pub instrument: Option<String>,
    /// Code of the provision the stance is about (give it, an instrument, or both).
    pub provision: Option<String>,
    /// Vote, statement, sponsorship, national position or survey response.
    pub kind: PositionKind,
    /// Which way the position goes.
    pub stance: Stance,
    /// As precise as the source: `2018`, `2018-12` or `2018-12-05`.
    pub date: Option<PartialDate>,
    /// What the state said or did, in our own words.
    pub summary: String,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a position; absent fields stay as they are, `null` clears an optional one.
/// The state is fixed.
#[derive(InputObject, Default)]
pub struct UpdatePositionInput {
    /// Slug of the forum where the state took the stance. Left out, it stays as it is.
    pub forum: Option<String>,
    /// Slug of the instrument the stance is about (give it, a provision, or both). Left out, it
    /// stays as it is; `null` clears it.
    pub instrument: MaybeUndefined<String>,
    /// Code of the provision the stance is about (give it, an instrument, or both). Left out, it
    /// stays as it is; `null` clears it.
    pub provision: MaybeUndefined<String>,
    /// Vote, statement, sponsorship, national position or survey response. Left out, it stays as it
    /// is.
    pub kind: Option<PositionKind>,
    /// Which way the position goes. Left out, it stays as it is.
    pub stance: Option<Stance>,
    /// As precise as the source: `2018`, `2018-12` or `2018-12-05`. Left out, it stays as it is;
    /// `null` clears it.
    pub date: MaybeUndefined<PartialDate>,
    /// What the state said or did, in our own words. Left out, it stays as it is.
    pub summary: Option<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// Documented practice of one or more states.
#[derive(InputObject)]
pub struct CreateEvidenceInput {
    /// Stable key: lowercase letters, digits and `-`, e.g. `mex-pegasus-2017`. Fixed once created.
    pub slug: String,
    /// Short title; 1 to 500 characters.
    pub title: String,
    /// What happened, to whom, when, in our own words.
    pub summary: String,
    /// What kind of practice it documents.
    pub kind: EvidenceKind,
    /// When the practice began, as precise as the sources.
    pub occurred_from: PartialDate,
    /// When it ended, if it did.
    pub occurred_to: Option<PartialDate>,
    /// ISO alpha-3 codes of the states the practice is attributed to (at least one).
    pub responsible_states: Vec<String>,
    /// Who made the attribution, e.g. `Citizen Lab; Government of the United Kingdom`.
    pub attributed_by: Option<String>,
    /// What the attribution rests on, in one line.
    pub attribution_basis: Option<String>,
    /// How firmly the practice is attributed: ACKNOWLEDGED, SETTLED or CONTESTED (see
    /// `AttributionStatus`).
    pub attribution_status: AttributionStatus,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to evidence; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateEvidenceInput {
    /// Short title; 1 to 500 characters. Left out, it stays as it is.
    pub title: Option<String>,
    /// What happened, to whom, when, in our own words. Left out, it stays as it is.
    pub summary: Option<String>,
    /// What kind of practice it documents. Left out, it stays as it is.
    pub kind: Option<EvidenceKind>,
    /// When the practice began, as precise as the sources. Left out, it stays as it is.
    pub occurred_from: Option<PartialDate>,
    /// When it ended, if it did. Left out, it stays as it is; `null` clears it.
    pub occurred_to: MaybeUndefined<PartialDate>,
    /// Replaces the responsible states. A state that has assessments of this evidence cannot
    /// be removed while they stand.
    pub responsible_states: Option<Vec<String>>,
    /// Who made the attribution, e.g. `Citizen Lab; Government of the United Kingdom`. Left out, it
    /// stays as it is; `null` clears it.
    pub attributed_by: MaybeUndefined<String>,
    /// What the attribution rests on, in one line. Left out, it stays as it is; `null` clears it.
    pub attribution_basis: MaybeUndefined<String>,
    /// How firmly the practice is attributed: ACKNOWLEDGED, SETTLED or CONTESTED (see
    /// `AttributionStatus`). Left out, it stays as it is.
    pub attribution_status: Option<AttributionStatus>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// Evidence about one responsible state weighed against one provision.
#[derive(InputObject)]
pub struct CreateAssessmentInput {
    /// Slug of the evidence.
    pub evidence: String,
    /// ISO alpha-3 code of the state: one of the evidence's responsible states.
    pub state: String,
    /// Code of the provision.
    pub provision: String,
    /// Whether the practice contradicts, partially contradicts or supports the provision
    /// (docs/assessment-standard.md).
    pub finding: Finding,
    /// How sure the finding is, by the sources read; CONTESTED attribution is never HIGH.
    pub confidence: Confidence,
    /// Why the practice bears on the provision, in our own words.
    pub rationale: String,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to an assessment; absent fields stay as they are. Its evidence, state and provision
/// are fixed.
#[derive(InputObject, Default)]
pub struct UpdateAssessmentInput {
    /// Whether the practice contradicts, partially contradicts or supports the provision
    /// (docs/assessment-standard.md). Left out, it stays as it is.
    pub finding: Option<Finding>,
    /// How sure the finding is, by the sources read; CONTESTED attribution is never HIGH. Left out,
    /// it stays as it is.
    pub confidence: Option<Confidence>,
    /// Why the practice bears on the provision, in our own words. Left out, it stays as it is.
    pub rationale: Option<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// Checks and owned rows
// ---------------------------------------------------------------------------------------------

/// A position is about an instrument, a provision, or both.
fn about_something(instrument: Option<i32>, provision: Option<i32>) -> Result<()> {
    if instrument.is_none() && provision.is_none() {
        return Err(Error::bad_input(
            "instrument",
            "a position is about an instrument, a provision or both: name at least one",
        ));
    }
    Ok(())
}

/// The key of a position is (state, forum, instrument, provision, kind, date).
async fn position_free(
    txn: &DatabaseTransaction,
    m: &position::Model,
    except: Option<i32>,
) -> Result<()> {
    let mut q = position::Entity::find()
        .filter(position::Column::StateId.eq(m.state_id))
        .filter(position::Column::ForumId.eq(m.forum_id))
        .filter(eq_or_null(position::Column::InstrumentId, m.instrument_id))
        .filter(eq_or_null(position::Column::ProvisionId, m.provision_id))
        .filter(position::Column::Kind.eq(m.kind))
        .filter(eq_or_null(position::Column::Date, m.date));
    if let Some(id) = except {
        q = q.filter(position::Column::Id.ne(id));
    }
    if q.one(txn).await?.is_some() {
        return Err(Error::bad_input(
            "kind",
            "this state already has a position of this kind in this forum on this subject and date; correct that record instead",
        ));
    }
    Ok(())
}

/// State ids and codes (sorted) for the responsible states: at least one, each known, none twice.
async fn responsible(
    txn: &DatabaseTransaction,
    actor: &Actor,
    codes: &[String],
) -> Result<(Vec<i32>, Vec<String>)> {
    if codes.is_empty() {
        return Err(Error::bad_input(
            "responsibleStates",
            "name at least one responsible state (ISO alpha-3 code)",
        ));
    }
    let mut ids = Vec::new();
    let mut normalized = Vec::new();
    for code in codes {
        let id = validate::state(txn, actor, "responsibleStates", code).await?;
        let upper = code.trim().to_uppercase();
        if ids.contains(&id) {
            return Err(Error::bad_input(
                "responsibleStates",
                format!("state `{upper}` is listed twice"),
            ));
        }
        ids.push(id);
        normalized.push(upper);
    }
    normalized.sort();
    Ok((ids, normalized))
}

async fn responsible_codes(txn: &DatabaseTransaction, evidence_id: i32) -> Result<Vec<String>> {
    let ids: Vec<i32> = evidence_state::Entity::find()
        .filter(evidence_state::Column::EvidenceId.eq(evidence_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|r| r.state_id)
        .collect();
    let mut codes: Vec<String> = state::Entity::find()
        .filter(state::Column::Id.is_in(ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| s.code)
        .collect();
    codes.sort();
    Ok(codes)
}

async fn set_responsible(
    txn: &DatabaseTransaction,
    evidence_id: i32,
    states: &[i32],
) -> Result<()> {
    evidence_state::Entity::delete_many()
        .filter(evidence_state::Column::EvidenceId.eq(evidence_id))
        .exec(txn)
        .await?;
    if !states.is_empty() {
        let rows: Vec<_> = states
            .iter()
            .map(|s| evidence_state::ActiveModel {
                evidence_id: sea_orm::Set(evidence_id),
                state_id: sea_orm::Set(*s),
            })
            .collect();
        evidence_state::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
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

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
pub struct PracticeMutation;

#[Object]
impl PracticeMutation {
    /// Records a position as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_position(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreatePositionInput,
    ) -> async_graphql::Result<Position> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let state_id = validate::state(txn, &actor, "state", &input.state).await?;
                let forum_id = validate::forum(txn, &actor, "forum", &input.forum).await?;
                let instrument_id = match &input.instrument {
                    Some(i) => Some(validate::instrument(txn, &actor, "instrument", i).await?),
                    None => None,
                };
                let provision_id = match &input.provision {
                    Some(p) => Some(validate::provision(txn, &actor, "provision", p).await?.id),
                    None => None,
                };
                about_something(instrument_id, provision_id)?;
                let date = input.date.map(|d| d.0);
                validate::not_future("date", date)?;
                let summary = validate::text("summary", &input.summary, 1, SUMMARY_MAX)?;
                let sources = cited(txn, &actor, &input.sources).await?;
                precise_enough(txn, &sources, &[("date", date)]).await?;
                let (date, date_p) = split(date);
                let now = chrono::Utc::now();
                let model = position::Model {
                    id: 0,
                    state_id,
                    forum_id,
                    instrument_id,
                    provision_id,
                    kind: input.kind,
                    stance: input.stance,
                    date,
                    date_precision: date_p,
                    summary,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                position_free(txn, &model, None).await?;
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(Position(saved))
    }

    /// Corrects a position. `version` is the one you read: if someone changed the record since,
    /// this is a CONFLICT carrying the current version.
    async fn update_position(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        mut input: UpdatePositionInput,
    ) -> async_graphql::Result<Position> {
        let sources = input.sources.take();
        let recheck = sources.is_some() || !input.date.is_undefined();
        let saved = update_record(
            ctx,
            &id,
            version,
            sources,
            move |txn, actor, current: &position::Model, ids| {
                Box::pin(async move {
                    let mut next = current.clone();
                    if let Some(f) = &input.forum {
                        next.forum_id = validate::forum(txn, actor, "forum", f).await?;
                    }
                    match &input.instrument {
                        MaybeUndefined::Undefined => {}
                        MaybeUndefined::Null => next.instrument_id = None,
                        MaybeUndefined::Value(i) => {
                            next.instrument_id =
                                Some(validate::instrument(txn, actor, "instrument", i).await?)
                        }
                    }
                    match &input.provision {
                        MaybeUndefined::Undefined => {}
                        MaybeUndefined::Null => next.provision_id = None,
                        MaybeUndefined::Value(p) => {
                            next.provision_id =
                                Some(validate::provision(txn, actor, "provision", p).await?.id)
                        }
                    }
                    about_something(next.instrument_id, next.provision_id)?;
                    if let Some(k) = input.kind {
                        next.kind = k;
                    }
                    if let Some(s) = input.stance {
                        next.stance = s;
                    }
                    let date = merged_date(stored(next.date, next.date_precision), &input.date);
                    validate::not_future("date", date)?;
                    (next.date, next.date_precision) = split(date);
                    if let Some(s) = &input.summary {
                        next.summary = validate::text("summary", s, 1, SUMMARY_MAX)?;
                    }
                    position_free(txn, &next, Some(current.id)).await?;
                    if recheck {
                        precise_enough(txn, ids, &[("date", date)]).await?;
                    }
                    Ok(next)
                })
            },
        )
        .await?;
        Ok(Position(saved))
    }

    /// Records evidence of practice as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateEvidenceInput,
    ) -> async_graphql::Result<Evidence> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let slug = validate::key("slug", &input.slug)?;
                let title = validate::text("title", &input.title, 1, NAME_MAX)?;
                let summary = validate::text("summary", &input.summary, 1, SUMMARY_MAX)?;
                let from = input.occurred_from.0;
                let to = input.occurred_to.map(|d| d.0);
                validate::not_future("occurredFrom", Some(from))?;
                validate::not_future("occurredTo", to)?;
                validate::ordered("occurredTo", Some(from), to)?;
                let attributed_by = validate::opt_text("attributedBy", input.attributed_by.as_deref(), NAME_MAX)?;
                let attribution_basis = validate::opt_text("attributionBasis", input.attribution_basis.as_deref(), NOTE_MAX)?;
                let (state_ids, codes) = responsible(txn, &actor, &input.responsible_states).await?;
                let sources = cited(txn, &actor, &input.sources).await?;
                precise_enough(txn, &sources, &[("occurredFrom", Some(from)), ("occurredTo", to)]).await?;
                if evidence::Entity::find().filter(evidence::Column::Slug.eq(slug.as_str())).one(txn).await?.is_some() {
                    return Err(Error::bad_input("slug", format!("evidence with slug `{slug}` exists already; correct that record instead")));
                }
                let (to, to_p) = split(to);
                let now = chrono::Utc::now();
                let model = evidence::Model {
                    id: 0,
                    slug,
                    title,
                    summary,
                    kind: input.kind,
                    occurred_from: from.date,
                    occurred_from_precision: from.precision,
                    occurred_to: to,
                    occurred_to_precision: to_p,
                    attributed_by,
                    attribution_basis,
                    attribution_status: input.attribution_status,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                let saved = write::create(txn, &actor, model, &sources, json!({ "responsible_states": codes })).await?;
                set_responsible(txn, saved.id, &state_ids).await?;
                Ok(saved)
            })
        })
        .await?;
        Ok(Evidence(saved))
    }

    /// Corrects evidence. `version` is the one you read: if someone changed the record since,
    /// this is a CONFLICT carrying the current version. The `slug` is fixed.
    async fn update_evidence(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        input: UpdateEvidenceInput,
    ) -> async_graphql::Result<Evidence> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let eid = record_id("id", &id, RecordKind::Evidence)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: evidence::Model = write::for_change(txn, &actor, eid, version).await?;
                let mut next = current.clone();
                if let Some(t) = &input.title {
                    next.title = validate::text("title", t, 1, NAME_MAX)?;
                }
                if let Some(s) = &input.summary {
                    next.summary = validate::text("summary", s, 1, SUMMARY_MAX)?;
                }
                if let Some(k) = input.kind {
                    next.kind = k;
                }
                let from = match &input.occurred_from {
                    Some(d) => d.0,
                    None => entity::PartialDate {
                        date: next.occurred_from,
                        precision: next.occurred_from_precision,
                    },
                };
                let to = merged_date(
                    stored(next.occurred_to, next.occurred_to_precision),
                    &input.occurred_to,
                );
                validate::not_future("occurredFrom", Some(from))?;
                validate::not_future("occurredTo", to)?;
                validate::ordered("occurredTo", Some(from), to)?;
                (next.occurred_from, next.occurred_from_precision) = (from.date, from.precision);
                (next.occurred_to, next.occurred_to_precision) = split(to);
                next.attributed_by = merged_text(
                    "attributedBy",
                    next.attributed_by,
                    &input.attributed_by,
                    NAME_MAX,
                )?;
                next.attribution_basis = merged_text(
                    "attributionBasis",
                    next.attribution_basis,
                    &input.attribution_basis,
                    NOTE_MAX,
                )?;
                if let Some(s) = input.attribution_status {
                    next.attribution_status = s;
                }
                let before_states = responsible_codes(txn, eid).await?;
                let mut after_states = before_states.clone();
                if let Some(codes) = &input.responsible_states {
                    let (ids, normalized) = responsible(txn, &actor, codes).await?;
                    no_orphaned_assessments(txn, eid, &ids).await?;
                    set_responsible(txn, eid, &ids).await?;
                    after_states = normalized;
                }
                let (ids, before, after) = recite(
                    txn,
                    &actor,
                    RecordKind::Evidence,
                    eid,
                    input.sources.as_deref(),
                )
                .await?;
                if input.occurred_from.is_some()
                    || !input.occurred_to.is_undefined()
                    || input.sources.is_some()
                {
                    precise_enough(
                        txn,
                        &ids,
                        &[("occurredFrom", Some(from)), ("occurredTo", to)],
                    )
                    .await?;
                }
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    input.sources.is_some().then_some(ids.as_slice()),
                    json!({ "responsible_states": before_states, "sources": before }),
                    json!({ "responsible_states": after_states, "sources": after }),
                )
                .await
            })
        })
        .await?;
        Ok(Evidence(saved))
    }

    /// Records an assessment as a DRAFT (CONTRIBUTOR or above); an editor publishes it, and
    /// only then does it count in the gap engine.
    async fn create_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateAssessmentInput,
    ) -> async_graphql::Result<Assessment> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let evidence = validate::evidence(txn, &actor, "evidence", &input.evidence).await?;
                let state_id = validate::state(txn, &actor, "state", &input.state).await?;
                let provision = validate::provision(txn, &actor, "provision", &input.provision).await?;
                let is_responsible = evidence_state::Entity::find()
                    .filter(evidence_state::Column::EvidenceId.eq(evidence.id))
                    .filter(evidence_state::Column::StateId.eq(state_id))
                    .one(txn)
                    .await?
                    .is_some();
                if !is_responsible {
                    let codes = responsible_codes(txn, evidence.id).await?;
                    return Err(Error::bad_input(
                        "state",
                        format!(
                            "`{}` is not among the responsible states of evidence `{}` ({})",
                            input.state.trim().to_uppercase(),
                            evidence.slug,
                            codes.join(", ")
                        ),
                    ));
                }
                let rationale = validate::text("rationale", &input.rationale, 1, SUMMARY_MAX)?;
                let sources = cited(txn, &actor, &input.sources).await?;
                let exists = assessment::Entity::find()
                    .filter(assessment::Column::EvidenceId.eq(evidence.id))
                    .filter(assessment::Column::StateId.eq(state_id))
                    .filter(assessment::Column::ProvisionId.eq(provision.id))
                    .one(txn)
                    .await?;
                if exists.is_some() {
                    return Err(Error::bad_input(
                        "provision",
                        "this evidence is already assessed against this provision for this state; correct that assessment instead",
                    ));
                }
                let now = chrono::Utc::now();
                let model = assessment::Model {
                    id: 0,
                    evidence_id: evidence.id,
                    state_id,
                    provision_id: provision.id,
                    finding: input.finding,
                    confidence: input.confidence,
                    rationale,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                write::create(txn, &actor, model, &sources, json!({})).await
            })
        })
        .await?;
        Ok(Assessment(saved))
    }

    /// Corrects an assessment. `version` is the one you read: if someone changed the record
    /// since, this is a CONFLICT carrying the current version.
    async fn update_assessment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The global id of the record to change, as its `id` field gives it. The id of another type of record is a BAD_USER_INPUT naming `id`; no such record is NOT_FOUND."
        )]
        id: ID,
        #[graphql(
            desc = "The `version` you read. If the record changed since, nothing is written and the answer is a CONFLICT error carrying the current version: read it again and retry."
        )]
        version: i32,
        #[graphql(
            desc = "The fields to change; a field left out keeps its value. A bad value is a BAD_USER_INPUT naming the field."
        )]
        mut input: UpdateAssessmentInput,
    ) -> async_graphql::Result<Assessment> {
        let sources = input.sources.take();
        let saved = update_record(
            ctx,
            &id,
            version,
            sources,
            move |_, _, current: &assessment::Model, _| {
                Box::pin(async move {
                    let mut next = current.clone();
                    if let Some(f) = input.finding {
                        next.finding = f;
                    }
                    if let Some(c) = input.confidence {
                        next.confidence = c;
                    }
                    if let Some(r) = &input.rationale {
                        next.rationale = validate::text("rationale", r, 1, SUMMARY_MAX)?;
                    }
                    Ok(next)
                })
            },
        )
        .await?;
        Ok(Assessment(saved))
    }
}
