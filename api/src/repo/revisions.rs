//! The audit log of a record. Who wrote is personal data: see `schema::revision` for what each
//! reader is shown of it.

use super::{paginate, records, Page, PageArgs};
use crate::auth::Visibility;
use crate::error::Result;
use entity::{revision, RecordKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

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
