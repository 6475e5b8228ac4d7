//! Instruments and the `instrument` / `instruments` queries.

use super::{by_id, children};
use super::{
    commitment::Commitment,
    connection::{from_page, wants_total, Conn},
    db,
    forum::Forum,
    ids,
    provision::Provision,
    revision::Revision,
    scalars::{partial, Date, PartialDate},
    source::{history, sources_of, Source},
};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use entity::{instrument, AdoptionMode, Bindingness, InstrumentKind, RecordKind};

/// A text a forum produced: a report, resolution, treaty, declaration, decision or statement.
#[derive(Clone)]
pub struct Instrument(pub instrument::Model);

#[Object]
impl Instrument {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Instrument, self.0.id))
    }
    /// Stable key, e.g. `gge-2015`, `iccpr`, `budapest-convention`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`.
    async fn symbol(&self) -> Option<&str> {
        self.0.symbol.as_deref()
    }
    async fn title(&self) -> &str {
        &self.0.title
    }
    async fn kind(&self) -> InstrumentKind {
        self.0.kind
    }
    async fn bindingness(&self) -> Bindingness {
        self.0.bindingness
    }
    async fn adopted_on(&self) -> Option<PartialDate> {
        partial(self.0.adopted_on, self.0.adopted_on_precision)
    }
    async fn adoption_mode(&self) -> Option<AdoptionMode> {
        self.0.adoption_mode
    }
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// What the instrument does, in our own words.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The forum that adopted it.
    async fn forum(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        match self.0.forum_id {
            Some(f) => Ok(by_id::<entity::forum::Entity>(ctx, f).await?.map(Forum)),
            None => Ok(None),
        }
    }
    /// The norms, CBMs and obligations inside it.
    async fn provisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Provision>> {
        let provisions = children::<crate::loaders::ProvisionsOfInstrument>(ctx, self.0.id).await?;
        super::announce(ctx, "provision", provisions.iter().map(|m| m.id));
        Ok(provisions.into_iter().map(Provision::from).collect())
    }
    /// Published commitments of states to it.
    async fn commitments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Commitment>> {
        Ok(
            children::<crate::loaders::CommitmentsToInstrument>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(Commitment)
                .collect(),
        )
    }
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Instrument, self.0.id).await?)
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
            RecordKind::Instrument,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which instruments to list.
#[derive(InputObject, Default)]
pub struct InstrumentFilter {
    pub kinds: Option<Vec<InstrumentKind>>,
    pub bindingness: Option<Vec<Bindingness>>,
    /// The adopting forum's slug.
    pub forum: Option<String>,
    /// Adopted on or after this day.
    pub adopted_from: Option<Date>,
    /// Adopted on or before this day.
    pub adopted_to: Option<Date>,
    /// Case-insensitive text in the title, symbol or slug.
    pub search: Option<String>,
    /// Only records created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted records leave the list: the `changes` feed reports them.
    pub updated_since: Option<DateTime<Utc>>,
}

impl From<InstrumentFilter> for repo::instruments::InstrumentFilter {
    fn from(f: InstrumentFilter) -> Self {
        repo::instruments::InstrumentFilter {
            kinds: f.kinds,
            bindingness: f.bindingness,
            forum: f.forum,
            search: f.search,
            adopted_from: f.adopted_from.map(|d| d.0),
            adopted_to: f.adopted_to.map(|d| d.0),
            updated_since: f.updated_since,
        }
    }
}

#[derive(Default)]
pub struct InstrumentQuery;

#[Object]
impl InstrumentQuery {
    /// An instrument by slug; null when there is none.
    async fn instrument(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> async_graphql::Result<Option<Instrument>> {
        Ok(repo::instruments::by_slug(db(ctx), super::vis(ctx), &slug)
            .await?
            .map(Instrument))
    }

    /// Instruments in registry order. `first` defaults to 20, at most 100.
    async fn instruments(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<InstrumentFilter>,
    ) -> async_graphql::Result<Conn<Instrument>> {
        let args = PageArgs::new(first, after, last, before)?;
        let select =
            repo::instruments::select(super::vis(ctx), &filter.map(Into::into).unwrap_or_default());
        let page = repo::paginate(
            db(ctx),
            select,
            instrument::Column::Id,
            args,
            wants_total(ctx),
        )
        .await?;
        Ok(from_page(page, |m| m.id, Instrument))
    }
}
