//! The audit log of a record.

use super::{paginate, Page, PageArgs};
use crate::error::Result;
use entity::{revision, RecordKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// One page of the revisions of one record, oldest first.
pub async fn page(
    db: &DatabaseConnection,
    kind: RecordKind,
    id: i32,
    args: PageArgs,
    want_total: bool,
) -> Result<Page<revision::Model>> {
    let select = revision::Entity::find()
        .filter(revision::Column::RecordKind.eq(kind))
        .filter(revision::Column::RecordId.eq(id));
    paginate(db, select, revision::Column::Id, args, want_total).await
}
