//! The registry's data version (see `entity::registry`): one primary-key read.

use crate::error::{Error, Result};
use entity::registry;
use sea_orm::{ConnectionTrait, EntityTrait};

/// The current data version and when it last advanced.
pub async fn current<C: ConnectionTrait>(db: &C) -> Result<registry::Model> {
    registry::Entity::find_by_id(registry::ROW)
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("the registry row is missing (migrations not run?)".into()))
}
