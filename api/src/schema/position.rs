//! Positions and the `positions` query.

use super::by_id;
use super::{
    connection::{from_page, wants_total, Conn},
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

#[Object]
impl Position {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Position, self.0.id))
    }
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(by_id::<entity::state::Entity>(ctx, self.0.state_id)
            .await?
            .map(State))
    }
    async fn forum(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        Ok(by_id::<entity::forum::Entity>(ctx, self.0.forum_id)
            .await?
            .map(Forum))
    }
    /// The instrument the stance is about, if any.
    async fn instrument(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Instrument>> {
        match self.0.instrument_id {
            Some(i) => Ok(by_id::<entity::instrument::Entity>(ctx, i)
                .await?
                .map(Instrument)),
            None => Ok(None),
        }
    }
    /// The provision the stance is about, if any.
    async fn provision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Provision>> {
        match self.0.provision_id {
            Some(p) => Ok(by_id::<entity::provision::Entity>(ctx, p)
                .await?
                .map(Provision::from)),
            None => Ok(None),
        }
    }
    async fn kind(&self) -> PositionKind {
        self.0.kind
    }
    async fn stance(&self) -> Stance {
        self.0.stance
    }
    async fn date(&self) -> Option<PartialDate> {
        partial(self.0.date, self.0.date_precision)
    }
    /// What the state said or did, in our own words.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    async fn status(&self) -> PublicationStatus {
        self.0.status
    }
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Position, self.0.id).await?)
    }
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Every change to this record, oldest first.
    async fn history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
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
    pub kinds: Option<Vec<PositionKind>>,
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
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
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
        Ok(from_page(page, |m| m.id, Position))
    }
}
