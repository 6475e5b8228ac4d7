//! Sources (citations) and the `sources` / `history` fields every record has.

use super::{connection::Conn, ids, revision::Revision, scalars::partial};
use crate::repo::{self, PageArgs};
use async_graphql::{Context, Object, ID};
use entity::{source, RecordKind, SourceKind, SourceTier};

/// A public document a record rests on: a UN document, a treaty depositary's page, a report.
#[derive(Clone)]
pub struct Source(pub source::Model);

/// A public document a record rests on: a UN document, a treaty depositary's page, a report.
#[Object]
impl Source {
    /// Opaque global id of this record: fetch it again with `node(id:)`, name it in mutations. Treat it as an uninterpreted string.
    pub async fn id(&self) -> async_graphql::Result<ID> {
        Ok(ids::encode(RecordKind::Source, self.0.id))
    }
    /// Stable key used in the seed files, e.g. `citizenlab-2017-reckless-exploit`.
    async fn key(&self) -> &str {
        &self.0.key
    }
    /// What kind of document it is: a UN document, a depositary's record, a government's
    /// publication, an NGO report ...
    async fn kind(&self) -> SourceKind {
        self.0.kind
    }
    /// How close the source is to the fact: PRIMARY (the official record or the depositary),
    /// PUBLISHER (the author's own report), SECONDARY (a compilation), COPY (a mirror of
    /// someone else's document).
    async fn tier(&self) -> SourceTier {
        self.0.tier
    }
    /// The document's own title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// Who published it, e.g. `United Nations`, `Citizen Lab`.
    async fn publisher(&self) -> &str {
        &self.0.publisher
    }
    /// Where to read it; null for documents not online.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// UN document symbol or treaty number, e.g. `A/70/174`, `ETS 185`.
    async fn document_symbol(&self) -> Option<&str> {
        self.0.document_symbol.as_deref()
    }
    /// When it was published, at the precision it gives; null when it carries no date.
    async fn published_on(&self) -> Option<super::scalars::PartialDate> {
        partial(self.0.published_on, self.0.published_on_precision)
    }
    /// When the stored copy we read was taken, where known.
    async fn accessed_on(&self) -> Option<super::scalars::Date> {
        self.0.accessed_on.map(super::scalars::Date)
    }
    /// The finest date precision this source gives (records citing it are no more precise).
    async fn date_precision(&self) -> entity::DatePrecision {
        self.0.date_precision
    }
    /// Curators' remark on the source, e.g. which page or table backs the record; null when there
    /// is none.
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
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
            RecordKind::Source,
            self.0.id,
            first,
            after,
            last,
            before,
        )
        .await?)
    }
}

/// The sources a record cites, primary first.
pub async fn sources_of(
    ctx: &Context<'_>,
    kind: RecordKind,
    id: i32,
) -> crate::Result<Vec<Source>> {
    Ok(super::sources_of(ctx, kind, id)
        .await?
        .into_iter()
        .map(Source)
        .collect())
}

/// One page of a record's revisions.
pub async fn history(
    ctx: &Context<'_>,
    kind: RecordKind,
    id: i32,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> crate::Result<Conn<Revision>> {
    let args = PageArgs::new(first, after, last, before)?;
    let vis = super::vis(ctx);
    let page = repo::revisions::page(
        super::db(ctx),
        vis,
        kind,
        id,
        args,
        super::connection::wants_total(ctx),
    )
    .await?;
    Ok(super::connection::from_page(
        page,
        |r| r.id,
        |m| Revision::new(m, vis),
    ))
}
