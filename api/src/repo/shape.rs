//! How large the registry's lists are: the numbers the cost model multiplies by.
//!
//! A relation field such as `Forum.memberships` returns every membership of the forum, so what
//! it costs depends on the data: the cost model (`crate::cost`) charges each such field the
//! largest number of children any parent has now, measured here. The counts include records of
//! what the public sees (published records whose parents and sources are published), so that the
//! cost of a query says nothing about drafts: adding a draft never changes what an anonymous
//! reader is charged. Editors and admins, who also see drafts, may get lists a little longer than
//! they were charged for; they are signed in and have their own budget.

use super::{visible_ids, Readable};
use crate::auth::Visibility;
use crate::error::Result;
use chrono::Utc;
use entity::*;
use sea_orm::{
    sea_query::Expr, ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect,
};

/// The public's view: what the cost of an anonymous query may depend on.
const PUBLIC: Visibility = Visibility::Public;

/// The sizes the cost model needs. `Default` is an empty registry (every list has length 0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    pub states: u64,
    pub forums: u64,
    /// Bundled lists described by `datasets`.
    pub datasets: u64,
    /// Provisions per kind, in the order NORM, CONFIDENCE_BUILDING_MEASURE,
    /// HUMAN_RIGHTS_OBLIGATION.
    pub provisions_by_kind: [u64; 3],
    /// The most sources one record cites.
    pub sources_per_record: u64,
    pub memberships_per_state: u64,
    pub memberships_per_forum: u64,
    pub commitments_per_state: u64,
    pub commitments_per_instrument: u64,
    pub positions_per_state: u64,
    pub evidence_per_state: u64,
    pub instruments_per_forum: u64,
    pub children_per_forum: u64,
    pub provisions_per_instrument: u64,
    /// Crosswalk links from plus links to one provision (each side's maximum, added).
    pub links_per_provision: u64,
    pub assessments_per_evidence: u64,
    pub assessments_per_provision: u64,
    /// The most assessments of one state on one provision (what one gap lists).
    pub assessments_per_gap: u64,
    pub states_per_evidence: u64,
    pub reservations_per_commitment: u64,
    /// Inconsistencies found today, of every reason (so a bound whatever `reasons` a query
    /// asks for): in all and for the state with the most.
    pub inconsistencies: u64,
    pub inconsistencies_per_state: u64,
}

impl Shape {
    /// Every provision, of all kinds.
    pub fn provisions(&self) -> u64 {
        self.provisions_by_kind.iter().sum()
    }
}

/// The largest group of `E` rows sharing `columns` among the rows matching `cond` (0 when
/// none match).
async fn largest_group<E, C>(db: &DatabaseConnection, columns: &[C], cond: Condition) -> Result<u64>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let mut select = E::find().select_only().filter(cond);
    for c in columns {
        select = select.group_by(*c);
    }
    let counts: Vec<i64> = select
        .expr_as(Expr::cust("COUNT(*)"), "n")
        .into_tuple::<(i64,)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(n,)| n)
        .collect();
    Ok(counts.into_iter().max().unwrap_or(0).max(0) as u64)
}

/// The largest group of visible `E` records sharing `column`.
async fn largest<E: Readable>(db: &DatabaseConnection, column: E::Column) -> Result<u64> {
    largest_group::<E, _>(db, &[column], E::visible(PUBLIC)).await
}

/// `column IN (ids of the records of E the public sees)`.
fn visible_in<C: ColumnTrait, E: Readable>(column: C) -> Condition {
    Condition::all().add(column.in_subquery(visible_ids::<E>(PUBLIC)))
}

/// Citations of records the public sees, of any kind.
fn visible_citations() -> Condition {
    use record_source::Column as C;
    let of = |kind: RecordKind, ids: sea_orm::sea_query::SelectStatement| {
        Condition::all()
            .add(C::RecordKind.eq(kind))
            .add(C::RecordId.in_subquery(ids))
    };
    let records = Condition::any()
        .add(of(RecordKind::State, visible_ids::<state::Entity>(PUBLIC)))
        .add(of(RecordKind::Forum, visible_ids::<forum::Entity>(PUBLIC)))
        .add(of(
            RecordKind::Membership,
            visible_ids::<membership::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::Instrument,
            visible_ids::<instrument::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::Provision,
            visible_ids::<provision::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::ProvisionLink,
            visible_ids::<provision_link::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::Commitment,
            visible_ids::<commitment::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::Position,
            visible_ids::<position::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::Evidence,
            visible_ids::<evidence::Entity>(PUBLIC),
        ))
        .add(of(
            RecordKind::Assessment,
            visible_ids::<assessment::Entity>(PUBLIC),
        ));
    Condition::all()
        .add(records)
        .add(visible_in::<_, source::Entity>(C::SourceId))
}

