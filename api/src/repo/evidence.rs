//! Evidence of practice.

use super::{id_in_keys, lower, search, upper};
use crate::auth::Visibility;
use crate::error::Result;
use crate::schema::evidence::EvidenceFilter;
use entity::{assessment, evidence, evidence_state, provision, state, PublicationStatus};
use sea_orm::{
    sea_query::Query, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Select,
};

/// Published evidence by slug.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
    vis: Visibility,
) -> Result<Option<evidence::Model>> {
    Ok(evidence::Entity::find()
        .filter(super::visible(
            vis,
            evidence::Column::Status,
            evidence::Column::CreatedBy,
        ))
        .filter(evidence::Column::Slug.eq(slug.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The published evidence matching `filter`.
pub fn select(filter: &EvidenceFilter, vis: Visibility) -> Select<evidence::Entity> {
    let mut q = evidence::Entity::find().filter(super::visible(
        vis,
        evidence::Column::Status,
        evidence::Column::CreatedBy,
    ));
    if let Some(codes) = &filter.states {
        q = q.filter(
            evidence::Column::Id.in_subquery(
                Query::select()
                    .column(evidence_state::Column::EvidenceId)
                    .from(evidence_state::Entity)
                    .and_where(id_in_keys(
                        evidence_state::Column::StateId,
                        state::Entity,
                        state::Column::Id,
                        state::Column::Code,
                        upper(codes),
                    ))
                    .to_owned(),
            ),
        );
    }
    if let Some(codes) = &filter.provisions {
        q = q.filter(
            evidence::Column::Id.in_subquery(
                Query::select()
                    .column(assessment::Column::EvidenceId)
                    .from(assessment::Entity)
                    .and_where(assessment::Column::Status.eq(PublicationStatus::Published))
                    .and_where(id_in_keys(
                        assessment::Column::ProvisionId,
                        provision::Entity,
                        provision::Column::Id,
                        provision::Column::Code,
                        lower(codes),
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
        // Anything still going on at or after the day: ended on/after it, or open-ended and
        // begun before it.
        q = q.filter(
            sea_orm::Condition::any()
                .add(evidence::Column::OccurredFrom.gte(d.0))
                .add(evidence::Column::OccurredTo.gte(d.0)),
        );
    }
    if let Some(d) = filter.occurred_to {
        q = q.filter(evidence::Column::OccurredFrom.lte(d.0));
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
    q
}
