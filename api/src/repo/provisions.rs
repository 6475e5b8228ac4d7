//! Provisions.

use super::{id_in_keys, lower, search, Readable};
use crate::auth::Visibility;
use crate::error::Result;
use entity::{instrument, provision, ProvisionKind};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select};

/// Which provisions to list.
#[derive(Debug, Clone, Default)]
pub struct ProvisionFilter {
    pub kinds: Option<Vec<ProvisionKind>>,
    pub codes: Option<Vec<String>>,
    pub instrument: Option<String>,
    pub search: Option<String>,
    /// Only records changed (created, corrected, published) at or after this instant.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A provision by code, case-insensitive.
pub async fn by_code(
    db: &DatabaseConnection,
    vis: Visibility,
    code: &str,
) -> Result<Option<provision::Model>> {
    Ok(provision::Entity::find()
        .filter(provision::Entity::visible(vis))
        .filter(provision::Column::Code.eq(code.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The provisions matching `filter`.
pub fn select(vis: Visibility, filter: &ProvisionFilter) -> Select<provision::Entity> {
    let mut q = provision::Entity::find().filter(provision::Entity::visible(vis));
    if let Some(kinds) = &filter.kinds {
        q = q.filter(provision::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(codes) = &filter.codes {
        q = q.filter(provision::Column::Code.is_in(lower(codes)));
    }
    if let Some(slug) = &filter.instrument {
        q = q.filter(id_in_keys::<_, instrument::Entity>(
            provision::Column::InstrumentId,
            instrument::Column::Slug,
            lower(std::slice::from_ref(slug)),
            vis,
        ));
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(
            &[
                provision::Column::Title,
                provision::Column::Summary,
                provision::Column::Code,
            ],
            s,
        ));
    }
    super::changed_since(q, provision::Column::UpdatedAt, filter.updated_since)
}
