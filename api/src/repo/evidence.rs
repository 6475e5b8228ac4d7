//! Evidence of practice.

use super::{id_in_keys, lower, search, upper, Readable};
use crate::auth::Visibility;
use crate::error::Result;
use chrono::NaiveDate;
use entity::{
    assessment, evidence, evidence_state, provision, state, AttributionStatus, EvidenceKind,
};
use sea_orm::{
    sea_query::Query, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Select,
};

/// Which evidence to list.
#[derive(Debug, Clone, Default)]
pub struct EvidenceFilter {
    pub states: Option<Vec<String>>,
    pub provisions: Option<Vec<String>>,
    pub kinds: Option<Vec<EvidenceKind>>,
    pub attribution: Option<Vec<AttributionStatus>>,
    pub occurred_from: Option<NaiveDate>,
    pub occurred_to: Option<NaiveDate>,
    pub search: Option<String>,
    /// Only records changed (created, corrected, published) at or after this instant.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Evidence by slug.
pub async fn by_slug(
    db: &DatabaseConnection,
    vis: Visibility,
    slug: &str,
) -> Result<Option<evidence::Model>> {
    Ok(evidence::Entity::find()
        .filter(evidence::Entity::visible(vis))
        .filter(evidence::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The evidence matching `filter`.
pub fn select(vis: Visibility, filter: &EvidenceFilter) -> Select<evidence::Entity> {
    let mut q = evidence::Entity::find().filter(evidence::Entity::visible(vis));
    if let Some(codes) = &filter.states {
        q = q.filter(
            evidence::Column::Id.in_subquery(
                Query::select()
                    .column(evidence_state::Column::EvidenceId)
                    .from(evidence_state::Entity)
                    .and_where(id_in_keys::<_, state::Entity>(
                        evidence_state::Column::StateId,
                        state::Column::Code,
                        upper(codes),
                        vis,
                    ))
                    .to_owned(),
            ),
        );
    }
    if let Some(codes) = &filter.provisions {
        // Evidence with an assessment the reader may see against one of the provisions.
        q = q.filter(
            evidence::Column::Id.in_subquery(
                Query::select()
                    .column(assessment::Column::EvidenceId)
                    .from(assessment::Entity)
                    .cond_where(Condition::all().add(assessment::Entity::visible(vis)).add(
                        id_in_keys::<_, provision::Entity>(
                            assessment::Column::ProvisionId,
                            provision::Column::Code,
                            lower(codes),
                            vis,
                        ),
                    ))
                    .to_owned(),
            ),
        );
    }
    if let Some(k) = &filter.kinds {
        q = q.filter(evidence::Column::Kind.is_in(k.iter().copied()));
    }
    if let Some(a) = &filter.attribution {
        q = q.filter(evidence::Column::AttributionStatus.is_in(a.iter().copied()));
    }
    if let Some(d) = filter.occurred_from {
        // Anything still going on at or after the day: ended on/after it, or begun on/after it.
        q = q.filter(
            Condition::any()
                .add(evidence::Column::OccurredFrom.gte(d))
                .add(evidence::Column::OccurredTo.gte(d)),
        );
    }
    if let Some(d) = filter.occurred_to {
        q = q.filter(evidence::Column::OccurredFrom.lte(d));
    }
    if let Some(s) = &filter.search {
        q = q.filter(search(
            &[
                evidence::Column::Title,
                evidence::Column::Summary,
                evidence::Column::Slug,
            ],
            s,
        ));
    }
    super::changed_since(q, evidence::Column::UpdatedAt, filter.updated_since)
}
