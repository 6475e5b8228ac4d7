//! Forums, memberships, and the `forum` / `forums` queries.

use super::{by_id, children};
use super::{
    connection::{from_page, wants_total, Conn},
    db, ids,
    instrument::Instrument,
    revision::Revision,
    scalars::{partial, PartialDate},
    source::{history, sources_of, Source},
    state::State,
};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, InputObject, Object, ID};
use entity::{forum, membership, ForumKind, MembershipRole, RecordKind};

/// Where states act: the UN General Assembly, the OSCE, the Freedom Online Coalition ...
#[derive(Clone)]
pub struct Forum(pub forum::Model);

#[Object]
impl Forum {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Forum, self.0.id))
    }
    /// Stable key, e.g. `unga`, `osce`, `paris-call`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> ForumKind {
        self.0.kind
    }
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    async fn established_on(&self) -> Option<PartialDate> {
        partial(self.0.established_on, self.0.established_on_precision)
    }
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The forum this one belongs to (the UN GGE under the General Assembly).
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        match self.0.parent_id {
            Some(p) => Ok(by_id::<entity::forum::Entity>(ctx, p).await?.map(Forum)),
            None => Ok(None),
        }
    }
    async fn children(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Forum>> {
        Ok(children::<crate::loaders::ChildForums>(ctx, self.0.id)
            .await?
            .into_iter()
            .map(Forum)
            .collect())
    }
    /// The states in this forum, past and present.
    async fn memberships(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Membership>> {
        Ok(
            children::<crate::loaders::MembershipsOfForum>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(Membership)
                .collect(),
        )
    }
    /// The instruments this forum adopted.
    async fn instruments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Instrument>> {
        Ok(
            children::<crate::loaders::InstrumentsOfForum>(ctx, self.0.id)
                .await?
                .into_iter()
                .map(Instrument)
                .collect(),
        )
    }
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Forum, self.0.id).await?)
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
            RecordKind::Forum,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// A state in a forum over a period.
#[derive(Clone)]
pub struct Membership(pub membership::Model);

#[Object]
impl Membership {
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Membership, self.0.id))
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
    async fn role(&self) -> MembershipRole {
        self.0.role
    }
    /// Since when; null when the source gives no date (see `note`).
    async fn valid_from(&self) -> Option<PartialDate> {
        partial(self.0.valid_from, self.0.valid_from_precision)
    }
    /// Until when; null while the membership lasts.
    async fn valid_to(&self) -> Option<PartialDate> {
        partial(self.0.valid_to, self.0.valid_to_precision)
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Membership, self.0.id).await?)
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
            RecordKind::Membership,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// Which forums to list.
#[derive(InputObject, Default)]
pub struct ForumFilter {
    /// Only forums created or changed at or after this instant (e.g. the `updatedAt` of your
    /// last sync). Retracted forums leave the list: the `changes` feed reports them.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Default)]
pub struct ForumQuery;

#[Object]
impl ForumQuery {
    /// A forum by slug (`unga`, `osce` ...); null when there is none.
    async fn forum(&self, ctx: &Context<'_>, slug: String) -> async_graphql::Result<Option<Forum>> {
        Ok(repo::forums::by_slug(db(ctx), super::vis(ctx), &slug)
            .await?
            .map(Forum))
    }

    /// Forums in registry order. `first` defaults to 20, at most 100.
    async fn forums(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        filter: Option<ForumFilter>,
    ) -> async_graphql::Result<Conn<Forum>> {
        let args = PageArgs::new(first, after, last, before)?;
        let since = filter.and_then(|f| f.updated_since);
        let select = repo::forums::select(super::vis(ctx), since);
        let page =
            repo::paginate(db(ctx), select, forum::Column::Id, args, wants_total(ctx)).await?;
        Ok(from_page(page, |m| m.id, Forum))
    }
}
