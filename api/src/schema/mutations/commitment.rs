//! Creating and correcting commitments.

use super::{record_id, transaction, validate, writer};
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::schema::{commitment::Commitment, scalars::PartialDate};
use crate::write;
use async_graphql::{Context, InputObject, MaybeUndefined, Object, ID};
use entity::*;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;

/// A state's act binding or aligning it to an instrument.
#[derive(InputObject)]
pub struct CreateCommitmentInput {
    /// ISO alpha-3 code of the state.
    pub state: String,
    /// Slug of the instrument.
    pub instrument: String,
    /// Slug of the forum where the act took place.
    pub forum: Option<String>,
    /// What the state did; it must fit the instrument (a treaty is ratified, acceded to, succeeded
    /// to or signed; a consensus adoption takes no vote in favour), else a BAD_USER_INPUT naming
    /// `act`.
    pub act: CommitmentAct,
    /// The state's own act, a consensus it joined, or membership of the adopting body.
    pub modality: CommitmentModality,
    /// As precise as the source: `1981`, `1981-03` or `1981-03-23`.
    pub valid_from: Option<PartialDate>,
    /// Until when it held (a withdrawal or denunciation); not before `validFrom`.
    pub valid_to: Option<PartialDate>,
    /// Codes of provisions of the instrument that the state excluded.
    pub reservations: Option<Vec<String>>,
    /// Curators' remark, e.g. why the source gives no date.
    pub note: Option<String>,
    /// Keys of the sources (at least one), primary first.
    pub sources: Vec<String>,
}

/// Changes to a commitment; absent fields stay as they are, `null` clears an optional one.
#[derive(InputObject, Default)]
pub struct UpdateCommitmentInput {
    /// Slug of the forum where the act took place. Left out, it stays as it is; `null` clears it.
    pub forum: MaybeUndefined<String>,
    /// What the state did; it must fit the instrument (a treaty is ratified, acceded to, succeeded
    /// to or signed; a consensus adoption takes no vote in favour), else a BAD_USER_INPUT naming
    /// `act`. Left out, it stays as it is.
    pub act: Option<CommitmentAct>,
    /// The state's own act, a consensus it joined, or membership of the adopting body. Left out, it
    /// stays as it is.
    pub modality: Option<CommitmentModality>,
    /// As precise as the source: `1981`, `1981-03` or `1981-03-23`. Left out, it stays as it is;
    /// `null` clears it.
    pub valid_from: MaybeUndefined<PartialDate>,
    /// Until when it held (a withdrawal or denunciation); not before `validFrom`. Left out, it
    /// stays as it is; `null` clears it.
    pub valid_to: MaybeUndefined<PartialDate>,
    /// Codes of provisions of the instrument that the state excluded. Left out, it stays as it is.
    pub reservations: Option<Vec<String>>,
    /// Curators' remark, e.g. why the source gives no date. Left out, it stays as it is; `null`
    /// clears it.
    pub note: MaybeUndefined<String>,
    /// Replaces the cited sources: their keys, at least one, primary first. Left out, they stay as
    /// they are.
    pub sources: Option<Vec<String>>,
}

/// Provision ids for reservation codes, which must belong to the instrument.
async fn reservations(
    txn: &DatabaseTransaction,
    actor: &Actor,
    instrument_id: i32,
    codes: &[String],
) -> Result<Vec<i32>> {
    let mut ids = Vec::new();
    for code in codes {
        let p = validate::provision(txn, actor, "reservations", code).await?;
        if p.instrument_id != instrument_id {
            return Err(Error::bad_input(
                "reservations",
                format!("provision `{code}` is not part of this instrument"),
            ));
        }
        ids.push(p.id);
    }
    Ok(ids)
}

async fn reserved_codes(txn: &DatabaseTransaction, commitment_id: i32) -> Result<Vec<String>> {
    let rows = commitment_reservation::Entity::find()
        .filter(commitment_reservation::Column::CommitmentId.eq(commitment_id))
        .all(txn)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.provision_id).collect();
    let mut codes: Vec<String> = provision::Entity::find()
        .filter(provision::Column::Id.is_in(ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.code)
        .collect();
    codes.sort();
    Ok(codes)
}

