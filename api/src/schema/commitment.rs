//! Commitments and the `commitments` query.

use super::{
    connection::{records_page, wants_total, Conn},
    db,
    forum::Forum,
    ids,
    instrument::Instrument,
    provision::Provision,
    revision::Revision,
    scalars::{partial, Date, PartialDate},
    source::{history, sources_of, Source},
    state::State,
};
use super::{linked, parent};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use entity::{
    commitment, CommitmentAct, CommitmentModality, DatePrecision, PublicationStatus, RecordKind,
};

/// A state's act that binds or aligns it to an instrument: a ratification, an endorsement, a
/// consensus adoption, membership of the adopting body ...
#[derive(Clone)]
pub struct Commitment(pub commitment::Model);

/// A state's act that binds or aligns it to an instrument: a ratification, an endorsement, a
/// consensus adoption, membership of the adopting body ...
#[Object]
impl Commitment {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Commitment, self.0.id))
    }
    /// The state that committed. Null only when the reader may not see that state (never for the
    /// public, who sees a commitment only with its state).
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(
            parent::<entity::state::Entity>(ctx, "state_id", self.0.state_id)
                .await?
                .map(State),
        )
    }
    /// The instrument the state committed to; the commitment covers every provision of it except
    /// `reservations`.
    async fn instrument(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Instrument>> {
        Ok(
            parent::<entity::instrument::Entity>(ctx, "instrument_id", self.0.instrument_id)
                .await?
                .map(Instrument),
        )
    }
    /// Where the act took place.
    async fn forum(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        match self.0.forum_id {
            Some(f) => Ok(parent::<entity::forum::Entity>(ctx, "forum_id", f)
                .await?
                .map(Forum)),
            None => Ok(None),
        }
    }
    /// What the state did: ratified, signed, voted in favour ... WITHDREW ends the state's earlier
    /// commitments to the instrument.
    async fn act(&self) -> CommitmentAct {
        self.0.act
    }
    /// Whether the state acted itself (EXPLICIT), joined a consensus, or is counted through
    /// membership of the adopting body; BY_MEMBERSHIP is the weakest strength in the gap method.
    async fn modality(&self) -> CommitmentModality {
        self.0.modality
    }
    /// Since when the commitment holds; null when the source gives no date (see `note`).
    async fn valid_from(&self) -> Option<PartialDate> {
        partial(self.0.valid_from, self.0.valid_from_precision)
    }
    /// Until when it held (a withdrawal or denunciation); null while it holds.
    async fn valid_to(&self) -> Option<PartialDate> {
        partial(self.0.valid_to, self.0.valid_to_precision)
    }
    /// The precision of `validFrom` as the source gives it.
    async fn date_precision(&self) -> Option<DatePrecision> {
        self.0.valid_from.and(self.0.valid_from_precision)
    }
    /// Provisions this commitment excludes (reservations that take a whole provision out).
    async fn reservations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Provision>> {
        Ok(linked::<crate::loaders::ReservationsOf>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Provision::from)
            .collect())
    }
    /// Curators' remark, e.g. why the source gives no date or what a declaration says; null when
    /// there is none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// Where the record is in review. The public sees PUBLISHED records only; a DRAFT shows to its author and to editors, a RETRACTED record to editors.
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Commitment, self.0.id).await?)
    }
    /// Revision counter of this record: 1 when created, raised by every write. Send the version you read with `update...`, `publish` or `retract`; if it moved meanwhile the write is refused with CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every change to this record, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page forward: at most this many items after `after`, 0 to 100; without `first` and `last`, 20. Negative or over 100 is a BAD_USER_INPUT naming `first`; not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `after`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`."
        )]
        before: Option<String>,
    ) -> async_graphql::Result<Conn<Revision>> {
        Ok(history(
            ctx,
            RecordKind::Commitment,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which commitments to list.
#[derive(InputObject, Default)]
pub struct CommitmentFilter {
    /// States by ISO alpha-3 code.
    pub states: Option<Vec<String>>,
    /// Instruments by slug.
    pub instruments: Option<Vec<String>>,
    /// Forums by slug (where the act took place).
    pub forums: Option<Vec<String>>,
    /// Commitments to the instrument containing this provision (code).
    pub provision: Option<String>,
    /// Only these acts, e.g. `[RATIFIED, ACCEDED]` (default: all).
    pub acts: Option<Vec<CommitmentAct>>,
    /// Only these modalities (default: all).
    pub modalities: Option<Vec<CommitmentModality>>,
    /// `validFrom` on or after this day (a year-precision date counts from its 1 January).
    pub valid_from_after: Option<Date>,
    /// `validFrom` on or before this day.
    pub valid_from_before: Option<Date>,
    /// Only records created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted records leave the list: the `changes` feed reports them.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<CommitmentFilter> for repo::commitments::CommitmentFilter {
    fn from(f: CommitmentFilter) -> Self {
        repo::commitments::CommitmentFilter {
            states: f.states,
            instruments: f.instruments,
            forums: f.forums,
            provision: f.provision,
            acts: f.acts,
            modalities: f.modalities,
            valid_from_after: f.valid_from_after.map(|d| d.0),
            valid_from_before: f.valid_from_before.map(|d| d.0),
            updated_since: f.updated_since,
        }
    }
}

#[derive(Default)]
pub struct CommitmentQuery;

#[Object]
impl CommitmentQuery {
    /// Published commitments in registry order. `first` defaults to 20, at most 100.
    async fn commitments(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page forward: at most this many items after `after`, 0 to 100; without `first` and `last`, 20. Negative or over 100 is a BAD_USER_INPUT naming `first`; not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Start after this cursor (an edge's `cursor` or `pageInfo.endCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `after`."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Page backward: at most this many items before `before`, 0 to 100. Negative or over 100 is a BAD_USER_INPUT naming `last`; not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "End before this cursor (an edge's `cursor` or `pageInfo.startCursor`). A cursor this API did not give is a BAD_USER_INPUT naming `before`."
        )]
        before: Option<String>,
        #[graphql(
            desc = "Which commitments to list; every condition given must hold (default: all). Codes and slugs that match nothing give an empty list, not an error."
        )]
        filter: Option<CommitmentFilter>,
    ) -> async_graphql::Result<Conn<Commitment>> {
        let args = PageArgs::new(first, after, last, before)?;
        let select =
            repo::commitments::select(super::vis(ctx), &filter.map(Into::into).unwrap_or_default());
        let page = repo::paginate(
            db(ctx),
            select,
            commitment::Column::Id,
            args,
            wants_total(ctx),
        )
        .await?;
        Ok(records_page::<entity::commitment::Entity, _>(
            ctx, page, Commitment,
        ))
    }
}
