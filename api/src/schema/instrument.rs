//! Instruments and the `instrument` / `instruments` queries.

use super::{children, parent};
use super::{
    commitment::Commitment,
    connection::{records_page, wants_total, Conn},
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

/// A text a forum produced: a report, resolution, treaty, declaration, decision or statement.
#[Object]
impl Instrument {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
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
    /// Official title, e.g. `International Covenant on Civil and Political Rights`.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// What kind of text it is: treaty, resolution, report ...
    async fn kind(&self) -> InstrumentKind {
        self.0.kind
    }
    /// Whether it binds in law (a treaty) or is a political or voluntary commitment.
    async fn bindingness(&self) -> Bindingness {
        self.0.bindingness
    }
    /// When it was adopted or opened for signature, at the precision its source gives; null when
    /// not recorded.
    async fn adopted_on(&self) -> Option<PartialDate> {
        partial(self.0.adopted_on, self.0.adopted_on_precision)
    }
    /// By vote, by consensus or by signature; null when not recorded.
    async fn adoption_mode(&self) -> Option<AdoptionMode> {
        self.0.adoption_mode
    }
    /// The official text online; null when none is recorded.
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
            Some(f) => Ok(parent::<entity::forum::Entity>(ctx, "forum_id", f)
                .await?
                .map(Forum)),
            None => Ok(None),
        }
    }
    /// The norms, CBMs and obligations inside it.
    async fn provisions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Provision>> {
        let provisions = children::<crate::loaders::ProvisionsOfInstrument>(ctx, self.0.id).await?;
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
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Instrument, self.0.id).await?)
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
    /// Only these kinds of text (default: all).
    pub kinds: Option<Vec<InstrumentKind>>,
    /// Only these kinds of bindingness (default: all).
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
        #[graphql(desc = "The instrument's stable key, e.g. `gge-2015`, `iccpr`. Exact match.")]
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
            desc = "Which instruments to list; every condition given must hold (default: all)."
        )]
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
        Ok(records_page::<entity::instrument::Entity, _>(
            ctx, page, Instrument,
        ))
    }
}