/// Measures the registry now, as the public sees it: about twenty GROUP BY statements and one
/// run of the inconsistency rules.
pub async fn measure(db: &DatabaseConnection) -> Result<Shape> {
    let mut by_kind = [0u64; 3];
    for (i, kind) in [
        ProvisionKind::Norm,
        ProvisionKind::ConfidenceBuildingMeasure,
        ProvisionKind::HumanRightsObligation,
    ]
    .into_iter()
    .enumerate()
    {
        by_kind[i] = provision::Entity::find()
            .filter(provision::Entity::visible(PUBLIC))
            .filter(provision::Column::Kind.eq(kind))
            .count(db)
            .await?;
    }
    let found = super::gaps::inconsistencies(db, None, Utc::now().date_naive()).await?;
    let mut per_state = std::collections::HashMap::<i32, u64>::new();
    for (state, _) in &found {
        *per_state.entry(*state).or_default() += 1;
    }
    let responsible = || {
        visible_in::<_, evidence::Entity>(evidence_state::Column::EvidenceId)
            .add(evidence_state::Column::StateId.in_subquery(visible_ids::<state::Entity>(PUBLIC)))
    };
    let reservations =
        visible_in::<_, commitment::Entity>(commitment_reservation::Column::CommitmentId).add(
            commitment_reservation::Column::ProvisionId
                .in_subquery(visible_ids::<provision::Entity>(PUBLIC)),
        );
    Ok(Shape {
        states: state::Entity::find()
            .filter(state::Entity::visible(PUBLIC))
            .count(db)
            .await?,
        forums: forum::Entity::find()
            .filter(forum::Entity::visible(PUBLIC))
            .count(db)
            .await?,
        datasets: dataset::Entity::find().count(db).await?,
        provisions_by_kind: by_kind,
        sources_per_record: largest_group::<record_source::Entity, _>(
            db,
            &[
                record_source::Column::RecordKind,
                record_source::Column::RecordId,
            ],
            visible_citations(),
        )
        .await?,
        memberships_per_state: largest::<membership::Entity>(db, membership::Column::StateId)
            .await?,
        memberships_per_forum: largest::<membership::Entity>(db, membership::Column::ForumId)
            .await?,
        commitments_per_state: largest::<commitment::Entity>(db, commitment::Column::StateId)
            .await?,
        commitments_per_instrument: largest::<commitment::Entity>(
            db,
            commitment::Column::InstrumentId,
        )
        .await?,
        positions_per_state: largest::<position::Entity>(db, position::Column::StateId).await?,
        evidence_per_state: largest_group::<evidence_state::Entity, _>(
            db,
            &[evidence_state::Column::StateId],
            responsible(),
        )
        .await?,
        instruments_per_forum: largest::<instrument::Entity>(db, instrument::Column::ForumId)
            .await?,
        children_per_forum: largest::<forum::Entity>(db, forum::Column::ParentId).await?,
        provisions_per_instrument: largest::<provision::Entity>(
            db,
            provision::Column::InstrumentId,
        )
        .await?,
        links_per_provision: largest::<provision_link::Entity>(db, provision_link::Column::FromId)
            .await?
            + largest::<provision_link::Entity>(db, provision_link::Column::ToId).await?,
        assessments_per_evidence: largest::<assessment::Entity>(db, assessment::Column::EvidenceId)
            .await?,
        assessments_per_provision: largest::<assessment::Entity>(
            db,
            assessment::Column::ProvisionId,
        )
        .await?,
        assessments_per_gap: largest_group::<assessment::Entity, _>(
            db,
            &[assessment::Column::StateId, assessment::Column::ProvisionId],
            assessment::Entity::visible(PUBLIC),
        )
        .await?,
        states_per_evidence: largest_group::<evidence_state::Entity, _>(
            db,
            &[evidence_state::Column::EvidenceId],
            responsible(),
        )
        .await?,
        reservations_per_commitment: largest_group::<commitment_reservation::Entity, _>(
            db,
            &[commitment_reservation::Column::CommitmentId],
            reservations,
        )
        .await?,
        inconsistencies: found.len() as u64,
        inconsistencies_per_state: per_state.values().copied().max().unwrap_or(0),
    })
}
