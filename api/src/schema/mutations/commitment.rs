//! Creating and correcting commitments.

use super::support::{change, change_date, create_owning, valid, List, Owned, Target};
use super::validate;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::schema::{commitment::Commitment, scalars::PartialDate};
use async_graphql::Context;
use entity::domain::*;
use entity::*;
use sea_orm::DatabaseTransaction;

record_inputs! {
    /// A state's act binding or aligning it to an instrument.
    CreateCommitmentInput,
    /// Changes to a commitment; absent fields stay as they are, `null` clears an optional one.
    UpdateCommitmentInput {
        /// ISO alpha-3 code of the state.
        fixed state: String;
        /// Slug of the instrument.
        fixed instrument: String;
        /// Slug of the forum where the act took place.
        clear forum: String =>
            /// Slug of the forum where the act took place. Left out, it stays as it is; `null` clears it.
        ;
        /// What the state did; it must fit the instrument (a treaty is ratified, acceded to, succeeded
        /// to or signed; a consensus adoption takes no vote in favour), else a BAD_USER_INPUT naming
        /// `act`.
        set act: CommitmentAct =>
            /// What the state did; it must fit the instrument (a treaty is ratified, acceded to, succeeded
            /// to or signed; a consensus adoption takes no vote in favour), else a BAD_USER_INPUT naming
            /// `act`. Left out, it stays as it is.
        ;
        /// The state's own act, a consensus it joined, or membership of the adopting body.
        set modality: CommitmentModality =>
            /// The state's own act, a consensus it joined, or membership of the adopting body. Left out, it
            /// stays as it is.
        ;
        /// As precise as the source: `1981`, `1981-03` or `1981-03-23`.
        clear valid_from: PartialDate =>
            /// As precise as the source: `1981`, `1981-03` or `1981-03-23`. Left out, it stays as it is;
            /// `null` clears it.
        ;
        /// Until when it held (a withdrawal or denunciation); not before `validFrom`.
        clear valid_to: PartialDate =>
            /// Until when it held (a withdrawal or denunciation); not before `validFrom`. Left out, it
            /// stays as it is; `null` clears it.
        ;
        /// Codes of provisions of the instrument that the state excluded.
        opt reservations: Vec<String> =>
            /// Codes of provisions of the instrument that the state excluded. Left out, it stays as it is.
        ;
        /// Curators' remark, e.g. why the source gives no date.
        clear note: String =>
            /// Curators' remark, e.g. why the source gives no date. Left out, it stays as it is; `null`
            /// clears it.
        ;
        sources;
    }
}

impl CreateCommitmentInput {
    fn domain(self) -> NewCommitment {
        NewCommitment {
            state: self.state,
            instrument: self.instrument,
            forum: self.forum,
            fields: CommitmentFields {
                act: self.act,
                modality: self.modality,
                valid_from: self.valid_from.map(|d| d.0),
                valid_to: self.valid_to.map(|d| d.0),
                note: self.note,
            },
            reservations: self.reservations.unwrap_or_default(),
            sources: self.sources,
        }
    }
}

impl UpdateCommitmentInput {
    fn patch(self) -> CommitmentPatch {
        CommitmentPatch {
            act: self.act,
            modality: self.modality,
            valid_from: change_date(self.valid_from),
            valid_to: change_date(self.valid_to),
            note: change(self.note, |v| v),
        }
    }
}

/// The reservations, resolved: provisions of the instrument, each known to the writer.
async fn reserved(
    txn: &DatabaseTransaction,
    actor: &Actor,
    instrument_id: i32,
    codes: Vec<String>,
) -> Result<Owned> {
    let mut ids = Vec::new();
    for code in &codes {
        let p = validate::named::<provision::Entity>(txn, actor, "reservations", code).await?;
        if p.instrument_id != instrument_id {
            return Err(Error::bad_input(
                "reservations",
                format!("provision `{code}` is not part of this instrument"),
            ));
        }
        ids.push(p.id);
    }
    Ok(Owned::new(List::Reservations, ids, codes))
}

/// The act must fit the instrument (the seed's rule, [`validate::act_fits`]); that the state
/// has no other commitment with this act on this instrument is the database's unique key.
async fn act_fits(txn: &DatabaseTransaction, act: CommitmentAct, instrument_id: i32) -> Result<()> {
    validate::act_fits(txn, "act", act, instrument_id).await
}

record_mutations! {
    CommitmentMutation {
        /// Records a commitment as a DRAFT (CONTRIBUTOR or above); an editor publishes it.
        create_commitment(CreateCommitmentInput),
        /// Corrects a commitment. `version` is the one you read: if someone changed the record
        /// since, this is a CONFLICT carrying the current version.
        update_commitment(UpdateCommitmentInput) -> Commitment;
    }
}

async fn create_commitment(
    ctx: &Context<'_>,
    input: CreateCommitmentInput,
) -> Result<commitment::Model> {
    create_owning(ctx, input.domain(), |txn, actor, new| {
        Box::pin(async move {
            let state_id =
                validate::id_of::<state::Entity>(txn, actor, "state", &new.state).await?;
            let instrument_id =
                validate::id_of::<instrument::Entity>(txn, actor, "instrument", &new.instrument)
                    .await?;
            act_fits(txn, new.fields.act, instrument_id).await?;
            let forum = new.forum.as_deref();
            let forum_id = validate::opt_id::<forum::Entity>(txn, actor, "forum", forum).await?;
            let codes = new.reservations.clone();
            let owned = reserved(txn, actor, instrument_id, codes).await?;
            Ok((new.model(state_id, instrument_id, forum_id), Some(owned)))
        })
    })
    .await
}

async fn update_commitment(
    at: Target<'_>,
    mut input: UpdateCommitmentInput,
) -> Result<commitment::Model> {
    let sources = input.sources.take();
    let forum = std::mem::take(&mut input.forum);
    let codes = input.reservations.take();
    let patch = input.patch();
    let list = Some(List::Reservations);
    at.update_owning(
        sources,
        list,
        patch,
        move |txn, actor, current, mut next: commitment::Model| {
            Box::pin(async move {
                if next.act != current.act {
                    act_fits(txn, next.act, current.instrument_id).await?;
                }
                next.forum_id = validate::relinked::<forum::Entity>(
                    txn,
                    actor,
                    "forum",
                    forum,
                    current.forum_id,
                )
                .await?;
                let owned = match codes {
                    Some(codes) => {
                        let codes = valid(reservations(codes))?;
                        Some(reserved(txn, actor, current.instrument_id, codes).await?)
                    }
                    None => None,
                };
                Ok((next, owned))
            })
        },
    )
    .await
}