async fn set_reservations(
    txn: &DatabaseTransaction,
    commitment_id: i32,
    provisions: &[i32],
) -> Result<()> {
    commitment_reservation::Entity::delete_many()
        .filter(commitment_reservation::Column::CommitmentId.eq(commitment_id))
        .exec(txn)
        .await?;
    if !provisions.is_empty() {
        let rows: Vec<_> = provisions
            .iter()
            .map(|p| commitment_reservation::ActiveModel {
                commitment_id: sea_orm::Set(commitment_id),
                provision_id: sea_orm::Set(*p),
            })
            .collect();
        commitment_reservation::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

#[derive(Default)]
pub struct CommitmentMutation;

#[Object]
impl CommitmentMutation {
    /// Records a commitment as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
    async fn create_commitment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The new record's fields. A missing or bad value is a BAD_USER_INPUT naming the field (e.g. `input.title`)."
        )]
        input: CreateCommitmentInput,
    ) -> async_graphql::Result<Commitment> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let state_id = validate::state(txn, &actor, "state", &input.state).await?;
                let instrument_id = validate::instrument(txn, &actor, "instrument", &input.instrument).await?;
                validate::act_fits(txn, "act", input.act, instrument_id).await?;
                let forum_id = match &input.forum {
                    Some(f) => Some(validate::forum(txn, &actor, "forum", f).await?),
                    None => None,
                };
                let from = input.valid_from.map(|d| d.0);
                let to = input.valid_to.map(|d| d.0);
                validate::not_future("validFrom", from)?;
                validate::ordered("validTo", from, to)?;
                let note = validate::opt_text("note", input.note.as_deref(), 2000)?;
                let reserved = reservations(txn, &actor, instrument_id, input.reservations.as_deref().unwrap_or_default()).await?;
                let sources = write::source_ids(txn, &actor, "sources", &input.sources).await?;
                super::support::precise_enough(txn, &sources, &[("validFrom", from), ("validTo", to)]).await?;
                let exists = commitment::Entity::find()
                    .filter(commitment::Column::StateId.eq(state_id))
                    .filter(commitment::Column::InstrumentId.eq(instrument_id))
                    .filter(commitment::Column::Act.eq(input.act))
                    .one(txn)
                    .await?;
                if exists.is_some() {
                    return Err(Error::bad_input("act", "this state already has this act recorded for this instrument; correct that record instead"));
                }
                let (from, from_p) = entity::PartialDate::to_parts(from);
                let (to, to_p) = entity::PartialDate::to_parts(to);
                let now = chrono::Utc::now();
                let model = commitment::Model {
                    id: 0,
                    state_id,
                    instrument_id,
                    forum_id,
                    act: input.act,
                    modality: input.modality,
                    valid_from: from,
                    valid_from_precision: from_p,
                    valid_to: to,
                    valid_to_precision: to_p,
                    note,
                    status: PublicationStatus::Draft,
                    created_by: Some(actor.user_id),
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                let codes = input.reservations.clone().unwrap_or_default();
                let saved = write::create(txn, &actor, model, &sources, json!({ "reservations": codes })).await?;
                set_reservations(txn, saved.id, &reserved).await?;
                Ok(saved)
            })
        })
        .await?;
        Ok(Commitment(saved))
    }

    /// Corrects a commitment. `version` is the one you read: if someone changed the record
    /// since, this is a CONFLICT carrying the current version.
    async fn update_commitment(
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
        input: UpdateCommitmentInput,
    ) -> async_graphql::Result<Commitment> {
        let actor = writer(ctx, UserRole::Contributor)?;
        let cid = record_id("id", &id, RecordKind::Commitment)?;
        let saved = transaction(ctx, |txn| {
            Box::pin(async move {
                let current: commitment::Model =
                    write::for_change(txn, &actor, cid, version).await?;
                let mut next = current.clone();
                match &input.forum {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.forum_id = None,
                    MaybeUndefined::Value(f) => {
                        next.forum_id = Some(validate::forum(txn, &actor, "forum", f).await?)
                    }
                }
                if let Some(a) = input.act.filter(|a| *a != current.act) {
                    validate::act_fits(txn, "act", a, current.instrument_id).await?;
                    let taken = commitment::Entity::find()
                        .filter(commitment::Column::StateId.eq(current.state_id))
                        .filter(commitment::Column::InstrumentId.eq(current.instrument_id))
                        .filter(commitment::Column::Act.eq(a))
                        .one(txn)
                        .await?;
                    if taken.is_some() {
                        return Err(Error::bad_input(
                            "act",
                            "this state already has this act recorded for this instrument",
                        ));
                    }
                    next.act = a;
                }
                if let Some(m) = input.modality {
                    next.modality = m;
                }
                let mut from =
                    entity::PartialDate::from_parts(next.valid_from, next.valid_from_precision);
                let mut to =
                    entity::PartialDate::from_parts(next.valid_to, next.valid_to_precision);
                match &input.valid_from {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => from = None,
                    MaybeUndefined::Value(d) => from = Some(d.0),
                }
                match &input.valid_to {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => to = None,
                    MaybeUndefined::Value(d) => to = Some(d.0),
                }
                validate::not_future("validFrom", from)?;
                validate::ordered("validTo", from, to)?;
                (next.valid_from, next.valid_from_precision) = entity::PartialDate::to_parts(from);
                (next.valid_to, next.valid_to_precision) = entity::PartialDate::to_parts(to);
                match &input.note {
                    MaybeUndefined::Undefined => {}
                    MaybeUndefined::Null => next.note = None,
                    MaybeUndefined::Value(n) => {
                        next.note = validate::opt_text("note", Some(n), 2000)?
                    }
                }
                let before_codes = reserved_codes(txn, cid).await?;
                let before_sources = write::cited_keys(txn, RecordKind::Commitment, cid).await?;
                let mut after_codes = before_codes.clone();
                if let Some(codes) = &input.reservations {
                    let ids = reservations(txn, &actor, next.instrument_id, codes).await?;
                    set_reservations(txn, cid, &ids).await?;
                    after_codes = codes.iter().map(|c| c.trim().to_lowercase()).collect();
                    after_codes.sort();
                }
                let (source_ids, _, after_sources) = super::support::recite(
                    txn,
                    &actor,
                    RecordKind::Commitment,
                    cid,
                    input.sources.as_deref(),
                )
                .await?;
                super::support::precise_enough(
                    txn,
                    &source_ids,
                    &[("validFrom", from), ("validTo", to)],
                )
                .await?;
                write::update(
                    txn,
                    &actor,
                    &current,
                    next,
                    RevisionAction::Update,
                    None,
                    input.sources.is_some().then_some(source_ids.as_slice()),
                    json!({ "reservations": before_codes, "sources": before_sources }),
                    json!({ "reservations": after_codes, "sources": after_sources }),
                )
                .await
            })
        })
        .await?;
        Ok(Commitment(saved))
    }
}
