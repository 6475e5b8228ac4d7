//! Provisions.

use super::search;
use crate::auth::Visibility;
use crate::error::Result;
use crate::schema::provision::ProvisionFilter;
use entity::{instrument, provision};
use sea_orm::{
    sea_query::Query, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
};

/// A provision by code, case-insensitive.
pub async fn by_code(
    db: &DatabaseConnection,
    code: &str,
    vis: Visibility,
) -> Result<Option<provision::Model>> {
    Ok(provision::Entity::find()
        .filter(super::visible(
            vis,
            provision::Column::Status,
            provision::Column::CreatedBy,
        ))
        .filter(provision::Column::Code.eq(code.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The provisions matching `filter`.
pub fn select(filter: &ProvisionFilter, vis: Visibility) -> Select<provision::Entity> {
    let mut q = provision::Entity::find().filter(super::visible(
        vis,
        provision::Column::Status,
        provision::Column::CreatedBy,
    ));
    if let Some(kinds) = &filter.kinds {
        q = q.filter(provision::Column::Kind.is_in(kinds.iter().copied()));
    }
    if let Some(codes) = &filter.codes {
        q = q.filter(provision::Column::Code.is_in(codes.iter().map(|c| c.trim().to_lowercase())));
    }
    if let Some(slug) = &filter.instrument {
        q = q.filter(
            provision::Column::InstrumentId.in_subquery(
                Query::select()
                    .column(instrument::Column::Id)
                    .from(instrument::Entity)
                    .and_where(instrument::Column::Slug.eq(slug.trim().to_lowercase()))
                    .to_owned(),
            ),
        );
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
    q
}
