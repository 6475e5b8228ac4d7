//! Instruments.

use super::search;
use crate::auth::Visibility;
use crate::error::Result;
use crate::schema::instrument::InstrumentFilter;
use entity::{forum, instrument};
use sea_orm::{
    sea_query::Query, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
};

/// An instrument by slug, case-insensitive.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
    vis: Visibility,
) -> Result<Option<instrument::Model>> {
    Ok(instrument::Entity::find()
        .filter(super::visible(
            vis,
            instrument::Column::Status,
            instrument::Column::CreatedBy,
        ))
        .filter(instrument::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The instruments matching `filter`.
pub fn select(filter: &InstrumentFilter, vis: Visibility) -> Select<instrument::Entity> {
    let mut q = instrument::Entity::find().filter(super::visible(
        vis,
        instrument::Column::Status,
        instrument::Column::CreatedBy,
    ));
    if let Some(kinds) = &filter.kinds {
        q = q.filter(instrument::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(b) = &filter.bindingness {
        q = q.filter(instrument::Column::Bindingness.is_in(b.iter().copied()));
    }
    if let Some(slug) = &filter.forum {
        q = q.filter(
            instrument::Column::ForumId.in_subquery(
                Query::select()
                    .column(forum::Column::Id)
                    .from(forum::Entity)
                    .and_where(forum::Column::Slug.eq(slug.trim().to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(d) = filter.adopted_from {
        q = q.filter(instrument::Column::AdoptedOn.gte(d.0));
    }
    if let Some(d) = filter.adopted_to {
        q = q.filter(instrument::Column::AdoptedOn.lte(d.0));
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
    q
}
