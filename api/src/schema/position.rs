//! Positions and the `positions` query.

use super::parent;
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
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use entity::{position, PositionKind, PublicationStatus, RecordKind, Stance};

/// A stance a state took in a forum: a vote, a statement, a sponsorship, a national position.
#[derive(Clone)]
pub struct Position(pub position::Model);

/// A stance a state took in a forum: a vote, a statement, a sponsorship, a national position.
#[Object]
impl Position {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Position, self.0.id))
    }
    /// The state that took the position. Null only when the reader may not see it.
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(
            parent::<entity::state::Entity>(ctx, "state_id", self.0.state_id)
                .await?
                .map(State),
        )
    }
    /// The forum where it was taken. Null only when the reader may not see it.
    async fn forum(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        Ok(
            parent::<entity::forum::Entity>(ctx, "forum_id", self.0.forum_id)
                .await?
                .map(Forum),
        )
    }
    /// The instrument the stance is about, if any.
    async fn instrument(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Instrument>> {
        match self.0.instrument_id {
            Some(i) => Ok(
                parent::<entity::instrument::Entity>(ctx, "instrument_id", i)
                    .await?
                    .map(Instrument),
            ),
            None => Ok(None),
        }
    }
    /// The provision the stance is about, if any.
    async fn provision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        match self.0.provision_id {
            Some(p) => Ok(parent::<entity::provision::Entity>(ctx, "provision_id", p)
                .await?
                .map(Provision::from)),
            None => Ok(None),
        }
    }
    /// A vote, a statement, a sponsorship, a national position or a survey response.
    async fn kind(&self) -> PositionKind {
        self.0.kind
    }
    /// Which way it goes: supports, opposes, abstains or qualifies.
    async fn stance(&self) -> Stance {
        self.0.stance
    }
    /// When the position was taken (the vote's day, the paper's publication), at the precision its
    /// source gives; null when not recorded.
    async fn date(&self) -> Option<PartialDate> {
        partial(self.0.date, self.0.date_precision)
    }
    /// What the state said or did, in our own words.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Where the record is in review. The public sees PUBLISHED records only; a DRAFT shows to its author and to editors, a RETRACTED record to editors.
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Position, self.0.id).await?)
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
            RecordKind::Position,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which positions to list.
#[derive(InputObject, Default)]
pub struct PositionFilter {
    /// States by ISO alpha-3 code.
    pub states: Option<Vec<String>>,
    /// Forums by slug.
    pub forums: Option<Vec<String>>,
    /// Instruments by slug.
    pub instruments: Option<Vec<String>>,
    /// Provisions by code.
    pub provisions: Option<Vec<String>>,
    /// Only these kinds of position (default: all).
    pub kinds: Option<Vec<PositionKind>>,
    /// Only these stances, e.g. `[OPPOSES, ABSTAINS]` (default: all).
    pub stances: Option<Vec<Stance>>,
    /// Taken on or after this day.
    pub date_from: Option<Date>,
    /// Taken on or before this day.
    pub date_to: Option<Date>,
    /// Case-insensitive text in the summary.
    pub search: Option<String>,
    /// Only records created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted records leave the list: the `changes` feed reports them.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<PositionFilter> for repo::positions::PositionFilter {
    fn from(f: PositionFilter) -> Self {
        repo::positions::PositionFilter {
            states: f.states,
            forums: f.forums,
            instruments: f.instruments,
            provisions: f.provisions,
            kinds: f.kinds,
            stances: f.stances,
            search: f.search,
            date_from: f.date_from.map(|d| d.0),
            date_to: f.date_to.map(|d| d.0),
            updated_since: f.updated_since,
        }
    }
}

#[derive(Default)]
pub struct PositionQuery;

#[Object]
impl PositionQuery {
    /// Published positions in registry order. `first` defaults to 20, at most 100.
    async fn positions(
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
            desc = "Which positions to list; every condition given must hold (default: all)."
        )]
        filter: Option<PositionFilter>,
    ) -> async_graphql::Result<Conn<Position>> {
        let args = PageArgs::new(first, after, last, before)?;
        let select =
            repo::positions::select(super::vis(ctx), &filter.map(Into::into).unwrap_or_default());
        let page = repo::paginate(
            db(ctx),
            select,
            position::Column::Id,
            args,
            wants_total(ctx),
        )
        .await?;
        Ok(records_page::<entity::position::Entity, _>(
            ctx, page, Position,
        ))
    }
}
