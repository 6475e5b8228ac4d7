//! Forums, memberships, and the `forum` / `forums` queries.

use super::{children, parent};
use super::{
    connection::{records_page, wants_total, Conn},
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

/// Where states act: the UN General Assembly, the OSCE, the Freedom Online Coalition ...
#[Object]
impl Forum {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Forum, self.0.id))
    }
    /// Stable key, e.g. `unga`, `osce`, `paris-call`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// Full English name, e.g. `UN General Assembly`.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What kind of forum it is: intergovernmental, regional, a coalition ...
    async fn kind(&self) -> ForumKind {
        self.0.kind
    }
    /// The forum's own web page; null when none is recorded.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// When the forum was set up, at the precision its source gives; null when not recorded.
    async fn established_on(&self) -> Option<PartialDate> {
        partial(self.0.established_on, self.0.established_on_precision)
    }
    /// What the forum is and does in cyber matters, in our own words; null when not written yet.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// The forum this one belongs to (the UN GGE under the General Assembly).
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        match self.0.parent_id {
            Some(p) => Ok(parent::<entity::forum::Entity>(ctx, "parent_id", p)
                .await?
                .map(Forum)),
            None => Ok(None),
        }
    }
    /// Forums under this one, e.g. the GGE and the OEWG under the General Assembly.
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
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Forum, self.0.id).await?)
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

/// A state in a forum over a period.
#[Object]
impl Membership {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Membership, self.0.id))
    }
    /// The state. Null only when the reader may not see it (the public never sees a record without
    /// its state).
    async fn state(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<State>> {
        Ok(
            parent::<entity::state::Entity>(ctx, "state_id", self.0.state_id)
                .await?
                .map(State),
        )
    }
    /// The forum. Null only when the reader may not see it.
    async fn forum(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Forum>> {
        Ok(
            parent::<entity::forum::Entity>(ctx, "forum_id", self.0.forum_id)
                .await?
                .map(Forum),
        )
    }
    /// Member, observer or participant.
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
    /// Curators' remark, e.g. why the source gives no date; null when there is none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    /// The public sources this record cites, in citation order: the first is the one it rests on most (see `Source.tier`).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        Ok(sources_of(ctx, RecordKind::Membership, self.0.id).await?)
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
    async fn forum(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The forum's stable key, e.g. `unga`, `osce`, `foc`. Exact match.")] slug: String,
    ) -> async_graphql::Result<Option<Forum>> {
        Ok(repo::forums::by_slug(db(ctx), super::vis(ctx), &slug)
            .await?
            .map(Forum))
    }

    /// Forums in registry order. `first` defaults to 20, at most 100.
    async fn forums(
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
        #[graphql(desc = "Which forums to list; all published ones when left out.")] filter: Option<
            ForumFilter,
        >,
    ) -> async_graphql::Result<Conn<Forum>> {
        let args = PageArgs::new(first, after, last, before)?;
        let since = filter.and_then(|f| f.updated_since);
        let select = repo::forums::select(super::vis(ctx), since);
        let page =
            repo::paginate(db(ctx), select, forum::Column::Id, args, wants_total(ctx)).await?;
        Ok(records_page::<entity::forum::Entity, _>(ctx, page, Forum))
    }
}
