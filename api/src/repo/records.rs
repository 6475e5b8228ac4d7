//! Any record by kind and id, as a reader may see it (`node`, `nodes`, history).

use super::Readable;
use crate::auth::Visibility;
use crate::error::Result;
use entity::*;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, PaginatorTrait, QueryFilter};

/// The records of table `E` with these ids that `vis` may see (in no particular order).
pub async fn by_ids<E: Readable>(
    db: &DatabaseConnection,
    vis: Visibility,
    ids: Vec<i32>,
) -> Result<Vec<E::Model>> {
    Ok(E::find()
        .filter(E::id_column().is_in(ids))
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
