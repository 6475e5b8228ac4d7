//! Forums.

use crate::auth::Visibility;
use crate::error::Result;
use entity::forum;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

/// A forum by slug, case-insensitive.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
    vis: Visibility,
) -> Result<Option<forum::Model>> {
    Ok(forum::Entity::find()
        .filter(super::visible(
            vis,
            forum::Column::Status,
            forum::Column::CreatedBy,
        ))
        .filter(forum::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}
