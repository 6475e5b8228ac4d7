//! Commitments.

use super::{id_in_keys, lower, upper};
use crate::auth::Visibility;
use crate::schema::commitment::CommitmentFilter;
use entity::{commitment, forum, instrument, provision, state};
use sea_orm::{sea_query::Query, ColumnTrait, EntityTrait, QueryFilter, Select};

/// The published commitments matching `filter`.
pub fn select(filter: &CommitmentFilter, vis: Visibility) -> Select<commitment::Entity> {
    let mut q = commitment::Entity::find().filter(super::visible(
        vis,
        commitment::Column::Status,
        commitment::Column::CreatedBy,
    ));
    if let Some(codes) = &filter.states {
        q = q.filter(id_in_keys(
            commitment::Column::StateId,
            state::Entity,
            state::Column::Id,
            state::Column::Code,
            upper(codes),
        ));
    }
    if let Some(slugs) = &filter.instruments {
        q = q.filter(id_in_keys(
            commitment::Column::InstrumentId,
            instrument::Entity,
            instrument::Column::Id,
            instrument::Column::Slug,
            lower(slugs),
        ));
    }
    if let Some(slugs) = &filter.forums {
        q = q.filter(id_in_keys(
            commitment::Column::ForumId,
            forum::Entity,
            forum::Column::Id,
            forum::Column::Slug,
            lower(slugs),
        ));
    }
    if let Some(code) = &filter.provision {
        // Commitments to the instrument that contains the provision.
        q = q.filter(
            commitment::Column::InstrumentId.in_subquery(
                Query::select()
                    .column(provision::Column::InstrumentId)
                    .from(provision::Entity)
                    .and_where(provision::Column::Code.eq(code.trim().to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(acts) = &filter.acts {
        q = q.filter(commitment::Column::Act.is_in(acts.iter().copied()));
    }
    if let Some(m) = &filter.modalities {
        q = q.filter(commitment::Column::Modality.is_in(m.iter().copied()));
    }
    if let Some(d) = filter.valid_from_after {
        q = q.filter(commitment::Column::ValidFrom.gte(d.0));
    }
    if let Some(d) = filter.valid_from_before {
        q = q.filter(commitment::Column::ValidFrom.lte(d.0));
    }
    q
}
