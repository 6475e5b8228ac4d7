//! Positions.

use super::{id_in_keys, lower, search, upper, Readable};
use crate::auth::Visibility;
use chrono::NaiveDate;
use entity::{forum, instrument, position, provision, state, PositionKind, Stance};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

/// Which positions to list.
#[derive(Debug, Clone, Default)]
pub struct PositionFilter {
    pub states: Option<Vec<String>>,
    pub forums: Option<Vec<String>>,
    pub instruments: Option<Vec<String>>,
    pub provisions: Option<Vec<String>>,
    pub kinds: Option<Vec<PositionKind>>,
    pub stances: Option<Vec<Stance>>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub search: Option<String>,
    /// Only records changed (created, corrected, published) at or after this instant.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The positions matching `filter`.
pub fn select(vis: Visibility, filter: &PositionFilter) -> Select<position::Entity> {
    let mut q = position::Entity::find().filter(position::Entity::visible(vis));
    if let Some(codes) = &filter.states {
        q = q.filter(id_in_keys::<_, state::Entity>(
            position::Column::StateId,
            state::Column::Code,
            upper(codes),
            vis,
        ));
    }
    if let Some(slugs) = &filter.forums {
        q = q.filter(id_in_keys::<_, forum::Entity>(
            position::Column::ForumId,
            forum::Column::Slug,
            lower(slugs),
            vis,
        ));
    }
    if let Some(slugs) = &filter.instruments {
        q = q.filter(id_in_keys::<_, instrument::Entity>(
            position::Column::InstrumentId,
            instrument::Column::Slug,
            lower(slugs),
            vis,
        ));
    }
    if let Some(codes) = &filter.provisions {
        q = q.filter(id_in_keys::<_, provision::Entity>(
            position::Column::ProvisionId,
            provision::Column::Code,
            lower(codes),
            vis,
        ));
    }
    if let Some(k) = &filter.kinds {
        q = q.filter(position::Column::Kind.is_in(k.iter().copied()));
    }
    if let Some(s) = &filter.stances {
        q = q.filter(position::Column::Stance.is_in(s.iter().copied()));
    }
    if let Some(d) = filter.date_from {
        q = q.filter(position::Column::Date.gte(d));
    }
    if let Some(d) = filter.date_to {
        q = q.filter(position::Column::Date.lte(d));
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(&[position::Column::Summary], s));
    }
    super::changed_since(q, position::Column::UpdatedAt, filter.updated_since)
}
