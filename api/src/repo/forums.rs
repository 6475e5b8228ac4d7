//! Forums.

use super::Readable;
use crate::auth::Visibility;
use crate::error::Result;
use chrono::{DateTime, Utc};
use entity::forum;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

/// A forum by slug, case-insensitive.
pub async fn by_slug(
    db: &DatabaseConnection,
    vis: Visibility,
    slug: &str,
) -> Result<Option<forum::Model>> {
    Ok(forum::Entity::find()
        .filter(forum::Entity::visible(vis))
        .filter(forum::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// Every forum the reader may see.
pub fn select(vis: Visibility, updated_since: Option<DateTime<Utc>>) -> Select<forum::Entity> {
    let q = forum::Entity::find().filter(forum::Entity::visible(vis));
    super::changed_since(q, forum::Column::UpdatedAt, updated_since)
}
