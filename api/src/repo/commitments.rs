//! Commitments.

use super::{id_in_keys, lower, upper, Readable};
use crate::auth::Visibility;
use chrono::NaiveDate;
use entity::{commitment, forum, instrument, provision, state, CommitmentAct, CommitmentModality};
use sea_orm::{sea_query::Query, ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

/// Which commitments to list.
#[derive(Debug, Clone, Default)]
pub struct CommitmentFilter {
    pub states: Option<Vec<String>>,
    pub instruments: Option<Vec<String>>,
    pub forums: Option<Vec<String>>,
    /// A provision code: commitments to the instrument that contains it.
    pub provision: Option<String>,
    pub acts: Option<Vec<CommitmentAct>>,
    pub modalities: Option<Vec<CommitmentModality>>,
    pub valid_from_after: Option<NaiveDate>,
    pub valid_from_before: Option<NaiveDate>,
    /// Only records changed (created, corrected, published) at or after this instant.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// The commitments matching `filter`.
pub fn select(vis: Visibility, filter: &CommitmentFilter) -> Select<commitment::Entity> {
    let mut q = commitment::Entity::find().filter(commitment::Entity::visible(vis));
    if let Some(codes) = &filter.states {
        q = q.filter(id_in_keys::<_, state::Entity>(
            commitment::Column::StateId,
            state::Column::Code,
            upper(codes),
            vis,
        ));
    }
    if let Some(slugs) = &filter.instruments {
        q = q.filter(id_in_keys::<_, instrument::Entity>(
            commitment::Column::InstrumentId,
            instrument::Column::Slug,
            lower(slugs),
            vis,
        ));
    }
    if let Some(slugs) = &filter.forums {
        q = q.filter(id_in_keys::<_, forum::Entity>(
            commitment::Column::ForumId,
            forum::Column::Slug,
            lower(slugs),
            vis,
        ));
    }
    if let Some(code) = &filter.provision {
        // Commitments to the instrument that contains the provision (if the reader may see it).
        q = q.filter(
            commitment::Column::InstrumentId.in_subquery(
                Query::select()
                    .column(provision::Column::InstrumentId)
                    .from(provision::Entity)
                    .cond_where(
                        Condition::all()
                            .add(provision::Column::Code.eq(code.trim().to_lowercase()))
                            .add(provision::Entity::visible(vis)),
                    )
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
        q = q.filter(commitment::Column::ValidFrom.gte(d));
    }
    if let Some(d) = filter.valid_from_before {
        q = q.filter(commitment::Column::ValidFrom.lte(d));
    }
    super::changed_since(q, commitment::Column::UpdatedAt, filter.updated_since)
}
