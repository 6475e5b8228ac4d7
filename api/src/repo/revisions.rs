//! The audit log of a record. Who wrote is personal data: see `schema::revision` for what each
//! reader is shown of it.

use super::{paginate, records, Page, PageArgs};
use crate::auth::Visibility;
use crate::error::Result;
use chrono::{DateTime, Utc};
use entity::{revision, RecordKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};

/// One page of the revisions of one record, oldest first; empty when `vis` may not see the
/// record.
pub async fn page(
    db: &DatabaseConnection,
    vis: Visibility,
    kind: RecordKind,
    id: i32,
    args: PageArgs,
    want_total: bool,
) -> Result<Page<revision::Model>> {
    if !records::is_visible(db, vis, kind, id).await? {
        return Ok(Page {
            items: Vec::new(),
            has_previous: false,
            has_next: false,
            total: want_total.then_some(0),
        });
    }
    let select = revision::Entity::find()
        .filter(revision::Column::RecordKind.eq(kind))
        .filter(revision::Column::RecordId.eq(id));
    paginate(db, select, revision::Column::Id, args, want_total).await
}

/// Revisions by id. Only editors and admins reach revisions directly (`node`); everyone else
/// reads them through the `history` of a record they may see.
pub async fn by_ids(
    db: &DatabaseConnection,
    vis: Visibility,
    ids: Vec<i32>,
) -> Result<Vec<revision::Model>> {
    if vis != Visibility::All {
        return Ok(Vec::new());
    }
    Ok(revision::Entity::find()
        .filter(revision::Column::Id.is_in(ids))
        .all(db)
        .await?)
}

/// One entry of the change feed: the revision, and whether the reader may see its record now.
pub struct Change {
    pub revision: revision::Model,
    /// False once the record was retracted (or a parent was): the feed still says that it
    /// changed, but no longer shows what it contained.
    pub record_visible: bool,
}

/// One page of the public change feed: revisions that changed what the public sees (a record
/// published, corrected while published, or retracted), written at or after `since`, oldest
/// first. The same entries for every reader: drafts' revisions and accounts' revisions are not
/// in it (editors read those through each record's `history`). Revision ids grow with time, so
/// paging by id is paging in the order the changes were made.
pub async fn changes(
    db: &DatabaseConnection,
    vis: Visibility,
    since: DateTime<Utc>,
    args: PageArgs,
    want_total: bool,
) -> Result<Page<Change>> {
    let select = revision::Entity::find()
        .filter(revision::Column::IsPublic.eq(true))
        .filter(revision::Column::RecordKind.ne(RecordKind::User))
        .filter(revision::Column::CreatedAt.gte(since));
    let page = paginate(db, select, revision::Column::Id, args, want_total).await?;
    let mut by_kind: HashMap<RecordKind, Vec<i32>> = HashMap::new();
    for r in &page.items {
        by_kind.entry(r.record_kind).or_default().push(r.record_id);
    }
    let mut visible: HashSet<(RecordKind, i32)> = HashSet::new();
    for (kind, ids) in by_kind {
        for id in records::visible_ids(db, vis, kind, ids).await? {
            visible.insert((kind, id));
        }
    }
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|revision| Change {
                record_visible: visible.contains(&(revision.record_kind, revision.record_id)),
                revision,
            })
            .collect(),
        has_previous: page.has_previous,
        has_next: page.has_next,
        total: page.total,
    })
}
