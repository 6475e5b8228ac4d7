//! Positions.

use super::{id_in_keys, lower, search, upper};
use crate::auth::Visibility;
use crate::schema::position::PositionFilter;
use entity::{forum, instrument, position, provision, state};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Select};

/// The published positions matching `filter`.
pub fn select(filter: &PositionFilter, vis: Visibility) -> Select<position::Entity> {
    let mut q = position::Entity::find().filter(super::visible(
        vis,
        position::Column::Status,
        position::Column::CreatedBy,
    ));
    if let Some(codes) = &filter.states {
        q = q.filter(id_in_keys(
            position::Column::StateId,
            state::Entity,
            state::Column::Id,
            state::Column::Code,
            upper(codes),
        ));
    }
    if let Some(slugs) = &filter.forums {
        q = q.filter(id_in_keys(
            position::Column::ForumId,
            forum::Entity,
            forum::Column::Id,
            forum::Column::Slug,
            lower(slugs),
        ));
    }
    if let Some(slugs) = &filter.instruments {
        q = q.filter(id_in_keys(
            position::Column::InstrumentId,
            instrument::Entity,
            instrument::Column::Id,
            instrument::Column::Slug,
            lower(slugs),
        ));
    }
    if let Some(codes) = &filter.provisions {
        q = q.filter(id_in_keys(
            position::Column::ProvisionId,
            provision::Entity,
            provision::Column::Id,
            provision::Column::Code,
            lower(codes),
        ));
    }
    if let Some(k) = &filter.kinds {
        q = q.filter(position::Column::Kind.is_in(k.iter().copied()));
    }
    if let Some(s) = &filter.stances {
        q = q.filter(position::Column::Stance.is_in(s.iter().copied()));
    }
    if let Some(d) = filter.date_from {
        q = q.filter(position::Column::Date.gte(d.0));
    }
    if let Some(d) = filter.date_to {
        q = q.filter(position::Column::Date.lte(d.0));
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(&[position::Column::Summary], s));
    }
    q
}
