//! Any record by kind and id, as a reader may see it (`node`, `nodes`, history).

use super::Readable;
use crate::auth::Visibility;
use crate::error::Result;
use entity::*;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, PaginatorTrait, QueryFilter, QuerySelect,
};
use std::collections::HashSet;

/// The records of table `E` with these ids that `vis` may see (in no particular order).
pub async fn by_ids<E: Readable>(
    db: &DatabaseConnection,
    vis: Visibility,
    ids: Vec<i32>,
) -> Result<Vec<E::Model>> {
    Ok(E::find()
        .filter(super::among(db, E::id_column(), &ids))
        .filter(E::visible(vis))
        .all(db)
        .await?)
}

async fn visible<E: Readable>(db: &impl ConnectionTrait, vis: Visibility, id: i32) -> Result<bool> {
    Ok(E::find()
        .filter(E::id_column().eq(id))
        .filter(E::visible(vis))
        .count(db)
        .await?
        > 0)
}

/// Whether `vis` may see the record `kind`/`id`. Accounts are seen by editors and admins only.
pub async fn is_visible(
    db: &impl ConnectionTrait,
    vis: Visibility,
    kind: RecordKind,
    id: i32,
) -> Result<bool> {
    use RecordKind as K;
    match kind {
        K::State => visible::<state::Entity>(db, vis, id).await,
        K::Forum => visible::<forum::Entity>(db, vis, id).await,
        K::Membership => visible::<membership::Entity>(db, vis, id).await,
        K::Instrument => visible::<instrument::Entity>(db, vis, id).await,
        K::Provision => visible::<provision::Entity>(db, vis, id).await,
        K::ProvisionLink => visible::<provision_link::Entity>(db, vis, id).await,
        K::Commitment => visible::<commitment::Entity>(db, vis, id).await,
        K::Position => visible::<position::Entity>(db, vis, id).await,
        K::Evidence => visible::<evidence::Entity>(db, vis, id).await,
        K::Assessment => visible::<assessment::Entity>(db, vis, id).await,
        K::Source => visible::<source::Entity>(db, vis, id).await,
        K::User => Ok(vis == Visibility::All),
    }
}

async fn visible_of<E: Readable>(
    db: &impl ConnectionTrait,
    vis: Visibility,
    ids: Vec<i32>,
) -> Result<HashSet<i32>> {
    let found: Vec<i32> = E::find()
        .select_only()
        .column(E::id_column())
        .filter(super::among(db, E::id_column(), &ids))
        .filter(E::visible(vis))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// Which of the records `kind`/`ids` `vis` may see now, in one statement.
pub async fn visible_ids(
    db: &impl ConnectionTrait,
    vis: Visibility,
    kind: RecordKind,
    ids: Vec<i32>,
) -> Result<HashSet<i32>> {
    use RecordKind as K;
    match kind {
        K::State => visible_of::<state::Entity>(db, vis, ids).await,
        K::Forum => visible_of::<forum::Entity>(db, vis, ids).await,
        K::Membership => visible_of::<membership::Entity>(db, vis, ids).await,
        K::Instrument => visible_of::<instrument::Entity>(db, vis, ids).await,
        K::Provision => visible_of::<provision::Entity>(db, vis, ids).await,
        K::ProvisionLink => visible_of::<provision_link::Entity>(db, vis, ids).await,
        K::Commitment => visible_of::<commitment::Entity>(db, vis, ids).await,
        K::Position => visible_of::<position::Entity>(db, vis, ids).await,
        K::Evidence => visible_of::<evidence::Entity>(db, vis, ids).await,
        K::Assessment => visible_of::<assessment::Entity>(db, vis, ids).await,
        K::Source => visible_of::<source::Entity>(db, vis, ids).await,
        K::User if vis == Visibility::All => Ok(ids.into_iter().collect()),
        K::User => Ok(HashSet::new()),
    }
}
