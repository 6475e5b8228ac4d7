//! Forums.

use crate::error::Result;
use entity::forum;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// A forum by slug, case-insensitive.
pub async fn by_slug(db: &DatabaseConnection, slug: &str) -> Result<Option<forum::Model>> {
    Ok(forum::Entity::find()
        .filter(forum::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}
