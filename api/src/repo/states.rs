//! States: lookup by code and filtered lists.

use super::search;
use crate::auth::Visibility;
use crate::error::Result;
use crate::schema::state::StateFilter;
use entity::{forum, membership, state};
use sea_orm::{
    sea_query::{ExprTrait, Query},
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
};

/// A state by ISO alpha-3 code, case-insensitive.
pub async fn by_code(
    db: &DatabaseConnection,
    code: &str,
    vis: Visibility,
) -> Result<Option<state::Model>> {
    Ok(state::Entity::find()
        .filter(super::visible(
            vis,
            state::Column::Status,
            state::Column::CreatedBy,
        ))
        .filter(state::Column::Code.eq(code.trim().to_uppercase()))
        .one(db)
        .await?)
}

/// The states matching `filter`.
pub fn select(filter: &StateFilter, vis: Visibility) -> Select<state::Entity> {
    let mut q = state::Entity::find().filter(super::visible(
        vis,
        state::Column::Status,
        state::Column::CreatedBy,
    ));
    if let Some(codes) = &filter.codes {
        q = q.filter(state::Column::Code.is_in(codes.iter().map(|c| c.trim().to_uppercase())));
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
        q = q.filter(
            state::Column::Id.in_subquery(
                Query::select()
                    .column(membership::Column::StateId)
                    .from(membership::Entity)
                    .inner_join(
                        forum::Entity,
                        sea_orm::sea_query::Expr::col((forum::Entity, forum::Column::Id))
                            .equals((membership::Entity, membership::Column::ForumId)),
                    )
                    .and_where(forum::Column::Slug.eq(slug.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(&[state::Column::Name, state::Column::Code], s));
    }
    q
}
