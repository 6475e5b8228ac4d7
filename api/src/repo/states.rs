//! States: lookup by code and filtered lists.

use super::{id_in_keys, lower, search, Readable};
use crate::auth::Visibility;
use crate::error::Result;
use entity::{forum, membership, state};
use sea_orm::{
    sea_query::Query, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
};

/// Which states to list.
#[derive(Debug, Clone, Default)]
pub struct StateFilter {
    pub codes: Option<Vec<String>>,
    pub region: Option<String>,
    pub subregion: Option<String>,
    pub un_member: Option<bool>,
    /// Forum slug: states with a (visible) membership in it.
    pub forum: Option<String>,
    pub search: Option<String>,
    /// Only records changed (created, corrected, published) at or after this instant.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A state by ISO alpha-3 code, case-insensitive.
pub async fn by_code(
    db: &DatabaseConnection,
    vis: Visibility,
    code: &str,
) -> Result<Option<state::Model>> {
    Ok(state::Entity::find()
        .filter(state::Entity::visible(vis))
        .filter(state::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?)
}

/// The states matching `filter`.
pub fn select(vis: Visibility, filter: &StateFilter) -> Select<state::Entity> {
    let mut q = state::Entity::find().filter(state::Entity::visible(vis));
    if let Some(codes) = &filter.codes {
        q = q.filter(state::Column::Code.is_in(super::upper(codes)));
    }
    if let Some(r) = &filter.region {
        q = q.filter(state::Column::Region.eq(r.as_str()));
    }
    if let Some(r) = &filter.subregion {
        q = q.filter(state::Column::Subregion.eq(r.as_str()));
    }
    if let Some(m) = filter.un_member {
        q = q.filter(state::Column::UnMember.eq(m));
    }
    if let Some(slug) = &filter.forum {
        // Through memberships the reader may see, in a forum the reader may see.
        q = q.filter(
            state::Column::Id.in_subquery(
                Query::select()
                    .column(membership::Column::StateId)
                    .from(membership::Entity)
                    .cond_where(Condition::all().add(membership::Entity::visible(vis)).add(
                        id_in_keys::<_, forum::Entity>(
                            membership::Column::ForumId,
                            forum::Column::Slug,
                            lower(std::slice::from_ref(slug)),
                            vis,
                        ),
                    ))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(&[state::Column::Name, state::Column::Code], s));
    }
    super::changed_since(q, state::Column::UpdatedAt, filter.updated_since)
}
