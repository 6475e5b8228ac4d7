//! Instruments.

use super::{id_in_keys, lower, search, Readable};
use crate::auth::Visibility;
use crate::error::Result;
use chrono::NaiveDate;
use entity::{forum, instrument, Bindingness, InstrumentKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

/// Which instruments to list.
#[derive(Debug, Clone, Default)]
pub struct InstrumentFilter {
    pub kinds: Option<Vec<InstrumentKind>>,
    pub bindingness: Option<Vec<Bindingness>>,
    pub forum: Option<String>,
    pub adopted_from: Option<NaiveDate>,
    pub adopted_to: Option<NaiveDate>,
    pub search: Option<String>,
    /// Only records changed (created, corrected, published) at or after this instant.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// An instrument by slug, case-insensitive.
pub async fn by_slug(
    db: &DatabaseConnection,
    vis: Visibility,
    slug: &str,
) -> Result<Option<instrument::Model>> {
    Ok(instrument::Entity::find()
        .filter(instrument::Entity::visible(vis))
        .filter(instrument::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The instruments matching `filter`.
pub fn select(vis: Visibility, filter: &InstrumentFilter) -> Select<instrument::Entity> {
    let mut q = instrument::Entity::find().filter(instrument::Entity::visible(vis));
    if let Some(kinds) = &filter.kinds {
        q = q.filter(instrument::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(b) = &filter.bindingness {
        q = q.filter(instrument::Column::Bindingness.is_in(b.iter().copied()));
    }
    if let Some(slug) = &filter.forum {
        q = q.filter(id_in_keys::<_, forum::Entity>(
            instrument::Column::ForumId,
            forum::Column::Slug,
            lower(std::slice::from_ref(slug)),
            vis,
        ));
    }
    if let Some(d) = filter.adopted_from {
        q = q.filter(instrument::Column::AdoptedOn.gte(d));
    }
    if let Some(d) = filter.adopted_to {
        q = q.filter(instrument::Column::AdoptedOn.lte(d));
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(
            &[
                instrument::Column::Title,
                instrument::Column::Symbol,
                instrument::Column::Slug,
            ],
            s,
        ));
    }
    super::changed_since(q, instrument::Column::UpdatedAt, filter.updated_since)
}
